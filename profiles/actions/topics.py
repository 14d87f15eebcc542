"""Saying one is away, and the topics one declares to know about."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from intranet.lib.tags import clean_tag_names
from profiles.actions.people import _reindex_person, ensure_profile
from profiles.models import Profile, User

MAX_DECLARED_TOPICS = 10
MAX_AWAY_NOTE = 200


def set_availability(*, user: User, away_until: date | None, note: str = "") -> Profile:
    """Say one is away until a date (inclusive), with a note for colleagues, or (with
    away_until=None) that one is back. Preconditions, else ValidationError naming the
    field: the date is today or later; the note is at most MAX_AWAY_NOTE characters.
    No side effects beyond the profile: the profile, the people directory, @mention
    suggestions and the compose box read it live."""
    from profiles.permissions import require_colleague

    require_colleague(user)
    note = " ".join(note.split())
    if away_until is None:
        note = ""
    elif away_until < timezone.localdate():
        raise ValidationError({"away_until": "Choose today or a later date."})
    if len(note) > MAX_AWAY_NOTE:
        raise ValidationError(
            {"away_note": f"Keep the note under {MAX_AWAY_NOTE} characters (it has {len(note)})."}
        )
    profile = ensure_profile(user=user)
    profile.away_until, profile.away_note = away_until, note
    profile.save(update_fields=["away_until", "away_note", "updated_at"])
    return profile


def clean_topic_names(raw: str | list[str]) -> list[str]:
    """Declared topics as tag names: the rules of post tags (intranet.lib.tags), but up to
    MAX_DECLARED_TOPICS of them. ValidationError with the message to show."""
    words = raw if isinstance(raw, list) else re.split(r"[,\s]+", raw)
    names: list[str] = []
    bad: list[str] = []
    for word in (w for w in words if w.strip()):
        try:
            names.extend(n for n in clean_tag_names([word]) if n not in names)
        except ValidationError:
            bad.append(word)
    if bad:
        clean_tag_names(bad)  # raises, naming every tag that is not allowed
    if len(names) > MAX_DECLARED_TOPICS:
        raise ValidationError(
            f"Name at most {MAX_DECLARED_TOPICS} topics (you named {len(names)}).",
            code="too_many_topics",
        )
    return names


def set_declared_topics(*, user: User, topics: str | list[str]) -> list[Tag]:
    """Replace the topics a person says they know about (at most MAX_DECLARED_TOPICS tag
    names; new tags are created). ValidationError if a name is not allowed. Returns the
    tags, in the order given."""
    from profiles.models import DeclaredTopic
    from profiles.permissions import require_colleague

    require_colleague(user)
    names = clean_topic_names(topics)
    with transaction.atomic():
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
        tags = [existing.get(name) or Tag.objects.create(name=name) for name in names]
        DeclaredTopic.objects.filter(user=user).exclude(tag__in=tags).delete()
        DeclaredTopic.objects.bulk_create(
            [DeclaredTopic(user=user, tag=tag) for tag in tags], ignore_conflicts=True
        )
        _reindex_person(user.pk)  # declared topics are among a person's search tags
    return tags
