"""The people directory ("who knows about X") and the tag page's experts."""

from __future__ import annotations

from django.template.loader import render_to_string
from taggit.models import Tag

from profiles.actions import set_active, set_declared_topics
from profiles.expertise import experts_for_tag
from profiles.views import PEOPLE_PER_PAGE
from reports.expertise import recompute_expertise

HTMX = {"HX-Request": "true"}


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get("/people/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/people/"


def test_directory_lists_people_with_title_department_and_state(
    make_user, make_department, make_away, client_for
):
    eng = make_department("Engineering")
    make_user("maria", display_name="Maria Lopez", title="Manager", department=eng)
    make_away(make_user("ken", display_name="Ken Okafor"))
    set_active(user=make_user("leo", display_name="Leo Former"), active=False)
    text = client_for(make_user("me", display_name="Me Myself")).get("/people/").content.decode()
    assert "Maria Lopez" in text and "Manager · Engineering" in text
    assert "Away until" in text.split("Ken Okafor")[1].split("</li>")[0]
    assert "Former colleague" in text.split("Leo Former")[1].split("</li>")[0]
    # Current colleagues first, former ones last.
    assert text.index("Maria Lopez") < text.index("Leo Former")


def test_search_by_name_and_department(make_user, make_department, client_for):
    eng, sales = make_department("Engineering"), make_department("Sales")
    make_user("maria", display_name="Maria Lopez", department=eng)
    make_user("mario", display_name="Mario Rossi", department=sales)
    make_user("ken", display_name="Ken Okafor", department=eng)
    client = client_for(make_user())
    by_name = client.get("/people/", {"q": "mari"}).content.decode()
    assert "Maria Lopez" in by_name and "Mario Rossi" in by_name and "Ken Okafor" not in by_name
    both = client.get("/people/", {"q": "mari", "department": eng.pk}).content.decode()
    assert "Maria Lopez" in both and "Mario Rossi" not in both
    by_handle = client.get("/people/", {"q": "@ken"}).content.decode()
    assert "Ken Okafor" in by_handle and "Maria Lopez" not in by_handle


def test_search_by_topic_ranks_by_evidence_and_includes_declared(
    make_user, make_question, make_answer, client_for
):
    asker = make_user("asker", display_name="Asker")
    strong = make_user("strong", display_name="Strong Expert")
    weak = make_user("weak", display_name="Weak Expert")
    for author, n in ((strong, 3), (weak, 1)):
        for _ in range(n):
            make_answer(
                post=make_question(author=asker, tags=["kubernetes"]), author=author, accepted=True
            )
    set_declared_topics(user=make_user("says", display_name="Says So"), topics="kubernetes")
    make_user("other", display_name="Someone Else")
    recompute_expertise()

    text = client_for(asker).get("/people/", {"topic": "#Kubernetes"}).content.decode()
    assert "3 people who know about" in text
    assert text.index("Strong Expert") < text.index("Weak Expert") < text.index("Says So")
    assert "Someone Else" not in text
    assert 'title="3 accepted answers in #kubernetes"' in text


def test_unknown_topic_says_nobody_knows_yet(make_user, client_for):
    text = client_for(make_user()).get("/people/", {"topic": "quantum"}).content.decode()
    assert "Nobody has earned or declared #quantum yet" in text


def test_bad_department_keeps_the_form(make_user, client_for):
    response = client_for(make_user()).get("/people/", {"q": "Mar<ia", "department": "999"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Choose one of the departments." in text
    assert 'value="Mar&lt;ia"' in text


def test_htmx_search_returns_only_the_results(make_user, client_for):
    make_user("maria", display_name="Maria Lopez")
    response = client_for(make_user()).get("/people/", {"q": "maria"}, headers=HTMX)
    text = response.content.decode()
    assert "<html" not in text and "Maria Lopez" in text


def test_directory_is_paginated_and_keeps_the_search(make_user, make_department, client_for):
    eng = make_department("Engineering")
    for i in range(PEOPLE_PER_PAGE + 3):
        make_user(f"eng{i:02d}", display_name=f"Engineer {i:02d}", department=eng)
    client = client_for(make_user("viewer", display_name="Viewer"))
    first = client.get("/people/", {"department": eng.pk}).content.decode()
    assert f'href="?department={eng.pk}&amp;page=2"' in first
    second = client.get("/people/", {"department": eng.pk, "page": 2}).content.decode()
    assert "Engineer 22" in second and "Engineer 00" not in second


def test_directory_uses_constant_queries(
    make_user,
    make_department,
    make_question,
    make_answer,
    client_for,
    django_assert_max_num_queries,
):
    eng = make_department("Engineering")
    asker = make_user("asker")
    client = client_for(asker)

    def add(n, start):
        for i in range(start, start + n):
            person = make_user(f"p{i}", display_name=f"Person {i}", department=eng)
            make_answer(
                post=make_question(author=asker, tags=[f"t{i % 5}", "ops"]),
                author=person,
                accepted=True,
            )
            set_declared_topics(user=person, topics=f"d{i}")
        recompute_expertise()

    add(2, 0)
    # Session, user, the department asked for, the topic's tag, count, page, their earned
    # and declared topics, the bell, one's own profile (header), the department choices.
    with django_assert_max_num_queries(11):
        client.get("/people/", {"department": eng.pk, "topic": "ops"})
    add(25, 2)
    with django_assert_max_num_queries(11):
        response = client.get("/people/", {"department": eng.pk, "topic": "ops"})
    assert response.content.decode().count('class="person-row"') == PEOPLE_PER_PAGE


# --- The tag page's experts --------------------------------------------------------------


def test_tag_experts_partial_reads_in_three_queries(
    make_user, make_question, make_answer, make_away, django_assert_max_num_queries
):
    asker = make_user("asker")
    people = [make_user(f"p{i}", display_name=f"Person {i}") for i in range(12)]
    for i, person in enumerate(people):
        for _ in range(1 + i % 3):
            make_answer(
                post=make_question(author=asker, tags=["ops"]), author=person, accepted=True
            )
    make_away(people[0])
    for person in people[:3]:
        set_active(user=person, active=False)
    for i in range(3):
        set_declared_topics(user=make_user(f"d{i}"), topics="ops")
    recompute_expertise()
    tag = Tag.objects.get(name="ops")

    with django_assert_max_num_queries(3):
        html = render_to_string(
            "profiles/partials/tag_experts.html", {"experts": experts_for_tag(tag, limit=10)}
        )
    assert html.count(">Former colleague<") == 3
    assert "Who knows about #ops" in html


def test_tag_page_shows_who_knows_about_it(make_user, make_question, make_answer, client_for):
    asker = make_user("asker")
    expert = make_user("ken", display_name="Ken Okafor")
    make_answer(post=make_question(author=asker, tags=["kubernetes"]), author=expert, accepted=True)
    recompute_expertise()
    text = client_for(asker).get("/tags/kubernetes/").content.decode()
    section = text.split("Who knows about #kubernetes")[1]
    assert "Ken Okafor" in section and "1 accepted answer in #kubernetes" in section


def test_person_page_reads_topics_in_constant_queries(
    make_user, make_question, make_answer, client_for, django_assert_max_num_queries
):
    asker = make_user("asker")
    expert = make_user("ken")
    client = client_for(asker)

    def add(n):
        for i in range(n):
            make_answer(
                post=make_question(author=asker, tags=[f"t{i}"]), author=expert, accepted=True
            )
        recompute_expertise()

    add(1)
    with django_assert_max_num_queries(20) as few:
        client.get("/people/ken/")
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/people/ken/")
