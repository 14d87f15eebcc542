"""How cost grows: the page and search benchmarks on a much larger dataset, recorded to a file
that the report (bench.report, "How cost grows") sets beside the 100,000-post figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_1m SEARCH_BACKEND=postgres \\
        REDIS_URL=redis://127.0.0.1:6379/0 VAR_DIR=$(mktemp -d) \\
        .venv/bin/python -m bench.scale_run --posts 1000000 --answers 3000000 \\
        --people 50000 --requests 40 --record docs/benchmarks/growth-1m.json

Seeding a million posts and building their index take hours on a small machine, longer than
`make bench` should, so the large run is made once, on its own, and its figures are kept:
the record holds the date, the command, the configuration, the dataset's sizes, the disk and
memory used and the benchmarks' rows (bench.results.Row). It is written after each benchmark,
so a run that stops early still records what it measured. The search benchmark builds the
index when it does not match the database, and its time is one of the rows; without it
(`--only feed`) the feed benchmark's search page, which would read an incomplete index, is
left out.
"""

from __future__ import annotations

import argparse
import json
import resource
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.results import Row, configuration

BENCHMARKS = ("search", "feed")  # search first: it builds the index the feed's search page reads


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale_run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=3_000_000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--fresh", type=int, default=10, help="search freshness samples")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="search, feed or both")
    parser.add_argument("--record", type=Path, required=True, help="the JSON file to write")
    return parser


def dataset() -> dict[str, int]:
    from profiles.models import User
    from questions.models import Answer, Post
    from search.backend import get_backend

    return {
        "posts": Post.objects.count(),
        "answers": Answer.objects.count(),
        "people": User.objects.count(),
        "search documents": get_backend().count(),
    }


def index_complete() -> bool:
    from search import indexing
    from search.backend import get_backend

    backend = get_backend()
    return backend.health() is None and backend.count() == indexing.expected_count()


def resources() -> list[tuple[str, str]]:
    """Disk used by the database and its largest tables, and the peak memory of this
    process (which ran every request in-process)."""
    from django.db import connection

    facts: list[tuple[str, str]] = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            facts.append(("Database on disk", gigabytes(cursor.fetchone()[0])))
            cursor.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r' "
                "ORDER BY 2 DESC LIMIT 5"
            )
            facts += [
                (f"Table {name} with its indexes", gigabytes(size))
                for name, size in cursor.fetchall()
            ]
            cursor.execute("SHOW shared_buffers")
            facts.append(("PostgreSQL shared_buffers", str(cursor.fetchone()[0])))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    facts.append(("Peak memory of the benchmark process", f"{peak:,.0f} MB"))
    return facts


def gigabytes(size: int) -> str:
    return f"{size / 1024**3:,.2f} GB"


def write_record(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def run(args: argparse.Namespace, command: str) -> dict[str, Any]:
    from bench import feed_bench, search_bench
    from bench.feed_bench import prepare_database

    chosen = [b for b in BENCHMARKS if b in args.only.split(",")]
    started = datetime.now(UTC)
    prepare_database(posts=args.posts, answers=args.answers, people=args.people)
    record: dict[str, Any] = {
        "measured": started.isoformat(timespec="minutes"),
        "command": command,
        "configuration": configuration(),
        "dataset": dataset(),
        "resources": [],
        "notes": [],
        "rows": [],
    }
    rows: list[Row] = []
    shared = {"posts": args.posts, "answers": args.answers, "people": args.people}
    for benchmark in chosen:
        clock = time.monotonic()
        if benchmark == "search":
            found = search_bench.run(
                argparse.Namespace(
                    **shared, requests=args.requests, fresh=args.fresh, rebuild=False
                )
            )
        else:
            complete = index_complete()
            found = feed_bench.run(argparse.Namespace(**shared, requests=args.requests))
            if not complete:
                found = [r for r in found if not r.name.startswith("search page")]
                record["notes"].append(
                    "The search index did not match the database, so the feed benchmark's "
                    "search page is left out."
                )
        rows += found
        record["notes"].append(f"{benchmark}: {time.monotonic() - clock:,.0f} s")
        record["dataset"] = dataset()
        record["resources"] = resources()
        record["rows"] = [r.to_json() for r in rows]
        write_record(args.record, record)
    return record


def main() -> int:
    args = build_parser().parse_args()
    unknown = set(args.only.split(",")) - set(BENCHMARKS)
    if unknown:
        raise SystemExit(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    command = ".venv/bin/python -m bench.scale_run " + shlex.join(sys.argv[1:])
    run(args, command)
    print(f"Recorded in {args.record}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
