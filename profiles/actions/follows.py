"""Following colleagues and tags: their posts reach your feed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from taggit.models import Tag

from profiles import signals
from profiles.models import User


def set_follow_person(*, follower: User, person: User, following: bool) -> None:
    """Follow (or stop following) a colleague: their posts and mentions reach your feed.
    Starting to follow sends profiles.signals.person_followed in this transaction
    (notifications writes the person a FOLLOWED notification, pushed after commit)."""
    from profiles.models import Follow
    from profiles.permissions import require_colleague

    require_colleague(follower)
    if person.pk == follower.pk:
        raise ValidationError("You cannot follow yourself.")
    if following:
        _, created = Follow.objects.get_or_create(follower=follower, user=person)
        if created:
            signals.person_followed.send(sender=User, follower=follower, person=person)
    else:
        Follow.objects.filter(follower=follower, user=person).delete()


def set_follow_tag(*, follower: User, tag: Tag, following: bool) -> None:
    """Follow (or stop following) a tag: its posts reach your feed."""
    from profiles.models import Follow
    from profiles.permissions import require_colleague

    require_colleague(follower)

    if following:
        Follow.objects.get_or_create(follower=follower, tag=tag)
    else:
        Follow.objects.filter(follower=follower, tag=tag).delete()
