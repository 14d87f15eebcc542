"""Asking a leaving person and their successors for a handover of their topics (logged)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from taggit.models import Tag

from intranet.lib.tags import clean_tag_names
from profiles import signals
from profiles.actions.leaving import _log, _require_staff
from profiles.models import HandoverRequest, PeopleLog, User


@dataclass(frozen=True)
class HandoverOutcome:
    request: HandoverRequest
    created: bool  # False: `by` had asked about this person today already
    notified: int  # notifications written now

    @property
    def message(self) -> str:
        name = self.request.person.profile.display_name
        if not self.created:
            return f"You already asked {name} for a handover today."
        others = self.notified - (1 if self.request.person.is_active else 0)
        also = f" and {others} colleague{'s' if others != 1 else ''}" if others > 0 else ""
        return f"Asked {name}{also} for a handover of {self.request.topics}."


def ask_for_handover(
    *, by: User, person: User, successors: Iterable[User], tags: Iterable[Tag | str]
) -> HandoverOutcome:
    """Ask a leaving person, and the colleagues suggested to take over from them, to hand
    over some topics: a HANDOVER notification from `by` to each ("asked you for a handover
    of #kubernetes, #helm", linking to the leaving person's profile), pushed after commit,
    and a PeopleLog entry on the person.

    Preconditions: `by` is staff (PermissionDenied); at least one tag, given as Tags or as
    names (ValidationError naming "tags" if none or a name is not allowed). The person and
    `by` are dropped from the successors; former colleagues are not notified. At most once
    per (person, by) and day (the site's time zone): asking again that day notifies nobody
    and returns the first request with created=False, whatever the tags.

    The notifications are written by the receivers of profiles.signals.handover_requested
    (notifications), sent in this transaction; each returns how many people it notified,
    and `notified` is their sum."""
    _require_staff(by)
    names: list[str] = []
    for tag in tags:
        for name in [tag.name] if isinstance(tag, Tag) else clean_tag_names([str(tag)]):
            if name not in names:
                names.append(name)
    if not names:
        raise ValidationError({"tags": "Name at least one topic to hand over."})
    others = {p.pk: p for p in successors if p.pk not in (person.pk, by.pk)}
    today = timezone.localdate()
    earlier = HandoverRequest.objects.filter(person=person, by=by, day=today).first()
    if earlier is not None:
        return HandoverOutcome(earlier, created=False, notified=0)
    try:
        with transaction.atomic():
            request = HandoverRequest.objects.create(person=person, by=by, tags=names, day=today)
            responses = signals.handover_requested.send(
                sender=User, request=request, successors=list(others.values())
            )
            # Each receiver returns an int (profiles.signals), which django-stubs, typing
            # every response as str | None, cannot know.
            notified = sum(cast(int, count) for _, count in responses)
            detail = {"tags": names, "successors": list(others), "request": request.pk}
            _log(by=by, user=person, action=PeopleLog.Action.HANDOVER, detail=detail)
    except IntegrityError:  # a concurrent click asked first
        earlier = HandoverRequest.objects.get(person=person, by=by, day=today)
        return HandoverOutcome(earlier, created=False, notified=0)
    return HandoverOutcome(request, created=True, notified=notified)
