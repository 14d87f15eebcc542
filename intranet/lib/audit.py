"""The audit log of staff changes to what other people wrote or own.

Staff change posts, answers and communities through the actions, from the admin or from the
site's pages alike; the actions record each such change here, in Django's admin log
(LogEntry: the admin's "Recent actions" and each object's history), in the caller's
transaction, so a change that rolls back leaves no record. People's standing has its own
log (profiles.PeopleLog), written the same way by profiles' actions.
"""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model

__all__ = ["CHANGE", "DELETION", "record_staff_change"]


def record_staff_change(
    *, by: AbstractBaseUser, obj: Model, message: str, flag: int = CHANGE
) -> LogEntry:
    """Log that staff member `by` changed (or, with flag=DELETION, deleted) `obj`."""
    entry = LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[obj], action_flag=flag, change_message=message, single_object=True
    )
    assert isinstance(entry, LogEntry)  # noqa: S101  (single_object returns the one entry)
    return entry
