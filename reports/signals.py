"""Cached reports that depend on who has left: cleared when staff record a change in a
person's standing (profiles.actions writes a PeopleLog row for each, in its transaction)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from profiles.models import PeopleLog
from reports.cache import forget_reports

# Changes that move people between current, leaving and former colleagues, or rename them.
CHANGES_STANDING = {
    PeopleLog.Action.LEAVING_DATE,
    PeopleLog.Action.DEPARTED,
    PeopleLog.Action.RETURNED,
    PeopleLog.Action.ANONYMISED,
    PeopleLog.Action.DELETED,
}


def forget_reports_after_a_change_of_standing(
    sender: type[PeopleLog], instance: PeopleLog, created: bool, **kwargs: Any
) -> None:
    if created and instance.action in CHANGES_STANDING:
        # After commit: a report rebuilt before then would read the old standing again.
        transaction.on_commit(forget_reports)
