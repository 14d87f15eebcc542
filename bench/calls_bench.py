"""Python function calls and queries per request for the pages of bench.feed_bench: a figure
that load does not move, for comparing two versions of the code on a busy machine.

    VAR_DIR=var/bench .venv/bin/python -m bench.calls_bench            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feed .venv/bin/python -m bench.calls_bench

Seeds first as bench.feed_bench does, then for each of its pages makes a few warm-up requests
and profiles `--requests` more with cProfile, printing the function calls per request (all,
and primitive: not counting recursive calls) and the queries of one request. Times on a
shared machine swing with everything else running; the number of calls is the same from one
run to the next, so a change that makes a page do more work shows here even when timings
cannot tell. It says nothing about the cost of each call (a slower query is one call), so
read it beside bench.feed_bench, not instead of it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections.abc import Callable

from bench.feed_bench import busiest_subjects, count_queries, page_list, prepare_database


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=300_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=10, help="profiled requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="requests before profiling")
    return parser


def calls_per_request(fetch: Callable[[], object], requests: int) -> tuple[float, float]:
    """(all calls, primitive calls) per request over `requests` profiled calls of fetch()."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        fetch()
    profile.disable()
    stats = pstats.Stats(profile)
    return stats.total_calls / requests, stats.prim_calls / requests  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> list[tuple[str, float, float, int]]:
    from django.test import Client

    prepare_database(posts=args.posts, answers=args.answers, people=args.people)
    viewer, question, tag = busiest_subjects()
    client = Client()
    client.force_login(viewer)
    print(f"{'page':<44} {'calls/request':>14} {'primitive':>10} {'queries':>8}")
    rows = []
    for _name, label, _detail, url in page_list(question, tag):

        def fetch(url: str = url) -> int:
            return int(client.get(url).status_code)

        status = fetch()
        if status != 200:  # e.g. search without its index: say so, measure the others
            print(f"{label:<44} answered {status}, not measured")
            continue
        for _ in range(args.warmup):
            fetch()
        calls, primitive = calls_per_request(fetch, args.requests)
        queries = count_queries(fetch)
        print(f"{label:<44} {calls:>14,.0f} {primitive:>10,.0f} {queries:>8}")
        rows.append((label, calls, primitive, queries))
    return rows


def main() -> None:
    run(build_parser().parse_args())


if __name__ == "__main__":
    main()
