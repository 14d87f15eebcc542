"""The search index against the database, its source of truth (`manage.py check_integrity`;
the machinery is intranet.lib.integrity).

The configured backend's entries (SearchBackend.entries) and what the database says the
index should hold (documents.expected_entries) are read once per run and compared as sets
of keys by four checks:

* missing: a live post or a person without a document (search cannot find it);
* stray: a document of a deleted post, or of a row that no longer exists;
* visibility: a document indexed with another community or privacy than its post has (a
  stale privacy flag lets people outside a private community find its posts);
* duplicated: a key indexed more than once;
* meaning vectors (search.meaning): a live post without a vector, a vector of a deleted or
  gone post, or a vector stored with another community or privacy than its post has (the
  vector path filters by what is stored, so a stale flag would leak as well). Not checked
  while the model cannot load: then no vector is used.

Repairs go through the indexing task (tasks.index_documents), which indexes what the
database has and removes what it does not; keys that name no kind of document are removed
from the backend directly.
"""

from __future__ import annotations

from collections import Counter

from intranet.lib.integrity import Check, CheckFailed, Mismatch, batches
from search import providers
from search.backend import get_backend
from search.backends.base import SearchUnavailable
from search.documents import PERSON, IndexEntry, expected_entries, split_key
from search.tasks import index_documents

POST = "post"
# Missing documents beyond which a rebuild (one long write) beats indexing them in batches.
REBUILD_ABOVE = 5000


def _parsed(key: str) -> tuple[str, int] | None:
    """(kind, pk) of a document key, or None for a key that names no kind of document."""
    try:
        kind, pk = split_key(key)
    except ValueError:
        return None
    return (kind, pk) if kind in (POST, PERSON) else None


def _order(key: str) -> tuple[str, int, str]:
    parsed = _parsed(key)
    return (parsed[0], parsed[1], "") if parsed else ("~", 0, key)


def _subject(key: str) -> str:
    return f"search document {key}"


def _expected_kind(key: str) -> str:
    parsed = _parsed(key)
    return "person" if parsed and parsed[0] == PERSON else "live post"


def _visibility(entry: IndexEntry) -> str:
    where = f"community {entry.community_id}" if entry.community_id else "no community"
    return f"{where}, {'private' if entry.private else 'public'}"


def reindex(keys: list[str]) -> int:
    """Bring these documents in line with the database, through the indexing task; returns
    how many keys were handled."""
    known = [key for key in keys if _parsed(key)]
    for chunk in batches(known):
        index_documents.call(list(chunk))
    unknown = [key for key in keys if not _parsed(key)]
    if unknown:
        get_backend().remove(unknown)
    return len(keys)


class Comparison:
    """The index's entries and the expected ones, read when a check first asks."""

    def __init__(self) -> None:
        self._read: tuple[dict[str, IndexEntry], dict[str, IndexEntry], Counter[str]] | None
        self._read = None
        self._problem: str | None = None

    def read(self) -> tuple[dict[str, IndexEntry], dict[str, IndexEntry], Counter[str]]:
        """(expected by key, indexed by key, extra copies by key). Raises CheckFailed when
        the index cannot be read."""
        if self._problem is not None:
            raise CheckFailed(self._problem)
        if self._read is None:
            indexed: dict[str, IndexEntry] = {}
            copies: Counter[str] = Counter()
            try:
                for entry in get_backend().entries():
                    if entry.key in indexed:
                        copies[entry.key] += 1
                    else:
                        indexed[entry.key] = entry
            except SearchUnavailable as problem:
                self._problem = str(problem)
                raise CheckFailed(self._problem) from problem
            self._read = (expected_entries(), indexed, copies)
        return self._read


class IndexCheck(Check):
    in_database = False

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison

    def repair(self, mismatches: list[Mismatch]) -> int:
        return reindex([m.target for m in mismatches])


class MissingDocuments(IndexCheck):
    name = "Search index: missing documents"
    description = "every live post and every person has a document"

    def find(self) -> list[Mismatch]:
        expected, indexed, _ = self.comparison.read()
        return [
            Mismatch(_subject(key), "not indexed", _expected_kind(key), target=key)
            for key in sorted(expected.keys() - indexed.keys(), key=_order)
        ]

    def advice(self, mismatches: list[Mismatch]) -> str | None:
        expected, _, _ = self.comparison.read()
        if len(mismatches) > max(REBUILD_ABOVE, len(expected) // 2):
            return "`manage.py rebuild_index` rebuilds the whole index faster than --repair."
        return None


class StrayDocuments(IndexCheck):
    name = "Search index: stray documents"
    description = "no document of a deleted post or of a row that no longer exists"

    def find(self) -> list[Mismatch]:
        expected, indexed, _ = self.comparison.read()
        stray = sorted(indexed.keys() - expected.keys(), key=_order)
        if not stray:
            return []
        deleted = providers.posts().deleted_post_ids()
        found = []
        for key in stray:
            parsed = _parsed(key)
            if parsed is None:
                actual = "not a document key"
            elif parsed[0] == POST and parsed[1] in deleted:
                actual = "deleted post"
            else:
                actual = f"no such {parsed[0]}"
            found.append(Mismatch(_subject(key), "indexed", actual, target=key))
        return found


class StaleVisibility(IndexCheck):
    name = "Search index: visibility"
    description = "each document has its post's community and privacy"

    def find(self) -> list[Mismatch]:
        expected, indexed, _ = self.comparison.read()
        return [
            Mismatch(_subject(key), _visibility(indexed[key]), _visibility(want), target=key)
            for key, want in sorted(expected.items(), key=lambda item: _order(item[0]))
            if key in indexed and indexed[key] != want
        ]


class DuplicateDocuments(IndexCheck):
    name = "Search index: duplicated documents"
    description = "each key is indexed once"

    def find(self) -> list[Mismatch]:
        _, _, copies = self.comparison.read()
        return [
            Mismatch(_subject(key), f"{copies[key] + 1} copies", "1 copy", target=key)
            for key in sorted(copies, key=_order)
        ]

    def repair(self, mismatches: list[Mismatch]) -> int:
        # Whoosh's update_document replaces only one document with a key: remove them all.
        keys = [m.target for m in mismatches]
        get_backend().remove(keys)
        return reindex(keys)


class MeaningVectors(Check):
    name = "Search by meaning: vectors"
    description = "a vector for every live post, with its community and privacy, and no other"
    in_database = False

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison

    def find(self) -> list[Mismatch]:
        from search import meaning
        from search.models import DocumentVector

        if meaning.status() is not None:
            return []
        expected, _, _ = self.comparison.read()
        wanted = {k: e for k, e in expected.items() if k.startswith(f"{POST}:")}
        stored = {
            key: IndexEntry(key, community_id, private)
            for key, community_id, private in DocumentVector.objects.exclude(
                vector=b""
            ).values_list("key", "community_id", "private")
        }
        found = [
            Mismatch(_vector(key), "none", "live post", target=key)
            for key in wanted.keys() - stored.keys()
        ]
        found += [
            Mismatch(_vector(key), "stored", "no live post", target=key)
            for key in stored.keys() - wanted.keys()
        ]
        found += [
            Mismatch(_vector(key), _visibility(stored[key]), _visibility(want), target=key)
            for key, want in wanted.items()
            if key in stored and stored[key] != want
        ]
        return sorted(found, key=lambda m: _order(m.target))

    def repair(self, mismatches: list[Mismatch]) -> int:
        from search import meaning

        keys = [m.target for m in mismatches]
        meaning.forget([key for key in keys if not _parsed(key)])
        for chunk in batches([key for key in keys if _parsed(key)]):
            meaning.store_vectors(list(chunk))
        return len(keys)


def _vector(key: str) -> str:
    return f"meaning vector {key}"


def checks() -> list[Check]:
    comparison = Comparison()
    return [
        MissingDocuments(comparison),
        StrayDocuments(comparison),
        StaleVisibility(comparison),
        DuplicateDocuments(comparison),
        MeaningVectors(comparison),
    ]
