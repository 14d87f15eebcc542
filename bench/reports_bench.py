"""Server time of the knowledge-retention reports at 100,000 posts, 300,000 answers and
5,000 people.

    VAR_DIR=/tmp/benchdb .venv/bin/python -m bench.reports_bench                 # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feed \\
        .venv/bin/python -m bench.reports_bench                                  # PostgreSQL
    VAR_DIR=$(mktemp -d) .venv/bin/python -m bench.reports_bench --posts 2000 --answers 6000 \\
        --people 200 --requests 10                                               # a quick check

Seeds the database first if it holds fewer posts than asked (bench.seed_large), then adds
what the reports read and seed_large does not write, once: former colleagues (every 20th
person, departed on a day of the last two years), people leaving in the next three months,
post views (about --views-per-post colleague-days per post, after the post), search clicks
and duplicate-suggestion deflections, a sentiment for every post and answer, expertise and
one day of standards. It rebuilds the reports' daily summaries, as the nightly job does,
then times `--requests` in-process requests (full stack, DEBUG off, after a warm-up) of
each report page over its default range (the last 12 months), of each
report's CSV and of the index, as a staff member, and prints queries, median, p95 and the
ratio of p95 to the 1 s target: "cold" with the report cache off (every request computes
the report), "cached" as pages are served once `warm_reports` (or a first reader) built them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import timedelta

from bench.feed_bench import percentile, prepare_database, time_requests
from bench.results import Row, configuration

TARGET_P95_MS = 1000.0
SEED = 20261127
BATCH = 1_000


def prepare(*, views_per_post: int, progress: bool = True) -> dict[str, int]:
    """Add report data once (skipped when any search click exists). Deterministic."""
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone
    from tqdm import tqdm

    from profiles.models import Profile, User
    from questions.models import Answer, Post, PostView
    from reports.expertise import recompute_expertise
    from reports.people import has_leaving_dates, profile_field
    from reports.standards import recompute_standards
    from search import indexing
    from search.models import SearchClick

    # Search clicks, not post views: the other benchmarks view question pages, which counts
    # views, but nothing else in a benchmark database clicks a search result, and the clicks
    # are written once every view is.
    if SearchClick.objects.exists():
        return {}
    rng = random.Random(SEED)  # benchmark data, not secrets
    now = timezone.now()
    today = timezone.localdate()
    people = list(User.objects.order_by("pk").values_list("pk", flat=True))
    gone = people[7::20]
    staying = sorted(set(people) - set(gone))
    counts = {"former colleagues": len(gone)}
    with transaction.atomic():
        User.objects.filter(pk__in=gone).update(is_active=False)
        departed = profile_field("departed_at") is not None
        for pk in gone:
            left = now - timedelta(days=rng.uniform(1, 730))
            if departed:
                Profile.objects.filter(user_id=pk).update(departed_at=left)
            else:
                User.objects.filter(pk=pk).update(last_login=left)
        if has_leaving_dates():
            leaving = staying[3 :: max(1, len(staying) // 20)][:20]
            for pk in leaving:
                day = today + timedelta(days=rng.randint(1, 90))
                Profile.objects.filter(user_id=pk).update(leaving_on=day)
            counts["people leaving"] = len(leaving)
    rows = Post.objects.alive().order_by("pk").values_list("pk", "author_id", "kind", "created_at")
    total = Post.objects.count()
    views = clicks = 0
    with tqdm(total=total, desc="Views", unit="post", disable=not progress) as bar:
        batch: list[PostView] = []
        found: list[SearchClick] = []
        for pk, author_id, kind, created in rows.iterator(chunk_size=BATCH):
            span = max(1, (now - created).days)
            for _ in range(min(60, int(rng.expovariate(1 / views_per_post)))):
                user = rng.choice(staying)
                if user != author_id:
                    day = timezone.localdate(created) + timedelta(days=rng.randint(0, span))
                    batch.append(PostView(post_id=pk, user_id=user, day=min(day, today)))
            if kind == Post.Kind.QUESTION and rng.random() < 0.3:
                source = rng.choice(("results", "results", "typeahead", "similar"))
                when = min(now, created + timedelta(days=rng.uniform(0, span)))
                found.append(
                    SearchClick(
                        user_id=rng.choice(staying), post_id=pk, source=source, created_at=when
                    )
                )
            if len(batch) >= 20 * BATCH:
                PostView.objects.bulk_create(batch, batch_size=BATCH, ignore_conflicts=True)
                views += len(batch)
                batch = []
            bar.update(1)
        PostView.objects.bulk_create(batch, batch_size=BATCH, ignore_conflicts=True)
        SearchClick.objects.bulk_create(found, batch_size=BATCH)
        views, clicks = views + len(batch), len(found)
    counts |= {"post views": views, "search clicks": clicks}
    # bulk_create skips what the view action keeps in step: set Post.view_count from the
    # rows, as `check_integrity --repair` would, so the data is what the site would hold.
    from questions.integrity import COUNTERS

    view_count = next(check for check in COUNTERS if check.name == "Post.view_count")
    view_count.repair(view_count.find())
    # Sentiment: a deterministic spread from the ids (the seeded texts are synthetic; the
    # reports only read the stored numbers).
    for model in (Post, Answer):
        model.objects.update(sentiment=((F("id") * 7919) % 2001 - 1000) / 2000.0)
    with indexing.paused():
        counts["expertise rows"] = recompute_expertise()
        summary = recompute_standards()
    counts["standard snapshots"] = summary.snapshots
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=300_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--views-per-post", type=int, default=10)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    return parser


def run(args: argparse.Namespace) -> list[Row]:
    """Seed and add the reports' data if needed, time each page cold and cached, print the
    table; return the figures."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from profiles.models import User
    from questions.models import Answer, Post, PostView
    from reports import summaries
    from reports.catalog import CATALOG

    prepare_database(posts=args.posts, answers=args.answers, people=args.people)
    config = configuration()
    added = prepare(views_per_post=args.views_per_post)
    if added:
        print("Added: " + ", ".join(f"{n:,} {what}" for what, n in added.items()))
    # As the nightly `refresh_summaries` leaves them: every day up to yesterday summarised.
    started = time.perf_counter()
    done = summaries.refresh(full=True)
    took = time.perf_counter() - started
    print(
        f"Summaries rebuilt: {done.days:,} days, {done.weeks:,} weeks, {done.rows:,} rows "
        f"in {took:.1f} s"
    )
    rebuilt = f"{done.days:,} days, {done.weeks:,} weeks, {done.rows:,} rows"
    rows = [Row("reports", "daily summaries rebuilt", config, took, took, None, "s", rebuilt)]
    staff = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    if staff is None:
        staff = User.objects.filter(is_active=True).order_by("pk").first()
        if staff is None:
            raise SystemExit("the database has nobody to read the reports")
        User.objects.filter(pk=staff.pk).update(is_staff=True)
    client = Client()
    client.force_login(staff)
    pages = {"index": reverse("reports:index")}
    for entry in CATALOG:
        pages[entry.title] = reverse(entry.url_name)
        pages[f"{entry.title} (CSV)"] = reverse(entry.csv_url_name)
    print(
        f"{connection.vendor}: {Post.objects.count():,} posts, {Answer.objects.count():,} "
        f"answers, {User.objects.count():,} people "
        f"({User.objects.filter(is_active=False).count():,} former), "
        f"{PostView.objects.count():,} views"
    )
    cache_seconds = settings.REPORTS_CACHE_SECONDS or 900
    print(f"{'page':<34} {'':>6} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'p95/target':>11}")
    for name, url in pages.items():
        for mode, seconds in (("cold", 0), ("cached", cache_seconds)):
            settings.REPORTS_CACHE_SECONDS = seconds
            with CaptureQueriesContext(connection) as queries:
                status = client.get(url).status_code
            if status != 200:
                raise SystemExit(f"{name}: HTTP {status}")
            query_count = len(queries.captured_queries)

            def fetch(url: str = url) -> int:
                return int(client.get(url).status_code)

            timings = time_requests(fetch, args.requests, warmup=2)
            median, p95 = statistics.median(timings), percentile(timings, 0.95)
            print(
                f"{name:<34} {mode:>6} {query_count:>7} {median:>10.1f} "
                f"{p95:>8.1f} {p95 / TARGET_P95_MS:>10.2f}x"
            )
            rows.append(
                Row(
                    "reports",
                    f"{'reports index' if name == 'index' else name}, {mode}",
                    config,
                    median,
                    p95,
                    TARGET_P95_MS,
                    "ms",
                    f"{query_count} queries",
                )
            )
    return rows


def main() -> None:
    run(build_parser().parse_args())


if __name__ == "__main__":
    main()
