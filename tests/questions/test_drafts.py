"""Drafts: sharing files for feedback, versions, downloads, extraction and file safety."""

from __future__ import annotations

import io
import re
import tracemalloc
from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from intranet.lib.access import NotAllowed
from notifications.models import Notification
from questions import actions
from questions.extract import MAX_CHARS
from questions.files import safe_filename
from questions.models import Answer, DraftVersion, Post
from questions.tasks import extract_version_text
from tests.support import documents

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Sharing and versions -------------------------------------------------------------


def test_sharing_a_draft_notifies_mentioned_reviewers_and_extracts_its_text(
    make_user, django_capture_on_commit_callbacks
):
    rita, maria = make_user("rita"), make_user("maria")
    with django_capture_on_commit_callbacks(execute=True):
        draft = actions.share_draft(
            author=rita,
            title="Release signing runbook",
            body="Is step 3 right, @maria?",
            file=io.BytesIO(documents.docx("Step 1: fetch the key", "Step 3: sign with the HSM")),
            filename="Runbook.docx",
            tags="release, signing",
        )
    assert draft.kind == Post.Kind.DRAFT and draft.feedback_wanted
    version = DraftVersion.objects.get(post=draft)
    assert (version.number, version.filename, version.file_type) == (1, "Runbook.docx", "docx")
    assert draft.current_version_id == version.pk
    assert version.text_status == DraftVersion.Text.DONE
    assert "sign with the HSM" in version.text
    # Stored under a generated name, never the uploader's.
    assert "Runbook" not in version.file.name and version.file.name.startswith("drafts/")
    assert Notification.objects.filter(
        recipient=maria, verb=Notification.Verb.MENTIONED, post=draft
    ).exists()


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("notes.txt", "Plain notes about the rollout. Ünïcode too.".encode(), "Ünïcode too"),
        ("plan.md", b"# Plan\n\n* migrate the billing service\n", "migrate the billing service"),
        ("review.pdf", documents.pdf("Quarterly architecture review"), "architecture review"),
        ("deck.pptx", documents.pptx("Roadmap for the search service"), "Roadmap for the search"),
    ],
)
def test_text_is_extracted_from_each_document_type(
    make_user, make_draft, django_capture_on_commit_callbacks, filename, content, expected
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(author=make_user(), filename=filename, content=content)
    version = draft.versions.get()
    assert version.text_status == DraftVersion.Text.DONE, version.text_error
    assert expected in version.text


def test_extraction_runs_after_commit_not_inside_the_action(
    make_user, make_draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft = make_draft(author=make_user())
    assert draft.versions.get().text_status == DraftVersion.Text.PENDING
    assert callbacks  # queued for after the commit
    for callback in callbacks:
        callback()
    assert draft.versions.get().text_status == DraftVersion.Text.DONE


def test_a_file_that_cannot_be_parsed_is_still_shared(
    make_user, make_draft, django_capture_on_commit_callbacks
):
    broken = documents.pdf("fine")[:200]  # the start of a PDF, cut off
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(author=make_user(), filename="cut.pdf", content=broken)
    version = draft.versions.get()
    assert version.text_status == DraftVersion.Text.FAILED
    assert version.text == "" and version.text_error
    assert version.file.size == len(broken)


def test_extracted_text_is_bounded(make_user, make_draft, django_capture_on_commit_callbacks):
    big = ("word " * 200_000).encode()
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(author=make_user(), filename="big.txt", content=big)
    assert len(draft.versions.get().text) <= MAX_CHARS


def test_images_are_shared_without_text(make_user, make_draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(author=make_user(), filename="diagram.png", content=documents.PNG_1PX)
    version = draft.versions.get()
    assert version.text_status == DraftVersion.Text.NONE and version.is_image


def test_new_versions_are_kept_numbered_and_tell_reviewers(make_user, make_draft):
    rita, ken = make_user("rita"), make_user("ken")
    make_user("maria")
    draft = make_draft(author=rita, body="Thoughts, @maria?")
    v1 = draft.current_version
    comment = actions.post_answer(post=draft, author=ken, body="Section 2 is unclear.")
    assert comment.version == v1
    assert Notification.objects.filter(
        recipient=rita, verb=Notification.Verb.COMMENTED, answer=comment
    ).exists()
    v2 = actions.upload_version(
        post=draft,
        uploader=rita,
        file=io.BytesIO(b"# Plan\n\nSection 2, clearer.\n"),
        filename="plan.md",
        change_note="Rewrote section 2 after Ken's comment",
    )
    draft.refresh_from_db()
    assert [v.number for v in draft.versions.all()] == [2, 1]
    assert draft.current_version == v2
    assert Answer.objects.get(pk=comment.pk).version == v1  # stays about version 1
    told = set(
        Notification.objects.filter(verb=Notification.Verb.NEW_VERSION, post=draft).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"maria", "ken"}
    with pytest.raises(NotAllowed):
        actions.upload_version(
            post=draft, uploader=ken, file=io.BytesIO(b"mine"), filename="plan.md"
        )


def test_feedback_can_be_about_an_earlier_version_only_of_the_same_draft(make_user, make_draft):
    rita, ken = make_user("rita"), make_user("ken")
    draft, other = make_draft(author=rita), make_draft(author=rita)
    v1 = draft.current_version
    actions.upload_version(post=draft, uploader=rita, file=io.BytesIO(b"v2"), filename="a.md")
    comment = actions.post_answer(post=draft, author=ken, body="On v1: fine.", version=v1)
    assert comment.version == v1
    with pytest.raises(ValidationError):
        actions.post_answer(post=draft, author=ken, body="x", version=other.current_version)


def test_the_author_marks_a_draft_final_and_reopens_it(make_user, make_draft, client_for):
    rita = make_user("rita")
    draft = make_draft(author=rita)
    client = client_for(rita)
    client.post(f"/q/{draft.pk}/feedback/", {"wanted": "0"})
    draft.refresh_from_db()
    assert not draft.feedback_wanted
    assert "Final" in client.get(draft.get_absolute_url()).content.decode()
    client.post(f"/q/{draft.pk}/feedback/", {"wanted": "1"})
    draft.refresh_from_db()
    assert draft.feedback_wanted
    assert (
        client_for(make_user()).post(f"/q/{draft.pk}/feedback/", {"wanted": "0"}).status_code == 404
    )


# --- Downloads --------------------------------------------------------------------------


def test_downloads_count_distinct_people_per_day_per_version_and_in_total(
    make_user, make_draft, client_for
):
    rita, maria, ken = make_user("rita"), make_user("maria"), make_user("ken")
    draft = make_draft(author=rita)
    v1 = draft.current_version
    v2 = actions.upload_version(post=draft, uploader=rita, file=io.BytesIO(b"v2"), filename="p.md")
    for _ in range(3):
        response = client_for(maria).get(f"/files/{v1.pk}/download/")
        assert response.status_code == 200
    client_for(maria).get(f"/files/{v2.pk}/download/")
    client_for(ken).get(f"/files/{v2.pk}/download/")
    client_for(rita).get(f"/files/{v2.pk}/download/")  # the author's own: not counted
    v1.refresh_from_db()
    v2.refresh_from_db()
    draft.refresh_from_db()
    assert (v1.download_count, v2.download_count, draft.download_count) == (1, 2, 2)
    with mock.patch("django.utils.timezone.localdate", return_value=date(2031, 1, 2)):
        actions.record_download(version=v1, user=maria)  # another day counts again
    v1.refresh_from_db()
    draft.refresh_from_db()
    assert (v1.download_count, draft.download_count) == (2, 3)


def test_a_download_is_an_attachment_with_a_safe_name_and_the_exact_bytes(
    make_user, make_draft, client_for
):
    content = documents.pdf("Exact bytes")
    draft = make_draft(author=make_user(), filename="Q3 review.pdf", content=content)
    response = client_for(make_user()).get(draft.current_version.get_download_url())
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Q3 review.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_only_raster_images_are_ever_shown_inline(make_user, make_draft, client_for):
    rita = make_user()
    image = make_draft(author=rita, filename="d.png", content=documents.PNG_1PX)
    text = make_draft(author=rita, filename="notes.txt", content=b"<b>plain</b> text")
    viewer = client_for(make_user())
    shown = viewer.get(f"/files/{image.current_version.pk}/view/")
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline;")
    not_shown = viewer.get(f"/files/{text.current_version.pk}/view/")
    assert not_shown["Content-Disposition"].startswith("attachment;")
    assert not_shown["Content-Type"].startswith("text/plain")
    image.current_version.refresh_from_db()
    assert image.current_version.download_count == 0  # viewing is not downloading


def test_a_private_draft_is_unreachable_for_non_members(
    make_user, make_community, make_draft, client_for
):
    owner, member, outsider = make_user(), make_user(), make_user()
    secret = make_community("Board", owner=owner, private=True, members=[member])
    draft = make_draft(author=owner, community=secret, filename="plan.md")
    version = draft.current_version
    urls = [
        draft.get_absolute_url(),
        f"/files/{version.pk}/download/",
        f"/files/{version.pk}/view/",
    ]
    for url in urls:
        assert client_for(outsider).get(url).status_code == 404, url
        assert client_for(member).get(url).status_code == 200, url
    assert client_for(outsider).post(f"/q/{draft.pk}/answer/", {"body": "hi"}).status_code == 404
    version.refresh_from_db()
    assert version.download_count == 1  # only the member's
    assert client_for(owner).get("/files/999999/download/").status_code == 404


def test_deleted_drafts_files_are_gone_too(make_user, make_draft, client_for):
    rita = make_user()
    draft = make_draft(author=rita)
    actions.delete_post(post=draft, by=rita)
    assert (
        client_for(make_user()).get(f"/files/{draft.current_version_id}/download/").status_code
        == 404
    )


# --- Upload safety --------------------------------------------------------------------------


def test_sharing_through_the_page(make_user, client_for, django_capture_on_commit_callbacks):
    rita, maria = make_user("rita"), make_user("maria")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(rita).post(
            "/drafts/new/",
            {
                "title": "Onboarding checklist",
                "body": "What is missing, @maria?",
                "tags": "onboarding",
                "file": upload("checklist.md", b"- laptop\n- accounts\n"),
            },
        )
    draft = Post.objects.get(kind=Post.Kind.DRAFT)
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    page = client_for(maria).get(draft.get_absolute_url()).content.decode()
    assert "checklist.md" in page and "Feedback wanted" in page and "laptop" in page


def test_an_oversized_upload_is_refused_with_a_message_and_the_form_keeps_its_text(
    make_user, client_for, settings
):
    settings.DRAFT_MAX_UPLOAD_MB = 1
    response = client_for(make_user()).post(
        "/drafts/new/",
        {
            "title": "Big deck",
            "body": "Please check the numbers",
            "file": upload("deck.txt", b"x" * (1024 * 1024 + 1)),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "larger than the 1 MB limit" in page
    assert 'value="Big deck"' in page and "Please check the numbers" in page
    assert not Post.objects.exists() and not DraftVersion.objects.exists()


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("report.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("report.pdf", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("diagram.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'),
        ("notes.txt", b"<html><body onload=alert(1)>hi</body></html>"),
        ("notes.md", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("slides.docx", documents.pdf("a pdf in disguise")),
        ("page.html", b"<p>hi</p>"),
        ("image.svg", b"<svg/>"),
        ("tool.exe", b"MZ\x90\x00"),
        ("noextension", b"text"),
    ],
)
def test_files_whose_content_does_not_match_an_allowed_type_are_refused(
    make_user, client_for, filename, content
):
    response = client_for(make_user()).post(
        "/drafts/new/", {"title": "T", "body": "note", "file": upload(filename, content)}
    )
    assert response.status_code == 400
    assert "was not shared" in response.content.decode() or "cannot be shared" in (
        response.content.decode()
    )
    assert not DraftVersion.objects.exists()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.md", "passwd.md"),
        ("..\\..\\windows\\system.ini.txt", "system.ini.txt"),
        ("report\r\nSet-Cookie: a=b.pdf", "report Set-Cookie_ a=b.pdf"),
        ("evil\u202eexe.md", "evilexe.md"),
        ("nul\x00byte.txt", "nulbyte.txt"),
        ('"quoted";name.md', "_quoted__name.md"),
        ("...", "file"),
        (".hidden.md", "hidden.md"),
        ("a" * 300 + ".md", "a" * 117 + ".md"),
    ],
)
def test_filenames_are_neutralised(given, expected):
    assert safe_filename(given) == expected


def test_a_hostile_filename_never_reaches_storage_or_headers(make_user, client_for):
    rita = make_user()
    # Browsers escape CR and LF in multipart filenames; other control characters pass.
    name = "../../../tmp/x\x07\x1b[31m\u202eX-Injected: 1.md"
    client_for(rita).post(
        "/drafts/new/", {"title": "T", "body": "", "file": upload(name, b"# safe")}
    )
    version = DraftVersion.objects.get()
    assert re.fullmatch(r"drafts/[0-9a-f]{2}/[0-9a-f]{32}\.md", version.file.name)
    response = client_for(make_user()).get(version.get_download_url())
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "/" not in disposition
    assert "X-Injected" not in response
    assert version.filename == "x[31mX-Injected_ 1.md"


def test_a_zip_bomb_docx_is_shared_but_not_unpacked(
    make_user, make_draft, django_capture_on_commit_callbacks
):
    bomb = documents.office_zip_bomb("docx", unpacked_mb=300)
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            draft = make_draft(author=make_user(), filename="bomb.docx", content=bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    version = draft.versions.get()
    assert version.text_status == DraftVersion.Text.FAILED
    assert "200 MB" in version.text_error
    assert peak < 40 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB while refusing a zip bomb"


def test_a_zip_with_too_many_entries_is_not_unpacked(make_user, make_draft):
    crowded = documents.office_zip_bomb("pptx", unpacked_mb=0, entries=6_000)
    draft = make_draft(author=make_user(), filename="crowded.pptx", content=crowded)
    version = draft.versions.get()
    assert extract_version_text.call(version.pk) == DraftVersion.Text.FAILED
    version.refresh_from_db()
    assert "too many parts" in version.text_error


def test_too_many_files_in_one_request_is_refused(make_user, client_for):
    files = {f"file{n}": upload(f"f{n}.md", b"x") for n in range(5)}
    response = client_for(make_user()).post("/drafts/new/", {"title": "T", **files})
    assert response.status_code == 400
    assert not DraftVersion.objects.exists()


def test_only_the_author_uploads_versions(make_user, make_draft, client_for):
    rita = make_user()
    draft = make_draft(author=rita)
    response = client_for(make_user()).post(
        f"/q/{draft.pk}/versions/", {"change_note": "mine", "file": upload("p.md", b"# x")}
    )
    assert response.status_code == 404
    response = client_for(rita).post(
        f"/q/{draft.pk}/versions/", {"change_note": "better", "file": upload("p.md", b"# v2")}
    )
    assert response.status_code == 302
    assert draft.versions.count() == 2


def test_a_refused_version_keeps_the_change_note(make_user, make_draft, client_for):
    rita = make_user()
    draft = make_draft(author=rita)
    response = client_for(rita).post(
        f"/q/{draft.pk}/versions/",
        {"change_note": "Took in Ken's comments", "file": upload("p.pdf", b"<html></html>")},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Took in Ken&#x27;s comments" in page and "was not shared" in page
    assert draft.versions.count() == 1


def test_a_failed_share_removes_the_stored_file(make_user, settings, tmp_path):
    rita = make_user()
    with (
        mock.patch("questions.actions.posts._mention", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        actions.share_draft(
            author=rita, title="T", body="", file=io.BytesIO(b"# x"), filename="x.md"
        )
    media = tmp_path / "media"
    assert not [p for p in media.rglob("*") if p.is_file()]
    assert not Post.objects.exists()


def test_a_new_version_is_not_announced_to_people_who_can_no_longer_see_the_draft(
    make_user, make_community, make_draft
):
    owner, member, leaver = make_user(), make_user(), make_user()
    board = make_community("Board", owner=owner, private=True, members=[member, leaver])
    draft = make_draft(author=owner, community=board)
    for person in (member, leaver):
        actions.post_answer(post=draft, author=person, body="Looks fine.")
    actions.leave_community(user=leaver, community=board)
    actions.upload_version(post=draft, uploader=owner, file=io.BytesIO(b"v2"), filename="p.md")
    told = set(
        Notification.objects.filter(verb=Notification.Verb.NEW_VERSION).values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {member.pk}
