"""The people directory, profiles and expertise."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router
from pydantic import Field
from taggit.models import Tag

from api.auth import caller
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode, encode
from api.problems import BadCursor
from api.schemas import ProfileOut, ProfilePage, Strict, TopicOut
from profiles.directory import find_people
from profiles.expertise import top_topics
from profiles.models import Profile
from profiles.permissions import get_profile_for_user

router = Router(tags=["people"])


def _profile(request: HttpRequest, profile: Profile) -> dict[str, Any]:
    user = profile.user
    return {
        "username": user.username,
        "display_name": profile.display_name,
        "title": profile.title,
        "department": profile.department.name if profile.department else None,
        "location": profile.location,
        "former": user.is_former,
        "away_until": profile.away_until.isoformat()
        if profile.is_away and profile.away_until
        else None,
        "url": request.build_absolute_uri(reverse("person", args=[user.username])),
    }


class PeopleParams(Strict):
    q: str = Field(default="", max_length=150, description="Part of a name, or a username.")
    topic: str | None = Field(default=None, max_length=100, description="Who knows this tag.")
    cursor: str | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get("/people", response=ProfilePage, summary="The people directory")
def people(request: HttpRequest, params: Query[PeopleParams]) -> dict[str, Any]:
    """By name (current colleagues first); with `topic`, the people who know it, strongest
    first."""
    caller(request)
    topic = None
    if params.topic:
        topic = Tag.objects.filter(name=params.topic.strip().lstrip("#")).first()
        if topic is None:
            return {"items": [], "next": None}
    rows = find_people(name=params.q.strip(), topic=topic)
    # The directory's own order (former last, then strength or name) is not a keyset, so
    # the cursor carries the offset, signed.
    position = decode("people", params.cursor)
    start = 0
    if position is not None:
        if len(position) != 1 or not isinstance(position[0], int) or position[0] < 0:
            raise BadCursor
        start = position[0]
    page = list(rows[start : start + params.limit + 1])
    end = start + params.limit
    return {
        "items": [_profile(request, p) for p in page[: params.limit]],
        "next": encode("people", end) if len(page) > params.limit else None,
    }


@router.get("/people/{username}", response=ProfileOut, summary="A person's profile")
def person(request: HttpRequest, username: str) -> dict[str, Any]:
    return _profile(request, get_profile_for_user(caller(request), username))


@router.get("/people/{username}/expertise", response=list[TopicOut], summary="What a person knows")
def expertise(request: HttpRequest, username: str) -> list[dict[str, Any]]:
    """Earned topics, strongest first, from accepted answers, likes and draft downloads."""
    profile = get_profile_for_user(caller(request), username)
    return [
        {"tag": e.tag.name, "score": e.score, "summary": e.summary}
        for e in top_topics(profile.user, limit=20)
    ]
