"""What notifications need to know about posts, without importing `questions`.

Notifications sit below questions: a row points at a post or an answer (by model name), and
three things about posts must come from the one rule in questions.permissions: which rows a
recipient may see (a condition for the inbox, the bell, the socket and the digest), who of
several people may see a post (before writing their rows), and whether a person may watch a
question page's live answers. `questions` registers them here in its AppConfig.ready(), as
the webhooks subscribe to domain events, so the dependency points one way only."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

if TYPE_CHECKING:
    from questions.models import Post


class PostAccess(Protocol):
    def seen_through_by(self, *, post: str, person: str) -> Q:
        """The condition that the post reached through `post` (e.g. "post__", a non-null
        foreign key) may be seen by the person whose id is in column `person` of the same
        row (e.g. "recipient_id")."""
        ...

    def who_may_see(self, post: Post, people: Collection[int]) -> set[int]:
        """Those of `people` (ids) who may see `post`."""
        ...

    def may_view(self, user_id: int, post_id: int) -> bool:
        """Whether this active person may see this post (False if either is missing)."""
        ...


_access: PostAccess | None = None


def register_post_access(access: PostAccess) -> None:
    global _access
    _access = access


def post_access() -> PostAccess:
    if _access is None:
        raise ImproperlyConfigured(
            "no post access registered for notifications: is `questions` in INSTALLED_APPS?"
        )
    return _access
