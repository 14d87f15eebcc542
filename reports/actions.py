"""What the reports change: they ask for handovers, through profiles' action, and let staff
rebuild the cached reports now."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from profiles import actions as profiles_actions
from profiles.models import User
from reports import risk
from reports.cache import forget_reports
from reports.people import Person


@dataclass(frozen=True)
class HandoverResult:
    ok: bool
    message: str  # for the staff member who clicked


def request_handover(*, by: User, person: Person) -> HandoverResult:
    """Ask `person` and their suggested successors (as the risk report shows them) to hand
    over the tags at risk, or the person's strongest tags when none is at risk.

    Precondition: `by` is staff (profiles.actions.ask_for_handover enforces it too). Side
    effects are that action's: notifications to the person and successors after commit,
    and a log entry. Sends nothing when there is nothing to hand over, or when the action is
    not installed (profiles without departures)."""
    ask = getattr(profiles_actions, "ask_for_handover", None)
    if ask is None:
        return HandoverResult(
            False, "Handover requests are not available on this installation: nothing was sent."
        )
    item = risk.assess([person], by)[0]
    tags = risk.tags_for_handover(item)
    if not tags:
        return HandoverResult(
            False, f"{person.name} has no earned expertise to hand over: nothing was sent."
        )
    found = User.objects.in_bulk([s.user_id for s in item.successors])
    successors = [found[s.user_id] for s in item.successors if s.user_id in found]
    outcome = ask(by=by, person=User.objects.get(pk=person.pk), successors=successors, tags=tags)
    topics = ", ".join(f"#{tag.name}" for tag in tags)
    if not getattr(outcome, "created", True):
        return HandoverResult(
            False,
            f"You already asked {person.name} for a handover today: nobody was notified again.",
        )
    names = ", ".join(s.name for s in item.successors) or "nobody else (no available expert)"
    return HandoverResult(
        True, f"Asked {person.name} for a handover of {topics}; suggested successors: {names}."
    )


def refresh_reports(*, by: User) -> None:
    """Staff: forget every cached report, so that each is built from the current data the
    next time it is opened (the "Refresh now" button)."""
    if not (by.is_active and by.is_staff):
        raise PermissionDenied("Only staff can refresh the reports.")
    forget_reports()
