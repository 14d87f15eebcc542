"""Likes of posts and answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from notifications.actions import notify
from notifications.models import Notification
from profiles.models import User
from questions.models import Answer, Like, Post
from questions.permissions import check_sees_answer, check_sees_post


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
