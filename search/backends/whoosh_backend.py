"""The embedded engine: a Whoosh index directory (whoosh-reloaded).

Designed around what was measured (shared/facts): one searcher per process, refreshed when
the index changes instead of opened per query; writers that wait for the lock instead of
failing; queries built from our parsed words (never Whoosh's own parser); a separate
edge n-gram field for typeahead instead of wildcard expansion; only keys stored.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np
from whoosh import fields, index
from whoosh.analysis import NgramWordAnalyzer, StemmingAnalyzer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, Or, Phrase, Term
from whoosh.util.numeric import byte_to_length as _byte_to_length

from search.backends.base import Audience, Candidate, Candidates, SearchBackend, SearchUnavailable
from search.documents import Document, IndexEntry
from search.highlight import snowball
from search.query import STOP_WORDS, WORD_PATTERN, Filters, ParsedQuery

logger = logging.getLogger(__name__)

INDEX_NAME = "outloud"
WRITE_TIMEOUT = 30.0  # seconds a writer waits for another process's lock

# Snowball English: "deploy", "deploys" and "deployments" share one stem (Porter's does not).
# Words are split as search.query splits them (an apostrophe splits, a dot splits).
_stem = StemmingAnalyzer(expression=WORD_PATTERN, stoplist=STOP_WORDS, minsize=1, stemfn=snowball)
SCHEMA = fields.Schema(
    key=fields.ID(stored=True, unique=True),
    kind=fields.ID(sortable=True),
    title=fields.TEXT(analyzer=_stem, field_boost=3.0),
    tags=fields.KEYWORD(lowercase=True, commas=True, scorable=True, field_boost=2.0),
    # A post's answers (replies, comments): what a question is about is said in its title
    # first, in the answers next, in its body last (measured on search-eval's questions).
    answers=fields.TEXT(analyzer=_stem, field_boost=1.0),
    body=fields.TEXT(analyzer=_stem, field_boost=0.8),
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
SCORED = ("title", "answers", "body", "tags")
TEXT_FIELDS = ("title", "answers", "body")
BM25_B = 0.75
BM25_K1 = 1.2
# A document with every word of the query scores up to (1 + COVERAGE_BONUS) times its
# BM25F; one with half of them, (1 + COVERAGE_BONUS / 2) times.
COVERAGE_BONUS = 1.0
# Added per pair of query words found side by side, times the pair's idf.
PAIR_BONUS = 1.0
# Postings read per query, at most (see _relevance); the rarest term is always read.
POSTINGS_BUDGET = 30_000
# Postings kept in memory between queries (16 bytes each: 32 MB at most per process).
POSTINGS_CACHE = 2_000_000
FACET_POOL = 5_000  # tags are counted over the best this many matches
HIDDEN_SETS_KEPT = 256  # sets of communities whose hidden documents are kept per searcher


@dataclass
class _Relevance:
    score: Any  # numpy array by document number: 0 for documents that do not match
    bm25: Any  # the BM25F part alone (Whoosh's own formula; tests compare it with Whoosh)


def _has_filters(filters: Filters) -> bool:
    return bool(
        filters.kind
        or filters.tag
        or filters.community_id is not None
        or filters.author_id is not None
        or filters.answered is not None
        or filters.after
        or filters.before
    )


def _top(found: Any, score: Any, limit: int) -> Any:
    """The `limit` best of the document numbers `found` by score, in no order (ties at the
    cut all kept)."""
    if len(found) <= limit:
        return found
    values = score[found]
    cut = np.partition(values, len(values) - limit)[len(values) - limit]
    return found[values >= cut]


def _array(docs: Iterable[int]) -> Any:
    """Document numbers as a numpy array (a set of them is copied)."""
    if isinstance(docs, np.ndarray):
        return docs
    return np.fromiter(docs, dtype=np.int64)


def _best(found: Any, score: Any, limit: int) -> list[tuple[float, int]]:
    """The `limit` best of the document numbers `found` (ascending) by score, best first;
    ties go to the lower number, as in Whoosh's collector."""
    if limit <= 0 or not len(found):
        return []
    # A partition picks the best `limit` in linear time; ties at the cut are then settled
    # by number, so the result is the same as a full sort's.
    found = _top(found, score, limit)
    values = score[found]
    order = np.lexsort((found, -values))[:limit]
    return list(zip(values[order].tolist(), found[order].tolist(), strict=True))


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
        "answers": document.answers,
        "starts": document.title,
        "community": str(document.community_id),
        "tagset": " ".join(document.tags),
        "private": document.private,
        "author": str(document.author_id),
        "created": document.created,
        "answered": document.answered,
        "pairs": _pairs(document.title, document.body, document.answers),
    }


@dataclass
class _Columns:
    kinds: list[str]
    communities: list[str]
    tagsets: list[tuple[str, ...]]
    created: list[Any]  # the column's sortable values (newest is largest)
    # Each scored field's length per document (what BM25F divides by), for _score; lists
    # per segment, numpy arrays once joined for a searcher.
    lengths: dict[str, Any] = field(default_factory=dict)
    # The same kinds, communities and tags as numbers into the backend's vocabulary
    # (_Vocabulary), for counting facets with numpy: tags as one flat array, `tag_counts`
    # per document (and, joined, `tag_starts`: where each document's tags begin).
    kind_codes: Any = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    community_codes: Any = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    tag_codes: Any = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    tag_counts: Any = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    tag_starts: Any = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


class _Vocabulary:
    """Facet values (kinds, communities, tags) as numbers, the same in every segment; only
    grows (a few hundred values), so codes stay valid for every cached segment."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.names: list[str] = []

    def code(self, name: str) -> int:
        found = self.codes.get(name)
        if found is None:
            found = self.codes[name] = len(self.names)
            self.names.append(name)
        return found

    def encode(self, values: list[str]) -> Any:
        code = self.code
        return np.fromiter((code(v) for v in values), dtype=np.int64, count=len(values))

    def counts(self, codes: Any) -> dict[str, int]:
        """{value: how many times} for an array of codes, as collections.Counter counts."""
        counted = np.bincount(codes, minlength=len(self.names))
        names = self.names
        return {names[i]: int(counted[i]) for i in np.flatnonzero(counted).tolist()}


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


def _read_columns(reader: Any, vocabulary: _Vocabulary) -> _Columns:
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
    return _Columns(
        kinds,
        communities,
        tagsets,
        created,
        lengths,
        kind_codes=vocabulary.encode(kinds),
        community_codes=vocabulary.encode(communities),
        tag_codes=vocabulary.encode([t for tags in tagsets for t in tags]),
        tag_counts=np.fromiter(map(len, tagsets), dtype=np.int64, count=len(tagsets)),
    )


def _joined_codes(segments: list[_Columns], name: str) -> Any:
    parts = [getattr(columns, name) for columns in segments]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _gather(flat: Any, starts: Any, counts: Any) -> Any:
    """The runs flat[starts[i] : starts[i] + counts[i]] of every i, as one array."""
    total = int(counts.sum())
    if not total:
        return flat[:0]
    ends = np.cumsum(counts)
    within = np.arange(total) - np.repeat(ends - counts, counts)
    return flat[np.repeat(starts, counts) + within]


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
        kept = ~np.isin(np.asarray(ids), np.fromiter(deleted, dtype=np.int64, count=len(deleted)))
        ids, weights = np.asarray(ids)[kept].tolist(), np.asarray(weights)[kept].tolist()
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
        # Postings by (segment, its deletions, field, term), most recently used last; read
        # and written only under the read lock.
        self._postings_cache: OrderedDict[tuple[str, int, str, str], tuple[Any, Any]] = (
            OrderedDict()
        )
        self._cached_postings = 0
        self._index: Any = None
        self._searcher: Any = None
        # Document numbers per visibility term, for the current searcher only.
        self._docsets: dict[tuple[str, str], frozenset[int]] = {}
        # Documents hidden from each set of communities, for the current searcher only.
        self._hidden_docs: dict[frozenset[int], tuple[frozenset[int], Any]] = {}
        # Stored keys read so far, per segment id and document number within it.
        self._stored_keys: dict[str, dict[int, str]] = {}
        # Facet columns per segment id, and joined for the searcher they were joined for.
        self._segments: dict[str, _Columns] = {}
        self._columns_for: Any = None
        self._joined = _Columns([], [], [], [], {})
        self._vocabulary = _Vocabulary()

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
                    self._hidden_docs = {}
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
            self._hidden_docs = {}
            self._stored_keys = {}
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
        return set(self._hidden_set(searcher, audience)[0])  # whoosh takes a set as a mask

    def _hidden_set(self, searcher: Any, audience: Audience) -> tuple[frozenset[int], Any]:
        """_hidden's documents, and as a numpy array, kept per searcher and set of
        communities: joining each community's documents again cost 1 ms of every search."""
        communities = audience.member_community_ids
        found = self._hidden_docs.get(communities)
        if found is None:
            private = self._docs(searcher, "private", "true")
            allowed = frozenset().union(
                *(self._docs(searcher, "community", str(pk)) for pk in communities)
            )
            hidden = private - allowed
            found = (hidden, np.fromiter(hidden, dtype=np.int64, count=len(hidden)))
            if len(self._hidden_docs) >= HIDDEN_SETS_KEPT:
                self._hidden_docs.clear()
            self._hidden_docs[communities] = found
        return found

    def _keys_of(self, searcher: Any, docnums: list[int]) -> list[str]:
        """The stored key of each document number. Whoosh unpickles a document's stored
        fields on every read (200 reads were 2-4 ms of a search); a segment's keys never
        change, so each is read once while its segment lives."""
        leaves = list(searcher.reader().leaf_readers())
        offsets = [offset for _reader, offset in leaves]
        live = {}
        for reader, _offset in leaves:
            segment = reader.segment() if hasattr(reader, "segment") else None
            if segment is not None:
                segment_id = segment.segment_id()
                live[segment_id] = self._stored_keys.get(segment_id, {})
        found = []
        for docnum in docnums:
            leaf = bisect.bisect_right(offsets, docnum) - 1
            reader, offset = leaves[leaf]
            segment = reader.segment() if hasattr(reader, "segment") else None
            keys = live.get(segment.segment_id()) if segment is not None else None
            if keys is None:
                found.append(reader.stored_fields(docnum - offset)["key"])
                continue
            key = keys.get(docnum - offset)
            if key is None:
                key = keys[docnum - offset] = reader.stored_fields(docnum - offset)["key"]
            found.append(key)
        self._stored_keys = live  # segments merged away are forgotten
        return found

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
            in_order: list[_Columns] = []
            for reader, _offset in searcher.reader().leaf_readers():
                segment_id = reader.segment().segment_id() if reader.segment() else ""
                columns = self._segments.get(segment_id) if segment_id else None
                if columns is None:
                    columns = _read_columns(reader, self._vocabulary)
                if segment_id:
                    live[segment_id] = columns
                in_order.append(columns)
                kinds += columns.kinds
                communities += columns.communities
                tagsets += columns.tagsets
                created += columns.created
                for name in SCORED:
                    lengths[name] += columns.lengths[name]
            self._segments = live  # segments merged away are forgotten
            arrays = {name: np.asarray(lengths[name], dtype=np.float64) for name in SCORED}
            tag_counts = _joined_codes(in_order, "tag_counts")
            self._joined = _Columns(
                kinds,
                communities,
                tagsets,
                created,
                arrays,
                kind_codes=_joined_codes(in_order, "kind_codes"),
                community_codes=_joined_codes(in_order, "community_codes"),
                tag_codes=_joined_codes(in_order, "tag_codes"),
                tag_counts=tag_counts,
                tag_starts=np.cumsum(tag_counts) - tag_counts,
            )
            self._columns_for = searcher
            return self._joined

    def _relevance(self, searcher: Any, query: ParsedQuery, columns: _Columns) -> _Relevance:
        """Every document's text relevance to the query, as arrays over document numbers.

        Any word matches: a question typed in one's own words rarely repeats every word of
        the title it is looking for. A document's score is BM25F over the words it has
        (each word as a tag, or its stem in the title, the answers or the body, Whoosh's
        own field boosts, idf and average lengths), times a bonus for the share of the
        query's words it covers, plus a bonus for query words found side by side. Quoted
        phrases must match, `-word`s must not.

        Postings are read as arrays a block at a time and scored with numpy; Whoosh's
        matchers walked them one posting at a time. The work is bounded: terms are read
        rarest first until POSTINGS_BUDGET postings have been read; a commoner term past
        the budget is left out, which costs little (its idf is low, and its word is
        usually found in a title or tag term already read)."""
        size = searcher.doc_count_all()
        postings: dict[tuple[str, str], tuple[Any, Any]] = {}
        leaves = [
            (reader, offset, reader.doc_count_all() - reader.doc_count())
            for reader, offset in searcher.reader().leaf_readers()
        ]

        def read(name: str, text: str) -> tuple[Any, Any]:
            found = postings.get((name, text))
            if found is None:
                id_parts: list[Any] = []
                weight_parts: list[Any] = []
                for reader, offset, deleted in leaves:
                    leaf_ids, leaf_weights = self._segment_postings(reader, deleted, name, text)
                    if len(leaf_ids):
                        id_parts.append(leaf_ids + offset if offset else leaf_ids)
                        weight_parts.append(leaf_weights)
                if id_parts:
                    found = (np.concatenate(id_parts), np.concatenate(weight_parts))
                else:
                    found = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
                postings[(name, text)] = found
            return found

        def terms_of(word: str) -> list[tuple[str, str]]:
            return [("tags", word)] + [(f, t) for t in analyzed(word) for f in TEXT_FIELDS]

        bm25 = np.zeros(size, dtype=np.float64)
        covered = np.zeros(size, dtype=np.float64)
        # Each word's terms, rarest first across the query, within the budget.
        wanted: list[tuple[int, int, str, str]] = []
        for number, word in enumerate(query.words):
            for name, text in terms_of(word):
                frequency = searcher.doc_frequency(name, text)
                if frequency:
                    wanted.append((frequency, number, name, text))
        wanted.sort()
        spent = 0
        read_terms: dict[int, list[tuple[str, str]]] = {}
        for frequency, number, name, text in wanted:
            if spent and spent + frequency > POSTINGS_BUDGET:
                continue
            spent += frequency
            read_terms.setdefault(number, []).append((name, text))
        for terms in read_terms.values():
            has_word = np.zeros(size, dtype=bool)
            for name, text in terms:
                ids, weights = read(name, text)
                self._score(searcher, columns, name, text, (ids, weights), bm25)
                has_word[ids] = True
            covered += has_word
        # Phrase words count in the score (each in the title, the answers or the body).
        for phrase in query.phrases:
            for stem in {s for w in phrase for s in analyzed(w)}:
                for name in TEXT_FIELDS:
                    self._score(searcher, columns, name, stem, read(name, stem), bm25)
        share = covered / len(query.words) if query.words else 0.0
        score = bm25 * (1.0 + COVERAGE_BONUS * share)
        for first, second in query.adjacent:
            left, right = analyzed(first), analyzed(second)
            if left and right:
                pair = left[-1] + PAIR + right[0]
                ids, _weights = read("pairs", pair)
                if len(ids):
                    score[ids] += PAIR_BONUS * searcher.idf("pairs", pair)
        # Explicit operators: every quoted phrase must be there, no `-word` may be.
        allowed = np.ones(size, dtype=bool)
        long_phrases = []
        for phrase in query.phrases:
            stems = [s for w in phrase for s in analyzed(w)]
            if len(stems) > 1:
                # Adjacent pairs (exact for two words); longer phrases are then checked
                # with positions, on the few documents that have every pair.
                for first, second in zip(stems, stems[1:], strict=False):
                    has_pair = np.zeros(size, dtype=bool)
                    has_pair[read("pairs", first + PAIR + second)[0]] = True
                    allowed &= has_pair
                if len(stems) > 2:
                    long_phrases.append(Or([Phrase(f, stems) for f in TEXT_FIELDS]))
            elif stems:
                has_stem = np.zeros(size, dtype=bool)
                for name in TEXT_FIELDS:
                    has_stem[read(name, stems[0])[0]] = True
                allowed &= has_stem
        for word in query.excluded:
            for name, text in terms_of(word):
                allowed[read(name, text)[0]] = False
        if long_phrases and allowed.any():
            within = {int(d) for d in np.flatnonzero(allowed)}
            for phrase_query in long_phrases:
                found = set(searcher.search(phrase_query, filter=within, limit=None).docs())
                within &= found
            allowed[:] = False
            allowed[list(within)] = True
        score[~allowed] = 0.0
        return _Relevance(score=score, bm25=bm25)

    def _segment_postings(self, reader: Any, deleted: int, name: str, text: str) -> tuple[Any, Any]:
        """One segment's postings of a term as numpy arrays, kept in a bounded LRU cache.

        A natural question has 8 words in 4 fields each, and every term costs a matcher and
        two unpickled blocks per segment even when it has few postings: reading them again
        for every query was most of its time. Segment files never change, and a segment's
        deletions only grow, so its number of deleted documents tells a stale entry."""
        segment = reader.segment() if hasattr(reader, "segment") else None
        if segment is None:
            ids, weights = _postings(reader, name, text)
            return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
        key = (segment.segment_id(), deleted, name, text)
        cache = self._postings_cache
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
        ids, weights = _postings(reader, name, text)
        found = (np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64))
        cache[key] = found
        self._cached_postings += len(ids)
        while self._cached_postings > POSTINGS_CACHE and cache:
            _key, (old_ids, _weights) = cache.popitem(last=False)
            self._cached_postings -= len(old_ids)
        return found

    @staticmethod
    def _score(
        searcher: Any,
        columns: _Columns,
        name: str,
        text: str,
        found: tuple[Any, Any],
        scores: Any,
    ) -> None:
        """Add one term's BM25F score to each document that has it (whoosh.scoring.bm25,
        with the idf and average length Whoosh's BM25FScorer reads from the searcher)."""
        ids, weights = found
        if not len(ids):
            return
        idf = searcher.idf(name, text)
        average = searcher.avg_field_length(name) or 1
        lengths = columns.lengths[name][ids]
        scores[ids] += (
            idf
            * (BM25_K1 + 1)
            * weights
            / (weights + BM25_K1 * (1 - BM25_B) + BM25_K1 * BM25_B / average * lengths)
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
            hidden, hidden_array = self._hidden_set(searcher, audience)
            if query.is_empty:  # filters only: the newest first
                visible = self._filtered(searcher, None, filters, columns) - hidden
                when = columns.created
                newest = heapq.nlargest(limit, visible, key=lambda d: (when[d], d))
                ranked = [(1.0, docnum) for docnum in newest] if limit > 0 else []
                every: Iterable[int] = _array(visible)
                counted: Iterable[int] = every
                total = len(visible)
            else:
                score = self._relevance(searcher, query, columns).score
                if hidden:
                    score[hidden_array] = 0.0
                found = np.flatnonzero(score > 0)
                if _has_filters(filters) and len(found):
                    kept = self._filtered(searcher, {int(d) for d in found}, filters, columns)
                    found = np.asarray(sorted(kept), dtype=np.int64)
                total = len(found)
                ranked = _best(found, score, max(0, limit))
                # Tags over the best FACET_POOL matches: any word of a long question
                # matches much of the index, and counting tags over all of it cost more
                # than the search. Kinds and communities are one code per document, cheap
                # to count over every match, so they add up to the total.
                every = found
                counted = _top(found, score, FACET_POOL)
            keys = self._keys_of(searcher, [docnum for _score, docnum in ranked])
            hits = [
                Candidate(key=key, relevance=float(score or 1.0))
                for key, (score, _docnum) in zip(keys, ranked, strict=True)
            ]
        except SearchUnavailable:
            raise
        except Exception as error:
            logger.error("search failed: %r", error)
            raise SearchUnavailable("Search failed for this query; try other words.") from error
        return Candidates(hits=hits, total=total, facets=self._facets(columns, every, counted))

    def _facets(
        self, columns: _Columns, every: Iterable[int], best: Iterable[int]
    ) -> dict[str, dict[str, int]]:
        """Kinds and communities of the documents `every`, tags of the documents `best`,
        with how many have each: counted over code arrays with numpy (counting the values
        themselves with Counter took 3-7 ms of a search)."""
        docs, chosen = _array(every), _array(best)
        vocabulary = self._vocabulary
        tags = _gather(columns.tag_codes, columns.tag_starts[chosen], columns.tag_counts[chosen])
        return {
            "kind": vocabulary.counts(columns.kind_codes[docs]),
            "community": {
                k: v for k, v in vocabulary.counts(columns.community_codes[docs]).items() if k
            },
            "tags": vocabulary.counts(tags),
        }

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
