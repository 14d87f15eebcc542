"""Reactions to third-party hooks (STYLE.md rule 5): a socket stays authenticated only as
long as the session that opened it."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.dispatch import receiver

from notifications import events


@receiver(user_logged_out)
def close_sockets_of_ended_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        events.close_session_sockets(session_key)


@receiver(password_changed)
@receiver(password_reset)
def close_sockets_after_password_change(
    sender: Any, request: Any, user: Any, **kwargs: Any
) -> None:
    # Other sessions are no longer valid; this tab's socket reconnects on its own.
    transaction.on_commit(lambda: events.close_user_sockets(user.pk))
