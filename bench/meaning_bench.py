"""Search by meaning: quality on real paraphrases, embedding throughput, lookup latency and
memory at 100,000 vectors, and the time vectors add to an index build.

    VAR_DIR=$(mktemp -d) .venv/bin/python -m bench.meaning_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_meaning \\
        .venv/bin/python -m bench.meaning_bench                       # vectors in PostgreSQL
    VAR_DIR=/tmp/benchdb .venv/bin/python -m bench.meaning_bench --build   # a seeded database

Quality: every StackFAQ thread (`--eval`, default ../shared/search-eval/stackfaq-dev.xml) is
embedded as search.meaning embeds a post (its title, and its answers as the text) and every
paraphrase is ranked against all threads with the same functions the search uses; P@1 and
MRR@10 are printed for the threads at even and at odd positions apart (the halves: a choice
made on one half is checked on the other) and together, next to the alternatives considered
(the title alone, title and answers as one text, other answer weights, 128 dimensions).

Latency: `--vectors` random unit vectors (4 % of them in 4 private communities) are written
as DocumentVector rows under keys no post uses, read into the process's matrix as a search
would (timed), then `--queries` similar_keys() calls are timed end to end (the query's
embedding included) for a person in none and in two of the private communities; one new row
is then written and the incremental refresh timed (right after the bulk write, and once
its rows have left the overlap window). The rows are deleted afterwards.

Build (`--build`): the vectors of every live post in the database are computed and stored in
batches of 500 as rebuild_index does, and timed (the time a rebuild spends on vectors).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import xml.etree.ElementTree as ET  # noqa: S405 (a local, read-only evaluation file)
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

import bench  # noqa: F401 (sets Django up)

if TYPE_CHECKING:
    from numpy.typing import NDArray

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared/search-eval/stackfaq-dev.xml"
SYNTHETIC = "bench-vector:"  # keys of the synthetic vectors, which no document uses


@dataclass
class Thread:
    title: str
    answers: list[str]
    paraphrases: list[str]


def load_threads(path: Path) -> list[Thread]:
    root = ET.parse(path).getroot()  # noqa: S314 (a local, read-only evaluation file)
    threads = []
    for pair in root.iter("qapair"):
        title = (pair.findtext("question") or "").strip()
        answers = [a.text.strip() for a in pair.iter("answer") if a.text and a.text.strip()]
        paraphrases = [
            r.text.strip() for r in pair.iter("rephr") if r.text and r.text.strip() not in ("", "*")
        ]
        threads.append(Thread(title, answers, paraphrases))
    return threads


def rank_figures(
    documents: NDArray[np.float32], queries: NDArray[np.float32], labels: NDArray[np.intp]
) -> tuple[float, float]:
    """P@1 and MRR@10 of each query's own thread among all threads."""
    scores = queries @ documents.T
    top = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    hits = top == labels[:, None]
    p1 = float(hits[:, 0].mean())
    ranks = np.where(hits.any(axis=1), hits.argmax(axis=1) + 1, 0)
    mrr = float(np.where(ranks > 0, 1.0 / np.maximum(ranks, 1), 0.0).mean())
    return p1, mrr


def unit(vectors: NDArray[np.float32], dims: int) -> NDArray[np.float32]:
    cut = vectors[:, :dims]
    result: NDArray[np.float32] = cut / np.maximum(np.linalg.norm(cut, axis=1, keepdims=True), 1e-9)
    return result


def quality(path: Path) -> None:
    from search import meaning

    threads = load_threads(path)
    queries = [q for t in threads for q in t.paraphrases]
    labels = np.array([i for i, t in enumerate(threads) for _ in t.paraphrases])
    halves = {"even threads": labels % 2 == 0, "odd threads": labels % 2 == 1}
    halves["all"] = np.ones(len(labels), dtype=bool)
    texts = [
        meaning.PostText(key=f"post:{i}", title=t.title, text="\n".join(t.answers))
        for i, t in enumerate(threads)
    ]
    model = meaning.model()
    if model is None:
        print(f"no model: {meaning.status()}")
        return
    started = time.perf_counter()
    stored = meaning.embed_documents(texts)
    asked = meaning.embed_texts(queries)
    took = time.perf_counter() - started
    assert stored is not None and asked is not None  # noqa: S101 (the model loaded above)
    print(
        f"StackFAQ {path.name}: {len(threads)} threads, {len(queries)} paraphrases "
        f"(embedded in {took:.2f} s)"
    )

    raw_titles = np.asarray(model.embed([t.title for t in threads]), dtype=np.float32)
    raw_answers = np.asarray(
        model.embed([x.text[: meaning.TEXT_CHARS] or x.title for x in texts]), dtype=np.float32
    )
    raw_joined = np.asarray(
        model.embed([(x.title + "\n" + x.text)[: meaning.TEXT_CHARS] for x in texts]),
        dtype=np.float32,
    )
    raw_queries = np.asarray(model.embed(queries), dtype=np.float32)

    def mixed(weight: float, dims: int) -> NDArray[np.float32]:
        return unit(unit(raw_titles, dims) + weight * unit(raw_answers, dims), dims)

    scoring = meaning.SCORING_DIMENSIONS
    variants: list[tuple[str, NDArray[np.float32], NDArray[np.float32]]] = [
        (f"search.meaning ({scoring} dims)", unit(stored, scoring), unit(asked, scoring)),
        ("title alone", unit(raw_titles, 256), unit(raw_queries, 256)),
        ("title and answers as one text", unit(raw_joined, 256), unit(raw_queries, 256)),
    ]
    for weight in (0.25, 0.5, 0.75, 1.0):
        variants.append(
            (f"title + {weight} x answers, 256 dims", mixed(weight, 256), unit(raw_queries, 256))
        )
    for dims in (64, 128):
        variants.append(
            (f"title + 0.5 x answers, {dims} dims", mixed(0.5, dims), unit(raw_queries, dims))
        )
    header = "".join(f"{name:>24}" for name in halves)
    print(f"{'what is embedded':34}{header}")
    print(f"{'':34}" + "".join(f"{'P@1    MRR@10':>24}" for _ in halves))
    for name, documents, question_vectors in variants:
        cells = []
        for mask in halves.values():
            p1, mrr = rank_figures(documents, question_vectors[mask], labels[mask])
            cells.append(f"{p1:>17.3f}  {mrr:.3f}")
        print(f"{name:34}" + "".join(cells))

    # Throughput of what indexing embeds (title and text of each post), without the store.
    batch = texts * max(1, 2000 // len(texts))
    started = time.perf_counter()
    meaning.embed_documents(batch)
    took = time.perf_counter() - started
    print(f"embedding throughput: {len(batch) / took:,.0f} posts/s ({len(batch)} posts)")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def latency(count: int, queries: int, paraphrases: list[str]) -> None:
    from django.db import connection
    from django.utils import timezone

    from search import meaning
    from search.backends.base import Audience
    from search.models import DocumentVector

    rng = np.random.default_rng(7)
    DocumentVector.objects.filter(key__startswith=SYNTHETIC).delete()
    meaning.reset_vectors()
    if meaning.model() is None:
        print(f"no model: {meaning.status()}")
        return
    started = time.perf_counter()
    now = timezone.now()
    for start in range(0, count, 5000):
        size = min(5000, count - start)
        vectors = rng.standard_normal((size, meaning.DIMENSIONS)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        private = rng.random(size) < 0.04
        communities = np.where(private, rng.integers(1, 5, size), rng.integers(0, 20, size))
        DocumentVector.objects.bulk_create(
            DocumentVector(
                key=f"{SYNTHETIC}{start + i}",
                vector=vectors[i].astype(meaning.STORED_DTYPE).tobytes(),
                community_id=int(communities[i]),
                private=bool(private[i]),
                updated=now,
            )
            for i in range(size)
        )
    print(
        f"{count:,} vectors written to {connection.vendor} in {time.perf_counter() - started:.1f} s"
    )
    try:
        before = rss_mb()
        started = time.perf_counter()
        snapshot = meaning._matrix.current()
        load = time.perf_counter() - started
        matrix_mb = snapshot.vectors.nbytes / 2**20
        allocated_mb = meaning._matrix.buffer.nbytes / 2**20
        print(
            f"first read into memory: {load:.2f} s; matrix {matrix_mb:.0f} MB "
            f"({meaning.SCORING_DIMENSIONS} dimensions, float32; {allocated_mb:.0f} MB "
            f"allocated); peak RSS {before:.0f} -> {rss_mb():.0f} MB"
        )
        audiences = {
            "member of no private community": Audience(1, frozenset()),
            "member of 2 private communities": Audience(2, frozenset({1, 2})),
        }
        for name, audience in audiences.items():
            timings = []
            for n in range(queries):
                text = paraphrases[n % len(paraphrases)]
                started = time.perf_counter()
                found = meaning.similar_keys(text, audience, limit=50)
                timings.append((time.perf_counter() - started) * 1000)
            assert len(found) == 50  # noqa: S101
            print(
                f"similar_keys, {name}, limit 50: median {statistics.median(timings):.2f} ms, "
                f"p95 {percentile(timings, 0.95):.2f} ms ({queries} queries, embedding included)"
            )
        embed = []
        for n in range(queries):
            started = time.perf_counter()
            meaning.embed_texts([paraphrases[n % len(paraphrases)]])
            embed.append((time.perf_counter() - started) * 1000)
        print(f"  of which embedding the query: median {statistics.median(embed):.2f} ms")
        # One new vector, read by the incremental refresh: right after the bulk write (its
        # rows are still in the overlap window, so their stamps are read again) and once
        # the window has passed (the steady state).
        for when in ("within the overlap window of the bulk write", "steady state"):
            if when == "steady state":
                time.sleep(meaning.REFRESH_OVERLAP.total_seconds() + 1)
                meaning._matrix.mark_stale()
                meaning._matrix.current()
            DocumentVector.objects.create(
                key=f"{SYNTHETIC}{count}-{when[:6]}",
                vector=np.ones(meaning.DIMENSIONS, dtype=meaning.STORED_DTYPE).tobytes(),
                updated=timezone.now(),
            )
            meaning._matrix.mark_stale()
            started = time.perf_counter()
            meaning._matrix.current()
            print(
                f"refresh after one new vector, {when}: "
                f"{(time.perf_counter() - started) * 1000:.1f} ms "
                f"({meaning._matrix.last_changed} row applied)"
            )
    finally:
        DocumentVector.objects.filter(key__startswith=SYNTHETIC).delete()
        meaning.reset_vectors()


def build() -> None:
    from questions.models import Post
    from search import meaning
    from search.documents import post_key

    ids = list(Post.objects.alive().order_by("pk").values_list("pk", flat=True))
    if not ids or meaning.model() is None:
        print("no posts (seed with bench.seed_large) or no model")
        return
    started = time.perf_counter()
    texts_time = 0.0
    for start in range(0, len(ids), 500):
        keys = [post_key(pk) for pk in ids[start : start + 500]]
        begun = time.perf_counter()
        meaning.post_texts(ids[start : start + 500])
        texts_time += time.perf_counter() - begun
        meaning.store_vectors(keys)
    took = time.perf_counter() - started
    print(
        f"vectors of {len(ids):,} posts computed and stored in {took:.1f} s "
        f"({len(ids) / took:,.0f} posts/s; reading their text alone {texts_time:.1f} s)"
    )


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="a StackFAQ XML file")
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--build", action="store_true", help="time vectors for every post")
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument(
        "--scoring-dimensions",
        type=int,
        choices=(64, 128, 256),
        help="compare this many leading dimensions in memory (default: search.meaning's)",
    )
    args = parser.parse_args(argv)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    from search import meaning

    if args.scoring_dimensions:
        meaning.SCORING_DIMENSIONS = args.scoring_dimensions
    meaning.model()
    print(f"model loaded in {time.perf_counter() - started:.2f} s ({meaning.status() or 'ok'})")
    paraphrases = ["how do I reset my password"]
    if args.eval.exists():
        quality(args.eval)
        paraphrases = [q for t in load_threads(args.eval) for q in t.paraphrases]
    else:
        print(f"{args.eval} not found: no quality figures")
    if not args.no_latency:
        latency(args.vectors, args.queries, paraphrases)
    if args.build:
        build()


if __name__ == "__main__":
    main()
