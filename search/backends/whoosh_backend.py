"""The embedded engine: a Whoosh index directory (whoosh-reloaded).

Designed around what was measured (shared/facts): one searcher per process, refreshed when
the index changes instead of opened per query; writers that wait for the lock instead of
failing; queries built from our parsed words (never Whoosh's own parser); a separate
edge n-gram field for typeahead instead of wildcard expansion; only keys stored.
"""

from __future__ import annotations

import functools
import heapq
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from whoosh import fields, index
from whoosh.analysis import NgramWordAnalyzer, StemmingAnalyzer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, Or, Phrase, Term
from whoosh.util.numeric import byte_to_length as _byte_to_length

from search.backends.base import Audience, Candidate, Candidates, SearchBackend, SearchUnavailable
from search.documents import Document, IndexEntry
from search.highlight import snowball
from search.query import STOP_WORDS, Filters, ParsedQuery

logger = logging.getLogger(__name__)

INDEX_NAME = "outloud"
WRITE_TIMEOUT = 30.0  # seconds a writer waits for another process's lock

# Snowball English: "deploy", "deploys" and "deployments" share one stem (Porter's does not).
_stem = StemmingAnalyzer(stoplist=STOP_WORDS, minsize=1, stemfn=snowball)
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
    # Each pair of adjacent words (stemmed, within the title or within the body), so a
    # quoted phrase is a set intersection; a Phrase query walked positions for 150 ms.
    pairs=fields.KEYWORD(scorable=False),
)

# Postings blocks: reading one costs two unpickles (and a decompression), whatever its
# size, so a common word's 20,000 postings in Whoosh's default 128-posting blocks spent
# most of their 10 ms there. Segments keep the codec they were written with, so indexes
# written before still read.
POSTING_BLOCK = 1024
POSTING_COMPRESSION = 0


def _writer_options() -> dict[str, Any]:
    """What every writer is opened with. Besides the codec: segments as separate files, not
    one compound file. A compound segment is memory-mapped and then copied whole into
    memory each time a reader opens it (whoosh's BufferFile wraps the map in a BytesIO):
    at 100,000 posts that was 200-250 ms of every commit and every searcher refresh, and a
    copy of the postings in each process. Separate files are read where they are."""
    return {
        "codec": W3Codec(blocklimit=POSTING_BLOCK, compression=POSTING_COMPRESSION),
        "compound": False,
    }


PAIR = "|"  # never inside a token (tokens are \w+)
# The fields whose matches are scored (BM25F, Whoosh's default weighting and parameters).
SCORED = ("title", "body", "tags")
BM25_B = 0.75
BM25_K1 = 1.2


def _pairs(*texts: str) -> str:
    found: set[str] = set()
    for text in texts:
        previous = ""
        for token in _stem(text):
            if previous:
                found.add(previous + PAIR + token.text)
            previous = token.text
    return " ".join(found)


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
        "pairs": _pairs(document.title, document.body),
    }


@dataclass
class _Columns:
    kinds: list[str]
    communities: list[str]
    tagsets: list[tuple[str, ...]]
    created: list[Any]  # the column's sortable values (newest is largest)
    # Each scored field's length per document (what BM25F divides by), for _score.
    lengths: dict[str, list[int]] = field(default_factory=dict)


def _field_lengths(reader: Any, name: str) -> list[int]:
    """A segment's lengths of one field, every document at once: Whoosh reads them one
    document at a time while scoring, which cost most of a common word's 27 ms."""
    count = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "column_reader"):
        try:
            column = perdoc.column_reader(_lenfield(name), LENGTHS_COLUMN)
        except (KeyError, OSError, ValueError):  # no document has this field
            return [0] * count
        return [_byte_to_length(b) if b else 0 for b in column]
    return [reader.doc_field_length(d, name, 0) or 0 for d in range(count)]


def _read_columns(reader: Any) -> _Columns:
    """One segment's facet columns (values repeat, so equal ones share one object)."""
    if not reader.doc_count_all():
        return _Columns([], [], [], [], {name: [] for name in SCORED})
    names: dict[str, str] = {}
    sets: dict[str, tuple[str, ...]] = {}
    kinds = [names.setdefault(v, v) for v in reader.column_reader("kind")]
    communities = [names.setdefault(v, v) for v in reader.column_reader("community")]
    tagsets = [
        sets[v] if v in sets else sets.setdefault(v, tuple(v.split()))
        for v in reader.column_reader("tagset")
    ]
    created = list(reader.column_reader("created", translate=False))
    lengths = {name: _field_lengths(reader, name) for name in SCORED}
    return _Columns(kinds, communities, tagsets, created, lengths)


def _postings(reader: Any, name: str, text: str) -> tuple[list[int], list[float]]:
    """One segment's postings of a term: document numbers and weights, a block at a time,
    without the segment's deleted documents.

    Whoosh's matchers step posting by posting through several layers of Python calls
    (a common word's 20,000 postings took 14 ms to list and 27 ms to score); its blocks
    already hold the numbers as arrays. Falls back to the public, slower walk if the
    reader's blocks are not what this version of Whoosh writes."""
    if (name, text) not in reader:
        return [], []
    matcher = reader.postings(name, text)
    deleted: Any = ()
    if isinstance(matcher, FilterMatcher) and matcher._exclude:  # the segment's deletions
        deleted, matcher = matcher._ids, matcher.child
    if not all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block")):
        return _walk_postings(reader.postings(name, text))
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        ids.extend(matcher._ids)
        weights.extend(matcher._weights)
        matcher._next_block()
    if deleted:
        kept = [i for i, docnum in enumerate(ids) if docnum not in deleted]
        ids, weights = [ids[i] for i in kept], [weights[i] for i in kept]
    return ids, weights


def _walk_postings(matcher: Any) -> tuple[list[int], list[float]]:
    """The same through Whoosh's public matcher interface, a posting at a time."""
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def analyzed(word: str) -> list[str]:
    return [token.text for token in _stem(word)]


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _one_reader_at_a_time(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run a reading method while holding its backend's read lock.

    The process's searcher is shared, and Whoosh's readers are not thread-safe: their
    postings files are read by seeking a shared file object, and a refresh closes the old
    searcher. Under an ASGI server Django runs each request in its own thread, so 8
    concurrent searches failed with decompression and unpickling errors in most requests
    and, worse, returned other queries' results with a 200. Reading is pure Python under
    the GIL, so serialising it costs no throughput; searchers per thread would cost the
    opening and the column caches again for each thread."""

    @functools.wraps(method)
    def locked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        backend = args[0]
        assert isinstance(backend, WhooshBackend)  # noqa: S101  (a method of it)
        with backend._reading:
            return method(*args, **kwargs)

    return locked


class WhooshBackend(SearchBackend):
    name = "whoosh"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        # Held by every reading method for its whole run (_one_reader_at_a_time).
        self._reading = threading.RLock()
        self._index: Any = None
        self._searcher: Any = None
        # Document numbers per visibility term, for the current searcher only.
        self._docsets: dict[tuple[str, str], frozenset[int]] = {}
        # Facet columns per segment id, and joined for the searcher they were joined for.
        self._segments: dict[str, _Columns] = {}
        self._columns_for: Any = None
        self._joined = _Columns([], [], [], [], {})

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
            return ix.writer(timeout=WRITE_TIMEOUT, delay=0.05, **_writer_options())
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
            writer = ix.writer(timeout=WRITE_TIMEOUT, delay=0.05, limitmb=256, **_writer_options())
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
        with self._reading, self._lock:
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

    def _posting_filter(self, filters: Filters) -> Any:
        """The filters read from postings (author, answered, dates); kind, community and tag
        are read from the facet columns (_filtered)."""
        parts = []
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

    def _columns(self, searcher: Any) -> _Columns:
        """Kind, community and tags of every document number, as plain lists.

        Read once per index segment and kept while the segment lives (a commit adds a
        small segment; the big one stays until a merge), so counting facets over 20,000
        matches is list indexing, not 60,000 column reads (130 ms at 100,000 posts).
        """
        with self._lock:
            if self._columns_for is searcher:
                return self._joined
            kinds: list[str] = []
            communities: list[str] = []
            tagsets: list[tuple[str, ...]] = []
            created: list[Any] = []
            lengths: dict[str, list[int]] = {name: [] for name in SCORED}
            live: dict[str, _Columns] = {}
            for reader, _offset in searcher.reader().leaf_readers():
                segment_id = reader.segment().segment_id() if reader.segment() else ""
                columns = self._segments.get(segment_id) if segment_id else None
                if columns is None:
                    columns = _read_columns(reader)
                if segment_id:
                    live[segment_id] = columns
                kinds += columns.kinds
                communities += columns.communities
                tagsets += columns.tagsets
                created += columns.created
                for name in SCORED:
                    lengths[name] += columns.lengths[name]
            self._segments = live  # segments merged away are forgotten
            self._joined = _Columns(kinds, communities, tagsets, created, lengths)
            self._columns_for = searcher
            return self._joined

    def _matching(
        self, searcher: Any, query: ParsedQuery, columns: _Columns
    ) -> tuple[set[int] | None, dict[int, float]]:
        """Document numbers matching every word and phrase (None: no text, so all), and
        their BM25F scores.

        Each word's alternatives are single terms (a tag, or a stem in the title or body),
        read as posting arrays and combined as sets; only phrases of three or more words
        need positions. The scores are Whoosh's own BM25F for the same query (its weights,
        field lengths, idf and average lengths), summed per document here from the same
        postings instead of by Whoosh's matchers, which walked them again one by one."""
        postings: dict[tuple[str, str], tuple[list[int], list[float]]] = {}

        def read(name: str, text: str) -> tuple[list[int], list[float]]:
            found = postings.get((name, text))
            if found is None:
                ids: list[int] = []
                weights: list[float] = []
                for reader, offset in searcher.reader().leaf_readers():
                    leaf_ids, leaf_weights = _postings(reader, name, text)
                    ids += [offset + d for d in leaf_ids] if offset else leaf_ids
                    weights += leaf_weights
                found = postings[(name, text)] = (ids, weights)
            return found

        clauses: list[list[tuple[str, str]]] = []  # per clause: the terms any of which match
        scored: list[tuple[str, str]] = []  # terms scored, once per clause they score in
        for word in query.words:
            stems = analyzed(word)
            options = [("tags", word)] + [(f, t) for t in stems for f in ("title", "body")]
            clauses.append(options)
            scored += options
        long_phrases = []
        for phrase in query.phrases:
            stems = [s for w in phrase for s in analyzed(w)]
            if len(stems) > 1:
                # Adjacent pairs first (exact for two words); longer phrases are then
                # checked with positions, on the few documents that have every pair.
                for first, second in zip(stems, stems[1:], strict=False):
                    clauses.append([("pairs", first + PAIR + second)])
                if len(stems) > 2:
                    long_phrases.append(Or([Phrase("title", stems), Phrase("body", stems)]))
            elif stems:
                clauses.append([("title", stems[0]), ("body", stems[0])])
            # Scoring weighs the phrase's words, each in the title or the body.
            scored += [(f, t) for t in stems for f in ("title", "body")]
        matched: set[int] | None = None
        for options in clauses:
            found: set[int] = set()
            for name, text in options:
                found.update(read(name, text)[0])
            matched = found if matched is None else matched & found
            if not matched:
                return set(), {}
        for phrase_query in long_phrases:
            if matched:
                matched &= set(searcher.search(phrase_query, filter=matched, limit=None).docs())
        scores: dict[int, float] = {}
        if matched:
            for name, text in scored:
                self._score(searcher, columns, name, text, read(name, text), scores)
        return matched, scores

    @staticmethod
    def _score(
        searcher: Any,
        columns: _Columns,
        name: str,
        text: str,
        found: tuple[list[int], list[float]],
        scores: dict[int, float],
    ) -> None:
        """Add one term's BM25F score to each document that has it (whoosh.scoring.bm25,
        with the idf and average length Whoosh's BM25FScorer reads from the searcher)."""
        ids, weights = found
        if not ids:
            return
        idf = searcher.idf(name, text)
        average = searcher.avg_field_length(name) or 1
        lengths = columns.lengths[name]
        top = idf * (BM25_K1 + 1)
        flat = BM25_K1 * (1 - BM25_B)
        per_length = BM25_K1 * BM25_B / average
        get = scores.get
        for docnum, tf in zip(ids, weights, strict=True):
            scores[docnum] = get(docnum, 0.0) + top * tf / (
                tf + flat + per_length * lengths[docnum]
            )

    def _filtered(
        self, searcher: Any, matched: set[int] | None, filters: Filters, columns: _Columns
    ) -> set[int]:
        if matched is None:  # filters only: start from the narrowest posting list
            if filters.tag:
                matched = set(searcher.docs_for_query(Term("tags", filters.tag.lower())))
            elif filters.author_id is not None:
                matched = set(searcher.docs_for_query(Term("author", str(filters.author_id))))
            else:
                matched = set(searcher.reader().all_doc_ids())
        if filters.kind:
            kinds = columns.kinds
            matched = {d for d in matched if kinds[d] == filters.kind}
        if filters.community_id is not None:
            wanted, communities = str(filters.community_id), columns.communities
            matched = {d for d in matched if communities[d] == wanted}
        if filters.tag:
            tag, tagsets = filters.tag.lower(), columns.tagsets
            matched = {d for d in matched if tag in tagsets[d]}
        rest = self._posting_filter(filters)
        if rest is not None and matched:
            matched &= set(searcher.docs_for_query(rest))
        return matched

    @_one_reader_at_a_time
    def search(
        self, query: ParsedQuery, filters: Filters, audience: Audience, *, limit: int
    ) -> Candidates:
        try:
            searcher = self._reader()
            if not searcher.doc_count_all():  # an empty index has no columns
                return Candidates(hits=[], total=0, facets={})
            columns = self._columns(searcher)
            # Every match, counted and faceted; the best `limit` by BM25F go on (peer
            # signals are blended afterwards from the database).
            matched, scores = self._matching(searcher, query, columns)
            visible = self._filtered(searcher, matched, filters, columns) - self._hidden(
                searcher, audience
            )
            if not visible or limit <= 0:
                ranked = []
            elif query.is_empty:  # filters only: the newest first
                when = columns.created
                newest = heapq.nlargest(limit, visible, key=lambda d: (when[d], d))
                ranked = [(1.0, docnum) for docnum in newest]
            else:
                # nlargest is stable: over ascending numbers, ties go to the lower one, as
                # in Whoosh's collector. (Every match matched a scored term, so has a score.)
                best = heapq.nlargest(limit, sorted(visible), key=scores.__getitem__)
                ranked = [(scores[d], d) for d in best]
            hits = [
                Candidate(key=searcher.stored_fields(docnum)["key"], relevance=float(score or 1.0))
                for score, docnum in ranked
            ]
        except SearchUnavailable:
            raise
        except Exception as error:
            logger.error("search failed: %r", error)
            raise SearchUnavailable("Search failed for this query; try other words.") from error
        kinds, communities, tagsets = columns.kinds, columns.communities, columns.tagsets
        facets = {
            "kind": dict(Counter(map(kinds.__getitem__, visible))),
            "community": {
                k: v for k, v in Counter(map(communities.__getitem__, visible)).items() if k
            },
            "tags": dict(Counter(chain.from_iterable(map(tagsets.__getitem__, visible)))),
        }
        return Candidates(hits=hits, total=len(visible), facets=facets)

    @_one_reader_at_a_time
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

    # keys() and entries() are read whole before they are handed out: a generator holding
    # the read lock between yields would hold it for as long as its caller pleases.
    def keys(self) -> Iterator[str]:
        return iter(self._keys())

    @_one_reader_at_a_time
    def _keys(self) -> list[str]:
        return [fields_["key"] for fields_ in self._reader().all_stored_fields()]

    def entries(self) -> Iterator[IndexEntry]:
        return iter(self._entries())

    @_one_reader_at_a_time
    def _entries(self) -> list[IndexEntry]:
        searcher = self._reader()
        if not searcher.doc_count_all():  # an empty index has no columns
            return []
        communities = self._columns(searcher).communities
        private = self._docs(searcher, "private", "true")
        found = []
        for reader, offset in searcher.reader().leaf_readers():
            for docnum, stored in reader.iter_docs():
                number = offset + docnum
                found.append(
                    IndexEntry(stored["key"], int(communities[number] or 0), number in private)
                )
        return found

    @_one_reader_at_a_time
    def count(self) -> int:
        return int(self._reader().doc_count())
