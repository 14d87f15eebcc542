"""Who may configure which webhooks: staff their own site-wide hooks, a community's owners
that community's hooks. Anyone else gets a 404, as if the pages did not exist."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from intranet.lib.access import NotVisible
from profiles.models import User
from profiles.permissions import is_people_staff
from questions.models import Community
from questions.permissions import is_community_owner
from webhooks.models import Delivery, Webhook

Viewer = User | AnonymousUser


def can_manage_community_hooks(user: Viewer, community: Community) -> bool:
    return bool(
        user.is_authenticated and not user.is_former and is_community_owner(user, community)
    )


def can_manage_webhook(user: Viewer, hook: Webhook) -> bool:
    """Staff hooks: staff. A community's hooks: that community's owners only (not staff who
    are not members: the delivery log shows titles from the community)."""
    if hook.community is None:
        return is_people_staff(user)
    return can_manage_community_hooks(user, hook.community)


def get_community_for_hooks(user: Viewer, slug: str) -> Community:
    community = Community.objects.filter(slug=slug).first()
    if community is None or not can_manage_community_hooks(user, community):
        raise Http404("No such page.")
    return community


def get_webhook_for_user(user: Viewer, pk: int) -> Webhook:
    hook = Webhook.objects.select_related("community", "owner__profile").filter(pk=pk).first()
    if hook is None or not can_manage_webhook(user, hook):
        raise NotVisible("No such webhook.")
    return hook


def get_delivery_for_user(user: Viewer, webhook: Webhook, pk: int) -> Delivery:
    delivery = Delivery.objects.filter(webhook=webhook, pk=pk).first()
    if delivery is None or not can_manage_webhook(user, webhook):
        raise NotVisible("No such delivery.")
    return delivery
