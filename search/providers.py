"""What search learns about posts, from the app that owns them.

Search sits below the posts (`questions`): it indexes, filters and ranks them without
importing them. `questions` registers a provider here from its `AppConfig.ready()`; search
asks `posts()` when it runs. The types below are read by the type checker only (under
TYPE_CHECKING), so the dependency runs one way at run time: the owner imports search, never
the reverse. (People's earned and declared topics sit below search: search.documents reads
them from profiles.expertise directly.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from profiles.models import User
    from questions.models import Answer, Community, Post, PostQuerySet
    from search.documents import Document, PostText


class SignalTables(NamedTuple):
    """The tables the ranking's peer signals are read from by raw SQL (search.service)."""

    post: str
    answer: str
    like: str


class PostProvider(Protocol):
    """Everything search needs to know about posts, answers and communities."""

    # --- indexing (search.documents, search.meaning, search.integrity) ---

    def documents(self, post_ids: list[int]) -> list[Document]:
        """The search documents of these posts; deleted or unknown ones are left out."""
        ...

    def texts(self, post_ids: list[int], max_chars: int) -> list[PostText]:
        """What is embedded for each of these posts (search by meaning), each text cut at
        `max_chars`; deleted or unknown ones are left out."""
        ...

    def written_tags(self, user_ids: list[int], per_person: int) -> dict[int, list[str]]:
        """The tags each person writes and answers about most, most first."""
        ...

    def live_posts(self) -> PostQuerySet:
        """Every post that is not deleted (for rebuilds, counts and integrity checks)."""
        ...

    def live_post_places(self) -> Iterable[tuple[int, int, bool]]:
        """(post id, community id or 0, whether only its members may see it) for every
        live post, whatever their number in a fixed number of queries."""
        ...

    def deleted_post_ids(self) -> set[int]: ...

    # --- searching (search.service, search.views) ---

    def member_community_ids(self, user: User) -> Iterable[int]: ...

    def visible_posts(self, user: User) -> PostQuerySet:
        """The posts `user` may see (the access rule of the posts' owner)."""
        ...

    def get_post_for_user(self, user: User, pk: int) -> Post:
        """The post if `user` may see it; Http404 otherwise."""
        ...

    def visible_communities(self, user: User) -> QuerySet[Community]: ...

    def live_answers(self, post_ids: list[int]) -> QuerySet[Answer]:
        """The answers of these posts that are not deleted, unordered."""
        ...

    def community_names(self, community_ids: Iterable[int]) -> dict[int, str]: ...

    def signal_tables(self) -> SignalTables: ...


_posts: PostProvider | None = None


def register_posts(provider: PostProvider) -> None:
    global _posts
    _posts = provider


def posts() -> PostProvider:
    if _posts is None:
        raise ImproperlyConfigured("No app registered a post provider for search.")
    return _posts
