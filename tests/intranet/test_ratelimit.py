"""Per-person rate limits on posting, liking and uploading: the helper's windows, and the
views' 429 that says how long to wait and keeps what the person typed."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from intranet.lib import ratelimit
from questions.models import Answer, DraftVersion, Like, Post

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
# 1.8e9 is a whole number of minutes and of hours: windows start there.
EPOCH = 1_800_000_000.0


class FrozenClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FrozenClock:
    """18 seconds into a minute, and stays there until a test moves it."""
    frozen = FrozenClock(EPOCH + 18)
    monkeypatch.setattr(ratelimit, "clock", frozen)
    return frozen


@pytest.fixture
def small_limits(settings):
    settings.RATE_LIMITS = {"post": (2, 60), "like": (3, 60), "upload": (1, 3600)}


def upload(name: str = "plan.md", content: bytes = b"# Plan\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/markdown")


def page_of(response) -> str:
    return html.unescape(response.content.decode())


# --- The helper -----------------------------------------------------------------------


def test_defaults_allow_ten_posts_sixty_likes_a_minute_and_twenty_uploads_an_hour(settings):
    assert settings.RATE_LIMITS == {
        "post": (10, 60),
        "like": (60, 60),
        "upload": (20, 3600),
        "api": (300, 60),  # requests per personal access token (api.auth)
    }


def test_the_limit_counts_per_person_and_action_and_says_when_the_window_ends(
    make_user, clock, small_limits
):
    rita, ken = make_user(), make_user()
    assert ratelimit.throttle(user=rita, action="post") is None
    assert ratelimit.throttle(user=rita, action="post") is None
    verdict = ratelimit.throttle(user=rita, action="post")
    assert verdict == ratelimit.Throttled("post", retry_after=42)
    assert verdict.message == "You are posting too fast; try again in 42 seconds."
    assert ratelimit.throttle(user=ken, action="post") is None
    assert ratelimit.throttle(user=rita, action="like") is None


def test_the_limit_resets_when_the_window_ends(make_user, clock, small_limits):
    rita = make_user()
    for _ in range(2):
        assert ratelimit.throttle(user=rita, action="post") is None
    clock.now = EPOCH + 59.5
    assert ratelimit.throttle(user=rita, action="post") == ratelimit.Throttled("post", 1)
    clock.now = EPOCH + 60
    assert ratelimit.throttle(user=rita, action="post") is None


def test_long_waits_are_said_in_minutes(make_user, clock, small_limits):
    rita = make_user()
    assert ratelimit.throttle(user=rita, action="upload") is None
    verdict = ratelimit.throttle(user=rita, action="upload")
    assert verdict is not None and verdict.retry_after == 3600 - 18
    assert verdict.message == "You are uploading too fast; try again in 60 minutes."


def test_a_limit_of_zero_is_off(make_user, clock, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "like": (0, 60)}
    rita = make_user()
    assert all(ratelimit.throttle(user=rita, action="like") is None for _ in range(100))


# --- Posting --------------------------------------------------------------------------


def test_posting_too_fast_answers_429_and_keeps_the_text(
    make_user, client_for, clock, small_limits
):
    client = client_for(make_user())
    for n in range(2):
        response = client.post("/compose/", {"kind": "status", "body": f"Update {n}"})
        assert response.status_code == 302
    response = client.post(
        "/compose/", {"kind": "status", "body": "Shipping the new CI today", "tags": "ci"}
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    page = page_of(response)
    assert "You are posting too fast; try again in 42 seconds." in page
    assert "Shipping the new CI today" in page and 'value="ci"' in page
    assert Post.objects.count() == 2


def test_posting_works_again_after_the_window(make_user, client_for, clock, small_limits):
    client = client_for(make_user())
    for _ in range(2):
        client.post("/compose/", {"kind": "status", "body": "Busy day"})
    assert client.post("/compose/", {"kind": "status", "body": "One more"}).status_code == 429
    clock.now += 60
    assert client.post("/compose/", {"kind": "status", "body": "One more"}).status_code == 302
    assert Post.objects.filter(body="One more").count() == 1


def test_a_form_with_errors_does_not_use_up_the_limit(make_user, client_for, clock, small_limits):
    client = client_for(make_user())
    for _ in range(3):
        assert client.post("/compose/", {"kind": "question", "body": "no title"}).status_code == 400
    assert client.post("/compose/", {"kind": "status", "body": "Fine"}).status_code == 302


def test_asking_too_fast_keeps_the_question(make_user, client_for, clock, small_limits):
    client = client_for(make_user())
    for n in range(2):
        assert client.post("/ask/", {"title": f"Question {n}?", "body": ""}).status_code == 302
    response = client.post("/ask/", {"title": "Who signs release builds?", "body": "Since May"})
    assert response.status_code == 429 and response["Retry-After"] == "42"
    page = page_of(response)
    assert "You are posting too fast" in page
    assert 'value="Who signs release builds?"' in page and "Since May" in page


def test_answering_too_fast_keeps_the_answer(
    make_user, make_question, client_for, clock, small_limits
):
    question = make_question(author=make_user())
    client = client_for(make_user())
    url = f"/q/{question.pk}/answer/"
    for n in range(2):
        assert client.post(url, {"body": f"Try {n}"}).status_code == 302
    response = client.post(url, {"body": "Use the HSM in rack 4"})
    assert response.status_code == 429 and response["Retry-After"] == "42"
    page = page_of(response)
    assert "You are posting too fast" in page and "Use the HSM in rack 4" in page
    assert Answer.objects.count() == 2


# --- Liking ---------------------------------------------------------------------------


def test_liking_too_fast_answers_the_unchanged_button_with_the_reason(
    make_user, make_question, make_answer, client_for, clock, small_limits
):
    question = make_question(author=make_user())
    answers = [make_answer(post=question, author=make_user()) for _ in range(4)]
    client = client_for(make_user())
    for answer in answers[:3]:
        response = client.post(f"/a/{answer.pk}/like/", {"liked": "1"}, headers=HTMX)
        assert response.status_code == 200
    last = answers[3]
    response = client.post(f"/a/{last.pk}/like/", {"liked": "1"}, headers=HTMX)
    assert response.status_code == 429 and response["Retry-After"] == "42"
    partial = page_of(response)
    assert "<html" not in partial
    assert "You are liking too fast; try again in 42 seconds." in partial
    assert 'aria-pressed="false"' in partial and 'name="liked" value="1"' in partial
    assert not Like.objects.filter(answer=last).exists()


def test_liking_too_fast_without_javascript_gets_a_page(
    make_user, make_question, client_for, clock, small_limits
):
    questions = [make_question(author=make_user()) for _ in range(4)]
    client = client_for(make_user())
    for question in questions[:3]:
        assert client.post(f"/q/{question.pk}/like/", {"liked": "1"}).status_code == 302
    last = questions[3]
    response = client.post(f"/q/{last.pk}/like/", {"liked": "1"})
    assert response.status_code == 429 and response["Retry-After"] == "42"
    page = page_of(response)
    assert "You are liking too fast" in page and 'class="site-header"' in page
    assert f'href="{last.get_absolute_url()}"' in page
    assert not Like.objects.filter(post=last).exists()


# --- Uploading ------------------------------------------------------------------------


def test_sharing_drafts_too_fast_keeps_the_title_and_note(
    make_user, client_for, clock, small_limits
):
    client = client_for(make_user())
    first = {"title": "Onboarding checklist", "body": "What is missing?", "file": upload()}
    assert client.post("/drafts/new/", first).status_code == 302
    second = {"title": "Release plan", "body": "Is the order right?", "file": upload()}
    response = client.post("/drafts/new/", second)
    assert response.status_code == 429
    assert response["Retry-After"] == str(3600 - 18)
    page = page_of(response)
    assert "You are uploading too fast; try again in 60 minutes." in page
    assert 'value="Release plan"' in page and "Is the order right?" in page
    assert Post.objects.count() == 1 and DraftVersion.objects.count() == 1


def test_a_draft_counts_as_a_post_too(make_user, client_for, clock, settings):
    settings.RATE_LIMITS = {"post": (1, 60), "like": (60, 60), "upload": (20, 3600)}
    client = client_for(make_user())
    assert client.post("/compose/", {"kind": "status", "body": "Morning"}).status_code == 302
    draft = {"title": "Release plan", "body": "Thoughts?", "file": upload()}
    response = client.post("/drafts/new/", draft)
    assert response.status_code == 429
    assert "You are posting too fast" in page_of(response)


def test_uploading_versions_too_fast_keeps_the_change_note(
    make_user, make_draft, client_for, clock, small_limits
):
    rita = make_user()
    draft = make_draft(author=rita)  # through the action: not counted
    client = client_for(rita)
    url = f"/q/{draft.pk}/versions/"
    assert client.post(url, {"change_note": "v2", "file": upload()}).status_code == 302
    response = client.post(url, {"change_note": "Took in Ken's comments", "file": upload()})
    assert response.status_code == 429 and response["Retry-After"] == str(3600 - 18)
    page = page_of(response)
    assert "You are uploading too fast" in page and "Took in Ken's comments" in page
    assert draft.versions.count() == 2
    clock.now = EPOCH + 3600
    assert client.post(url, {"change_note": "v3", "file": upload()}).status_code == 302
