"""Writes about posts, answers, likes, bookmarks, communities and drafts' files.

Every function validates its domain rules, writes in one transaction and returns what it
wrote. Rule violations raise django.core.exceptions.ValidationError with a message meant
for the person who typed the input.

Every function that takes an acting person checks first, here and not only in the views,
that this person may do it (questions.permissions' check_* helpers): NotVisible (a 404)
when they may not see the post or community, NotAllowed (a 403) when they see it but may
not change it, or may do nothing at all (anonymous, a former colleague). Nothing is written
or notified then.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from intranet.lib import domain_events
from intranet.lib.access import NotAllowed, NotVisible
from intranet.lib.audit import DELETION, record_staff_change
from intranet.lib.markdown import find_mentions, render_markdown
from intranet.lib.sentiment import score as score_sentiment
from intranet.lib.sentiment import score_post as score_post_sentiment
from profiles import events
from profiles.actions import notify, notify_many
from profiles.models import Notification, User, current_q
from profiles.permissions import require_colleague
from questions.files import FILE_TYPES, file_type_for, human_size, max_upload_bytes, safe_filename
from questions.links import record_item_links
from questions.models import (
    Answer,
    Bookmark,
    Community,
    DraftDownload,
    DraftVersion,
    Like,
    Membership,
    Mention,
    Post,
    PostView,
    TaggedPost,
    VersionDownload,
)
from questions.permissions import (
    Viewer,
    can_accept_answer,
    check_edits_answer,
    check_edits_post,
    check_owns_community,
    check_sees_answer,
    check_sees_community,
    check_sees_post,
    is_community_owner,
    mentionable,
)
from questions.tagging import clean_tag_names
from search.indexing import reindex_posts

MAX_MENTIONS = 10
MAX_TITLE = 200
MAX_BODY = 20_000
MAX_STATUS = 2_000
MAX_CHANGE_NOTE = 500
VIEW_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class RenderedText:
    html: str
    mentioned: list[User]  # real, active colleagues, in order of appearance


def find_mentioned_people(body: str) -> list[User]:
    """The real, active colleagues @mentioned in `body`, in order of appearance, with their
    profiles: how posting reads mentions (and how the compose box's away notice does)."""
    handles = find_mentions(body)
    if not handles:
        return []
    wanted = {h.lower() for h in handles}
    found = {
        u.username.lower(): u
        for u in User.objects.filter(
            current_q(), username__in=wanted | set(handles)
        ).select_related("profile")
    }
    return [found[h.lower()] for h in handles if h.lower() in found]


def render_with_mentions(body: str) -> RenderedText:
    """Render Markdown, linking @handles of real colleagues; at most MAX_MENTIONS of them."""
    people = find_mentioned_people(body)
    if len(people) > MAX_MENTIONS:
        raise ValidationError(
            f"Mention at most {MAX_MENTIONS} people in one post; this one mentions {len(people)}.",
            code="too_many_mentions",
        )
    urls = {u.username.lower(): reverse("person", kwargs={"username": u.username}) for u in people}
    return RenderedText(html=render_markdown(body, mention_urls=urls), mentioned=people)


def sync_tag_activity(post_ids: Iterable[int] | None = None) -> None:
    """Copy posts' last_activity_at onto their TaggedPost rows (all posts when None)."""
    rows = TaggedPost.objects.all()
    if post_ids is not None:
        rows = rows.filter(content_object_id__in=list(post_ids))
    rows.update(
        last_activity_at=Subquery(
            Post.objects.filter(pk=OuterRef("content_object_id")).values("last_activity_at")[:1]
        )
    )


def _check_text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationError({field: "This cannot be empty."})
    if len(value) > limit:
        raise ValidationError(
            {field: f"Keep this under {limit:,} characters (it has {len(value):,})."}
        )
    return value


def _check_community(author: User, community: Community | None) -> None:
    """Posting in a community needs seeing it: open, or private and a member (NotVisible
    otherwise: a private community's existence is not admitted to outsiders)."""
    if community is not None:
        check_sees_community(author, community)


def _mention(post: Post, people: Iterable[User], *, answer: Answer | None = None) -> list[User]:
    """Record mentions of the people who can see the post and notify those newly mentioned;
    others are silently not mentioned (nothing about the post reaches them)."""
    writer_id = answer.author_id if answer is not None else post.author_id
    visible = mentionable([p for p in people if p.pk != writer_id], post.community)
    if not visible:
        return []
    already = set(
        Mention.objects.filter(post=post, answer=answer, user__in=visible).values_list(
            "user_id", flat=True
        )
    )
    Mention.objects.bulk_create(
        [Mention(post=post, answer=answer, user=p) for p in visible], ignore_conflicts=True
    )
    writer = answer.author if answer is not None else post.author
    fresh = [person for person in visible if person.pk not in already]
    verb = Notification.Verb.MENTIONED
    notify_many(recipients=fresh, actor=writer, verb=verb, post=post, answer=answer)
    return visible


def _create_post(
    *,
    kind: str,
    author: User,
    title: str,
    body: str,
    tags: str | list[str],
    community: Community | None,
    fields: dict[str, Any] | None = None,
    then: Callable[[Post], object] | None = None,
) -> Post:
    require_colleague(author)
    tag_names = clean_tag_names(tags)
    _check_community(author, community)
    rendered = render_with_mentions(body)
    with transaction.atomic():
        post = Post.objects.create(
            kind=kind,
            author=author,
            title=title,
            body=body,
            body_html=rendered.html,
            community=community,
            sentiment=score_post_sentiment(title, body),
            **(fields or {}),
        )
        if tag_names:
            post.tags.set(tag_names)
            sync_tag_activity([post.pk])
        if then is not None:
            then(post)
        record_item_links(writer=author, source_post=post, new=True)
        _mention(post, rendered.mentioned)
        reindex_posts(post.pk)
        if post.is_draft:
            domain_events.publish(
                domain_events.DRAFT_SHARED,
                post_id=post.pk,
                version_id=post.current_version_id,
                actor_id=author.pk,
            )
        else:
            domain_events.publish(
                domain_events.QUESTION_ASKED if post.is_question else domain_events.STATUS_POSTED,
                post_id=post.pk,
                actor_id=author.pk,
            )
    return post


def ask_question(
    *,
    author: User,
    title: str,
    body: str,
    tags: str | list[str] = "",
    community: Community | None = None,
) -> Post:
    """Ask a question in the open. Mentions notify only people who can see the community."""
    return _create_post(
        kind=Post.Kind.QUESTION,
        author=author,
        title=_check_text(title, field="title", limit=MAX_TITLE),
        body=_check_text(body, field="body", limit=MAX_BODY, required=False),
        tags=tags,
        community=community,
    )


def post_status(
    *, author: User, body: str, tags: str | list[str] = "", community: Community | None = None
) -> Post:
    """Share a short status update ("working on X, anyone know Y? @maria")."""
    return _create_post(
        kind=Post.Kind.STATUS,
        author=author,
        title="",
        body=_check_text(body, field="body", limit=MAX_STATUS),
        tags=tags,
        community=community,
    )


@dataclass(frozen=True)
class PostEdit:
    """A checked edit of a post, as edit_post will write it."""

    title: str
    body: str
    tag_names: list[str]
    rendered: RenderedText


def check_edit_post(
    *, post: Post, editor: User, title: str, body: str, tags: str | list[str]
) -> PostEdit:
    """edit_post's checks without writing anything (for forms that validate before saving,
    such as the admin's): refusals (check_edits_post), then ValidationError naming the field."""
    check_edits_post(editor, post)
    if post.is_question or post.is_draft:
        title = _check_text(title, field="title", limit=MAX_TITLE)
        body = _check_text(body, field="body", limit=MAX_BODY, required=False)
    else:
        title = ""
        body = _check_text(body, field="body", limit=MAX_STATUS)
    tag_names = clean_tag_names(tags)
    return PostEdit(title, body, tag_names, render_with_mentions(body))


def _record_moderation(by: User, obj: Post | Answer | Community, message: str, **kw: Any) -> None:
    """Staff changing what someone else wrote (or a community) is logged for audit."""
    author_id = getattr(obj, "author_id", None)
    if by.is_staff and author_id != by.pk:
        record_staff_change(by=by, obj=obj, message=message, **kw)


def edit_post(*, post: Post, editor: User, title: str, body: str, tags: str | list[str]) -> Post:
    """Change a post's text and tags; marks it edited. New mentions are recorded and
    notified, the HTML re-rendered and the post reindexed after commit; staff editing
    someone else's post is logged (intranet.lib.audit). Precondition: the editor may edit it
    (check_edits_post: the author, or staff who see it)."""
    edit = check_edit_post(post=post, editor=editor, title=title, body=body, tags=tags)
    title, body, tag_names, rendered = edit.title, edit.body, edit.tag_names, edit.rendered
    with transaction.atomic():
        post.title, post.body, post.body_html = title, body, rendered.html
        post.sentiment = score_post_sentiment(title, body)
        post.__dict__.pop("_absolute_url", None)  # the slug follows the title
        post.edited_at = timezone.now()
        post.save(update_fields=["title", "body", "body_html", "sentiment", "edited_at"])
        post.tags.set(tag_names)
        sync_tag_activity([post.pk])
        record_item_links(writer=post.author, source_post=post)
        _mention(post, rendered.mentioned)
        _record_moderation(editor, post, "Edited the post's title, text and tags.")
        reindex_posts(post.pk)
    return post


def delete_post(*, post: Post, by: User) -> None:
    """Soft delete: hidden everywhere (search too), kept for admins. Precondition: `by` may
    edit the post (check_edits_post)."""
    check_edits_post(by, post)
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(deleted_at=timezone.now())
        _record_moderation(by, post, "Deleted the post (kept for admins).", flag=DELETION)
        reindex_posts(post.pk)
        events.forget_bells_about_posts_after_commit(post_ids=[post.pk])


def post_answer(
    *, post: Post, author: User, body: str, version: DraftVersion | None = None
) -> Answer:
    """Answer a question, reply to a status update, or comment on a draft (about `version`,
    by default its current one). Raises the post in feeds."""
    check_sees_post(author, post)
    body = _check_text(body, field="body", limit=MAX_BODY)
    if post.is_draft:
        version = version or post.current_version
        if version is None or version.post_id != post.pk:
            raise ValidationError({"version": "Choose one of this draft's versions."})
    else:
        version = None
    rendered = render_with_mentions(body)
    now = timezone.now()
    with transaction.atomic():
        answer = Answer.objects.create(
            post=post,
            author=author,
            body=body,
            body_html=rendered.html,
            created_at=now,
            version=version,
            sentiment=score_sentiment(body),
        )
        Post.objects.filter(pk=post.pk).update(
            answer_count=F("answer_count") + 1, last_activity_at=now
        )
        TaggedPost.objects.filter(content_object_id=post.pk).update(last_activity_at=now)
        record_item_links(writer=author, source_post=post, source_answer=answer, new=True)
        _mention(post, rendered.mentioned, answer=answer)
        notify(
            recipient=post.author,
            actor=author,
            verb=Notification.Verb.ANSWERED
            if post.is_question
            else Notification.Verb.COMMENTED
            if post.is_draft
            else Notification.Verb.REPLIED,
            post=post,
            answer=answer,
        )
        transaction.on_commit(lambda: events.push_new_answer(post.pk, answer.pk))
        reindex_posts(post.pk)
        domain_events.publish(
            domain_events.ANSWER_POSTED, post_id=post.pk, answer_id=answer.pk, actor_id=author.pk
        )
    return answer


def check_edit_answer(*, answer: Answer, editor: User, body: str) -> tuple[str, RenderedText]:
    """edit_answer's checks without writing anything: refusals (check_edits_answer), then
    ValidationError naming the field. Returns the body to store and its rendering."""
    check_edits_answer(editor, answer)
    body = _check_text(body, field="body", limit=MAX_BODY)
    return body, render_with_mentions(body)


def edit_answer(*, answer: Answer, editor: User, body: str) -> Answer:
    """Change an answer's text (re-rendered, new mentions notified, the post reindexed;
    staff editing someone else's answer is logged). Precondition: the editor may edit it
    (check_edits_answer: the author, or staff who see it)."""
    body, rendered = check_edit_answer(answer=answer, editor=editor, body=body)
    with transaction.atomic():
        answer.body, answer.body_html, answer.edited_at = body, rendered.html, timezone.now()
        answer.sentiment = score_sentiment(body)
        answer.save(update_fields=["body", "body_html", "sentiment", "edited_at"])
        record_item_links(writer=answer.author, source_post=answer.post, source_answer=answer)
        _mention(answer.post, rendered.mentioned, answer=answer)
        _record_moderation(editor, answer, "Edited the answer's text.")
        reindex_posts(answer.post_id)
    return answer


def delete_answer(*, answer: Answer, by: User) -> None:
    """Soft delete an answer (no longer accepted, counted or found). Precondition: `by` may
    edit it (check_edits_answer)."""
    check_edits_answer(by, answer)
    with transaction.atomic():
        if Answer.objects.filter(pk=answer.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now()
        ):
            Post.objects.filter(pk=answer.post_id).update(answer_count=F("answer_count") - 1)
            Post.objects.filter(pk=answer.post_id, accepted_answer=answer).update(
                accepted_answer=None
            )
            _record_moderation(by, answer, "Deleted the answer (kept for admins).", flag=DELETION)
            reindex_posts(answer.post_id)


def accept_answer(*, post: Post, answer: Answer | None, by: User) -> Post:
    """The asker marks one answer as the accepted one (or none). Preconditions: `by` sees
    the question (NotVisible) and asked it (NotAllowed)."""
    check_sees_post(by, post)
    if not can_accept_answer(by, post):
        raise NotAllowed("Only the person who asked can accept an answer.")
    if answer is not None and (answer.post_id != post.pk or answer.is_deleted):
        raise ValidationError("That answer does not belong to this question.")
    changed = post.accepted_answer_id != (answer.pk if answer else None)
    with transaction.atomic():
        post.accepted_answer = answer
        post.save(update_fields=["accepted_answer"])
        if changed and answer is not None:
            notify(
                recipient=answer.author,
                actor=by,
                verb=Notification.Verb.ACCEPTED,
                post=post,
                answer=answer,
            )
        if changed:
            # The accepted answer leads what search by meaning embeds for the question.
            reindex_posts(post.pk)
        if changed and answer is not None:
            domain_events.publish(
                domain_events.ANSWER_ACCEPTED, post_id=post.pk, answer_id=answer.pk, actor_id=by.pk
            )
    return post


def set_like(
    *, user: User, post: Post | None = None, answer: Answer | None = None, liked: bool
) -> int:
    """Like (or unlike) a post or an answer; idempotent. Returns the exact new like count.

    Concurrent identical requests are safe: the unique constraint admits one row, and the
    counter moves only when a row was really inserted or deleted.
    """
    target_model: type[Post] | type[Answer]
    target: Post | Answer
    if post is not None and answer is None:
        target_model, target = Post, post
    elif answer is not None and post is None:
        target_model, target = Answer, answer
    else:
        raise ValueError("like exactly one of post or answer")
    if answer is not None:
        check_sees_answer(user, answer)
    else:
        check_sees_post(user, target)  # type: ignore[arg-type]
    if target.author_id == user.pk:
        raise ValidationError("You cannot like your own post.")
    with transaction.atomic():
        if liked:
            try:
                with transaction.atomic():
                    Like.objects.create(user=user, post=post, answer=answer)
                changed = 1
            except IntegrityError:
                changed = 0
        else:
            deleted, _ = Like.objects.filter(user=user, post=post, answer=answer).delete()
            changed = -1 if deleted else 0
        if changed:
            target_model.objects.filter(pk=target.pk).update(like_count=F("like_count") + changed)
        if changed == 1:
            notify(
                recipient=target.author,
                actor=user,
                verb=Notification.Verb.LIKED_POST if post else Notification.Verb.LIKED_ANSWER,
                post=post or (answer.post if answer else None),
                answer=answer,
            )
        return int(target_model.objects.values_list("like_count", flat=True).get(pk=target.pk))


def set_bookmark(
    *, user: User, post: Post | None = None, answer: Answer | None = None, saved: bool
) -> Bookmark | None:
    """Save (or unsave) a post or answer. New bookmarks are public; see set_bookmark_privacy.
    Saving needs seeing the post or answer; unsaving one's own bookmark does not (the post
    may have become invisible since)."""
    if (post is None) == (answer is None):
        raise ValueError("bookmark exactly one of post or answer")
    require_colleague(user)
    if not saved:
        Bookmark.objects.filter(user=user, post=post, answer=answer).delete()
        return None
    if answer is not None:
        check_sees_answer(user, answer)
    elif post is not None:
        check_sees_post(user, post)
    bookmark, _ = Bookmark.objects.get_or_create(user=user, post=post, answer=answer)
    return bookmark


def set_bookmark_privacy(*, by: User, bookmark: Bookmark, is_private: bool) -> Bookmark:
    """Show a bookmark on one's board or keep it to oneself. Precondition: `by` owns it
    (NotVisible otherwise: other people's private bookmarks are not admitted to exist)."""
    require_colleague(by)
    if bookmark.user_id != by.pk:
        raise NotVisible("No such bookmark.")
    bookmark.is_private = is_private
    bookmark.save(update_fields=["is_private"])
    return bookmark


def create_community(
    *, creator: User, name: str, description: str = "", visibility: str = "open"
) -> Community:
    """Create a community; the creator becomes its first owner."""
    require_colleague(creator)
    name = _check_text(name, field="name", limit=100)
    slug = slugify(name)[:100]
    if not slug:
        raise ValidationError({"name": "Use at least one letter or digit in the name."})
    if visibility not in Community.Visibility.values:
        raise ValidationError({"visibility": "Choose open or private."})
    if (
        Community.objects.filter(slug=slug).exists()
        or Community.objects.filter(name__iexact=name).exists()
    ):
        raise ValidationError({"name": "A community with this name already exists."})
    with transaction.atomic():
        community = Community.objects.create(
            name=name,
            slug=slug,
            description=description.strip()[:2000],
            visibility=visibility,
            created_by=creator,
        )
        Membership.objects.create(community=community, user=creator, role=Membership.Role.OWNER)
    return community


def set_community_visibility(*, by: User, community: Community, visibility: str) -> Community:
    """Make a community open or private. Its posts are reindexed after commit, so that
    search shows them to exactly the people who may now see them; staff changing it is
    logged (intranet.lib.audit). Preconditions: `by` sees the community and owns it or is
    staff (NotVisible / NotAllowed); `visibility` is one of Community.Visibility
    (ValidationError). Nothing happens when it does not change."""
    user = check_sees_community(by, community)
    if not (user.is_staff or is_community_owner(user, community)):
        raise NotAllowed("Only owners and staff can change who sees a community.")
    if visibility not in Community.Visibility.values:
        raise ValidationError({"visibility": "Choose open or private."})
    if community.visibility == visibility:
        return community
    with transaction.atomic():
        Community.objects.filter(pk=community.pk).update(visibility=visibility)
        community.visibility = visibility
        _record_moderation(by, community, f"Made the community {visibility}.")
        reindex_posts(*Post.objects.filter(community=community).values_list("pk", flat=True))
        events.forget_bells_about_posts_after_commit(community_id=community.pk)
    return community


def join_community(*, user: User, community: Community) -> Membership:
    """Join an open community. Private ones are joined by invitation only (and are not
    admitted to exist for those outside them: NotVisible)."""
    check_sees_community(user, community)
    if community.is_private:
        raise ValidationError("This community is private: ask an owner to add you.")
    membership, _ = Membership.objects.get_or_create(community=community, user=user)
    events.forget_bells_after_commit([user.pk])  # its posts' notifications show again
    return membership


def leave_community(*, user: User, community: Community) -> None:
    """Leave a community (nothing happens for a non-member); the last owner cannot."""
    require_colleague(user)
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is None:
        return
    if (
        membership.role == Membership.Role.OWNER
        and not Membership.objects.filter(community=community, role=Membership.Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError("You are the last owner: make someone else an owner first.")
    membership.delete()
    events.forget_bells_after_commit([user.pk])  # a private one's notifications now hidden


def add_member(*, by: User, community: Community, user: User) -> Membership:
    """An owner adds (invites) a current colleague to a community, private or open.
    Preconditions: `by` owns it (check_owns_community); the person added is a current
    colleague (ValidationError: a former colleague cannot join anything)."""
    check_owns_community(by, community)
    if user.is_former:
        raise ValidationError("Former colleagues cannot be added to a community.")
    membership, _ = Membership.objects.get_or_create(community=community, user=user)
    events.forget_bells_after_commit([user.pk])  # its posts' notifications show again
    return membership


# --- Drafts: documents shared early for feedback ----------------------------------------


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


def record_view(*, post: Post, user: Viewer) -> bool:
    """Count a view of a post: once per signed-in person and day, never the author's own.
    Safe under concurrent requests: one INSERT ... ON CONFLICT DO NOTHING decides (no failed
    statement, so nothing is logged as an error on PostgreSQL), and view_count moves only
    when a row was really inserted. A repeat view the same day costs one cache read (the
    cache remembers counted views for the rest of the day, after commit). Returns whether
    the view was counted. Precondition: the person sees the post (nobody anonymous is
    counted: False)."""
    if not user.is_authenticated:
        return False
    check_sees_post(user, post)
    if user.pk == post.author_id:
        return False
    day = timezone.localdate()
    key = f"post-view:{post.pk}:{user.pk}:{day.isoformat()}"
    if cache.get(key):
        return False
    table = connection.ops.quote_name(PostView._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (post_id, user_id, day) VALUES (%s, %s, %s) "  # noqa: S608
                "ON CONFLICT (post_id, user_id, day) DO NOTHING",
                [post.pk, user.pk, connection.ops.adapt_datefield_value(day)],
            )
            counted = cursor.rowcount == 1
        if counted:
            Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + 1)
    transaction.on_commit(lambda: cache.set(key, True, VIEW_CACHE_SECONDS))
    return counted
