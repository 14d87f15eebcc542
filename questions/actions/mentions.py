"""Mentions: Markdown rendered with links to the people mentioned, who are recorded and
notified when they may see the post."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse

from intranet.lib.markdown import find_mentions, render_markdown
from notifications.actions import notify_many
from notifications.models import Notification
from profiles.models import User, current_q
from questions.models import Answer, Mention, Post
from questions.permissions import mentionable

MAX_MENTIONS = 10


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
