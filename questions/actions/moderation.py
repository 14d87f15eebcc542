"""Staff changing what someone else wrote, or a community, is logged for audit."""

from __future__ import annotations

from typing import Any

from intranet.lib.audit import record_staff_change
from profiles.models import User
from questions.models import Answer, Community, Post


def _record_moderation(by: User, obj: Post | Answer | Community, message: str, **kw: Any) -> None:
    """Staff changing what someone else wrote (or a community) is logged for audit."""
    author_id = getattr(obj, "author_id", None)
    if by.is_staff and author_id != by.pk:
        record_staff_change(by=by, obj=obj, message=message, **kw)
