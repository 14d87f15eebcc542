"""What search does when something happens to people (profiles.signals): reindex the
person's document after the action commits (a deleted person's leaves the index).
Connected in SearchConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from profiles import signals
from search.indexing import reindex_people


@receiver(signals.person_changed, dispatch_uid="search.person_changed")
@receiver(signals.person_deleted, dispatch_uid="search.person_deleted")
def reindex_person(sender: Any, *, user_id: int, **kwargs: Any) -> None:
    reindex_people(user_id)
