"""Communities: created, opened or made private, joined, left, and members added."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from intranet.lib.access import NotAllowed
from notifications import events
from profiles.models import User
from profiles.permissions import require_colleague
from questions.actions.moderation import _record_moderation
from questions.actions.posts import _check_text
from questions.models import Community, Membership, Post
from questions.permissions import check_owns_community, check_sees_community, is_community_owner
from search.indexing import reindex_posts


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
