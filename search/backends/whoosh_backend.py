"""The embedded engine: a Whoosh index directory (whoosh-reloaded).

Designed around what was measured (shared/facts): one searcher per process, refreshed when
the index changes instead of opened per query; writers that wait for the lock instead of
failing; queries built from our parsed words (never Whoosh's own parser); a separate
edge n-gram field for typeahead instead of wildcard expansion; only keys stored.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import fields, index
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
    # The tags again as one column value, so facets read a column instead of the postings.
    tagset=fields.ID(sortable=True),
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
        "tagset": " ".join(document.tags),
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
        # Document numbers per visibility term, for the current searcher only.
        self._docsets: dict[tuple[str, str], frozenset[int]] = {}

    # --- opening -------------------------------------------------------------------------
    def _open(self, *, create: bool = False) -> Any:
        with self._lock:
            if self._index is None:
                try:
                    if index.exists_in(str(self.path), indexname=INDEX_NAME):
                        opened = index.open_dir(str(self.path), indexname=INDEX_NAME)
                        if set(opened.schema.names()) != set(SCHEMA.names()):
                            raise SearchUnavailable(
                                "The search index was built by an earlier version. An "
                                "administrator can rebuild it with `manage.py rebuild_index`."
                            )
                        self._index = opened
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
                    self._docsets = {}
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

    def bulk_index(self, batches: Iterable[list[Document]]) -> int:
        """One writer and one commit for the whole rebuild: per-batch commits each merge
        segments, which made a 100,000-post rebuild about four times slower."""
        ix = self._open(create=True)
        try:
            writer = ix.writer(timeout=WRITE_TIMEOUT, delay=0.05, limitmb=256)
        except Exception as error:
            raise SearchUnavailable("The search index is locked by another writer.") from error
        done = 0
        try:
            for documents in batches:
                for document in documents:
                    writer.add_document(**_fields(document))  # the index was just cleared
                done += len(documents)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return done

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
            self._docsets = {}
            self.path.mkdir(parents=True, exist_ok=True)
            self._index = index.create_in(str(self.path), SCHEMA, indexname=INDEX_NAME)

    # --- reading -------------------------------------------------------------------------
    def _docs(self, searcher: Any, field: str, value: str) -> frozenset[int]:
        key = (field, value)
        found = self._docsets.get(key)
        if found is None:
            term = Term(field, True) if field == "private" else Term(field, value)
            found = frozenset(searcher.docs_for_query(term))
            self._docsets[key] = found
        return found

    def _hidden(self, searcher: Any, audience: Audience) -> set[int]:
        """Documents the audience may not see: private ones outside their communities.

        A mask of document numbers, cached per searcher: as a query filter ("private is
        false or community in ...") Whoosh walked every document and took 240 ms at 100k.
        """
        private = self._docs(searcher, "private", "true")
        allowed = frozenset().union(
            *(self._docs(searcher, "community", str(pk)) for pk in audience.member_community_ids)
        )
        return set(private - allowed)  # whoosh takes a set (not a frozenset) as a mask

    def _filter(self, filters: Filters) -> Any:
        parts = []
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
        return And(parts) if parts else None

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
        try:
            # Every match scored in one pass (BM25F; peer signals are blended afterwards
            # from the database), so the total and the facets count all of them.
            results = searcher.search(
                self._text_query(query),
                filter=self._filter(filters),
                mask=self._hidden(searcher, audience),
                limit=None,
            )
            ranked = results.top_n if searcher.doc_count_all() else []
            reader = searcher.reader()
            counted: dict[str, Counter[str]] = {"kind": Counter(), "community": Counter()}
            tags: Counter[str] = Counter()
            if ranked:  # an empty index has no columns
                kinds = reader.column_reader("kind")
                communities = reader.column_reader("community")
                tagsets = reader.column_reader("tagset")
                for _, docnum in ranked:
                    counted["kind"][kinds[docnum]] += 1
                    counted["community"][communities[docnum]] += 1
                    tags.update(tagsets[docnum].split())
            hits = [
                Candidate(key=searcher.stored_fields(docnum)["key"], relevance=float(score))
                for score, docnum in ranked[:limit]
            ]
        except SearchUnavailable:
            raise
        except Exception as error:
            logger.error("search failed: %r", error)
            raise SearchUnavailable("Search failed for this query; try other words.") from error
        facets = {name: {str(k): v for k, v in c.items() if k} for name, c in counted.items()}
        facets["tags"] = dict(tags)
        return Candidates(hits=hits, total=len(ranked), facets=facets)

    def suggest(self, prefix: str, audience: Audience, *, limit: int) -> list[str]:
        words = [w for w in prefix.lower().split() if w][:4]
        if not words:
            return []
        searcher = self._reader()
        query = And([Term("starts", w[:15]) for w in words])
        try:
            results = searcher.search(query, mask=self._hidden(searcher, audience), limit=limit)
            return [hit["key"] for hit in results]
        except Exception as error:
            raise SearchUnavailable("Suggestions are unavailable right now.") from error

    def keys(self) -> Iterator[str]:
        searcher = self._reader()
        for fields_ in searcher.all_stored_fields():
            yield fields_["key"]

    def count(self) -> int:
        return int(self._reader().doc_count())
