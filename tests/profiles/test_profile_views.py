from __future__ import annotations

from profiles.models import Profile


def test_anonymous_is_sent_to_sign_in(client, db, make_user):
    make_user("maria")
    response = client.get("/people/maria/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/people/maria/"


def test_unknown_person_is_404(make_user, client_for):
    assert client_for(make_user()).get("/people/nobody-here/").status_code == 404


def test_colleague_profile_shows_their_details(make_user, make_department, client_for):
    maria = make_user(
        "maria", display_name="Maria Lopez", title="Manager", department=make_department("Eng")
    )
    response = client_for(make_user()).get("/people/maria/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Maria Lopez" in text and "Manager" in text and "Eng" in text
    assert maria.email in text
    assert 'class="button" href="/people/me/edit/"' not in text


def test_edit_profile_with_blank_name_keeps_what_was_typed(make_user, client_for):
    user = make_user("maria", display_name="Maria Lopez")
    response = client_for(user).post(
        "/people/me/edit/",
        {"display_name": "   ", "title": "Head of <b>Platform</b>", "location": "Lisbon"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Please give the name colleagues know you by." in text
    assert 'value="Head of &lt;b&gt;Platform&lt;/b&gt;"' in text  # kept, and escaped
    assert 'value="Lisbon"' in text
    assert Profile.objects.get(user=user).display_name == "Maria Lopez"


def test_edit_profile_saves_and_redirects(make_user, make_department, client_for):
    user = make_user("maria")
    dept = make_department("Platform")
    response = client_for(user).post(
        "/people/me/edit/",
        {
            "display_name": "María López",
            "title": "Head",
            "department": dept.pk,
            "location": "Porto",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/people/maria/"
    profile = Profile.objects.get(user=user)
    assert (profile.display_name, profile.department, profile.location) == (
        "María López",
        dept,
        "Porto",
    )


def test_edit_profile_htmx_returns_the_form_partial(make_user, client_for):
    client = client_for(make_user("maria"))
    response = client.post("/people/me/edit/", {"display_name": ""}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith("<form")
    assert "<html" not in text


def test_edit_profile_htmx_success_redirects_the_page(make_user, client_for):
    client = client_for(make_user("maria"))
    response = client.post(
        "/people/me/edit/", {"display_name": "Maria L"}, headers={"HX-Request": "true"}
    )
    assert response.headers["HX-Redirect"] == "/people/maria/"
