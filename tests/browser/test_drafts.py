"""A draft's journey in a real browser: share it asking a reviewer for feedback, the reviewer
is told, downloads it and comments on version 1; the author uploads version 2; the history
shows both, the comment stays about version 1, and downloads count distinct colleagues."""

from __future__ import annotations

import re

import pytest

from notifications.models import Notification
from questions.models import DraftVersion, Post
from tests.browser.actions import mention_via_autocomplete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_NAME = "onboarding-checklist.md"
FIRST = (
    b"# Onboarding checklist\n\n"
    b"Day one: laptop, badge, and the periwinkle handbook.\n"
    b"Day two: shadow a support call.\n"
)
SECOND_NAME = "onboarding-checklist-v2.md"
SECOND = FIRST + b"Day three: answer a first ticket with a buddy.\n"


def download(page, link):
    """Click a download link; returns (suggested filename, bytes)."""
    with page.expect_download() as info:
        link.click()
    got = info.value
    with open(got.path(), "rb") as file:
        return got.suggested_filename, file.read()


def version_row(page, number):
    return page.locator(f"#versions ~ .table-scroll table.versions-table tr#version-{number}")


def downloads_in_row(page, number) -> str:
    return version_row(page, number).locator("[data-version-downloads]").inner_text().strip()


def test_share_review_and_new_version(page_for, live_server, make_user):
    rita = make_user("rita", display_name="Rita Ramos")
    maria = make_user("maria", display_name="Maria Lopez")

    # 1. Rita shares version 1, asking Maria for feedback.
    author = page_for(rita)
    author.goto(live_server.url + "/")
    author.locator("nav.main-nav").get_by_role("link", name="Share a draft").click()
    author.get_by_role("heading", name="Share a draft").wait_for()
    author.get_by_label("Title").fill("Onboarding checklist for support engineers")
    author.locator("#id_body").fill("Is the first week too full? ")
    mention_via_autocomplete(author, "@mar", "Maria Lopez")
    assert author.locator("#id_body").input_value().endswith("@maria ")
    author.get_by_label("Tags").fill("onboarding, support")
    author.locator("#id_file").set_input_files(
        {"name": FIRST_NAME, "mimeType": "text/markdown", "buffer": FIRST}
    )
    author.get_by_role("button", name="Share for feedback").click()
    author.get_by_role("heading", name="Onboarding checklist for support engineers").wait_for()
    assert author.locator(".draft-state .badge-feedback").inner_text() == "Feedback wanted"
    assert "version 1" in author.locator("#current-heading").inner_text()
    assert "periwinkle handbook" in author.locator("pre.draft-text").inner_text()
    assert author.locator(".prose a.mention").all_inner_texts() == ["@maria"]
    post = Post.objects.get(title="Onboarding checklist for support engineers")
    assert post.is_draft and post.feedback_wanted
    assert sorted(t.name for t in post.tags.all()) == ["onboarding", "support"]
    draft_url = live_server.url + post.get_absolute_url()

    # 2. Maria is told, downloads the file and comments on version 1.
    reviewer = page_for(maria)
    reviewer.goto(live_server.url + "/")
    assert reviewer.locator("#bell-count").inner_text() == "1"
    reviewer.locator("a.bell").click()
    item = reviewer.locator(".inbox-item", has_text="Rita Ramos mentioned you in")
    item.wait_for()
    assert "Onboarding checklist for support engineers" in item.inner_text()
    item.get_by_role("link").click()
    reviewer.get_by_role("heading", name="Onboarding checklist for support engineers").wait_for()
    name, content = download(
        reviewer, reviewer.locator(".draft-current").get_by_role("link", name="Download")
    )
    assert (name, content) == (FIRST_NAME, FIRST)
    reviewer.reload()
    assert "1 download in all" in reviewer.locator("[data-downloads]").inner_text()

    reviewer.get_by_label("About version").select_option(label=f"Version 1: {FIRST_NAME}")
    reviewer.get_by_label("Your feedback").fill("Day two could move to week two.")
    reviewer.get_by_role("button", name="Post feedback").click()
    comment = reviewer.locator(".answer", has_text="Day two could move to week two.")
    comment.wait_for()
    assert comment.locator(".badge-version").inner_text() == "about version 1"
    reviewer.get_by_role("heading", name="1 comment").wait_for()

    # 3. Rita uploads version 2 with a change note.
    author.goto(draft_url)
    author.get_by_text("Upload a new version").click()
    author.get_by_label("What changed?").fill("Added day three")
    author.get_by_label("New version").set_input_files(
        {"name": SECOND_NAME, "mimeType": "text/markdown", "buffer": SECOND}
    )
    author.get_by_role("button", name="Upload version 2").click()
    author.get_by_text("Version 2 is shared.").wait_for()
    assert "version 2" in author.locator("#current-heading").inner_text()
    assert "answer a first ticket" in author.locator("pre.draft-text").inner_text()

    rows = author.locator("table.versions-table tbody tr")
    assert rows.count() == 2
    v2, v1 = version_row(author, 2), version_row(author, 1)
    assert re.match(r"v2\s+current", v2.locator("th").inner_text())
    assert "Added day three" in v2.inner_text()
    assert v1.locator("th").inner_text().strip() == "v1"
    assert "First version" in v1.inner_text()
    assert "1 comment" in v1.inner_text()
    assert "0 comments" in v2.inner_text()
    assert downloads_in_row(author, 1) == "1"
    assert downloads_in_row(author, 2) == "0"
    assert "1 download in all" in author.locator("[data-downloads]").inner_text()
    old_comment = author.locator(".answer", has_text="Day two could move to week two.")
    assert old_comment.locator(".badge-version").inner_text() == "about version 1 (earlier)"

    # The author's own downloads are not counted.
    name, content = download(author, v2.get_by_role("link", name="Download v2"))
    assert (name, content) == (SECOND_NAME, SECOND)
    author.reload()
    assert downloads_in_row(author, 2) == "0"
    assert downloads_in_row(author, 1) == "1"
    assert "1 download in all" in author.locator("[data-downloads]").inner_text()

    # Maria hears about version 2.
    assert Notification.objects.filter(
        recipient=maria, verb=Notification.Verb.NEW_VERSION, post=post
    ).exists()

    # Downloading v1 again the same day changes nothing; v2 counts for v2, not the draft.
    reviewer.goto(draft_url)
    name, content = download(
        reviewer, version_row(reviewer, 1).get_by_role("link", name="Download v1")
    )
    assert (name, content) == (FIRST_NAME, FIRST)
    reviewer.reload()
    assert downloads_in_row(reviewer, 1) == "1"
    assert downloads_in_row(reviewer, 2) == "0"
    name, content = download(
        reviewer, reviewer.locator(".draft-current").get_by_role("link", name="Download")
    )
    assert (name, content) == (SECOND_NAME, SECOND)
    reviewer.reload()
    assert downloads_in_row(reviewer, 1) == "1"
    assert downloads_in_row(reviewer, 2) == "1"
    assert "1 download in all" in reviewer.locator("[data-downloads]").inner_text()

    # 4. The database agrees.
    post.refresh_from_db()
    counts = dict(DraftVersion.objects.filter(post=post).values_list("number", "download_count"))
    assert counts == {1: 1, 2: 1}
    assert post.download_count == 1
    assert post.current_version is not None and post.current_version.number == 2
    comment_version = post.answers.get().version
    assert comment_version is not None and comment_version.number == 1
