"""Leaving and departed: staff say when someone leaves, mark them departed (they can no
longer sign in; everything they wrote and did stays theirs), undo that, and delete a person
who wrote nothing. Every one of these is logged (PeopleLog)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from intranet.lib import domain_events
from intranet.lib.access import NotAllowed
from profiles import signals
from profiles.actions.people import _reindex_person, ensure_profile, set_active
from profiles.models import PeopleLog, Profile, User


class PersonHasContent(ValidationError):
    """A person who wrote, liked or downloaded anything cannot be deleted (delete_person)."""

    def __init__(self, user: User, counts: dict[str, int]) -> None:
        from profiles.departures import refusal_message

        self.counts = counts
        super().__init__(refusal_message(user, counts), code="has_content")


def _require_staff(by: User) -> None:
    from profiles.permissions import is_people_staff

    if not is_people_staff(by):
        raise NotAllowed("Only staff can change whether someone is leaving or has left.")


def _log(*, by: User, user: User, action: str, detail: Mapping[str, object] | None = None) -> None:
    PeopleLog.objects.create(by=by, user=user, action=action, detail=dict(detail or {}))


def _locked_profile(user: User) -> Profile:
    """The person's profile, locked for the rest of the transaction (created if missing)."""
    ensure_profile(user=user)
    return Profile.objects.select_for_update().select_related("user").get(user=user)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@transaction.atomic
def set_leaving_date(*, by: User, user: User, leaving_on: date | None) -> Profile:
    """Say when a person leaves (their last day), or with leaving_on=None that they are
    not leaving after all. Logged when it changes.

    Preconditions: `by` is staff (else PermissionDenied); the date is today or later and the
    person has not been marked departed (else ValidationError naming "leaving_on"). Shown on
    the person's profile to everyone; nothing is pushed or reindexed."""
    _require_staff(by)
    profile = _locked_profile(user)
    if profile.departed_at is not None:
        raise ValidationError(
            {"leaving_on": f"{profile.display_name} has left already. Mark them returned first."}
        )
    if leaving_on is not None and leaving_on < timezone.localdate():
        raise ValidationError({"leaving_on": "Choose today or a later date."})
    if profile.leaving_on == leaving_on:
        return profile
    previous = profile.leaving_on
    profile.leaving_on = leaving_on
    profile.save(update_fields=["leaving_on", "updated_at"])
    detail = {"leaving_on": _iso(leaving_on), "previous": _iso(previous)}
    _log(by=by, user=user, action=PeopleLog.Action.LEAVING_DATE, detail=detail)
    return profile


@transaction.atomic
def mark_departed(*, by: User, user: User) -> Profile:
    """Mark a person as having left: departed now, leaving date cleared, and no longer able
    to sign in (set_active: their sessions stop authenticating at once and their open
    sockets are closed after commit). Title and department stay as they were; every post,
    answer, like, draft and download stays theirs. Their person document is reindexed.

    Preconditions: `by` is staff (PermissionDenied) and not the person (ValidationError).
    Idempotent: a person already departed is left as they are (and kept inactive)."""
    _require_staff(by)
    if by.pk == user.pk:
        raise ValidationError("You cannot mark yourself departed.")
    profile = _locked_profile(user)
    if profile.departed_at is None:
        previous = profile.leaving_on
        profile.departed_at, profile.leaving_on = timezone.now(), None
        profile.save(update_fields=["departed_at", "leaving_on", "updated_at"])
        _log(
            by=by,
            user=user,
            action=PeopleLog.Action.DEPARTED,
            detail={"leaving_on": _iso(previous)},
        )
        _reindex_person(user.pk)
        domain_events.publish(domain_events.PERSON_DEPARTED, user_id=user.pk, actor_id=by.pk)
    set_active(user=user, active=False)
    profile.user = user
    return profile


@transaction.atomic
def mark_returned(*, by: User, user: User) -> Profile:
    """Undo a departure (a mistake, or a rehire): the person can sign in again and is a
    current colleague everywhere. Logged; their person document is reindexed.

    Preconditions: `by` is staff (PermissionDenied); the person was not anonymised
    (ValidationError: their identity is gone; give them a new account). Idempotent: a
    current colleague is left as they are."""
    _require_staff(by)
    profile = _locked_profile(user)
    if profile.anonymised_at is not None:
        raise ValidationError(
            "This person was anonymised and cannot return; create a new account for them."
        )
    if profile.departed_at is None and user.is_active:
        return profile
    previous = profile.departed_at
    profile.departed_at = None
    profile.save(update_fields=["departed_at", "updated_at"])
    set_active(user=user, active=True)
    _log(by=by, user=user, action=PeopleLog.Action.RETURNED, detail={"departed_at": _iso(previous)})
    _reindex_person(user.pk)
    profile.user = user
    return profile


def delete_person(*, by: User, user: User) -> None:
    """Delete a person for good: only someone who has no content (posts, answers, likes,
    draft versions, downloads, communities created: every PROTECTing foreign key). Their
    profile, follows, memberships, bookmarks and notifications go with them; the deletion
    is logged (by id); after commit their person document leaves the search index and
    their bell is forgotten (the receivers of profiles.signals.person_deleted).

    Preconditions: `by` is staff (PermissionDenied) and not the person (ValidationError).
    A person with content raises PersonHasContent naming what they have, after logging the
    refused attempt (committed even though the caller sees an error): mark them departed
    instead, or anonymise them."""

    check_deletable(by=by, user=user)
    pk = user.pk
    try:
        with transaction.atomic():
            _log(by=by, user=user, action=PeopleLog.Action.DELETED, detail={"user_id": pk})
            user.delete()
    except (ProtectedError, RestrictedError):
        user.pk = pk  # content arrived since the check: refuse as the check would have
        check_deletable(by=by, user=user)
        raise
    # Search drops the document; notifications forget the bell, which a reused id must
    # not find.
    signals.person_deleted.send(sender=User, user_id=pk)


def check_deletable(*, by: User, user: User, log: bool = True) -> None:
    """delete_person's preconditions, for pages that ask before deleting (the admin's
    confirmation): PermissionDenied, ValidationError, or PersonHasContent after logging the
    refused attempt unless `log` is off (a page merely opened, not a deletion asked for; the
    log row is written outside any transaction of ours, so the caller's error does not take
    it away unless the caller rolls back)."""
    from profiles.departures import content_counts

    _require_staff(by)
    if by.pk == user.pk:
        raise ValidationError("You cannot delete yourself.")
    counts = content_counts(user)
    if counts:
        if log:
            _log(
                by=by, user=user, action=PeopleLog.Action.DELETE_REFUSED, detail={"counts": counts}
            )
        raise PersonHasContent(user, counts)
