"""The one small interface every search engine sits behind."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from search.documents import Document, IndexEntry
from search.query import Filters, ParsedQuery


class SearchUnavailable(Exception):
    """The engine cannot answer (index missing, damaged, locked): said on the page, never a
    500. The message is for people."""


@dataclass(frozen=True)
class Audience:
    """Whose search this is: private-community documents match only for their members."""

    user_id: int
    member_community_ids: frozenset[int]


@dataclass
class Candidate:
    key: str
    relevance: float


@dataclass
class Candidates:
    """The best matches by text relevance (re-ranked by search.ranking), the number of all
    matches, and facet counts over all of them; every number respects the audience."""

    hits: list[Candidate]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class SearchBackend(ABC):
    name: str

    @abstractmethod
    def index(self, documents: list[Document]) -> None:
        """Add or replace these documents."""

    def bulk_index(self, batches: Iterable[list[Document]]) -> int:
        """Index many documents into a freshly cleared index (rebuilds); returns how many.
        Engines override it when one long write is much cheaper than many small ones."""
        done = 0
        for documents in batches:
            self.index(documents)
            done += len(documents)
        return done

    @abstractmethod
    def remove(self, keys: list[str]) -> None: ...

    @abstractmethod
    def search(
        self, query: ParsedQuery, filters: Filters, audience: Audience, *, limit: int
    ) -> Candidates: ...

    @abstractmethod
    def suggest(self, prefix: str, audience: Audience, *, limit: int) -> list[str]:
        """Keys of documents whose title (or person's name) has a word starting with prefix."""

    @abstractmethod
    def keys(self) -> Iterator[str]:
        """Every key in the index (integrity checks)."""

    @abstractmethod
    def entries(self) -> Iterator[IndexEntry]:
        """Every document in the index with the community and privacy it was indexed with
        (integrity checks: a stale privacy flag shows a document to the wrong people)."""

    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def clear(self) -> None:
        """Empty the index (a rebuild starts here)."""

    def health(self) -> str | None:
        """None when the engine can answer; otherwise what is wrong, for people."""
        try:
            self.count()
        except SearchUnavailable as problem:
            return str(problem)
        return None
