"""A first-day home: what someone whose network feed is still empty, or who follows nothing
yet, sees instead of "Nothing here yet.": colleagues to follow (same department, people who
know the topics they declared), tags and communities to follow, and the questions waiting for
an answer in their topics.

Only current colleagues are suggested, never the person themselves; only open communities;
tags and questions as permissions.visible_tags / visible_posts let the person see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from taggit.models import Tag

from profiles.models import DeclaredTopic, Expertise, Follow, Profile, User, current_q
from questions.models import Community, Membership, Post, TaggedPost
from questions.permissions import member_community_ids, visible_posts, visible_tags

MAX_PEOPLE = 6
MAX_TAGS = 8
MAX_COMMUNITIES = 4
MAX_WAITING = 5


@dataclass(frozen=True)
class SuggestedPerson:
    profile: Profile  # with .user and .department
    reason: str  # "Also in Engineering", "9 accepted answers in #kubernetes"


@dataclass(frozen=True)
class SuggestedTag:
    tag: Tag
    reason: str


@dataclass
class FirstDay:
    people: list[SuggestedPerson] = field(default_factory=list)
    tags: list[SuggestedTag] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)  # each with .members
    waiting: list[Post] = field(default_factory=list)
    # True when `waiting` comes from the person's own topics (declared or followed tags),
    # False when they have none yet and it comes from the most used tags.
    own_topics: bool = False
    # Nothing declared and no department: the profile would make better suggestions.
    profile_would_help: bool = False


def first_day(user: User, profile: Profile, *, feed_empty: bool) -> FirstDay | None:
    """Suggestions for `user` (whose `profile` has its department loaded), or None when
    their network feed has posts and they already follow someone, a tag or a community.
    At most eight queries."""
    followed_people: set[int] = set()
    followed_tags: set[int] = set()
    for user_id, tag_id in Follow.objects.filter(follower=user).values_list("user_id", "tag_id"):
        if user_id is not None:
            followed_people.add(user_id)
        if tag_id is not None:
            followed_tags.add(tag_id)
    if not feed_empty and (
        followed_people or followed_tags or Membership.objects.filter(user=user).exists()
    ):
        return None  # connected: the feed is their home
    declared = [d.tag for d in DeclaredTopic.objects.filter(user=user).select_related("tag")]
    tags = _tags(user, declared, followed_tags)
    topics = {t.pk for t in declared} | followed_tags
    return FirstDay(
        people=_people(user, profile, [t.pk for t in declared], followed_people),
        tags=tags,
        communities=_communities(user),
        waiting=_waiting(user, topics or {s.tag.pk for s in tags}),
        own_topics=bool(topics),
        profile_would_help=not declared and profile.department_id is None,
    )


def _people(
    user: User, profile: Profile, declared: list[int], followed: set[int]
) -> list[SuggestedPerson]:
    """People who know the declared topics first (strongest first), then the department."""
    found: dict[int, SuggestedPerson] = {}
    if declared:
        experts = (
            Expertise.objects.filter(current_q(via="user__"), tag_id__in=declared, former=False)
            .exclude(user_id__in={user.pk, *followed})
            .select_related("user__profile__department", "tag")
            .order_by("-score", "pk")[: MAX_PEOPLE * 2]
        )
        for expertise in experts:
            if expertise.user_id not in found:
                found[expertise.user_id] = SuggestedPerson(
                    expertise.user.profile, expertise.headline
                )
    if profile.department_id is not None and len(found) < MAX_PEOPLE:
        colleagues = (
            Profile.objects.filter(current_q(via="user__"), department_id=profile.department_id)
            .exclude(user_id__in={user.pk, *followed, *found})
            .select_related("user", "department")
            .order_by("display_name", "pk")[: MAX_PEOPLE - len(found)]
        )
        for colleague in colleagues:
            found[colleague.user_id] = SuggestedPerson(
                colleague,
                f"Also in {profile.department.name}",  # type: ignore[union-attr]
            )
    return list(found.values())[:MAX_PEOPLE]


def _tags(user: User, declared: list[Tag], followed: set[int]) -> list[SuggestedTag]:
    """The declared topics not followed yet, then the tags most used on posts `user` sees."""
    suggested = [
        SuggestedTag(tag, "You know about it: follow it to see its questions")
        for tag in declared
        if tag.pk not in followed
    ][:MAX_TAGS]
    if len(suggested) < MAX_TAGS:
        popular = (
            visible_tags(user)
            .filter(uses__gt=0)
            .exclude(id__in={*followed, *(s.tag.pk for s in suggested)})
            .order_by("-uses", "name")[: MAX_TAGS - len(suggested)]
        )
        suggested += [
            SuggestedTag(tag, f"{tag.uses} post{'s' if tag.uses != 1 else ''}") for tag in popular
        ]
    return suggested


def _communities(user: User) -> list[Community]:
    """Open communities `user` is not in, the biggest first. Private ones are never
    suggested: joining them is by invitation, and their names are theirs."""
    return list(
        Community.objects.filter(visibility=Community.Visibility.OPEN)
        .exclude(id__in=member_community_ids(user))
        .annotate(members=Count("memberships"))
        .order_by("-members", "name")[:MAX_COMMUNITIES]
    )


def _waiting(user: User, tag_ids: set[int]) -> list[Post]:
    """Unanswered questions by others in `tag_ids`, newest first, that `user` may see."""
    if not tag_ids:
        return []
    in_topics = TaggedPost.objects.filter(tag_id__in=tag_ids).values("content_object_id")
    return list(
        visible_posts(user)
        .unanswered()
        .filter(id__in=in_topics)
        .exclude(author=user)
        .select_related("author__profile")
        .order_by("-created_at", "-pk")[:MAX_WAITING]
    )
