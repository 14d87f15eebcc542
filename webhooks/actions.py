"""Configuring webhooks and recording their deliveries.

Staff configure site-wide hooks; a community's owners configure hooks for their community,
which hear that community's events only. Every action checks who acts (webhooks.permissions)
and sends nothing inside its transaction: deliveries are rows first, sent by the task
backend after commit (webhooks.sending).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from intranet.lib import domain_events as events
from intranet.lib.access import NotAllowed, NotVisible
from profiles.models import User
from profiles.permissions import is_people_staff, require_colleague
from questions.models import Community, Post
from questions.permissions import can_view_post
from webhooks.addresses import url_problem
from webhooks.models import EVENT_CHOICES, STAFF_ONLY_EVENTS, Delivery, Webhook, new_secret
from webhooks.permissions import can_manage_community_hooks, can_manage_webhook

logger = logging.getLogger(__name__)

KNOWN_EVENTS = [name for name, _ in EVENT_CHOICES]


def _check_configurer(by: User | None, community: Community | None) -> User:
    user = require_colleague(by)
    if community is None:
        if not is_people_staff(user):
            raise NotVisible("No such page.")
    elif not can_manage_community_hooks(user, community):
        raise NotVisible("No such page.")
    return user


def _clean(
    *,
    community: Community | None,
    name: str,
    url: str,
    events_: Iterable[str],
    tag: str,
    format: str,
) -> dict[str, Any]:
    """The hook's settings, checked; ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "Give the hook a name."
    elif len(name) > 100:
        errors["name"] = "At most 100 characters."
    url = url.strip()
    problem = url_problem(url, private_allowed=community is None) if url else "Enter a URL."
    if problem:
        errors["url"] = problem
    elif len(url) > 500:
        errors["url"] = "At most 500 characters."
    chosen = [e for e in KNOWN_EVENTS if e in set(events_)]
    unknown = set(events_) - set(KNOWN_EVENTS)
    if unknown or not chosen:
        errors["events"] = "Choose at least one of the listed events."
    elif community is not None and STAFF_ONLY_EVENTS & set(chosen):
        errors["events"] = "Only staff hooks can hear that a person has left."
    tag = tag.strip().lstrip("#").lower()
    if len(tag) > 100:
        errors["tag"] = "At most 100 characters."
    if format not in Webhook.Format.values:
        errors["format"] = "Choose one of the listed formats."
    if errors:
        raise ValidationError(errors)
    return {"name": name, "url": url, "events": chosen, "tag": tag, "format": format}


def create_webhook(
    *,
    by: User,
    community: Community | None = None,
    name: str,
    url: str,
    events: Iterable[str],
    tag: str = "",
    format: str = Webhook.Format.JSON,
) -> Webhook:
    """A new hook owned by `by`: a staff hook (community None, staff only) or a hook for
    `community` (its owners only). Its secret is generated. ValidationError on bad input,
    NotVisible for anyone else."""
    owner = _check_configurer(by, community)
    values = _clean(
        community=community, name=name, url=url, events_=list(events), tag=tag, format=format
    )
    return Webhook.objects.create(owner=owner, community=community, **values)


def update_webhook(
    *,
    by: User,
    webhook: Webhook,
    name: str,
    url: str,
    events: Iterable[str],
    tag: str = "",
    format: str = Webhook.Format.JSON,
    is_active: bool = True,
    regenerate_secret: bool = False,
) -> Webhook:
    """Change a hook's settings (its managers only). The one who saves it becomes its owner:
    payloads follow what the person now responsible may see."""
    user = _check_configurer(by, webhook.community)
    if not can_manage_webhook(user, webhook):
        raise NotVisible("No such webhook.")
    values = _clean(
        community=webhook.community,
        name=name,
        url=url,
        events_=list(events),
        tag=tag,
        format=format,
    )
    for field, value in values.items():
        setattr(webhook, field, value)
    webhook.owner = user
    webhook.is_active = is_active
    if regenerate_secret:
        webhook.secret = new_secret()
    webhook.save()
    return webhook


def delete_webhook(*, by: User, webhook: Webhook) -> None:
    """Delete the hook and its delivery log (its managers only)."""
    user = _check_configurer(by, webhook.community)
    if not can_manage_webhook(user, webhook):
        raise NotVisible("No such webhook.")
    webhook.delete()


def enqueue_sending(webhook_id: int) -> None:
    """Ask the task backend to send the hook's pending deliveries."""
    from webhooks.tasks import send_webhook_deliveries

    send_webhook_deliveries.enqueue(webhook_id)


def _send_after_commit(webhook_ids: Iterable[int]) -> None:
    for webhook_id in sorted(set(webhook_ids)):
        transaction.on_commit(lambda pk=webhook_id: enqueue_sending(pk))  # type: ignore[misc]


def send_again(*, by: User, delivery: Delivery) -> Delivery:
    """A new delivery of the same event to the same hook (after the hook's pending ones),
    sent after commit; the old row stays in the log as it was."""
    webhook = delivery.webhook
    user = _check_configurer(by, webhook.community)
    if not can_manage_webhook(user, webhook):
        raise NotVisible("No such delivery.")
    if not webhook.is_active:
        raise NotAllowed("Switch the hook on first.")
    with transaction.atomic():
        again = Delivery.objects.create(
            webhook=webhook, event=delivery.event, payload=delivery.payload
        )
        _send_after_commit([webhook.pk])
    return again


# --- The domain-event subscriber ------------------------------------------------------------


def _matching_hooks(event: str, payload: dict[str, Any]) -> list[Webhook]:
    """The active hooks that want this event and whose owner may see what it is about."""
    hooks = [
        hook
        for hook in Webhook.objects.filter(is_active=True).select_related(
            "owner__profile", "community"
        )
        if event in hook.events and not hook.owner.is_former
    ]
    if not hooks:
        return []  # the usual case: one query per event, nothing else
    if event == events.PERSON_DEPARTED:
        return [hook for hook in hooks if hook.community_id is None]
    post = Post.objects.select_related("community").filter(pk=payload["post_id"]).first()
    if post is None:
        return []
    tags = {name.lower() for name in post.tags.names()} if any(h.tag for h in hooks) else set()
    return [
        hook
        for hook in hooks
        if (hook.community_id is None or hook.community_id == post.community_id)
        and (not hook.tag or hook.tag in tags)
        and can_view_post(hook.owner, post)
    ]


def record_event(event: str, payload: dict[str, Any]) -> None:
    """Subscribed to every domain event (WebhooksConfig.ready): a pending delivery for each
    matching hook, sent after commit. Also stops the hooks of a person who left."""
    with transaction.atomic():
        if event == events.PERSON_DEPARTED:
            Webhook.objects.filter(owner_id=payload["user_id"], is_active=True).update(
                is_active=False
            )
        hooks = _matching_hooks(event, payload)
        if not hooks:
            return
        occurred_at = timezone.now().isoformat()
        ids = {key: value for key, value in payload.items() if key != "actor_id"}
        Delivery.objects.bulk_create(
            [
                Delivery(webhook=hook, event=event, payload={**ids, "occurred_at": occurred_at})
                for hook in hooks
            ]
        )
        _send_after_commit(hook.pk for hook in hooks)
