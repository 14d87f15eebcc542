"""The notifications socket. For now it authenticates and joins the person's group; the
notification payloads arrive with the notifications capability."""

from __future__ import annotations

import logging
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

logger = logging.getLogger(__name__)

# RFC 6455 "policy violation": the socket is refused because of who is asking.
CLOSE_POLICY_VIOLATION = 1008


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_POLICY_VIOLATION)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user": user.pk})

    async def disconnect(self, code: int) -> None:
        group = getattr(self, "group", None)
        if group:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        logger.warning("ignored websocket message of unknown shape from user %s", self.group)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return await super().decode_json(text_data)
        except ValueError:
            logger.warning("ignored malformed JSON on a notifications socket")
            return None
