"""Who may see and change posts and communities: the one place visibility is decided.

Views, feeds, boards, autocomplete, search and file downloads all go through these helpers,
so a private community cannot leak by one path. Hidden things are 404, never 403.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from taggit.models import Tag

from intranet.lib.access import NotAllowed, NotVisible
from profiles.models import User
from profiles.permissions import require_colleague
from questions.models import Answer, Community, Membership, Post, PostQuerySet

Viewer = User | AnonymousUser


def member_community_ids(user: Viewer) -> QuerySet[Membership, int]:
    """A subquery of the ids of communities `user` belongs to."""
    return Membership.objects.filter(user_id=user.pk or 0).values_list("community_id", flat=True)


def visible_communities(user: Viewer) -> QuerySet[Community]:
    if not user.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(
        Q(visibility=Community.Visibility.OPEN) | Q(id__in=member_community_ids(user))
    )


def visible_posts(user: Viewer) -> PostQuerySet:
    """Posts `user` may see: not deleted, and outside private communities they are not in."""
    if not user.is_authenticated:
        return Post.objects.none()
    return Post.objects.filter(seen_through("", user))


def seen_through(path: str, user: Viewer) -> Q:
    """visible_posts' condition on the post reached through `path` ("" for a post itself,
    "content_object__" from a tagged item), so that rows pointing at posts can be filtered
    or counted by plain joins: testing each of them against visible_posts as an IN
    subquery read every visible post (100 ms and more per popular tag). Signed-in people
    only."""
    return _seen(path, Q(**{f"{path}community_id__in": member_community_ids(user)}))


def _seen(path: str, member: Q) -> Q:
    """The one visibility rule for a post reached through `path`: not deleted, and outside
    any community, in an open one, or in one the viewer belongs to (`member`)."""
    return Q(**{f"{path}deleted_at__isnull": True}) & (
        Q(**{f"{path}community__isnull": True})
        | Q(**{f"{path}community__visibility": Community.Visibility.OPEN})
        | member
    )


def seen_through_by(path: str, person: str) -> Q:
    """seen_through's condition for rows that name their own viewer: the post reached
    through `path` as seen by the person whose id is in column `person` of the same row (a
    notification's recipient), so that rows for many people are filtered in one query."""
    member = Exists(
        Membership.objects.filter(
            community_id=OuterRef(f"{path}community_id"), user_id=OuterRef(person)
        )
    )
    return _seen(path, Q(member))


def who_may_see_post(post: Post, people: Collection[int]) -> set[int]:
    """Those of `people` (ids) who may see `post` (can_view_post for many people): nobody for
    a deleted post; no query outside a private community, one inside."""
    if post.deleted_at is not None:
        return set()
    members_only = mentionable_q(post.community)  # the same rule: members of a private one
    if not members_only:
        return set(people)
    return set(User.objects.filter(members_only, pk__in=people).values_list("pk", flat=True))


def may_view_post_by_ids(user_id: int, post_id: int) -> bool:
    """can_view_post for an active person and a post known by their ids (a socket's)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    post = Post.objects.select_related("community").filter(pk=post_id).first()
    return user is not None and post is not None and can_view_post(user, post)


class NotificationPostAccess:
    """This module's rule as notifications ask for it (notifications.posts.PostAccess;
    registered in QuestionsConfig.ready())."""

    def seen_through_by(self, *, post: str, person: str) -> Q:
        return seen_through_by(post, person)

    def who_may_see(self, post: Post, people: Collection[int]) -> set[int]:
        return who_may_see_post(post, people)

    def may_view(self, user_id: int, post_id: int) -> bool:
        return may_view_post_by_ids(user_id, post_id)


def visible_tags(user: Viewer) -> QuerySet[Tag]:
    """Tags as `user` may know them, each with `uses`: how many posts they may see carry it.
    A tag only on posts they cannot see (a private community's own) is left out, so its name
    does not leak through autocomplete; a tag on no post at all (a declared topic) stays."""
    if not user.is_authenticated:
        return Tag.objects.none()
    items = "questions_taggedpost_items"
    seen = seen_through(f"{items}__content_object__", user)
    return Tag.objects.annotate(uses=Count(items, filter=seen), all_uses=Count(items)).filter(
        Q(uses__gt=0) | Q(all_uses=0)
    )


def can_view_community(user: Viewer, community: Community) -> bool:
    if not user.is_authenticated:
        return False
    if not community.is_private:
        return True
    return Membership.objects.filter(community=community, user_id=user.pk or 0).exists()


def mentionable_q(community: Community | None, *, via: str = "") -> Q:
    """Who can be mentioned in a post of `community` (None: outside any): anyone in an open
    community, only its members in a private one, since nobody else may see the post or hear
    about it. `via` leads from the rows filtered to their user ("user__" for profiles)."""
    if community is None or not community.is_private:
        return Q()
    return Q(**{f"{via}pk__in": Membership.objects.filter(community=community).values("user_id")})


def mentionable(people: Sequence[User], community: Community | None) -> list[User]:
    """Those of `people` who can be mentioned in a post of `community` (mentionable_q), in
    their order: no query outside a private community, one inside."""
    if community is None or not community.is_private or not people:
        return list(people)
    allowed = set(
        User.objects.filter(mentionable_q(community), pk__in=[p.pk for p in people]).values_list(
            "pk", flat=True
        )
    )
    return [person for person in people if person.pk in allowed]


def can_view_post(user: Viewer, post: Post) -> bool:
    if not user.is_authenticated or post.is_deleted:
        return False
    return post.community is None or can_view_community(user, post.community)


def get_post_for_user(user: Viewer, pk: int, *, for_update: bool = False) -> Post:
    """The post if `user` may see it; 404 otherwise (also for deleted posts)."""
    # Not the accepted answer: pages and the API read only its id, and joining it read a
    # whole answer's text on every question page (0.1 ms of CPU).
    queryset = visible_posts(user).select_related("author__profile__department", "community")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=pk)
    except Post.DoesNotExist:
        raise Http404("No such post.") from None


def get_answer_for_user(user: Viewer, pk: int) -> Answer:
    try:
        answer = Answer.objects.select_related("post__community").get(
            pk=pk, deleted_at__isnull=True
        )
    except Answer.DoesNotExist:
        raise Http404("No such answer.") from None
    if not can_view_post(user, answer.post):
        raise Http404("No such answer.")
    return answer


def get_community_for_user(user: Viewer, slug: str) -> Community:
    """The community if `user` may see it; 404 for private ones they are not in."""
    community = Community.objects.filter(slug=slug).first()
    if community is None or not can_view_community(user, community):
        raise Http404("No such community.")
    return community


def get_community_by_id_for_user(user: Viewer, pk: int) -> Community:
    community = Community.objects.filter(pk=pk).first()
    if community is None or not can_view_community(user, community):
        raise Http404("No such community.")
    return community


def can_edit_post(user: Viewer, post: Post) -> bool:
    return bool(user.is_authenticated and (post.author_id == user.pk or user.is_staff))


class Authored(Protocol):
    """An answer, or a row of one (questions.fragments.AnswerRow)."""

    @property
    def author_id(self) -> int: ...


def can_edit_answer(user: Viewer, answer: Authored) -> bool:
    return bool(user.is_authenticated and (answer.author_id == user.pk or user.is_staff))


def can_accept_answer(user: Viewer, post: Post) -> bool:
    return bool(user.is_authenticated and post.is_question and post.author_id == user.pk)


def is_community_owner(user: Viewer, community: Community) -> bool:
    return Membership.objects.filter(
        community=community, user_id=user.pk or 0, role=Membership.Role.OWNER
    ).exists()


# --- Checks the actions make: the acting person may do this (see intranet.lib.access) ----
# Each returns the acting person as a User, or raises NotVisible (404: they may not see the
# subject) or NotAllowed (403: they see it but may not do this, or may do nothing at all).


def check_sees_post(actor: Viewer | None, post: Post) -> User:
    """A current colleague who may see the post (not deleted, not in a private community
    they are not in)."""
    user = require_colleague(actor)
    if not can_view_post(user, post):
        raise NotVisible("No such post.")
    return user


def check_sees_answer(actor: Viewer | None, answer: Answer) -> User:
    """A current colleague who may see the answer: it is not deleted and its post is
    visible to them."""
    user = require_colleague(actor)
    if answer.is_deleted or not can_view_post(user, answer.post):
        raise NotVisible("No such answer.")
    return user


def check_sees_community(actor: Viewer | None, community: Community) -> User:
    user = require_colleague(actor)
    if not can_view_community(user, community):
        raise NotVisible("No such community.")
    return user


def check_edits_post(actor: Viewer | None, post: Post) -> User:
    """Who may change or delete a post: its author or staff, among those who see it."""
    user = check_sees_post(actor, post)
    if not can_edit_post(user, post):
        raise NotAllowed("Only the author can change this post.")
    return user


def check_edits_answer(actor: Viewer | None, answer: Answer) -> User:
    """Who may change or delete an answer: its author or staff, among those who see it."""
    user = check_sees_answer(actor, answer)
    if not can_edit_answer(user, answer):
        raise NotAllowed("Only the author can change this answer.")
    return user


def check_owns_community(actor: Viewer | None, community: Community) -> User:
    """An owner of the community (who sees it, being a member)."""
    user = check_sees_community(actor, community)
    if not is_community_owner(user, community):
        raise NotAllowed("Only owners can do this.")
    return user
