"""What is pushed over the channel layer: notifications, unread counts and
"close your socket" orders. Sent after commit, with ids and plain JSON only. A failure to
push (Redis down, a full channel) is logged and never fails the request: the database row is
the truth and clients catch up from it by last id.

Every notification message carries ``prev``: the id of the same person's previous in-app
notification (null for their first). A client that has everything up to ``prev`` has
everything up to this one; otherwise a push went missing and it asks the socket to replay
from the id up to which it is complete (see notifications.consumers)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from intranet.lib.after_commit import AfterCommit
from notifications.models import Notification

logger = logging.getLogger(__name__)

# group_sends in flight at once. Each push runs in a fresh event loop, so every send in
# flight holds its own Redis connection: a few in flight are much faster than all at once
# (measured: 1,000 sends in 0.14-0.21 s with 16, 1.4-1.6 s unbounded), and a batch of any
# size stays far below channels-redis's max_connections (CHANNEL_MAX_CONNECTIONS).
MAX_SENDS_IN_FLIGHT = 16
# Failed sends after which a batch starts no more: failures are layer-wide (Redis down or
# unreachable), and sends in turn would keep the request waiting one timeout per round.
MAX_SEND_FAILURES = 3


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def session_group(session_key: str) -> str:
    return f"session.{session_key}"


def _send(group: str, message: dict[str, Any]) -> None:
    _send_many([(group, message)])


def _send_many(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """group_send each (group, message), at most MAX_SENDS_IN_FLIGHT at a time, in one trip
    from sync code. A failed send is logged and the others go on, until MAX_SEND_FAILURES:
    then those not yet started are skipped (clients catch up from the rows)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    failures: list[tuple[str, dict[str, Any], BaseException]] = []
    skipped = 0

    async def send(slots: asyncio.Semaphore, group: str, message: dict[str, Any]) -> None:
        nonlocal skipped
        async with slots:
            if len(failures) >= MAX_SEND_FAILURES:
                skipped += 1
                return
            try:
                await layer.group_send(group, message)
            except Exception as error:  # noqa: BLE001  (logged below; the request goes on)
                failures.append((group, message, error))

    async def send_all() -> None:
        slots = asyncio.Semaphore(MAX_SENDS_IN_FLIGHT)
        await asyncio.gather(*(send(slots, group, message) for group, message in messages))

    try:
        async_to_sync(send_all)()
    except Exception:  # any layer failure: the rows stay, clients catch up later
        logger.warning("could not push %d messages", len(messages), exc_info=True)
        return
    for group, message, error in failures:
        logger.warning("could not push %s to %s: %r", message.get("type"), group, error)
    if skipped:
        logger.warning("did not push %d of %d messages after failures", skipped, len(messages))


# What notification_text and notification_url read: select_related(*NOTIFICATION_RELATED)
# wherever notifications are listed, pushed or e-mailed.
NOTIFICATION_RELATED = ("actor__profile", "post", "answer__post", "handover__person__profile")


def notification_text(notification: Notification, *, others: int = 0) -> str:
    actor = notification.actor.profile.display_name if notification.actor else "Someone"
    if others:
        actor = f"{actor} and {others} other{'s' if others > 1 else ''}"
    verb = Notification.Verb(notification.verb).label
    handover = notification.handover
    if handover is not None:
        # "Alex asked you for a handover of #kubernetes, #helm" to the leaving person; the
        # successors also read whom from.
        text = f"{actor} {verb} of {handover.topics}"
        if handover.person_id != notification.recipient_id:
            text += f" from {handover.person.profile.display_name}"
        return text
    post = notification.post
    title = ""
    if post is not None:
        title = post.title or (post.body[:60] + ("…" if len(post.body) > 60 else ""))
    where = {
        Notification.Verb.MENTIONED: " in",
        Notification.Verb.ANSWERED: ":",
        Notification.Verb.REPLIED: ":",
        Notification.Verb.ACCEPTED: " on",
        Notification.Verb.LIKED_POST: ":",
        Notification.Verb.LIKED_ANSWER: " on",
        Notification.Verb.COMMENTED: ":",
        Notification.Verb.WAITING: ":",
        Notification.Verb.NEW_VERSION: ":",
    }.get(Notification.Verb(notification.verb), "")
    return f"{actor} {verb}{where} “{title}”" if title else f"{actor} {verb}"


def notification_url(notification: Notification) -> str:
    if notification.handover is not None:
        return reverse("person", kwargs={"username": notification.handover.person.username})
    if notification.answer is not None:
        return notification.answer.get_absolute_url()
    if notification.post is not None:
        return notification.post.get_absolute_url()
    if notification.actor is not None:
        return reverse("person", kwargs={"username": notification.actor.username})
    return reverse("notifications")


def with_prev(rows: QuerySet[Notification]) -> QuerySet[Notification]:
    """Annotate each row with ``prev``: the id of its recipient's previous in-app notification
    (a correlated subquery on the (recipient, -id) index, in the same query as the rows)."""
    previous = (
        Notification.objects.filter(
            recipient_id=OuterRef("recipient_id"), in_app=True, pk__lt=OuterRef("pk")
        )
        .seen_by_recipient()  # what the recipient is shown: a hidden row is no gap
        .order_by("-pk")
    )
    return rows.annotate(prev=Subquery(previous.values("pk")[:1]))


def notification_payload(notification: Notification, *, others: int = 0) -> dict[str, Any]:
    actor = notification.actor
    return {
        "type": "notification",
        "id": notification.pk,
        # The recipient's previous in-app notification, for gap detection: every caller
        # fetches rows through with_prev().
        "prev": notification.prev,  # type: ignore[attr-defined]
        "verb": notification.verb,
        "text": notification_text(notification, others=others),
        "url": notification_url(notification),
        "initials": actor.profile.initials if actor else "?",
        "created": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }


@dataclass
class InboxItem:
    notification: Notification
    text: str
    url: str
    ids: list[int]
    unread: bool


def group_notifications(rows: list[Notification]) -> list[InboxItem]:
    """Inbox lines, newest first; unread likes of one post or answer become one line."""
    items: list[InboxItem] = []
    likes: dict[tuple[str, int | None, int | None], InboxItem] = {}
    for n in rows:
        liked = n.verb in (Notification.Verb.LIKED_POST, Notification.Verb.LIKED_ANSWER)
        key = (n.verb, n.post_id, n.answer_id)
        if liked and n.read_at is None and key in likes:
            likes[key].ids.append(n.pk)
            continue
        item = InboxItem(n, "", notification_url(n), [n.pk], n.read_at is None)
        if liked and n.read_at is None:
            likes[key] = item
        items.append(item)
    for item in items:
        item.text = notification_text(item.notification, others=len(item.ids) - 1)
    return items


def unread_count(user_id: int) -> int:
    return (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True, in_app=True)
        .seen_by_recipient()
        .count()
    )


# --- The bell: each person's unread count and newest notification id, cached -------------
#
# Every signed-in page shows the bell, so its count is cached per person in the default
# cache (each process's memory embedded, Redis at scale). It stays exact through a versioned
# key: a per-person generation token, replaced after commit by every action that may change
# what the bell shows (a new notification, marking read, a post deleted or hidden, joining
# or leaving a community, departure). The cached value carries the generation read *before*
# its query ran, so a page that counted just before a commit stores its count under the old
# generation, where nobody reads it again: unlike deleting the key after commit, no race can
# put a stale count back. A generation bump lost to a cache outage is bounded by the TTL,
# and an outage itself only means misses: the count is computed as before.
BELL_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Bell:
    unread: int
    last_id: int


def _bell_generation_key(user_id: int) -> str:
    return f"bell-generation:{user_id}"


def _bell_key(user_id: int) -> str:
    return f"bell:{user_id}"


def bell_uncached(user_id: int) -> Bell:
    """The bell from the database, in one query: the unread count, and the newest id the page
    already knows (the socket asks for anything newer when it connects)."""
    seen = Notification.objects.filter(recipient_id=user_id, in_app=True).seen_by_recipient()
    stats = seen.aggregate(unread=Count("id", filter=Q(read_at__isnull=True)), last=Max("id"))
    return Bell(unread=stats["unread"], last_id=stats["last"] or 0)


def bell(user_id: int) -> Bell:
    """The bell for a page: from the cache when its generation is current (one cache round
    trip, no query), otherwise from the database (and cached for the next page)."""
    if transaction.get_connection().run_on_commit:
        # Inside a transaction with work still to publish after commit (a view that marked
        # read in its own atomic block, say): the cache cannot reflect this transaction's
        # own writes yet, the database can.
        return bell_uncached(user_id)
    generation_key, key = _bell_generation_key(user_id), _bell_key(user_id)
    found = cache.get_many([generation_key, key])
    generation, stored = found.get(generation_key), found.get(key)
    if generation is not None and isinstance(stored, tuple) and stored[0] == generation:
        return Bell(unread=stored[1], last_id=stored[2])
    if generation is None:
        # No generation yet (first page, evicted): start one before counting, so that a bump
        # from here on replaces it. When the cache is down, add fails and nothing is stored.
        token = secrets.token_hex(8)
        generation = token if cache.add(generation_key, token, None) else None
    fresh = bell_uncached(user_id)
    if generation is not None:
        cache.set(key, (generation, fresh.unread, fresh.last_id), BELL_CACHE_SECONDS)
    return fresh


def forget_bells(user_ids: Iterable[int]) -> None:
    """Give these people a new bell generation now: their next page counts afresh. Call it
    after commit (forget_bells_after_commit), or a page could cache the old count again."""
    tokens = {_bell_generation_key(pk): secrets.token_hex(8) for pk in set(user_ids)}
    if tokens:
        cache.set_many(tokens, None)


def forget_bells_after_commit(user_ids: Iterable[int]) -> None:
    """forget_bells once the current transaction commits (batched with the others of the
    same transaction; nothing for a rolled-back one)."""
    _forgotten_bells.add(user_ids)


def forget_bells_about_posts_after_commit(
    *, post_ids: Iterable[int] = (), community_id: int | None = None
) -> None:
    """After commit, forget the bells of everyone notified about these posts (or about any
    post of this community): for when posts become hidden from, or visible to, some of their
    recipients. The recipients are read after the commit, in one query."""
    posts = list(post_ids)

    def forget() -> None:
        about = Q(post_id__in=posts) if posts else Q(pk__in=[])
        if community_id is not None:
            about |= Q(post__community_id=community_id)
        forget_bells(
            Notification.objects.filter(about)
            .values_list("recipient_id", flat=True)
            .distinct()
            .iterator()
        )

    transaction.on_commit(forget)


def queue_push(notification_id: int) -> None:
    """Push this notification after the current transaction commits, batched with the others
    of the same transaction (a post mentioning ten people sends once, not ten times)."""
    queue_pushes([notification_id])


def queue_pushes(notification_ids: list[int]) -> None:
    """queue_push for several notifications at once."""
    _pushes.add(notification_ids)


def push_notifications(ids: list[int]) -> None:
    """Send notifications (each with its recipient's new unread count and previous id) to
    open sockets: two queries (plus one per like, for "and N others") and one trip to the
    channel layer, whatever the number."""
    rows = list(
        with_prev(
            Notification.objects.select_related(*NOTIFICATION_RELATED)
            .filter(pk__in=ids, in_app=True)
            .seen_by_recipient()  # access may have gone between the write and the push
        ).order_by("pk")
    )
    if not rows:
        return
    unread = dict(
        Notification.objects.filter(
            recipient_id__in={n.recipient_id for n in rows}, read_at__isnull=True, in_app=True
        )
        .seen_by_recipient()
        .values_list("recipient_id")
        .annotate(n=Count("id"))
        .values_list("recipient_id", "n")
    )
    messages = []
    for notification in rows:
        others = 0
        if notification.verb in (Notification.Verb.LIKED_POST, Notification.Verb.LIKED_ANSWER):
            # "Ken and 4 others liked your answer", not five separate toasts' worth of text.
            others = (
                Notification.objects.filter(
                    recipient_id=notification.recipient_id,
                    verb=notification.verb,
                    post=notification.post,
                    answer=notification.answer,
                    read_at__isnull=True,
                    in_app=True,
                )
                .exclude(pk=notification.pk)
                .count()
            )
        payload = notification_payload(notification, others=others)
        payload["unread"] = unread.get(notification.recipient_id, 0)
        messages.append(
            (
                user_group(notification.recipient_id),
                {"type": "notification.push", "payload": payload},
            )
        )
    _send_many(messages)


def push_unread_count(user_id: int) -> None:
    """Keep every open tab's bell in step after reading in one of them (after commit): the
    cached bell is forgotten first and the count sent is the one the next page shows."""
    forget_bells([user_id])
    _send(user_group(user_id), {"type": "unread.count", "count": bell(user_id).unread})


def post_group(post_id: int) -> str:
    return f"post.{post_id}"


def push_new_answer(post_id: int, answer_id: int) -> None:
    """Tell pages watching a question that it has a new answer. Only ids travel: each page
    fetches the answer through a view that checks who is asking."""
    _send(post_group(post_id), {"type": "answer.added", "post": post_id, "answer": answer_id})


def close_user_sockets(user_id: int) -> None:
    _send(user_group(user_id), {"type": "socket.close"})


def close_session_sockets(session_key: str) -> None:
    _send(session_group(session_key), {"type": "socket.close"})


def _push_batch(ids: list[int]) -> None:
    push_notifications(ids)  # looked up when it runs, so tests may replace it


# One push per 500 notifications of a committed transaction; a rolled-back one pushes nothing.
_pushes: AfterCommit[int] = AfterCommit(_push_batch, batch_size=500)
# Bells to forget after the transaction commits (the recipients of its new notifications).
_forgotten_bells: AfterCommit[int] = AfterCommit(forget_bells, batch_size=500, unique=True)
