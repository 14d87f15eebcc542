"""Search by meaning, computed in-house: word-embedding vectors per post, nearest neighbours.

No text leaves the company. The model is wordllama's static embeddings, whose weights ship
inside its wheel and run on the CPU; it is loaded once per process, lazily, and if it cannot
load everything keeps working on text alone (`status()` says why, `similar_keys()` answers
`[]`).

Vectors are computed after commit by the indexing task (`store_vectors`), stored in the
database (`DocumentVector`, both configurations) and kept in every process as one float32
matrix, refreshed incrementally from the rows' `updated` times. A query is one
matrix-vector product and an argpartition; the visibility filter (private communities for
their members only, deleted posts never) applies to every row before the best are chosen.

What is embedded for a post (chosen on the StackFAQ threads at even positions, checked on the
odd ones; `bench/meaning_bench.py` prints both): the title and, apart, its body with the
accepted answer first and then the most liked answers, cut at TEXT_CHARS; the stored vector
is the title's unit vector plus ANSWER_WEIGHT times the text's. Averaging the title into one
long text drowns it (P@1 0.72 for title and answers as one text, 0.85 for the title alone,
0.89 for the mix). The weight is flat between 0.5 and 0.75 on the choosing half; 0.5 was best
there in three of the four dimension and length settings tried.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils import timezone

from search import providers
from search.backends.base import Audience
from search.documents import PostText, post_key, split_key

if TYPE_CHECKING:
    from numpy.typing import NDArray

logger = logging.getLogger(__name__)

DIMENSIONS = 256  # stored: the wheel ships the 256-dimension model
# Compared in memory: the leading dimensions of a stored vector (the model is trained so that
# they carry most of the meaning). On the half of StackFAQ used for choosing, 128 and 256
# tie (P@1 0.903 and 0.900); 128 takes half the memory (49 MB at 100,000 posts) and half
# the time of a lookup. All 256 are stored, so changing this recomputes nothing.
SCORING_DIMENSIONS = 128
TEXT_CHARS = 2000  # body and answers beyond this add little and cost embedding time
ANSWER_WEIGHT = 0.5
# Rows stamped this long before a process's previous read are read again: a row stamped
# before that read but committed after it is not missed (writes commit within milliseconds
# of their stamp; the margin also covers clocks of different machines drifting apart).
REFRESH_OVERLAP = timedelta(seconds=5)
# A process looks for new vectors at most this often (the in-process writer also marks its
# own process's matrix stale at once).
REFRESH_SECONDS = 0.5
REFRESH_CHUNK = 2000  # rows read and applied at a time
STORED_DTYPE = np.float16  # 512 bytes a vector in the database; scored as float32 in memory
ANSWERS_KEPT = 256  # answers remembered per snapshot (Snapshot.found), then forgotten at once


# --- the model ---------------------------------------------------------------------------


class _Model:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.model: Any = None
        self.problem: str | None = None
        self.tried = False

    def get(self) -> Any:
        if self.tried:
            return self.model
        with self.lock:
            if not self.tried:
                try:
                    self.model = _load_model()
                except Exception as error:  # any failure: search goes on with text alone
                    logger.warning("search by meaning is off: %s", error, exc_info=True)
                    self.problem = (
                        "Search by meaning is off: the embedding model could not be loaded "
                        f"({type(error).__name__}); search works on the words alone."
                    )
                self.tried = True
        return self.model


def _load_model() -> Any:
    from pathlib import Path

    import wordllama  # type: ignore[import-untyped]
    from wordllama import WordLlama

    # Offline, wordllama looks for its tokenizer in a hub cache; it ships inside the package.
    return WordLlama.load(
        cache_dir=Path(wordllama.__file__).parent, disable_download=True, dim=DIMENSIONS
    )


_model = _Model()


def model() -> Any:
    """The loaded model, or None when it cannot load (see status())."""
    return _model.get()


def reset_model() -> None:
    """Load the model again on next use (tests)."""
    global _model
    _model = _Model()


def reset_vectors() -> None:
    """Forget the in-memory vectors; the next query reads them all (tests switch databases)."""
    global _matrix
    _matrix = _VectorMatrix()


def status() -> str | None:
    """None when search by meaning works; otherwise what is wrong, for people."""
    if model() is None:
        return _model.problem or "Search by meaning is off."
    return None


def _unit(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    result: NDArray[np.float32] = (vectors / np.maximum(norms, 1e-9)).astype(np.float32)
    return result


def embed_texts(texts: list[str]) -> NDArray[np.float32] | None:
    """Unit vectors for these texts (queries), or None without a model."""
    loaded = model()
    if loaded is None:
        return None
    return _unit(np.asarray(loaded.embed([t[:TEXT_CHARS] for t in texts]), dtype=np.float32))


def embed_documents(documents: list[PostText]) -> NDArray[np.float32] | None:
    """The stored vector of each post: unit(title) + ANSWER_WEIGHT * unit(text), made unit."""
    loaded = model()
    if loaded is None:
        return None
    if not documents:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    titles = _embed(loaded, [d.title for d in documents])
    texts = _embed(loaded, [d.text[:TEXT_CHARS] or d.title for d in documents])
    return _unit(_unit(titles) + ANSWER_WEIGHT * _unit(texts))


def _embed(loaded: Any, texts: list[str]) -> NDArray[np.float32]:
    """The model pads each batch to its longest text: texts of like length embed together
    (measured 15 % faster on StackFAQ answers), returned in the order given."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = np.asarray(loaded.embed([texts[i] for i in order]), dtype=np.float32)
    result = np.empty_like(vectors)
    result[order] = vectors
    return result


# --- what a post's vector is made of -----------------------------------------------------


def post_texts(post_ids: Iterable[int]) -> tuple[list[PostText], list[int]]:
    """The text to embed for each live post, and the ids of posts that are gone or deleted.
    Two queries (posts with their community and draft version, their live answers)."""
    ids = list(set(post_ids))
    found = providers.posts().texts(ids, TEXT_CHARS)
    alive = {split_key(p.key)[1] for p in found}
    return found, [pk for pk in ids if pk not in alive]


# --- storage -----------------------------------------------------------------------------


def store_vectors(keys: Iterable[str]) -> int:
    """Bring the stored vectors of these documents in line with the database (the indexing
    task calls it after commit): live posts are embedded and stored, gone or deleted posts
    lose theirs. Other kinds of documents have no vector. Returns how many were stored;
    nothing is written when the model cannot load."""
    post_ids = [pk for kind, pk in map(split_key, keys) if kind == "post"]
    if not post_ids or model() is None:
        return 0
    texts, gone = post_texts(post_ids)
    vectors = embed_documents(texts)
    if vectors is None:
        return 0
    _write(texts, vectors)
    forget([post_key(pk) for pk in gone])
    _matrix.mark_stale()
    return len(texts)


def _write(texts: list[PostText], vectors: NDArray[np.float32]) -> None:
    from search.models import DocumentVector

    now = timezone.now()
    rows = [
        DocumentVector(
            key=t.key,
            vector=vectors[i].astype(STORED_DTYPE).tobytes(),
            community_id=t.community_id,
            private=t.private,
            updated=now,
        )
        for i, t in enumerate(texts)
    ]
    DocumentVector.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["vector", "community_id", "private", "updated"],
        batch_size=500,
    )


def forget(keys: list[str]) -> None:
    """Documents that left the index lose their vectors. The row stays as an empty tombstone
    so that every process's incremental refresh sees the removal."""
    from search.models import DocumentVector

    if keys:
        DocumentVector.objects.filter(key__in=keys).exclude(vector=b"").update(
            vector=b"", updated=timezone.now()
        )
        _matrix.mark_stale()


def forget_unwritten_since(started: datetime) -> int:
    """After a rebuild that stored every live post's vector since `started`: remove the
    vectors it did not write (posts gone meanwhile, rows of an older database). Nothing is
    removed when the model cannot load (the rebuild wrote nothing). Returns how many."""
    from search.models import DocumentVector

    if model() is None:
        return 0
    removed = (
        DocumentVector.objects.filter(updated__lt=started)
        .exclude(vector=b"")
        .update(vector=b"", updated=timezone.now())
    )
    _matrix.mark_stale()
    return removed


def count_vectors() -> int:
    """How many live vectors are stored."""
    from search.models import DocumentVector

    return DocumentVector.objects.exclude(vector=b"").count()


# --- the in-memory matrix and the nearest neighbours -------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    """What a query reads: never changed after it is published except vectors written in
    place (a row being rewritten affects only that row's score for one query)."""

    vectors: NDArray[np.float32]  # (n, SCORING_DIMENSIONS), unit rows; removed: all zeros
    keys: list[str]
    community: NDArray[np.int64]
    private: NDArray[np.bool_]
    alive: NDArray[np.bool_]
    private_rows: NDArray[np.intp]  # rows in private communities, to check per audience
    public_alive: NDArray[np.bool_] = field(repr=False)  # alive and not private
    # Answers given from these vectors, by (text, the audience's communities, limit): the
    # next page of a search, the network boost turned off, the back button or colleagues
    # typing the same words ask again, and each answer read every vector (~4 ms, 51 MB at
    # 100,000 posts). A refresh that changes any row publishes a new snapshot, so no answer
    # outlives the vectors it was computed from.
    found: dict[tuple[str, frozenset[int], int], list[tuple[str, float]]] = field(
        default_factory=dict, repr=False, compare=False
    )


class _VectorMatrix:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.buffer = np.zeros((0, SCORING_DIMENSIONS), dtype=np.float32)
        self.rows: dict[str, int] = {}
        self.seen: dict[str, datetime] = {}  # each key's `updated` as last read
        self.snapshot: _Snapshot | None = None
        self.read_at: datetime | None = None
        self.checked = 0.0
        self.stale = True
        self.last_changed = 0  # rows the last refresh applied (tests, benchmarks)

    def mark_stale(self) -> None:
        self.stale = True

    def current(self) -> _Snapshot:
        snapshot = self.snapshot
        if (
            snapshot is not None
            and not self.stale
            and time.monotonic() - self.checked < REFRESH_SECONDS
        ):
            return snapshot
        with self.lock:
            now = time.monotonic()
            if self.snapshot is None or self.stale or now - self.checked >= REFRESH_SECONDS:
                self.stale = False
                self.checked = now
                return self._refresh()
            return self.snapshot

    def _refresh(self) -> _Snapshot:
        from search.models import DocumentVector

        # Every row stamped before the previous read minus the overlap had committed by
        # then, so it was read; newer ones are read again and skipped when unchanged.
        read_at = timezone.now()
        columns = ("key", "vector", "community_id", "private", "updated")
        rows = DocumentVector.objects.order_by()
        changed: Iterable[tuple[str, bytes, int, bool, datetime]]
        if self.read_at is None:
            # The first read streams (100,000 rows are 50 MB of vectors as bytes).
            self._reserve(rows.count())
            changed = rows.values_list(*columns).iterator(chunk_size=REFRESH_CHUNK)
        else:
            # Stamps first: after a bulk write, its rows stay in the window for a while and
            # are read again unchanged; their vectors are fetched only once.
            recent = rows.filter(updated__gte=self.read_at - REFRESH_OVERLAP)
            new_keys = [k for k, u in recent.values_list("key", "updated") if self.seen.get(k) != u]
            changed = [
                row
                for start in range(0, len(new_keys), 500)
                for row in rows.filter(key__in=new_keys[start : start + 500]).values_list(*columns)
            ]
            if not changed and self.snapshot is not None:
                self.read_at = read_at
                self.last_changed = 0
                return self.snapshot
        old = self.snapshot
        keys = list(old.keys) if old else []
        meta: dict[int, tuple[int, bool, bool]] = {}  # row: community, private, alive
        applied = 0
        for chunk in _chunks(changed, REFRESH_CHUNK):
            indexes = []
            for key, _, _, _, updated in chunk:
                row = self.rows.get(key)
                if row is None:
                    row = self.rows[key] = len(keys)
                    keys.append(key)
                indexes.append(row)
                self.seen[key] = updated
            self._reserve(len(keys))
            live = [i for i, (_, blob, *_) in enumerate(chunk) if blob]
            gone = [indexes[i] for i, (_, blob, *_) in enumerate(chunk) if not blob]
            if live:
                blobs = b"".join(chunk[i][1] for i in live)
                vectors = np.frombuffer(blobs, dtype=STORED_DTYPE).reshape(len(live), DIMENSIONS)
                leading = vectors[:, :SCORING_DIMENSIONS].astype(np.float32)
                self.buffer[[indexes[i] for i in live]] = _unit(leading)
            self.buffer[gone] = 0.0
            for row, (_, blob, community_id, is_private, _) in zip(indexes, chunk, strict=True):
                meta[row] = (community_id, is_private, bool(blob))
            applied += len(chunk)
        self.read_at = read_at
        self.last_changed = applied
        total = len(keys)
        n = len(old.keys) if old else 0
        community = np.zeros(total, dtype=np.int64)
        private = np.zeros(total, dtype=np.bool_)
        alive = np.zeros(total, dtype=np.bool_)
        if old is not None:
            community[:n], private[:n], alive[:n] = old.community, old.private, old.alive
        if meta:
            rows_changed = np.fromiter(meta.keys(), dtype=np.intp, count=len(meta))
            values = list(meta.values())
            community[rows_changed] = [v[0] for v in values]
            private[rows_changed] = [v[1] for v in values]
            alive[rows_changed] = [v[2] for v in values]
        self.snapshot = _Snapshot(
            vectors=self.buffer[:total],
            keys=keys,
            community=community,
            private=private,
            alive=alive,
            private_rows=np.flatnonzero(private & alive),
            public_alive=alive & ~private,
        )
        return self.snapshot

    def _reserve(self, rows: int) -> None:
        """Room for this many rows; grown by a quarter at least, so that new posts one by
        one do not copy the matrix each time."""
        if rows > len(self.buffer):
            size = max(rows, len(self.buffer) * 5 // 4)
            grown = np.zeros((size, SCORING_DIMENSIONS), np.float32)
            grown[: len(self.buffer)] = self.buffer
            self.buffer = grown


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_matrix = _VectorMatrix()


def warm() -> None:
    """Load the model and read every vector now rather than at the first search (a server
    calls this once as it starts, in the background)."""
    if model() is not None:
        _matrix.current()


def similar_keys(text: str, audience: Audience, *, limit: int) -> list[tuple[str, float]]:
    """The keys of the documents closest in meaning to text, with their cosine similarity,
    best first, among those the audience may see; [] when the model or vectors are missing."""
    if limit <= 0 or not text.strip() or model() is None:
        return []
    snapshot = _matrix.current()
    if not len(snapshot.keys):
        return []
    asked = (text, audience.member_community_ids, limit)
    if (known := snapshot.found.get(asked)) is not None:
        return list(known)
    found = _closest(snapshot, text, audience, limit)
    if len(snapshot.found) >= ANSWERS_KEPT:
        snapshot.found.clear()
    snapshot.found[asked] = found
    return list(found)


def _closest(
    snapshot: _Snapshot, text: str, audience: Audience, limit: int
) -> list[tuple[str, float]]:
    query = embed_texts([text])
    if query is None:
        return []
    query = _unit(query[:, :SCORING_DIMENSIONS])
    allowed = snapshot.public_alive.copy()
    if len(snapshot.private_rows) and audience.member_community_ids:
        members = np.fromiter(audience.member_community_ids, dtype=np.int64)
        mine = snapshot.private_rows[np.isin(snapshot.community[snapshot.private_rows], members)]
        allowed[mine] = True
    visible = int(allowed.sum())
    if not visible:
        return []
    scores = snapshot.vectors @ query[0]
    scores[~allowed] = -np.inf
    k = min(limit, visible)
    best = np.argpartition(-scores, k - 1)[:k]
    best = best[np.argsort(-scores[best], kind="stable")]
    return [(snapshot.keys[i], float(scores[i])) for i in best]
