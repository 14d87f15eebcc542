"""Writes about people. Views, commands and adapters call these; tests call them directly.

Every function that takes an acting person checks first that this person may do it
(profiles.permissions: a current colleague, staff for departures, the person themselves or
staff for a profile), raising intranet.lib.access's NotAllowed (403) before writing anything.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, ProtectedError, RestrictedError
from django.utils import timezone
from taggit.models import Tag

if TYPE_CHECKING:
    from questions.models import Community, Post

from intranet.lib import domain_events
from intranet.lib.access import NotAllowed
from intranet.lib.dates import validate_time_zone
from notifications import events
from notifications.actions import notify, notify_many
from notifications.models import Notification
from profiles.models import (
    Department,
    Expertise,
    HandoverRequest,
    PeopleLog,
    Profile,
    User,
)


def default_display_name(user: User) -> str:
    full = user.get_full_name().strip()
    if full:
        return full
    local = (user.email or "").split("@", 1)[0]
    words = local.replace(".", " ").replace("_", " ").replace("-", " ").split()
    return " ".join(w.capitalize() for w in words) or user.username


def ensure_profile(*, user: User, display_name: str = "") -> Profile:
    """Return the user's profile, creating it if missing.

    Every path that creates users calls this (manager, sign-up adapters, admin, seeding).
    An existing profile is left as it is.
    """
    profile, created = Profile.objects.get_or_create(
        user=user,
        defaults={"display_name": display_name.strip() or default_display_name(user)},
    )
    if created:
        _reindex_person(user.pk)
    return profile


def _reindex_person(user_id: int) -> None:
    from search.indexing import reindex_people

    reindex_people(user_id)


def update_profile(
    *,
    by: User,
    profile: Profile,
    display_name: str,
    title: str,
    department: Department | None,
    location: str,
    time_zone: str | None = None,
) -> Profile:
    """Change what colleagues see of a person. Preconditions: `by` may edit the profile
    (the person themselves, or staff: NotAllowed); display_name is not blank; time_zone,
    when given, is "" (automatic) or a known zone name (ValidationError). None leaves the
    time zone as it is."""
    from profiles.permissions import can_edit_profile, require_colleague

    require_colleague(by)
    if not can_edit_profile(by, profile):
        raise NotAllowed("Only the person themselves or staff can change this profile.")
    if not display_name.strip():
        raise ValueError("display_name must not be blank")
    profile.display_name = display_name.strip()
    profile.title = title.strip()
    profile.department = department
    profile.location = location.strip()
    fields = ["display_name", "title", "department", "location", "updated_at"]
    if time_zone is not None:
        validate_time_zone(time_zone)
        profile.time_zone = time_zone
        fields.append("time_zone")
    profile.save(update_fields=fields)
    _reindex_person(profile.user_id)
    return profile


@transaction.atomic
def create_person(
    *,
    username: str,
    email: str,
    display_name: str,
    password: str | None = None,
    password_hash: str | None = None,
    title: str = "",
    department: Department | None = None,
    location: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a user with a verified e-mail address and a filled-in profile.

    Pass ``password_hash`` (from make_password) to give many people one password without
    hashing it once per person.
    """
    from allauth.account.models import EmailAddress

    user = User(
        username=username,
        email=email,
        is_staff=is_staff,
        is_superuser=is_superuser,
        password=password_hash or make_password(password),
    )
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    Profile.objects.create(
        user=user,
        display_name=display_name,
        title=title,
        department=department,
        location=location,
    )
    _reindex_person(user.pk)
    return user


def set_follow_person(*, follower: User, person: User, following: bool) -> None:
    """Follow (or stop following) a colleague: their posts and mentions reach your feed."""
    from profiles.models import Follow
    from profiles.permissions import require_colleague

    require_colleague(follower)
    if person.pk == follower.pk:
        raise ValidationError("You cannot follow yourself.")
    if following:
        _, created = Follow.objects.get_or_create(follower=follower, user=person)
        if created:
            notify(recipient=person, actor=follower, verb=Notification.Verb.FOLLOWED)
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


def set_theme(*, user: User, theme: str) -> None:
    """Choose light or dark pages, or to follow the device (Profile.Theme). Preconditions:
    `user` is a colleague (NotAllowed); `theme` is one of Profile.Theme (ValidationError).
    No side effects beyond the profile: every page reads it when it renders."""
    from profiles.permissions import require_colleague

    require_colleague(user)
    if theme not in Profile.Theme.values:
        raise ValidationError({"theme": "Choose light, dark or the same as your device."})
    Profile.objects.filter(user=user).update(theme=theme, updated_at=timezone.now())


def set_active(*, user: User, active: bool) -> User:
    """Let a person sign in, or stop them. Stopping ends every session they have (a new
    session generation: the cookies they had never authenticate again, even after they
    are let back in, who then sign in anew) and closes their open sockets (after commit),
    since a socket keeps the identity it had when it connected."""

    if user.is_active != active:
        User.objects.filter(pk=user.pk).update(is_active=active)
        Expertise.objects.filter(user=user).update(former=not active)
        user.is_active = active
        events.forget_bells_after_commit([user.pk])
        if not active:
            User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
            user.refresh_from_db(fields=["session_generation"])
            transaction.on_commit(lambda: events.close_user_sockets(user.pk))
    return user


MAX_DECLARED_TOPICS = 10
MAX_AWAY_NOTE = 200
# Candidates read per tag when offering waiting questions: enough to pass over those
# already offered the question or who had their daily share.
NUDGE_CANDIDATES_PER_TAG = 20


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
    """Declared topics as tag names: the rules of post tags (questions.tagging), but up to
    MAX_DECLARED_TOPICS of them. ValidationError with the message to show."""
    from questions.tagging import clean_tag_names

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


@dataclass
class NudgeReport:
    waiting: int = 0  # questions waiting long enough, looked at
    nudged_questions: int = 0  # of which offered to someone now
    notifications: int = 0
    capped: int = 0  # people passed over because they had their daily share


def nudge_waiting_questions(
    *,
    now: datetime | None = None,
    per_question: int = 3,
    max_age_days: int = 30,
    progress: Callable[[int], object] | None = None,
) -> NudgeReport:
    """Offer questions unanswered for WAITING_QUESTION_HOURS (and at most `max_age_days`
    old) to up to `per_question` available experts on their tags in all (earned, then
    declared): a WAITING notification from the asker.

    Never the asker, nobody away or departed, only members for a private community's
    question; at most once per question and person (a Nudge row, written in the same
    transaction as the notification, which is pushed after commit) and at most
    WAITING_NUDGES_PER_DAY per person and day (the site's time zone). Oldest questions
    first, so the longest-waiting get the experts' daily share. Safe to run again at any
    time: a second run finds the Nudge rows. `progress` is called with 1 per question.
    """
    from profiles.expertise import available_candidates
    from profiles.models import Nudge
    from questions.models import Post, TaggedPost

    now = now or timezone.now()
    step = progress or (lambda n: None)
    cap = settings.WAITING_NUDGES_PER_DAY
    waiting = list(
        Post.objects.alive()
        .unanswered()
        .filter(
            created_at__lte=now - timedelta(hours=settings.WAITING_QUESTION_HOURS),
            created_at__gte=now - timedelta(days=max_age_days),
            author__is_active=True,
        )
        .select_related("author", "community")
        .order_by("created_at", "pk")
    )
    report = NudgeReport(waiting=len(waiting))
    if not waiting or cap <= 0:
        return report
    ids = [p.pk for p in waiting]
    tags: dict[int, list[int]] = defaultdict(list)
    for post_id, tag_id in TaggedPost.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag_id"
    ):
        tags[post_id].append(tag_id)
    done: dict[int, set[int]] = defaultdict(set)
    for post_id, user_id in Nudge.objects.filter(post_id__in=ids).values_list("post_id", "user_id"):
        done[post_id].add(user_id)
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today_counts: dict[int, int] = defaultdict(int)
    for user_id, n in (
        Nudge.objects.filter(
            created_at__gte=day_start, created_at__lt=day_start + timedelta(days=1)
        )
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    ):
        today_counts[user_id] = n
    # Candidates per tag: once for the open questions, once per private community (members
    # only). The list order is the ranking (earned expertise by score, then declared).
    groups: dict[int | None, tuple[Community | None, set[int]]] = {}
    for post in waiting:
        private = post.community if post.community and post.community.is_private else None
        key = private.pk if private else None
        groups.setdefault(key, (private, set()))[1].update(tags[post.pk])
    pools: dict[int | None, dict[int, list[tuple[int, User]]]] = {}
    for key, (community, tag_ids) in groups.items():
        pool: dict[int, list[tuple[int, User]]] = defaultdict(list)
        candidates = available_candidates(
            sorted(tag_ids),
            community=community,
            per_tag=NUDGE_CANDIDATES_PER_TAG,
            today=timezone.localdate(now),
        )
        for rank, candidate in enumerate(candidates):
            pool[candidate.tag_id].append((rank, candidate.user))
        pools[key] = pool
    for post in waiting:
        private = post.community if post.community and post.community.is_private else None
        pool = pools[private.pk if private else None]
        ranked = sorted(
            (entry for tag_id in tags[post.pk] for entry in pool.get(tag_id, [])),
            key=lambda entry: entry[0],
        )
        chosen: dict[int, User] = {}
        wanted = per_question - len(done[post.pk])  # offered earlier count too
        for _, person in ranked:
            if len(chosen) >= wanted:
                break
            if person.pk in chosen or person.pk == post.author_id or person.pk in done[post.pk]:
                continue
            if today_counts[person.pk] >= cap:
                report.capped += 1
                continue
            chosen[person.pk] = person
        if chosen and _nudge(post, list(chosen.values()), now=now):
            report.nudged_questions += 1
            report.notifications += len(chosen)
            for pk in chosen:
                today_counts[pk] += 1
                done[post.pk].add(pk)
        step(1)
    return report


def _nudge(post: Post, people: list[User], *, now: datetime) -> bool:
    """Record the nudges and notify, in one transaction; False if a concurrent run offered
    the question to one of them first (then this run offers it to nobody)."""
    from profiles.models import Nudge

    try:
        with transaction.atomic():
            Nudge.objects.bulk_create([Nudge(post=post, user=p, created_at=now) for p in people])
            notify_many(
                recipients=people, actor=post.author, verb=Notification.Verb.WAITING, post=post
            )
    except IntegrityError:
        return False
    return True


# --- Leaving and departed --------------------------------------------------------------
# Staff say when someone leaves, mark them departed (they can no longer sign in; everything
# they wrote and did stays theirs), undo that, anonymise them on a legal request, and ask
# them and their successors for a handover. Every one of these is logged (PeopleLog).

MAX_ANONYMISE_REASON = 1000


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
    person document and their posts (which carry the author's name) are reindexed.

    Preconditions: `by` is staff (PermissionDenied) and not the person; a reason of at most
    MAX_ANONYMISE_REASON characters (ValidationError naming "reason"). Idempotent: an
    anonymised person is left as they are."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from profiles.models import DeclaredTopic
    from questions.models import Post
    from search.indexing import reindex_posts

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
    reindex_posts(*Post.objects.filter(author=user).values_list("pk", flat=True))
    events.forget_bells_after_commit([user.pk])
    return profile


def _free_username(wanted: str, user_id: int) -> str:
    candidate, n = wanted, 1
    while User.objects.filter(username=candidate).exclude(pk=user_id).exists():
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def delete_person(*, by: User, user: User) -> None:
    """Delete a person for good: only someone who has no content (posts, answers, likes,
    draft versions, downloads, communities created: every PROTECTing foreign key). Their
    profile, follows, memberships, bookmarks and notifications go with them; the deletion
    is logged (by id) and their person document leaves the search index.

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
    _reindex_person(pk)
    events.forget_bells_after_commit([pk])  # a reused id must not find this bell


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
    and returns the first request with created=False, whatever the tags."""
    from questions.tagging import clean_tag_names

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
            rows = notify_many(
                recipients=[person, *others.values()],
                actor=by,
                verb=Notification.Verb.HANDOVER,
                handover=request,
            )
            detail = {"tags": names, "successors": list(others), "request": request.pk}
            _log(by=by, user=person, action=PeopleLog.Action.HANDOVER, detail=detail)
    except IntegrityError:  # a concurrent click asked first
        earlier = HandoverRequest.objects.get(person=person, by=by, day=today)
        return HandoverOutcome(earlier, created=False, notified=0)
    return HandoverOutcome(request, created=True, notified=len(rows))
