"""Drafts: documents shared early for feedback, their versions and their downloads."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from intranet.lib import domain_events
from notifications.actions import notify_many
from notifications.models import Notification
from profiles.models import User, current_q
from questions.actions.posts import MAX_BODY, MAX_TITLE, _check_text, _create_post
from questions.files import FILE_TYPES, file_type_for, human_size, max_upload_bytes, safe_filename
from questions.models import (
    Answer,
    Community,
    DraftDownload,
    DraftVersion,
    Mention,
    Post,
    TaggedPost,
    VersionDownload,
)
from questions.permissions import check_edits_post, check_sees_post

MAX_CHANGE_NOTE = 500


def _store_version(
    *, post: Post, uploader: User, file: IO[bytes], filename: str, change_note: str
) -> DraftVersion:
    """Check and store one file as the draft's next version (inside the caller's transaction,
    which must remove the stored file if it rolls back: see _removing_on_error)."""
    file_type = _check_file(file, filename)
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    # The post's row lock serialises concurrent uploads to one draft (PostgreSQL; SQLite
    # has one writer anyway); the unique (post, number) constraint backs it up.
    Post.objects.select_for_update().filter(pk=post.pk).values_list("pk").first()
    last = DraftVersion.objects.filter(post=post).aggregate(n=Max("number"))["n"]
    version = DraftVersion(
        post=post,
        number=(last or 0) + 1,
        filename=safe_filename(filename),
        file_type=file_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=uploader,
        change_note=change_note,
        text_status=DraftVersion.Text.NONE
        if FILE_TYPES[file_type].inline
        else DraftVersion.Text.PENDING,
    )
    version.file.save("upload", File(file), save=False)
    _stored.names.append(version.file.name)
    version.save()
    Post.objects.filter(pk=post.pk).update(current_version=version)
    post.current_version = version
    transaction.on_commit(lambda: _extract_later(version))
    return version


class _Stored(threading.local):
    names: list[str]


_stored = _Stored()


@contextmanager
def _removing_on_error() -> Iterator[None]:
    """Files stored inside the block are deleted again if the block fails (rolls back)."""
    _stored.names = []
    try:
        yield
    except BaseException:
        for name in _stored.names:
            default_storage.delete(name)
        raise
    finally:
        _stored.names = []


def _extract_later(version: DraftVersion) -> None:
    if version.text_status == DraftVersion.Text.PENDING:
        from questions.tasks import extract_version_text

        extract_version_text.enqueue(version.pk)


def _check_file(file: IO[bytes] | None, filename: str) -> str:
    if file is None:
        raise ValidationError({"file": "Choose a file to share."})
    size = getattr(file, "size", None)
    if size is not None and size > max_upload_bytes():
        raise ValidationError(
            {"file": f"The file is larger than the {human_size(max_upload_bytes())} limit."}
        )
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    try:
        return file_type_for(filename, file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error


def share_draft(
    *,
    author: User,
    title: str,
    body: str,
    file: IO[bytes] | None,
    filename: str,
    tags: str | list[str] = "",
    community: Community | None = None,
) -> Post:
    """Share a half-finished document for feedback: a draft post with its first version.

    `body` says what feedback is wanted; mentioned reviewers are notified. The file's text is
    extracted after commit, in the task backend.
    """
    title = _check_text(title, field="title", limit=MAX_TITLE)
    body = _check_text(body, field="body", limit=MAX_BODY, required=False)
    _check_file(file, filename)
    assert file is not None  # noqa: S101  (checked just above)
    with _removing_on_error():
        return _create_post(
            kind=Post.Kind.DRAFT,
            author=author,
            title=title,
            body=body,
            tags=tags,
            community=community,
            fields={"feedback_wanted": True},
            then=lambda post: _store_version(
                post=post, uploader=author, file=file, filename=filename, change_note=""
            ),
        )


def upload_version(
    *, post: Post, uploader: User, file: IO[bytes] | None, filename: str, change_note: str = ""
) -> DraftVersion:
    """Add a new version of a draft (the author or staff). Every version is kept; people who
    commented or were asked to review hear about it."""
    check_edits_post(uploader, post)
    if not post.is_draft:
        raise ValidationError("Only drafts have versions.")
    change_note = _check_text(
        change_note, field="change_note", limit=MAX_CHANGE_NOTE, required=False
    )
    _check_file(file, filename)
    assert file is not None  # noqa: S101  (checked just above)
    now = timezone.now()
    with _removing_on_error(), transaction.atomic():
        version = _store_version(
            post=post, uploader=uploader, file=file, filename=filename, change_note=change_note
        )
        Post.objects.filter(pk=post.pk).update(last_activity_at=now)
        TaggedPost.objects.filter(content_object_id=post.pk).update(last_activity_at=now)
        reviewers = set(Mention.objects.filter(post=post).values_list("user_id", flat=True)) | set(
            Answer.objects.filter(post=post, deleted_at__isnull=True).values_list(
                "author_id", flat=True
            )
        )
        reviewers |= {post.author_id}
        people = User.objects.filter(current_q(), pk__in=reviewers)
        if post.community is not None and post.community.is_private:
            people = people.filter(memberships__community=post.community)  # who can see it
        notify_many(
            recipients=people.order_by("pk"),
            actor=uploader,
            verb=Notification.Verb.NEW_VERSION,
            post=post,
        )
        domain_events.publish(
            domain_events.DRAFT_VERSION_SHARED,
            post_id=post.pk,
            version_id=version.pk,
            actor_id=uploader.pk,
        )
    return version


def set_feedback_wanted(*, post: Post, by: User, wanted: bool) -> Post:
    """The author marks a draft final (no more feedback wanted), or reopens it.
    Precondition: `by` may edit the post (check_edits_post)."""
    check_edits_post(by, post)
    if not post.is_draft:
        raise ValidationError("Only drafts ask for feedback.")
    post.feedback_wanted = wanted
    post.save(update_fields=["feedback_wanted"])
    return post


def record_download(*, version: DraftVersion, user: User) -> bool:
    """Count a download: once per person and day for the version, and once per person and
    day for the draft as a whole. The author's own downloads are not counted. Safe under
    concurrent requests: the unique rows decide, and counters move only with an insert.
    Returns whether anything was counted. Precondition: the person sees the draft."""
    post = version.post
    check_sees_post(user, post)
    if user.pk == post.author_id:
        return False
    day = timezone.localdate()
    with transaction.atomic():
        try:
            with transaction.atomic():
                VersionDownload.objects.create(version=version, user=user, day=day)
        except IntegrityError:
            return False
        DraftVersion.objects.filter(pk=version.pk).update(download_count=F("download_count") + 1)
        try:
            with transaction.atomic():
                DraftDownload.objects.create(post_id=post.pk, user=user, day=day)
        except IntegrityError:
            return True
        Post.objects.filter(pk=post.pk).update(download_count=F("download_count") + 1)
    return True
