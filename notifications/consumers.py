"""The notifications socket at /ws/notifications/.

Only signed-in, active people connect (others are closed with 1008, policy violation). The
socket joins the person's group and its session's group, and, on request, the groups of
up to MAX_WATCHED_POSTS questions the person may see (live answers). On (re)connect the client says
{"type": "hello", "last_id": N} and receives every notification newer than N from the
database, so nothing pushed while it was away is lost, then
{"type": "ready", "unread": n, "last_id": L, "more": false}: the client now has everything up
to L. With "more": true the replay stopped at CATCH_UP_LIMIT rows and the client asks again.

A push can also be lost while the socket is open (a Redis hiccup, a full channel): each
pushed notification carries "prev", its recipient's previous notification id, and a client
that sees prev beyond what it has sends {"type": "resync", "last_id": L}, answered like
hello. Replays are paced (MIN_REPLAY_INTERVAL) within the general message limit.

Logging out closes the session's sockets; a password change closes all of the person's
sockets.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from notifications import events
from notifications.models import Notification
from notifications.posts import post_access

logger = logging.getLogger(__name__)

CLOSE_POLICY_VIOLATION = 1008  # RFC 6455: refused because of who is asking
CLOSE_TOO_FAST = 1008
CATCH_UP_LIMIT = 100
MAX_MESSAGES_PER_SECOND = 10
MAX_WATCHED_POSTS = 5
MIN_REPLAY_INTERVAL = 0.5  # seconds between two replays (hello or resync) on one socket


@database_sync_to_async
def may_watch(user_id: int, post_id: int) -> bool:
    return post_access().may_view(user_id, post_id)


@database_sync_to_async
def missed_since(user_id: int, last_id: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(the notifications newer than last_id, oldest first and at most CATCH_UP_LIMIT, and
    the "ready" message that follows them)."""
    rows = list(
        events.with_prev(
            Notification.objects.filter(
                recipient_id=user_id, pk__gt=last_id, in_app=True
            ).seen_by_recipient()
        )
        .select_related(*events.NOTIFICATION_RELATED)
        .order_by("pk")[: CATCH_UP_LIMIT + 1]
    )
    more = len(rows) > CATCH_UP_LIMIT
    rows = rows[:CATCH_UP_LIMIT]
    ready = {
        "type": "ready",
        "unread": events.unread_count(user_id),
        # Everything of this person's up to here has now been sent.
        "last_id": rows[-1].pk if rows else last_id,
        "more": more,
    }
    return [events.notification_payload(n) for n in rows], ready


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_POLICY_VIOLATION)
            return
        self.user_id: int = user.pk
        self.groups_joined = [events.user_group(user.pk)]
        session = self.scope.get("session")
        if session is not None and session.session_key:
            self.groups_joined.append(events.session_group(session.session_key))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.window_start = time.monotonic()
        self.window_count = 0
        self.last_replay = float("-inf")
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if await self._too_fast():
            return
        if not isinstance(content, dict):
            logger.warning("ignored a non-object message on a notifications socket")
            return
        kind = content.get("type")
        if kind in ("hello", "resync"):
            await self._replay(content.get("last_id", 0))
        elif kind == "watch":
            post_id = content.get("post")
            room = len(self.groups_joined) < 2 + MAX_WATCHED_POSTS
            if isinstance(post_id, int) and room and await may_watch(self.user_id, post_id):
                group = events.post_group(post_id)
                await self.channel_layer.group_add(group, self.channel_name)
                self.groups_joined.append(group)
                await self.send_json({"type": "watching", "post": post_id})
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        else:
            logger.warning("ignored websocket message of unknown type %r", kind)

    async def _replay(self, last_id: Any) -> None:
        """Send what is newer than last_id from the database, then "ready"."""
        now = time.monotonic()
        if now - self.last_replay < MIN_REPLAY_INTERVAL:
            # Clients pace their requests (at least a second apart); ignoring one costs them
            # a retry, while serving every one would let a socket multiply database work.
            logger.warning("ignored a replay request sent too soon (user %s)", self.user_id)
            return
        self.last_replay = now
        if isinstance(last_id, bool) or not isinstance(last_id, int) or last_id < 0:
            last_id = 0
        missed, ready = await missed_since(self.user_id, last_id)
        for payload in missed:
            await self.send_json(payload)
        await self.send_json(ready)

    async def _too_fast(self) -> bool:
        now = time.monotonic()
        if now - self.window_start >= 1:
            self.window_start, self.window_count = now, 0
        self.window_count += 1
        if self.window_count > MAX_MESSAGES_PER_SECOND:
            logger.warning("closed a notifications socket sending too fast (user %s)", self.user_id)
            await self.close(code=CLOSE_TOO_FAST)
            return True
        return False

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return await super().decode_json(text_data)
        except ValueError:
            logger.warning("ignored malformed JSON on a notifications socket")
            return None

    # Channel-layer events (see notifications.events).
    async def notification_push(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])

    async def answer_added(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "answer", "post": event["post"], "answer": event["answer"]})

    async def unread_count(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "unread", "count": event["count"]})

    async def socket_close(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_POLICY_VIOLATION)
