"""Each page: anonymous, forbidden (404, never 403), bad input kept, success, htmx partial."""

from __future__ import annotations

import pytest

from questions import actions
from questions.models import Bookmark, Like, Post


@pytest.fixture
def asker(make_user):
    return make_user("rita", display_name="Rita Ramos")


@pytest.fixture
def question(asker, make_question):
    return make_question(author=asker, title="How do we sign release builds?", tags=["release"])


@pytest.fixture
def secret(make_user, make_community, make_question):
    owner = make_user("owner")
    community = make_community("M&A", owner=owner, private=True)
    return make_question(author=owner, title="Secret deal?", community=community)


def test_home_shows_compose_box_and_tabs(make_user, client_for, question):
    response = client_for(make_user()).get("/?tab=all")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'action="/compose/"' in text
    assert "How do we sign release builds?" in text
    assert 'aria-current="page">All company' in text


def test_home_htmx_next_page_is_a_partial(make_user, make_question, client_for):
    author = make_user()
    for _ in range(25):
        make_question(author=author)
    client = client_for(make_user())
    first = client.get("/?tab=all").content.decode()
    cursor = first.split("after=")[1].split('"')[0].replace("&amp;", "&")
    response = client.get(f"/?tab=all&after={cursor}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert response.content.decode().count('class="post-card"') == 5


def test_compose_status_and_question(make_user, client_for):
    client = client_for(make_user())
    response = client.post("/compose/", {"kind": "status", "body": "Shipping the new CI today"})
    assert response.status_code == 302
    response = client.post("/compose/", {"kind": "question", "title": "Who owns CI?", "body": ""})
    assert response.status_code == 302
    assert Post.objects.filter(title="Who owns CI?", kind="question").exists()


def test_compose_bad_input_keeps_the_text_and_says_why(make_user, client_for):
    client = client_for(make_user())
    body = "<script>alert(1)</script> " + "@x " * 3
    response = client.post(
        "/compose/", {"kind": "status", "body": body, "tags": "ok, not/ok", "community": "999"}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Tags may use letters" in text
    assert "Choose one of your communities." in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # kept, escaped
    assert "<script>alert(1)" not in text
    assert not Post.objects.exists()


def test_compose_refuses_eleven_mentions_and_keeps_text(make_user, client_for):
    for i in range(11):
        make_user(f"p{i}")
    body = " ".join(f"@p{i}" for i in range(11))
    response = client_for(make_user()).post("/compose/", {"kind": "status", "body": body})
    assert response.status_code == 400
    assert "Mention at most 10 people" in response.content.decode()
    assert body in response.content.decode()


def test_ask_page(make_user, client_for):
    client = client_for(make_user())
    assert client.get("/ask/").status_code == 200
    bad = client.post("/ask/", {"title": "", "body": "details kept", "tags": ""})
    assert bad.status_code == 400 and "details kept" in bad.content.decode()
    good = client.post("/ask/", {"title": "Where is the VPN guide?", "body": "", "tags": "vpn"})
    assert good.status_code == 302


def test_xss_in_title_and_tag_is_escaped(make_user, client_for):
    client = client_for(make_user())
    client.post("/ask/", {"title": '<img src=x onerror="alert(1)">', "body": "", "tags": ""})
    post = Post.objects.get()
    text = client.get(post.get_absolute_url()).content.decode()
    assert '<img src=x onerror="alert(1)">' not in text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in text


def test_post_page_for_anonymous_redirects_and_for_outsider_is_404(
    client, make_user, client_for, question, secret
):
    assert client.get(question.get_absolute_url()).status_code == 302
    outsider = client_for(make_user())
    assert outsider.get(question.get_absolute_url()).status_code == 200
    for url in (
        secret.get_absolute_url(),
        f"/q/{secret.pk}/",
        f"/q/{secret.pk}/edit/",
        f"/c/{secret.community.slug}/",
    ):
        assert outsider.get(url).status_code == 404, url
    for url in (f"/q/{secret.pk}/answer/", f"/q/{secret.pk}/like/", f"/q/{secret.pk}/bookmark/"):
        assert outsider.post(url, {"body": "x"}).status_code == 404, url


def test_wrong_slug_redirects_to_the_canonical_url(make_user, client_for, question):
    response = client_for(make_user()).get(f"/q/{question.pk}/wrong/")
    assert response.status_code == 302
    assert response.headers["Location"] == question.get_absolute_url()


def test_answer_accept_and_like_flow(asker, make_user, client_for, question):
    answerer = make_user("ken")
    response = client_for(answerer).post(f"/q/{question.pk}/answer/", {"body": "Use **sigstore**."})
    assert response.status_code == 302
    answer = question.answers.get()
    assert (
        client_for(answerer).post(f"/q/{question.pk}/accept/", {"answer": answer.pk}).status_code
        == 404
    )
    assert (
        client_for(asker).post(f"/q/{question.pk}/accept/", {"answer": answer.pk}).status_code
        == 302
    )
    question.refresh_from_db()
    assert question.accepted_answer == answer
    liker = client_for(make_user())
    response = liker.post(f"/a/{answer.pk}/like/", {"liked": "1"}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200 and text.lstrip().startswith("<form")
    assert 'aria-pressed="true"' in text and '<span class="count">1</span>' in text
    response = liker.post(f"/a/{answer.pk}/like/", {"liked": "0"}, headers={"HX-Request": "true"})
    assert '<span class="count">0</span>' in response.content.decode()
    page = client_for(asker).get(question.get_absolute_url()).content.decode()
    assert "✓ Accepted answer" in page and "<strong>sigstore</strong>" in page


def test_empty_answer_is_refused_with_message(make_user, client_for, question):
    response = client_for(make_user()).post(f"/q/{question.pk}/answer/", {"body": "  "})
    assert response.status_code == 400
    assert "Write an answer before posting it." in response.content.decode()


def test_like_without_javascript_redirects_back(make_user, client_for, question):
    response = client_for(make_user()).post(f"/q/{question.pk}/like/", {"liked": "1"})
    assert response.status_code == 302
    assert Like.objects.filter(post=question).count() == 1


def test_edit_and_delete_are_for_the_author(asker, make_user, client_for, question):
    other = client_for(make_user())
    assert other.get(f"/q/{question.pk}/edit/").status_code == 404
    assert other.post(f"/q/{question.pk}/delete/").status_code == 404
    mine = client_for(asker)
    response = mine.post(f"/q/{question.pk}/edit/", {"title": "", "body": "kept text", "tags": ""})
    assert response.status_code == 400 and "kept text" in response.content.decode()
    response = mine.post(
        f"/q/{question.pk}/edit/", {"title": "Signing builds?", "body": "b", "tags": "release"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert "edited" in mine.get(question.get_absolute_url()).content.decode()
    assert mine.post(f"/q/{question.pk}/delete/").status_code == 302
    assert mine.get(question.get_absolute_url()).status_code == 404


def test_bookmarks_are_public_unless_made_private(asker, make_user, client_for, question):
    saver = make_user("saver")
    client_for(saver).post(f"/q/{question.pk}/bookmark/", {"saved": "1"})
    bookmark = Bookmark.objects.get(user=saver)
    viewer = client_for(make_user())
    assert question.title in viewer.get("/people/saver/").content.decode()
    client_for(saver).post(f"/bookmarks/{bookmark.pk}/privacy/", {"private": "1"})
    assert question.title not in viewer.get("/people/saver/").content.decode().split("Bookmarks")[1]
    assert question.title in client_for(saver).get("/people/saver/").content.decode()


def test_board_shows_mentions_and_follow_button(make_user, client_for, make_question):
    maria = make_user("maria")
    post = make_question(author=make_user(), title="Maria, can you check?", body="@maria")
    viewer = make_user()
    client = client_for(viewer)
    text = client.get("/people/maria/").content.decode()
    assert post.title in text and "Follow" in text
    response = client.post(
        "/people/maria/follow/", {"following": "1"}, headers={"HX-Request": "true"}
    )
    assert "Following" in response.content.decode()
    assert maria.followers.filter(follower=viewer).exists()


def test_tag_page_and_follow(make_user, client_for, question):
    client = client_for(make_user())
    text = client.get("/tags/release/").content.decode()
    assert "#release" in text and question.title in text
    assert client.get("/tags/nope/").status_code == 404
    assert client.post("/tags/release/follow/", {"following": "1"}).status_code == 302


def test_communities_create_join_and_bad_input(make_user, client_for):
    founder = client_for(make_user())
    assert founder.post("/communities/", {"name": "", "visibility": "open"}).status_code == 400
    response = founder.post(
        "/communities/", {"name": "Release engineering", "description": "d", "visibility": "open"}
    )
    assert response.status_code == 302
    joiner = client_for(make_user())
    assert joiner.post("/c/release-engineering/membership/", {"join": "1"}).status_code == 302
    assert "you are a member" in joiner.get("/communities/").content.decode()


def test_private_community_members_added_by_owner(make_user, client_for, secret):
    owner = client_for(secret.community.created_by)
    newcomer = make_user("newbie")
    response = owner.post(f"/c/{secret.community.slug}/members/", {"username": "@newbie"})
    assert response.status_code == 302
    assert client_for(newcomer).get(secret.get_absolute_url()).status_code == 200
    assert (
        owner.post(f"/c/{secret.community.slug}/members/", {"username": "ghost"}).status_code == 302
    )


def test_people_suggest_for_mentions(make_user, client_for, secret):
    make_user("maria", display_name="Maria Lopez")
    client = client_for(make_user())
    results = client.get("/people/suggest/?q=mar").json()["results"]
    assert results[0]["value"] == "maria" and results[0]["label"] == "Maria Lopez"
    # A private community the viewer is not in: nothing, not even its members.
    assert client.get(f"/people/suggest/?q=own&community={secret.community.pk}").status_code == 404
    owner = client_for(secret.community.created_by)
    members = owner.get(f"/people/suggest/?q=m&community={secret.community.pk}").json()["results"]
    assert [r["value"] for r in members] == []


def test_tag_suggest(make_user, client_for, question):
    results = client_for(make_user()).get("/tags/suggest/?q=rel").json()["results"]
    assert results == [{"value": "release", "label": "#release", "detail": "1 posts"}]


def test_answer_edit_and_delete(make_user, client_for, question):
    author = make_user()
    answer = actions.post_answer(post=question, author=author, body="first")
    client = client_for(author)
    assert client_for(make_user()).get(f"/a/{answer.pk}/edit/").status_code == 404
    assert client.post(f"/a/{answer.pk}/edit/", {"body": "second"}).status_code == 302
    answer.refresh_from_db()
    assert answer.body == "second" and answer.edited_at
    assert client.post(f"/a/{answer.pk}/delete/").status_code == 302
    question.refresh_from_db()
    assert question.answer_count == 0


def test_answer_card_is_a_partial_for_those_who_may_see_it(make_user, client_for, secret):
    answer = actions.post_answer(post=secret, author=secret.author, body="Inside info")
    assert client_for(make_user()).get(f"/a/{answer.pk}/card/").status_code == 404
    response = client_for(secret.author).get(f"/a/{answer.pk}/card/")
    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text and "Inside info" in text
