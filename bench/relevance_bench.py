"""Relevance on real questions: the search page and the "similar questions" box, next to a
plain BM25 baseline on the same threads, in the same run.

    .venv/bin/python -m bench.relevance_bench                               # SQLite + Whoosh
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_relevance SEARCH_BACKEND=postgres \\
        .venv/bin/python -m bench.relevance_bench                           # PostgreSQL FTS

Data: StackFAQ (M. Karan and J. Šnajder, "Paraphrase-focused learning to rank for
domain-specific frequently asked questions retrieval", Expert Systems with Applications 91,
2018): real Stack Exchange (Web Applications) threads, each with its title, its top answers
and about ten paraphrases of the same need written by people. The content is Stack
Exchange's, under CC BY-SA 3.0; annotations by TakeLab, University of Zagreb. The file read
by default is the half kept beside the repository (../shared/search-eval/stackfaq-dev.xml).

What runs: the benchmark makes its own scratch database (Django's test-database machinery,
from whatever DATABASE_URL configures: an in-memory SQLite database, or a fresh PostgreSQL
database that is dropped afterwards) and a scratch Whoosh index folder. It loads every
thread through the project's own actions (`ask_question` by one of several seeded people,
`post_answer` by others, the first answer accepted), rebuilds the index, then runs every
paraphrase (placeholders "*" skipped) as an ordinary signed-in person, with no community,
follows or likes, through `search.service.search` (the search page, first page) and
`search.service.similar_questions` (the box beside the Ask form). The relevant result for a
paraphrase is its own thread and only that. Figures: P@1, MRR@10, Recall@10, nDCG@10 (one
relevant item) and the share of paraphrases answered with nothing. The baseline is bm25s
(Lucene's BM25, its English stop words, no stemming) over each thread's title and answers.

Targets (issue 19): search P@1 >= 0.80, MRR@10 >= 0.87 and at least the baseline's P@1;
similar questions P@1 >= 0.70; no empty page.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import statistics
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET  # noqa: S405 (a file from the repository's neighbour folder)
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.results import Row, configuration

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / ".." / "shared" / "search-eval" / "stackfaq-dev.xml"
PEOPLE = 12  # askers and answerers, in turn
DEPTH = 10  # results read per query (the search page's first page)
TARGETS = {
    ("search", "P@1"): 0.80,
    ("search", "MRR@10"): 0.87,
    ("similar questions", "P@1"): 0.70,
}


@dataclass(frozen=True)
class Thread:
    title: str
    answers: tuple[str, ...]
    paraphrases: tuple[str, ...]


@dataclass
class Figures:
    """Rank of the relevant item per query (None: not in the first DEPTH) and empties."""

    ranks: list[int | None] = field(default_factory=list)
    empty: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, found: Sequence[int], relevant: int, took: float) -> None:
        self.seconds.append(took)
        if not found:
            self.empty += 1
        position = next((n for n, pk in enumerate(found[:DEPTH], 1) if pk == relevant), None)
        self.ranks.append(position)

    def measures(self) -> dict[str, float]:
        count = len(self.ranks) or 1
        hits = [r for r in self.ranks if r is not None]
        return {
            "P@1": sum(1 for r in hits if r == 1) / count,
            "MRR@10": sum(1 / r for r in hits) / count,
            "Recall@10": len(hits) / count,
            "nDCG@10": sum(1 / math.log2(r + 1) for r in hits) / count,
            "empty": self.empty / count,
        }


def read_threads(path: Path) -> list[Thread]:
    """The threads of a StackFAQ file, paraphrase placeholders ("*") left out."""
    root = ET.parse(path).getroot()  # noqa: S314 (our own data file, not user input)
    threads = []
    for pair in root.iter("qapair"):

        def texts(tag: str, pair: ET.Element = pair) -> list[str]:
            return [" ".join((e.text or "").split()) for e in pair.findall(tag)]

        title = next(iter(texts("question")), "")
        paraphrases = tuple(t for t in texts("rephr") if t and t != "*")
        answers = tuple(a for a in texts("answer") if a)
        if title and answers:
            threads.append(Thread(title, answers, paraphrases))
    return threads


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.relevance_bench",
        description=__doc__.split("\n\n")[0],
        epilog="Data: StackFAQ (Karan & Šnajder 2018), Stack Exchange content under CC BY-SA.",
    )
    parser.add_argument(
        "data",
        nargs="?",
        type=Path,
        default=DEFAULT_DATA,
        help="a StackFAQ XML file (default: ../shared/search-eval/stackfaq-dev.xml)",
    )
    parser.add_argument("--people", type=int, default=PEOPLE, help="askers and answerers")
    parser.add_argument(
        "--queries", type=int, default=0, help="run only the first N paraphrases (0: all)"
    )
    parser.add_argument(
        "--misses", type=int, default=0, help="print up to N paraphrases the search page missed"
    )
    parser.add_argument(
        "--mix",
        action="store_true",
        help="load the threads into the configured database beside what it holds (e.g. the "
        "seeded 100,000 posts, as distractors) instead of a scratch one; they are deleted "
        "afterwards (the people added stay)",
    )
    return parser


def load(threads: list[Thread], people: int, *, prefix: str, paused: bool) -> list[int]:
    """Every thread through the actions; returns the questions' ids, in the file's order.
    `paused`: queue no indexing (the index is rebuilt afterwards)."""
    from profiles.actions import create_person
    from questions import actions
    from search import indexing

    password = "relevance-bench-" + "x" * 12  # noqa: S105 (scratch accounts, never served)
    from django.contrib.auth.hashers import make_password

    hashed = make_password(password)
    crowd = [
        create_person(
            username=f"{prefix}colleague{n}",
            email=f"{prefix}colleague{n}@example.com",
            display_name=f"Colleague {n}",
            password_hash=hashed,
        )
        for n in range(max(2, people))
    ]
    ids = []
    with indexing.paused() if paused else contextlib.nullcontext():
        for number, thread in enumerate(threads):
            asker = crowd[number % len(crowd)]
            post = actions.ask_question(author=asker, title=thread.title[:200], body="")
            first = None
            for offset, text in enumerate(thread.answers, 1):
                answerer = crowd[(number + offset) % len(crowd)]
                if answerer == asker:
                    answerer = crowd[(number + offset + 1) % len(crowd)]
                answer = actions.post_answer(post=post, author=answerer, body=text[:20_000])
                first = first or answer
            actions.accept_answer(post=post, answer=first, by=asker)
            ids.append(post.pk)
    return ids


def bm25_baseline(threads: list[Thread]) -> Callable[[str], list[int]]:
    """bm25s over title + answers; returns a search giving thread numbers, best first."""
    import bm25s  # type: ignore[import-untyped]

    corpus = [thread.title + "\n" + "\n".join(thread.answers) for thread in threads]
    retriever = bm25s.BM25()
    tokens = bm25s.tokenize(corpus, stopwords="en", show_progress=False)
    retriever.index(tokens, show_progress=False)

    def search(text: str) -> list[int]:
        tokens = bm25s.tokenize([text], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return []
        found, scores = retriever.retrieve(
            tokens, k=min(DEPTH, len(corpus)), show_progress=False, n_threads=1
        )
        return [int(d) for d, s in zip(found[0], scores[0], strict=True) if s > 0]

    return search


def evaluate(args: argparse.Namespace, threads: list[Thread]) -> dict[str, Figures]:
    """Load, index and run every paraphrase through the services and the baseline."""
    from intranet.lib.tasks import wait_for_tasks
    from profiles.actions import create_person
    from search import indexing, meaning, service

    started = time.monotonic()
    prefix = f"faq{uuid.uuid4().hex[:6]}-" if args.mix else ""
    ids = load(threads, args.people, prefix=prefix, paused=not args.mix)
    wait_for_tasks()
    # With --mix, indexed as they were written, beside what the index already holds.
    built = len(ids) if args.mix else indexing.rebuild()
    meaning.reset_vectors()  # this database's vectors, not another's
    if meaning.status():
        print(f"search by meaning is off: {meaning.status()}")
    print(
        f"loaded {len(threads)} threads, "
        f"{sum(len(t.answers) for t in threads)} answers through the actions and indexed "
        f"{built} documents in {time.monotonic() - started:.1f} s"
    )
    reader = create_person(
        username=f"{prefix}reader",
        email=f"{prefix}reader@example.com",
        display_name="Rea Der",
        password="relevance-bench-reader",  # noqa: S106 (scratch account)
    )
    baseline = bm25_baseline(threads)
    figures = {name: Figures() for name in ("search", "similar questions", "BM25 baseline")}
    queries = [(n, text) for n, t in enumerate(threads) for text in t.paraphrases]
    if args.queries:
        queries = queries[: args.queries]
    misses: list[str] = []
    for number, text in queries:
        relevant = ids[number]
        clock = time.perf_counter()
        page = service.search(reader, text)
        took = time.perf_counter() - clock
        found = [r.post.pk if r.post is not None else -1 for r in page.results]
        figures["search"].add(found, relevant, took)
        if found[:1] != [relevant] and len(misses) < args.misses:
            top = page.results[0].post.title if page.results and page.results[0].post else "-"
            misses.append(f"{text!r}\n    wanted {threads[number].title!r}\n    got    {top!r}")
        clock = time.perf_counter()
        similar = service.similar_questions(reader, text)
        took = time.perf_counter() - clock
        figures["similar questions"].add([s.post.pk for s in similar], relevant, took)
        clock = time.perf_counter()
        figures["BM25 baseline"].add(baseline(text), number, time.perf_counter() - clock)
    for miss in misses:
        print("missed:", miss)
    if args.mix:  # leave the dataset as it was found, but for the people added
        from questions import actions
        from questions.models import Post

        for post in Post.objects.filter(pk__in=ids):
            actions.delete_post(post=post, by=post.author)
        wait_for_tasks()
    return figures


def scratch_database() -> Callable[[], None]:
    """Switch the default connection to a new, migrated, empty database; returns how to
    drop it (Django's test-database machinery: in memory for SQLite, a fresh database
    named after the configured one on PostgreSQL)."""
    import os

    from django.conf import settings
    from django.db import connection

    name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})
    if connection.vendor == "postgresql":
        settings.DATABASES["default"]["TEST"]["NAME"] = f"relevance_{os.getpid()}"
    connection.settings_dict["TEST"] = settings.DATABASES["default"]["TEST"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)

    def drop() -> None:
        connection.creation.destroy_test_db(name, verbosity=0)
        # Django ignores close() on an in-memory SQLite database, so destroy_test_db leaves
        # the scratch connection open under the restored name and every later query (the
        # --mix run, the benchmarks after it in make bench) would go on reading and writing
        # it. With the real name back, close() now closes it for good.
        connection.close()

    return drop


def run(args: argparse.Namespace) -> list[Row]:
    """Load the threads into a scratch database and index, run every paraphrase, print the
    table; return the figures."""
    from django.conf import settings
    from django.test.utils import override_settings

    from questions.models import Post
    from search.backend import reset_backends

    data = args.data.resolve()
    if not data.exists():
        raise SystemExit(f"no evaluation data at {data}")
    threads = read_threads(data)
    config = configuration()
    if args.mix:
        from search.backend import get_backend
        from search.indexing import expected_count, rebuild

        backend = get_backend()
        if backend.health() is not None or backend.count() != expected_count():
            rebuild()
        figures = evaluate(args, threads)
    else:
        drop = scratch_database()
        try:
            with (
                tempfile.TemporaryDirectory(prefix="relevance-index-") as folder,
                override_settings(SEARCH_INDEX_DIR=Path(folder)),
            ):
                reset_backends()
                figures = evaluate(args, threads)
                reset_backends()
        finally:
            drop()
    queries = len(figures["search"].ranks)
    print(
        f"\n{config}: {len(threads)} threads, {queries} paraphrases "
        f"({settings.SEARCH_BACKEND} search)"
    )
    names = ["P@1", "MRR@10", "Recall@10", "nDCG@10", "empty"]
    print(f"{'system':<22}" + "".join(f"{n:>11}" for n in names) + f"{'median ms':>11}")
    rows = []
    measures = {system: figure.measures() for system, figure in figures.items()}
    for system, figure in figures.items():
        median = statistics.median(figure.seconds) * 1000 if figure.seconds else 0.0
        print(
            f"{system:<22}"
            + "".join(f"{measures[system][n]:>11.3f}" for n in names)
            + f"{median:>11.1f}"
        )
    about = f"{queries} paraphrases of {len(threads)} StackFAQ threads"
    among = ""
    if args.mix:
        about += f" among {Post.objects.alive().count():,} posts"
        among = " among the seeded posts"
    for system in figures:
        for name in names:
            value = measures[system][name]
            # The figure as both median and p95: one number per run, no spread.
            rows.append(
                Row("relevance", f"{system}{among}: {name}", config, value, value, None, "", about)
            )
    # The targets, each as a shortfall that must stay at or under its limit (the report
    # judges "measured <= target").
    search, similar = measures["search"], measures["similar questions"]
    baseline = measures["BM25 baseline"]
    judged = [
        ("search: 1 − P@1", 1 - search["P@1"], 1 - TARGETS[("search", "P@1")]),
        ("search: 1 − MRR@10", 1 - search["MRR@10"], 1 - TARGETS[("search", "MRR@10")]),
        ("search: P@1 below the BM25 baseline's", max(0.0, baseline["P@1"] - search["P@1"]), 0),
        ("search: empty pages", search["empty"] * queries, 0),
        (
            "similar questions: 1 − P@1",
            1 - similar["P@1"],
            1 - TARGETS[("similar questions", "P@1")],
        ),
    ]
    for name, value, limit in judged:
        rows.append(
            Row(
                "relevance",
                name.replace(":", among + ":", 1),
                config,
                None,
                None,
                round(limit, 4),
                "",
                f"{about}; measured {value:.3f}",
                judged="value",
                value=value,
            )
        )
    return rows


def main() -> None:
    run(build_parser().parse_args())


if __name__ == "__main__":
    main()
