"""Server time of the API's list and read endpoints at 100,000 posts (issue 23: p95 <= 50 ms).

    VAR_DIR=var/bench .venv/bin/python -m bench.api_bench            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feed .venv/bin/python -m bench.api_bench

Seeds the database first if needed (bench.seed_large, as bench.feed_bench does), makes a
read token for the person who follows the most, then times `--requests` in-process requests
per endpoint through Django's full stack with a bearer token, after a warm-up. The site's
question page is timed in the same run as the baseline the API is compared with (the
machine is shared and noisy: only figures of one run compare). Prints queries, median, p95,
p95 / target, CPU time of this process per request (far less disturbed by other work on a
shared machine than wall time), and the ratio of the API's median to the page's.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import TYPE_CHECKING

from bench.feed_bench import (
    TARGET_P95_MS,
    busiest_subjects,
    count_queries,
    percentile,
    prepare_database,
    time_requests_with_cpu,
)
from bench.feed_bench import build_parser as feed_parser
from bench.results import Row, configuration

if TYPE_CHECKING:
    from profiles.models import User


def build_parser() -> argparse.ArgumentParser:
    parser = feed_parser()
    parser.description = __doc__.split("\n\n")[0]
    return parser


def run(args: argparse.Namespace) -> list[Row]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from api.actions import create_token
    from profiles.models import User
    from questions.models import Post

    prepare_database(posts=args.posts, answers=args.answers, people=args.people)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (0, 60)}  # measure, not throttle
    viewer, question, tag = busiest_subjects()
    secret = create_token(user=viewer, name="api bench", scope="read")[1]
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    site = Client()
    site.force_login(viewer)
    first = api.get("/api/v1/posts?limit=20").json()
    endpoints = [
        ("API: list posts", "/api/v1/posts?limit=20", api),
        ("API: list posts, page 2", f"/api/v1/posts?limit=20&cursor={first['next']}", api),
        (
            "API: list questions of the most used tag",
            f"/api/v1/posts?kind=question&tag={tag.slug}",
            api,
        ),
        ("API: read a question", f"/api/v1/posts/{question.pk}", api),
        ("API: its answers", f"/api/v1/posts/{question.pk}/answers", api),
        ("API: notifications", "/api/v1/notifications", api),
        ("API: tags", "/api/v1/tags?q=a", api),
        ("baseline: the question page", question.get_absolute_url(), site),
    ]
    print(f"{connection.vendor}: {Post.objects.count():,} posts, {User.objects.count():,} people")
    print(
        f"{'endpoint':<44} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'p95/target':>11}"
        f" {'CPU median':>11} {'CPU p95':>8}"
    )
    config = configuration()
    rows, medians = [], {}
    for name, url, client in endpoints:

        def fetch(url: str = url, client: Client = client) -> int:
            return int(client.get(url).status_code)

        queries = count_queries(fetch)
        wall, cpu = time_requests_with_cpu(fetch, args.requests)
        median, p95 = statistics.median(wall), percentile(wall, 0.95)
        cpu_median, cpu_p95 = statistics.median(cpu), percentile(cpu, 0.95)
        medians[name] = median
        print(
            f"{name:<44} {queries:>7} {median:>10.1f} {p95:>8.1f} {p95 / TARGET_P95_MS:>10.2f}x"
            f" {cpu_median:>11.1f} {cpu_p95:>8.1f}"
        )
        target = None if name.startswith("baseline") else TARGET_P95_MS
        extra = f"{queries} queries"
        rows.append(Row("api", name, config, median, p95, target, "ms", extra))
        rows.append(Row("api", f"{name}, CPU", config, cpu_median, cpu_p95, None, "CPU ms", extra))
    baseline = medians["baseline: the question page"]
    read = medians["API: read a question"]
    print(f"read a question: API median / page median = {read / baseline:.2f}")
    compare_tag_counts(viewer, args.requests)
    return rows


def compare_tag_counts(viewer: User, requests: int) -> None:
    """The tag list's count of a page's visible posts, as the endpoint makes it (a count per
    tag) and as one grouped join through visible_tags (what it did before), alternately in
    this run, for the page `/tags?q=a` lists: same answers, and how much cheaper."""
    from taggit.models import Tag

    from api.endpoints.search import tags_with_visible_uses
    from questions.permissions import visible_tags

    ids = list(
        Tag.objects.filter(name__istartswith="a")
        .order_by("name", "pk")
        .values_list("pk", flat=True)[:21]
    )
    ways = {
        "per tag (the endpoint)": lambda: {
            t.pk: t.uses for t in tags_with_visible_uses(viewer, ids)
        },
        "grouped join (visible_tags)": lambda: {
            t.pk: t.uses for t in visible_tags(viewer).filter(pk__in=ids)
        },
    }
    per_tag, grouped = (count() for count in ways.values())
    if per_tag != grouped:
        raise SystemExit(f"the two counts of the tag page differ: {per_tag} != {grouped}")
    timings: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(requests):
        for name, count in ways.items():
            start = time.perf_counter()
            count()
            timings[name].append((time.perf_counter() - start) * 1000)
    print(f"counting the uses of {len(ids)} tags (q=a), alternately, {requests} times each:")
    for name, values in timings.items():
        print(
            f"  {name:<30} median {statistics.median(values):6.1f} ms"
            f"  p95 {percentile(values, 0.95):6.1f} ms"
        )
    ratio = statistics.median(timings["per tag (the endpoint)"]) / statistics.median(
        timings["grouped join (visible_tags)"]
    )
    print(f"  per tag / grouped join (medians) = {ratio:.2f}")


def main() -> None:
    run(build_parser().parse_args())


if __name__ == "__main__":
    main()
