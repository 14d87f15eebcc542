"""Writes about people, one module a topic. Views, commands and adapters call these; tests
call them directly. Everything is re-exported here, so callers import from profiles.actions.

Every function that takes an acting person checks first that this person may do it
(profiles.permissions: a current colleague, staff for departures, the person themselves or
staff for a profile), raising intranet.lib.access's NotAllowed (403) before writing anything.
"""

from __future__ import annotations

from profiles.actions.anonymisation import MAX_ANONYMISE_REASON, anonymise_person, anonymous_name
from profiles.actions.follows import set_follow_person, set_follow_tag
from profiles.actions.handover import HandoverOutcome, ask_for_handover
from profiles.actions.leaving import (
    PersonHasContent,
    check_deletable,
    delete_person,
    mark_departed,
    mark_returned,
    set_leaving_date,
)
from profiles.actions.people import (
    create_person,
    default_display_name,
    ensure_profile,
    set_active,
    set_theme,
    update_profile,
)
from profiles.actions.topics import (
    MAX_AWAY_NOTE,
    MAX_DECLARED_TOPICS,
    clean_topic_names,
    set_availability,
    set_declared_topics,
)

__all__ = [
    "HandoverOutcome",
    "MAX_ANONYMISE_REASON",
    "MAX_AWAY_NOTE",
    "MAX_DECLARED_TOPICS",
    "PersonHasContent",
    "anonymise_person",
    "anonymous_name",
    "ask_for_handover",
    "check_deletable",
    "clean_topic_names",
    "create_person",
    "default_display_name",
    "delete_person",
    "ensure_profile",
    "mark_departed",
    "mark_returned",
    "set_active",
    "set_availability",
    "set_declared_topics",
    "set_follow_person",
    "set_follow_tag",
    "set_leaving_date",
    "set_theme",
    "update_profile",
]
