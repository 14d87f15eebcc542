"""Answers (replies to a status update, comments on a draft): posted, edited, deleted and
accepted."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from intranet.lib import domain_events
from intranet.lib.access import NotAllowed
from intranet.lib.audit import DELETION
from intranet.lib.sentiment import score as score_sentiment
from notifications import events
from notifications.actions import notify
from notifications.models import Notification
from profiles.models import User
from questions.actions.mentions import RenderedText, _mention, render_with_mentions
from questions.actions.moderation import _record_moderation
from questions.actions.posts import MAX_BODY, _check_text
from questions.links import record_item_links
from questions.models import Answer, DraftVersion, Post, TaggedPost
from questions.permissions import can_accept_answer, check_edits_answer, check_sees_post
from search.indexing import reindex_posts


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
