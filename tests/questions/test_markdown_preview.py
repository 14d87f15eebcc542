"""Markdown preview and formatting help on every form that takes Markdown: the same
renderer and sanitizer as posting, with JavaScript off (the form comes back, text kept,
nothing saved) and with htmx (the preview box alone)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from questions.models import Answer, Post

CODE = "## Plan\n\n```python\ndef sign(): pass\n```\n\n<script>alert(1)</script> thanks @maria"


@pytest.fixture
def rita(make_user):
    return make_user("rita", display_name="Rita Ramos")


@pytest.fixture
def maria(make_user):
    return make_user("maria", display_name="Maria Lopez")


def _assert_rendered_preview(text: str) -> None:
    assert "Preview" in text and "(not posted yet)" in text
    assert "<h2>Plan</h2>" in text
    assert '<span class="nf">sign</span>' in text
    assert '<a href="/people/maria/" class="mention"' in text or (
        'class="mention" href="/people/maria/"' in text
    )
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_anonymous_people_cannot_preview():
    response = Client().post("/preview/", {"body": "hello"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_htmx_preview_returns_only_the_rendered_box(rita, maria, client_for):
    response = client_for(rita).post("/preview/", {"body": CODE}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and "<form" not in text
    _assert_rendered_preview(text)


def test_preview_of_nothing_or_too_much_says_so(rita, client_for):
    client = client_for(rita)
    empty = client.post("/preview/", {"body": "   "}).content.decode()
    assert "Nothing to preview yet" in empty
    huge = client.post("/preview/", {"body": "x" * 20_001}).content.decode()
    assert "Keep this under 20,000 characters (it has 20,001)" in huge


def test_preview_says_when_a_post_would_mention_too_many_people(make_user, rita, client_for):
    for i in range(11):
        make_user(f"p{i}")
    body = " ".join(f"@p{i}" for i in range(11))
    text = client_for(rita).post("/preview/", {"body": body}).content.decode()
    assert "Mention at most 10 people" in text


def test_preview_needs_post(rita, client_for):
    assert client_for(rita).get("/preview/").status_code == 405


def test_ask_preview_without_javascript_keeps_every_field_and_saves_nothing(
    rita, maria, client_for
):
    data = {"title": "How do we sign?", "body": CODE, "tags": "release, signing", "preview": "1"}
    response = client_for(rita).post("/ask/", data)
    text = response.content.decode()
    assert response.status_code == 200
    _assert_rendered_preview(text)
    assert 'value="How do we sign?"' in text
    assert 'value="release, signing"' in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; thanks @maria</textarea>" in text
    assert "error-summary" not in text  # a half-written question is not an error yet
    assert not Post.objects.exists()


def test_ask_preview_of_an_untitled_question_is_no_error_but_posting_it_is(rita, client_for):
    client = client_for(rita)
    previewed = client.post("/ask/", {"title": "", "body": "Draft", "preview": "1"})
    assert previewed.status_code == 200 and "error-summary" not in previewed.content.decode()
    posted = client.post("/ask/", {"title": "", "body": "Draft"})
    assert posted.status_code == 400 and "error-summary" in posted.content.decode()


def test_compose_preview_keeps_the_kind_and_saves_nothing(rita, maria, client_for):
    data = {"kind": "question", "title": "Who signs?", "body": CODE, "preview": "1"}
    response = client_for(rita).post("/compose/", data)
    text = response.content.decode()
    assert response.status_code == 200
    _assert_rendered_preview(text)
    assert re.search(r'<input type="radio" name="kind" value="question"[^>]* checked', text)
    assert not re.search(r'<input type="radio" name="kind" value="status"[^>]* checked', text)
    assert 'value="Who signs?"' in text
    assert "Your post was not saved" not in text
    assert not Post.objects.exists()


def test_answer_preview_keeps_the_text_and_posts_nothing(
    rita, maria, make_user, make_question, client_for
):
    question = make_question(author=make_user(), title="How do we sign?")
    response = client_for(rita).post(f"/q/{question.pk}/answer/", {"body": CODE, "preview": "1"})
    text = response.content.decode()
    assert response.status_code == 200
    _assert_rendered_preview(text)
    assert "thanks @maria</textarea>" in text
    assert not Answer.objects.exists()


def test_edit_previews_keep_the_new_text_and_change_nothing(
    rita, maria, make_question, make_answer, make_user, client_for
):
    question = make_question(author=rita, title="How do we sign?", body="Old text")
    answer = make_answer(post=question, author=rita, body="Old answer")
    client = client_for(rita)
    response = client.post(
        f"/q/{question.pk}/edit/", {"title": "New title", "body": CODE, "preview": "1"}
    )
    assert response.status_code == 200
    _assert_rendered_preview(response.content.decode())
    assert 'value="New title"' in response.content.decode()
    response = client.post(f"/a/{answer.pk}/edit/", {"body": CODE, "preview": "1"})
    assert response.status_code == 200
    _assert_rendered_preview(response.content.decode())
    question.refresh_from_db()
    answer.refresh_from_db()
    assert (question.title, question.body, answer.body) == (
        "How do we sign?",
        "Old text",
        "Old answer",
    )


def test_someone_else_cannot_preview_through_an_edit_page(
    rita, make_user, make_question, client_for
):
    question = make_question(author=rita, title="How do we sign?")
    response = client_for(make_user()).post(
        f"/q/{question.pk}/edit/", {"body": "x", "preview": "1"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(("url", "action"), [("/", "/compose/"), ("/ask/", "/ask/")])
def test_markdown_forms_offer_formatting_help_and_a_preview_button(url, action, rita, client_for):
    text = client_for(rita).get(url).content.decode()
    # Without JavaScript the form comes back scrolled to its preview.
    assert f'formaction="{action}#id_body_preview"' in text
    assert "<summary>Formatting help</summary>" in text
    for sample in ["## Heading", "- item", "[text](https://example.com)", "`code`", "@maria"]:
        assert sample in text
    assert 'hx-post="/preview/"' in text and 'hx-target="#id_body_preview"' in text
    assert 'id="id_body_preview"' in text
    # The main button comes first, so Enter in a field still posts rather than previews.
    assert text.index("button-primary") < text.index('name="preview"')


def test_a_question_page_offers_preview_for_the_answer(rita, make_user, make_question, client_for):
    question = make_question(author=make_user())
    text = client_for(rita).get(question.get_absolute_url()).content.decode()
    assert 'hx-target="#id_body_preview"' in text and "Formatting help" in text


def test_compose_box_is_closed_until_used_and_open_after_an_error_or_a_preview(rita, client_for):
    client = client_for(rita)
    assert "compose compose-compact" in client.get("/").content.decode()
    rejected = client.post("/compose/", {"kind": "question", "title": "", "body": "Hm"})
    assert rejected.status_code == 400
    assert "compose-compact" not in rejected.content.decode()
    previewed = client.post("/compose/", {"kind": "status", "body": "Hm", "preview": "1"})
    assert "compose-compact" not in previewed.content.decode()
