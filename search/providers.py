"""What search learns about posts and people's expertise, from the apps that own them.

Search sits below the posts (`questions`) and the insights (earned expertise): it indexes,
filters and ranks them without importing them. Each owner registers a provider here from
its `AppConfig.ready()`; search asks `posts()` and `expertise_tags()` when it runs. The
types below are read by the type checker only (under TYPE_CHECKING), so the dependency runs
one way at run time: the owners import search, never the reverse.
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


class ExpertiseProvider(Protocol):
    def __call__(self, user_ids: list[int], per_person: int) -> dict[int, list[str]]:
        """Tag names per person for people documents: earned topics, strongest first, then
        declared ones. People with neither are left out."""
        ...


_posts: PostProvider | None = None
_expertise: ExpertiseProvider | None = None


def register_posts(provider: PostProvider) -> None:
    global _posts
    _posts = provider


def register_expertise(provider: ExpertiseProvider) -> None:
    global _expertise
    _expertise = provider


def posts() -> PostProvider:
    if _posts is None:
        raise ImproperlyConfigured("No app registered a post provider for search.")
    return _posts


def expertise_tags(user_ids: list[int], per_person: int) -> dict[int, list[str]]:
    """Earned and declared topics per person; none when no app keeps expertise (people are
    then found by what they write)."""
    return _expertise(user_ids, per_person) if _expertise is not None else {}
