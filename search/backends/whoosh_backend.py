"""The embedded engine: a Whoosh index directory (whoosh-reloaded).

Designed around what was measured (shared/facts): one searcher per process, refreshed when
the index changes instead of opened per query; writers that wait for the lock instead of
failing; queries built from our parsed words (never Whoosh's own parser); a separate
edge n-gram field for typeahead instead of wildcard expansion; only keys stored.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh import fields, index, sorting
from whoosh.analysis import NgramWordAnalyzer, StemmingAnalyzer
from whoosh.query import And, Or, Phrase, Term
from whoosh.query import Every as WhooshEvery

from search.backends.base import Audience, Candidate, Candidates, SearchBackend, SearchUnavailable
from search.documents import Document
from search.highlight import stem
from search.query import STOP_WORDS, Filters, ParsedQuery

logger = logging.getLogger(__name__)

INDEX_NAME = "outloud"
WRITE_TIMEOUT = 30.0  # seconds a writer waits for another process's lock

# Snowball English: "deploy", "deploys" and "deployments" share one stem (Porter's does not).
_stem = StemmingAnalyzer(stoplist=STOP_WORDS, minsize=1, stemfn=stem)
SCHEMA = fields.Schema(
    key=fields.ID(stored=True, unique=True),
    kind=fields.ID(sortable=True),
    title=fields.TEXT(analyzer=_stem, field_boost=3.0),
    tags=fields.KEYWORD(lowercase=True, commas=True, scorable=True, field_boost=2.0),
    body=fields.TEXT(analyzer=_stem),
    # Word starts of titles and names, for typeahead (prefix queries over the body are slow).
    starts=fields.TEXT(analyzer=NgramWordAnalyzer(minsize=1, maxsize=15, at="start"), phrase=False),
    community=fields.ID(sortable=True),
    private=fields.BOOLEAN,
    author=fields.ID,
    created=fields.DATETIME(sortable=True),
    answered=fields.BOOLEAN,
)


def _fields(document: Document) -> dict[str, Any]:
    return {
        "key": document.key,
        "kind": document.kind,
        "title": document.title,
        "tags": ",".join(document.tags),
        "body": document.body,
        "starts": document.title,
        "community": str(document.community_id),
        "private": document.private,
        "author": str(document.author_id),
        "created": document.created,
        "answered": document.answered,
    }


def analyzed(word: str) -> list[str]:
    return [token.text for token in _stem(word)]


class WhooshBackend(SearchBackend):
    name = "whoosh"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._index: Any = None
        self._searcher: Any = None

    # --- opening -------------------------------------------------------------------------
    def _open(self, *, create: bool = False) -> Any:
        with self._lock:
            if self._index is None:
                try:
                    if index.exists_in(str(self.path), indexname=INDEX_NAME):
                        self._index = index.open_dir(str(self.path), indexname=INDEX_NAME)
                    elif create:
                        self.path.mkdir(parents=True, exist_ok=True)
                        self._index = index.create_in(str(self.path), SCHEMA, indexname=INDEX_NAME)
                    else:
                        raise SearchUnavailable(
                            "The search index has not been built yet. An administrator can "
                            "build it with `manage.py rebuild_index`."
                        )
                except SearchUnavailable:
                    raise
                except Exception as error:  # a damaged index must not become a 500
                    logger.error("search index at %s cannot be opened: %r", self.path, error)
                    raise SearchUnavailable(
                        "The search index is damaged. An administrator can rebuild it with "
                        "`manage.py rebuild_index`; the posts themselves are safe."
                    ) from error
            return self._index

    def _reader(self) -> Any:
        """The process's searcher, refreshed when another writer has committed."""
        ix = self._open()
        with self._lock:
            try:
                if self._searcher is not None and not self._searcher.up_to_date():
                    # A fresh searcher, not searcher.refresh(): whoosh-reloaded 2.7.5's
                    # refresh keeps old segment readers without their new deletions.
                    self._searcher.close()
                    self._searcher = None
                if self._searcher is None:
                    self._searcher = ix.searcher()
            except Exception as error:
                self._searcher = None
                self._index = None
                logger.error("search index at %s cannot be read: %r", self.path, error)
                raise SearchUnavailable(
                    "The search index cannot be read right now. An administrator can rebuild "
                    "it with `manage.py rebuild_index`."
                ) from error
            return self._searcher

    def _writer(self) -> Any:
        ix = self._open(create=True)
        try:
            return ix.writer(timeout=WRITE_TIMEOUT, delay=0.05)
        except Exception as error:  # whoosh's LockError has an empty message
            raise SearchUnavailable(
                "The search index is locked by another writer; indexing will be retried."
            ) from error

    # --- writing -------------------------------------------------------------------------
    def index(self, documents: list[Document]) -> None:
        if not documents:
            return
        writer = self._writer()
        try:
            for document in documents:
                writer.update_document(**_fields(document))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def remove(self, keys: list[str]) -> None:
        if not keys or not index.exists_in(str(self.path), indexname=INDEX_NAME):
            return
        writer = self._writer()
        try:
            for key in keys:
                writer.delete_by_term("key", key)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def clear(self) -> None:
        with self._lock:
            self._searcher = None
            self.path.mkdir(parents=True, exist_ok=True)
            self._index = index.create_in(str(self.path), SCHEMA, indexname=INDEX_NAME)

    # --- reading -------------------------------------------------------------------------
    def _visibility(self, audience: Audience) -> Any:
        allowed = [Term("private", False)]
        allowed += [Term("community", str(pk)) for pk in sorted(audience.member_community_ids)]
        return Or(allowed)

    def _filter(self, filters: Filters, audience: Audience) -> Any:
        parts = [self._visibility(audience)]
        if filters.kind:
            parts.append(Term("kind", filters.kind))
        if filters.tag:
            parts.append(Term("tags", filters.tag.lower()))
        if filters.community_id is not None:
            parts.append(Term("community", str(filters.community_id)))
        if filters.author_id is not None:
            parts.append(Term("author", str(filters.author_id)))
        if filters.answered is not None:
            parts.append(And([Term("kind", "question"), Term("answered", filters.answered)]))
        if filters.after or filters.before:
            from datetime import datetime, time

            from django.utils import timezone
            from whoosh.query import DateRange

            start = (
                timezone.make_aware(datetime.combine(filters.after, time.min))
                if filters.after
                else None
            )
            end = (
                timezone.make_aware(datetime.combine(filters.before, time.max))
                if filters.before
                else None
            )
            parts.append(DateRange("created", start, end))
        return And(parts)

    def _text_query(self, query: ParsedQuery) -> Any:
        clauses = []
        for word in query.words:
            stems = analyzed(word)
            options = [Term("tags", word)]
            for term in stems:
                options += [Term("title", term), Term("body", term)]
            clauses.append(Or(options))
        for phrase in query.phrases:
            stems = [s for w in phrase for s in analyzed(w)]
            if len(stems) > 1:
                clauses.append(Or([Phrase("title", stems), Phrase("body", stems)]))
            elif stems:
                clauses.append(Or([Term("title", stems[0]), Term("body", stems[0])]))
        return And(clauses) if clauses else WhooshEvery()

    def search(
        self, query: ParsedQuery, filters: Filters, audience: Audience, *, limit: int
    ) -> Candidates:
        searcher = self._reader()
        facets = {
            "kind": sorting.FieldFacet("kind"),
            "community": sorting.FieldFacet("community"),
            "tags": sorting.FieldFacet("tags", allow_overlap=True),
        }
        try:
            # Plain BM25F relevance (no custom scorer, so Whoosh's default collector is
            # right); peer signals are blended afterwards from the database.
            results = searcher.search(
                self._text_query(query),
                filter=self._filter(filters, audience),
                limit=limit,
                groupedby=facets,
                maptype=sorting.Count,
            )
        except SearchUnavailable:
            raise
        except Exception as error:
            logger.error("search failed: %r", error)
            raise SearchUnavailable("Search failed for this query; try other words.") from error
        # With groupedby, whoosh returns every match as a hit whatever the limit.
        hits = [
            Candidate(key=hit["key"], relevance=float(hit.score or 0.0)) for hit in results[:limit]
        ]
        counted = {
            name: {str(k): int(v) for k, v in results.groups(name).items() if k not in (None, "")}
            for name in facets
        }
        return Candidates(hits=hits, total=len(results), facets=counted)

    def suggest(self, prefix: str, audience: Audience, *, limit: int) -> list[str]:
        words = [w for w in prefix.lower().split() if w][:4]
        if not words:
            return []
        searcher = self._reader()
        query = And([Term("starts", w[:15]) for w in words])
        try:
            results = searcher.search(query, filter=self._visibility(audience), limit=limit)
        except Exception as error:
            raise SearchUnavailable("Suggestions are unavailable right now.") from error
        return [hit["key"] for hit in results]

    def keys(self) -> Iterator[str]:
        searcher = self._reader()
        for fields_ in searcher.all_stored_fields():
            yield fields_["key"]

    def count(self) -> int:
        return int(self._reader().doc_count())
