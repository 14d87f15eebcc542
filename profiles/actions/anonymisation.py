"""Anonymising a departed person on a legal request (logged)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from profiles import signals
from profiles.actions.leaving import _log, _require_staff, mark_departed
from profiles.actions.people import _reindex_person
from profiles.models import PeopleLog, Profile, User

MAX_ANONYMISE_REASON = 1000


def anonymous_name(user: User) -> str:
    return f"Former colleague #{user.pk}"


@transaction.atomic
def anonymise_person(*, by: User, user: User, reason: str) -> Profile:
    """Remove what identifies a person, for a legal request, keeping their content.

    Marks them departed (mark_departed, if not already), then: name, display name, e-mail and
    username become "Former colleague #<id>" style values, the password unusable; title,
    location, away note and declared topics are cleared (the department stays); their
    e-mail addresses and social (SSO) accounts are removed. Posts, answers, likes, drafts
    and downloads stay, now under the anonymous name. Logged with who, when and why; the
    person document is reindexed; on profiles.signals.person_anonymised (sent in this
    transaction) the posts reindex what they wrote (it carries the author's name) and
    notifications forget their bell, after commit.

    Preconditions: `by` is staff (PermissionDenied) and not the person; a reason of at most
    MAX_ANONYMISE_REASON characters (ValidationError naming "reason"). Idempotent: an
    anonymised person is left as they are."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from profiles.models import DeclaredTopic

    _require_staff(by)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Give the reason (e.g. the legal request's reference)."})
    if len(reason) > MAX_ANONYMISE_REASON:
        raise ValidationError(
            {"reason": f"Keep the reason under {MAX_ANONYMISE_REASON} characters."}
        )
    profile = mark_departed(by=by, user=user)
    if profile.anonymised_at is not None:
        return profile
    user.username = _free_username(f"former-colleague-{user.pk}", user.pk)
    user.first_name = user.last_name = user.email = ""
    user.set_unusable_password()
    user.save(update_fields=["username", "first_name", "last_name", "email", "password"])
    profile.display_name = anonymous_name(user)
    profile.title = profile.location = profile.away_note = ""
    profile.away_until = None
    profile.anonymised_at = timezone.now()
    profile.save(
        update_fields=[
            "display_name",
            "title",
            "location",
            "away_until",
            "away_note",
            "anonymised_at",
            "updated_at",
        ]
    )
    DeclaredTopic.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    _log(by=by, user=user, action=PeopleLog.Action.ANONYMISED, detail={"reason": reason})
    _reindex_person(user.pk)
    signals.person_anonymised.send(sender=User, user_id=user.pk)
    return profile


def _free_username(wanted: str, user_id: int) -> str:
    candidate, n = wanted, 1
    while User.objects.filter(username=candidate).exclude(pk=user_id).exists():
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate
