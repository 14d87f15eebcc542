"""Search at 100,000 posts: index build, the search page end to end, typeahead, freshness.

    VAR_DIR=var/bench .venv/bin/python -m bench.search_bench                 # SQLite + Whoosh
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feed SEARCH_BACKEND=postgres \\
        .venv/bin/python -m bench.search_bench                               # PostgreSQL FTS

Seeds the database if it holds fewer posts than asked (bench.seed_large), (re)builds the
index when its document count is not the database's (or with --rebuild), then times
`--requests` in-process requests per query through Django's full stack with DEBUG off:
a common term, a rare term, a phrase, a tag filter, typeahead, and natural questions (8
meaningful words each, from a sampled question's title and body, 20 asked in turn). The
query words are drawn from the data itself (the most and least frequent title words of a
sample of 5,000 questions, a title's first two words), not chosen by hand. Freshness: an
answer is posted through the real action and the search is polled until it finds the
answer's unique word, `--fresh` times.
Targets (Whoosh): search page p95 under 60 ms, typeahead p95 under 30 ms, searchable
within 2 s.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Iterator

from bench.feed_bench import percentile, prepare_database, time_requests
from bench.results import Row, configuration

PAGE_TARGET_MS = 60.0
TYPEAHEAD_TARGET_MS = 30.0
FRESH_TARGET_MS = 2000.0
NATURAL_QUESTIONS = 20  # different natural questions, asked in turn
NATURAL_WORDS = 8


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=300_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per query")
    parser.add_argument("--fresh", type=int, default=20, help="freshness samples")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index first")
    return parser


def run(args: argparse.Namespace) -> list[Row]:
    """Seed and (re)build the index if needed, time each query and freshness, print the
    table; return the figures."""
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from taggit.models import Tag

    from intranet.lib.tasks import wait_for_tasks
    from profiles.models import User
    from questions import actions
    from questions.models import Post
    from search import indexing, service
    from search.backend import get_backend
    from search.query import STOP_WORDS, Filters, meaningful, words_of

    prepare_database(posts=args.posts, answers=args.answers, people=args.people)
    config = configuration()
    rows = []
    backend = get_backend()
    expected = indexing.expected_count()
    health = backend.health()
    if args.rebuild or health is not None or backend.count() != expected:
        from tqdm import tqdm

        started = time.monotonic()
        with tqdm(total=expected, desc="Index build", unit="doc") as bar:
            built = indexing.rebuild(progress=bar.update)
        took = time.monotonic() - started
        speed = f"{built:,} documents, {built / took:,.0f} docs/s"
        print(f"index build: {built:,} documents in {took:.1f} s ({built / took:,.0f} docs/s)")
        rows.append(Row("search", "index build", config, took, took, None, "s", speed))

    viewer = User.objects.filter(is_active=True).order_by("pk").first()
    tag = Tag.objects.annotate(n=Count("questions_taggedpost_items")).order_by("-n").first()
    if viewer is None or tag is None:
        raise SystemExit("no people or tags to measure with")

    def has_results(query: str) -> bool:
        return service.search(viewer, query).total > 0

    # The same titles in every configuration, so that both backends answer the same words.
    # A word the engine drops (PostgreSQL's English stop words are not ours) would measure
    # an empty page: each word and phrase must find something.
    rng = random.Random(7)  # benchmark sampling, not secrets
    sample = list(
        Post.objects.filter(kind="question", deleted_at__isnull=True)
        .order_by("pk")
        .values_list("title", flat=True)[:5000]
    )
    counts = Counter(w for t in sample for w in set(words_of(t)) if w not in STOP_WORDS)
    common = next(w for w, _ in counts.most_common() if has_results(w))
    long_words = sorted((n, w) for w, n in counts.items() if len(w) > 4)
    fewest = next(n for n, w in long_words if has_results(w))
    candidates = [w for n, w in long_words if n == fewest]
    rng.shuffle(candidates)
    rare = next(w for w in candidates if has_results(w))
    # Two common words side by side in many titles: a phrase with thousands of candidates to
    # check by position, the hard case (a phrase from one sampled title usually has few).
    pairs = Counter(
        (a, b)
        for t in sample
        for a, b in zip(words_of(t), words_of(t)[1:], strict=False)
        if a not in STOP_WORDS and b not in STOP_WORDS
    )
    common_pair, side_by_side = next(
        (pair, n) for pair, n in pairs.most_common() if has_results('"{} {}"'.format(*pair))
    )
    common_phrase = " ".join(common_pair)
    phrase = ""
    while not phrase:
        words = [w for w in words_of(rng.choice(sample)) if w not in STOP_WORDS]
        if len(words) >= 2 and has_results(f'"{words[0]} {words[1]}"'):
            phrase = f"{words[0]} {words[1]}"
    # Natural questions: 8 meaningful words, as people type a whole question: a sampled
    # question's title words, then words of its body, wrapped in the usual stop words.
    # Several different ones, asked in turn, so no cache sees the same query twice in a row.
    naturals: list[str] = []
    bodies = list(
        Post.objects.filter(kind="question", deleted_at__isnull=True)
        .order_by("pk")
        .values_list("title", "body")[:5000]
    )
    while len(naturals) < NATURAL_QUESTIONS:
        title, body = rng.choice(bodies)
        chosen = list(dict.fromkeys(meaningful(title) + meaningful(body)))[:NATURAL_WORDS]
        if len(chosen) == NATURAL_WORDS:
            naturals.append(f"How can I {' '.join(chosen)}?")
    client = Client()
    client.force_login(viewer)
    print(
        f"{connection.vendor} + {settings.SEARCH_BACKEND}: {Post.objects.count():,} posts, "
        f"{backend.count():,} documents in the index"
    )
    # name: (what varies with the data, url, parameters, target). The names stay the same
    # in every configuration (the words drawn from the data need not), so that the report can
    # set them side by side.
    queries = {
        "common term": (
            f"{common}, {counts[common]} of {len(sample):,} sampled titles",
            "/search/",
            {"q": common},
            PAGE_TARGET_MS,
        ),
        "rare term": (rare, "/search/", {"q": rare}, PAGE_TARGET_MS),
        "phrase": (f'"{phrase}"', "/search/", {"q": f'"{phrase}"'}, PAGE_TARGET_MS),
        "phrase of common words": (
            f'"{common_phrase}", side by side in {side_by_side} sampled titles',
            "/search/",
            {"q": f'"{common_phrase}"'},
            PAGE_TARGET_MS,
        ),
        "common term + tag filter": (
            f"{common}, #{tag.name}",
            "/search/",
            {"q": common, "tag": tag.name},
            PAGE_TARGET_MS,
        ),
        "typeahead": (common[:3], "/search/suggest/", {"q": common[:3]}, TYPEAHEAD_TARGET_MS),
        "natural question": (
            f"{NATURAL_QUESTIONS} questions of {NATURAL_WORDS} words in turn, e.g. {naturals[0]!r}",
            "/search/",
            {"q": naturals[0]},
            PAGE_TARGET_MS,
        ),
    }
    print(f"{'query':<58} {'results':>8} {'median ms':>10} {'p95 ms':>8} {'p95/target':>11}")
    for name, (detail, url, params, target) in queries.items():
        filters = Filters(tag=params.get("tag", ""))
        page = service.search(viewer, params["q"], filters) if url == "/search/" else None

        asked = itertools.cycle(naturals if name == "natural question" else [params["q"]])

        def fetch(
            url: str = url, params: dict[str, str] = params, asked: Iterator[str] = asked
        ) -> int:
            return int(client.get(url, {**params, "q": next(asked)}).status_code)

        timings = time_requests(fetch, args.requests)
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        total = f"{page.total:,}" if page is not None else "-"
        label = f"{name} ({detail})"
        print(f"{label:<58} {total:>8} {median:>10.1f} {p95:>8.1f} {p95 / target:>10.2f}x")
        found = f"{detail}, {total} results" if page is not None else detail
        rows.append(Row("search", name, config, median, p95, target, "ms", found))

    # Freshness: answer through the real action; indexing runs after commit on the task
    # backend (a background thread in this process by default).
    question = Post.objects.filter(kind="question", deleted_at__isnull=True).order_by("pk")[0]
    answerer = User.objects.filter(is_active=True).exclude(pk=question.author_id)[0]
    delays = []
    for _ in range(args.fresh):
        word = "fresh" + uuid.uuid4().hex[:10]
        committed = time.monotonic()
        actions.post_answer(post=question, author=answerer, body=f"Look at {word}.")
        while not service.search(viewer, word).results:
            if time.monotonic() - committed > 30:
                raise SystemExit("an answer was not searchable after 30 s")
            time.sleep(0.005)
        delays.append((time.monotonic() - committed) * 1000)
        wait_for_tasks()
    median, p95 = statistics.median(delays), percentile(delays, 0.95)
    print(
        f"{'answer commit → searchable (' + str(args.fresh) + ' answers)':<58} {'':>8} "
        f"{median:>10.1f} {p95:>8.1f} {p95 / FRESH_TARGET_MS:>10.2f}x"
    )
    rows.append(
        Row(
            "search",
            "answer commit → searchable",
            config,
            median,
            p95,
            FRESH_TARGET_MS,
            "ms",
            f"{args.fresh} answers through the action, task backend {settings.TASK_BACKEND}",
        )
    )
    return rows


def main() -> None:
    run(build_parser().parse_args())


if __name__ == "__main__":
    main()
