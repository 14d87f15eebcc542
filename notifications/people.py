"""What notifications do when something happens to people (profiles.signals, sent inside the
people actions' transactions): write the FOLLOWED and HANDOVER notifications with the action,
and after its commit forget bells and close the sockets of those who may no longer sign in.
Connected in NotificationsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from notifications import events
from notifications.actions import notify, notify_many
from notifications.models import Notification
from profiles import signals
from profiles.models import HandoverRequest, User


@receiver(signals.person_followed, dispatch_uid="notifications.person_followed")
def notify_followed(sender: Any, *, follower: User, person: User, **kwargs: Any) -> None:
    notify(recipient=person, actor=follower, verb=Notification.Verb.FOLLOWED)


@receiver(signals.handover_requested, dispatch_uid="notifications.handover_requested")
def notify_handover(
    sender: Any, *, request: HandoverRequest, successors: list[User], **kwargs: Any
) -> int:
    """Notify the leaving person and the successors; returns how many were notified (former
    colleagues are not)."""
    rows = notify_many(
        recipients=[request.person, *successors],
        actor=request.by,
        verb=Notification.Verb.HANDOVER,
        handover=request,
    )
    return len(rows)


@receiver(signals.person_active_changed, dispatch_uid="notifications.person_active_changed")
def forget_bell_and_close_sockets(
    sender: Any, *, user_id: int, active: bool, **kwargs: Any
) -> None:
    events.forget_bells_after_commit([user_id])
    if not active:
        # A socket keeps the identity it had when it connected: close it once stopping the
        # person is committed (events.close_user_sockets is looked up then, like the rest).
        transaction.on_commit(lambda: events.close_user_sockets(user_id))


@receiver(signals.person_anonymised, dispatch_uid="notifications.person_anonymised")
@receiver(signals.person_deleted, dispatch_uid="notifications.person_deleted")
def forget_bell(sender: Any, *, user_id: int, **kwargs: Any) -> None:
    # After anonymising, notification texts name them anew; after deleting, a reused id must
    # not find this bell.
    events.forget_bells_after_commit([user_id])
