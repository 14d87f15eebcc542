"""Who is away, as the compose box and the pages after posting say it.

Mentioning someone who is away shows at once who they are, until when, their note, and up
to three available colleagues who know about the post's tags (questions.experts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from taggit.models import Tag

from profiles.availability import away_text
from profiles.models import DeclaredTopic, Expertise, Profile, User
from questions.experts import Suggestion, suggest_available_experts
from questions.models import Answer, Community, Mention, Post
from questions.permissions import mentionable


@dataclass(frozen=True)
class AwayNotice:
    away: list[Profile]
    tags: list[Tag]  # the post's tags, else what the away people know about
    suggestions: list[Suggestion]


def _topics_of(people: Sequence[Profile], limit: int = 3) -> list[Tag]:
    """What the away people know about: their strongest earned topics, else declared ones."""
    ids = [p.user_id for p in people]
    earned = Expertise.objects.filter(user_id__in=ids).select_related("tag").order_by("-score")
    tags = list(dict.fromkeys(e.tag for e in earned[: limit * len(ids)]))[:limit]
    if tags:
        return tags
    declared = DeclaredTopic.objects.filter(user_id__in=ids).select_related("tag")[:limit]
    return list(dict.fromkeys(d.tag for d in declared))


def away_notice(
    *,
    author: User,
    mentioned: Sequence[User],
    tags: Sequence[Tag],
    community: Community | None = None,
    also_exclude: Iterable[int] = (),
) -> AwayNotice | None:
    """What to tell `author` about the people they are mentioning (with their profiles, as
    questions.actions.find_mentioned_people gives them): None when nobody is away.
    In a private community only members count, as only they will be mentioned."""
    people = mentionable([p for p in mentioned if p.pk != author.pk], community)
    away = [p.profile for p in people if p.profile.is_away]
    if not away:
        return None
    topics = list(tags) or _topics_of(away)
    suggestions = suggest_available_experts(
        tags=topics,
        viewer=author,
        community=community,
        exclude_ids={*(p.pk for p in mentioned), *also_exclude},
    )
    return AwayNotice(away=away, tags=topics, suggestions=suggestions)


def away_mentions_message(*, post: Post, answer: Answer | None = None) -> str:
    """For the page after posting (without JavaScript the compose box could not say it):
    one sentence per away person the post (or the answer) mentions; "" if nobody. One query."""
    mentioned = Mention.objects.filter(post=post, answer=answer).values("user_id")
    away = Profile.objects.filter(
        user_id__in=mentioned, away_until__gte=timezone.localdate()
    ).order_by("display_name")
    return " ".join(away_text(profile) for profile in away)


def warn_away_mentions(request: HttpRequest, *, post: Post, answer: Answer | None = None) -> None:
    """After posting: say (as a message on the next page) who of the people mentioned is
    away, for those who posted without JavaScript and so saw no notice while typing."""
    text = away_mentions_message(post=post, answer=answer)
    if text:
        messages.warning(request, text)
