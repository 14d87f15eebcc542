"""Posts: questions and status updates asked, edited and deleted, and the checks every
written text shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from intranet.lib import domain_events
from intranet.lib.audit import DELETION
from intranet.lib.sentiment import score_post as score_post_sentiment
from notifications import events
from profiles.models import User
from profiles.permissions import require_colleague
from questions.actions.mentions import RenderedText, _mention, render_with_mentions
from questions.actions.moderation import _record_moderation
from questions.links import record_item_links
from questions.models import Community, Post, TaggedPost
from questions.permissions import check_edits_post, check_sees_community
from questions.tagging import clean_tag_names
from search.indexing import reindex_posts

MAX_TITLE = 200


MAX_BODY = 20_000


MAX_STATUS = 2_000


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
