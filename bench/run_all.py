"""Every benchmark on one seeded dataset per configuration, written up as one report.

    make bench                                  # 100,000 posts, 300,000 answers, 5,000 people
    make bench BENCH_ARGS="--posts 2000 --answers 6000 --people 200 --quick --report /tmp/b.md"
    .venv/bin/python -m bench.run_all --configs embedded       # one configuration only

Configurations: "embedded" (SQLite, in-memory channel layer, Whoosh) and "scale" (PostgreSQL,
Redis, PostgreSQL search), both with tasks on the in-process background thread. Each runs in
a child process with that configuration's environment, on a scratch VAR_DIR and, for
PostgreSQL, a scratch database created here (from --postgres) and dropped afterwards. The
child seeds once (bench.seed_large), then runs, in this order: search (index rebuilt and
timed; first, so that the feed benchmark's search page reads a whole index), feed, api,
relevance (real questions, on a scratch database, then among the seeded posts),
experts, notifications, throughput (scale only: several workers share sockets and the
cache only through Redis) and reports, last because it marks people as departed.
Each benchmark's `run()` prints its usual tables and returns Rows, which the child appends to
a JSON-lines file as it goes; a benchmark that fails is reported as failed and the others
still run. The parent then writes the Markdown report and its SVG charts (bench.report),
with the recorded runs on larger datasets (docs/benchmarks/growth-*.json, written by
bench.scale_run) beside this run's figures under "How cost grows".

Use a Redis database nobody else uses meanwhile (--redis-url): notification groups are named
by user id, so another application's pushes would reach the benchmark's sockets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.report import ConfigInfo, RunInfo, growth_records, write_report
from bench.results import Row, configuration

CONFIGS = {
    "embedded": "SQLite file, in-memory channel layer and local-memory cache, Whoosh index",
    "scale": "PostgreSQL, Redis (channel layer and cache), PostgreSQL full-text search",
}
BENCHMARKS = ("search", "feed", "api", "relevance", "experts", "notify", "throughput", "reports")
# Environment the caller may have set that would change a configuration: each child gets
# exactly its configuration's.
CONFIG_VARIABLES = {"DATABASE_URL", "REDIS_URL", "SEARCH_BACKEND", "TASK_BACKEND", "DEBUG"}


@dataclass(frozen=True)
class Plan:
    """How much each benchmark measures: its own defaults, or less with --quick."""

    page_requests: int  # feed, search and tag pages
    report_requests: int
    fresh: int  # answers timed until searchable
    recompute_runs: int
    notify_seconds: float
    notify_idle: float
    notify_burst: int
    throughput_seconds: float
    warmup: float

    @classmethod
    def of(cls, args: argparse.Namespace) -> Plan:
        if args.quick:
            plan = cls(30, 5, 5, 1, 10, 3, 500, 15, 2)
        else:
            plan = cls(200, 30, 20, 3, 30, 15, 2000, 60, 5)
        return cls(
            args.requests or plan.page_requests,
            args.report_requests or plan.report_requests,
            plan.fresh,
            plan.recompute_runs,
            plan.notify_seconds,
            plan.notify_idle,
            plan.notify_burst,
            args.throughput_seconds or plan.throughput_seconds,
            plan.warmup,
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run_all", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=300_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--quick", action="store_true", help="fewer requests, shorter phases")
    parser.add_argument(
        "--configs", default="embedded,scale", help="comma-separated: embedded, scale"
    )
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help="comma-separated benchmarks to run"
    )
    parser.add_argument("--report", type=Path, default=Path("docs/benchmarks.md"))
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a database to connect to while creating and dropping the scratch database",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        help="a Redis database for the benchmark alone (see above)",
    )
    parser.add_argument("--requests", type=int, default=0, help="timed requests per page")
    parser.add_argument("--report-requests", type=int, default=0, help="per report page")
    parser.add_argument("--throughput-seconds", type=float, default=0)
    parser.add_argument("--workers", type=int, default=2, help="server processes at scale")
    parser.add_argument("--connections", type=int, default=8, help="throughput connections")
    parser.add_argument("--sockets", type=int, default=200, help="notification sockets")
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch databases and folders"
    )
    # Set by the parent for the child processes.
    parser.add_argument("--child", choices=list(CONFIGS), help=argparse.SUPPRESS)
    parser.add_argument("--rows-file", type=Path, help=argparse.SUPPRESS)
    return parser


def listed(value: str, allowed: tuple[str, ...] | list[str]) -> list[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in allowed]
    if unknown or not chosen:
        raise SystemExit(f"choose among {', '.join(allowed)} (got {value!r})")
    return chosen


# --- The child: one configuration ---------------------------------------------------------


class Records:
    """The JSON-lines file a child appends to as it goes, so a crash loses nothing done."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, kind: str, **data: Any) -> None:
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"kind": kind, **data}) + "\n")


def versions(config: str, redis_url: str) -> str:
    from django.db import connection

    if config == "embedded":
        import sqlite3

        import whoosh

        return f"SQLite {sqlite3.sqlite_version}, Whoosh {whoosh.versionstring()}"
    import redis

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
        # Its memory decides whether a search reads the index table from its own buffers
        # or again from the kernel (README, "At scale"): part of what was measured.
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    server = redis.Redis.from_url(redis_url).info("server")
    return f"PostgreSQL {postgres} (shared_buffers {buffers}), Redis {server['redis_version']}"


def run_child(args: argparse.Namespace) -> int:
    from bench import (
        api_bench,
        experts_bench,
        feed_bench,
        notify_bench,
        relevance_bench,
        reports_bench,
        search_bench,
        throughput_bench,
    )
    from profiles.models import User
    from questions.models import Answer, Post

    config, plan, records = args.child, Plan.of(args), Records(args.rows_file)
    sizes = ["--posts", str(args.posts), "--answers", str(args.answers)]
    sizes += ["--people", str(args.people)]
    servers = "1" if config == "embedded" else str(args.workers)

    def parsed(parser: argparse.ArgumentParser, *extra: object) -> argparse.Namespace:
        return parser.parse_args([*sizes, *map(str, extra)])

    benchmarks: dict[str, Callable[[], list[Row]]] = {
        "feed": lambda: feed_bench.run(
            parsed(feed_bench.build_parser(), "--requests", plan.page_requests)
        ),
        "api": lambda: api_bench.run(
            parsed(api_bench.build_parser(), "--requests", plan.page_requests)
        ),
        "search": lambda: search_bench.run(
            parsed(
                search_bench.build_parser(),
                *("--requests", plan.page_requests, "--fresh", plan.fresh, "--rebuild"),
            )
        ),
        # On a scratch database of its own (from this configuration's), then mixed into the
        # seeded posts as distractors.
        "relevance": lambda: [
            *relevance_bench.run(relevance_bench.build_parser().parse_args([])),
            *relevance_bench.run(relevance_bench.build_parser().parse_args(["--mix"])),
        ],
        "experts": lambda: experts_bench.run(
            parsed(
                experts_bench.build_parser(),
                *("--runs", plan.recompute_runs, "--requests", plan.page_requests),
            )
        ),
        "notify": lambda: notify_bench.run(
            notify_bench.build_parser().parse_args(
                [
                    *("--sockets", str(args.sockets), "--servers", servers),
                    *("--seconds", str(plan.notify_seconds), "--idle", str(plan.notify_idle)),
                    *("--burst", str(plan.notify_burst)),
                    "--timeline",  # per second, in the log: where a slow second was
                ]
            )
        ),
        "throughput": lambda: throughput_bench.run(
            parsed(
                throughput_bench.build_parser(),
                *("--workers", args.workers, "--connections", args.connections),
                *("--sockets", args.sockets, "--seconds", plan.throughput_seconds),
                *("--warmup", plan.warmup),
            )
        ),
        "reports": lambda: reports_bench.run(
            parsed(reports_bench.build_parser(), "--requests", plan.report_requests)
        ),
    }
    chosen = listed(args.only, BENCHMARKS)
    if config == "embedded" and "throughput" in chosen:
        chosen.remove("throughput")  # several workers need Redis: the scale configuration's

    print(f"\n== {config}: migrate and seed", flush=True)
    started = time.monotonic()
    feed_bench.prepare_database(posts=args.posts, answers=args.answers, people=args.people)
    seeded = time.monotonic() - started
    dataset = {
        "posts": Post.objects.count(),
        "answers": Answer.objects.count(),
        "people": User.objects.count(),
    }
    records.add(
        "config",
        name=configuration(),
        description=CONFIGS[config],
        versions=versions(config, args.redis_url),
        dataset=dataset,
        seed_seconds=seeded,
    )
    records.add("stage", stage="migrate and seed", seconds=seeded, outcome="ok")
    for name in BENCHMARKS:
        if name not in chosen:
            continue
        print(f"\n== {config}: {name}", flush=True)
        started = time.monotonic()
        try:
            rows = benchmarks[name]()
        except (Exception, SystemExit) as error:  # benchmarks stop with SystemExit("why")
            traceback.print_exc()
            outcome = f"failed: {type(error).__name__}: {error}"
            rows = []
        else:
            outcome = "ok"
        took = time.monotonic() - started
        for row in rows:
            records.add("row", **row.to_json())
        records.add("stage", stage=name, seconds=took, outcome=outcome)
        print(f"== {config}: {name} {outcome} in {took:.1f} s", flush=True)
    return 0


# --- The parent: scratch places, children, the report ------------------------------------


def redacted(text: str) -> str:
    """A URL's password is not for the report."""
    return re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", text)


@contextmanager
def scratch_database(admin_url: str, *, keep: bool) -> Iterator[str]:
    """A new, empty PostgreSQL database; yields its URL and drops it afterwards."""
    import psycopg
    from psycopg import sql

    name = f"bench_run_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = urllib.parse.urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    try:
        yield url
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                admin.execute(drop.format(sql.Identifier(name)))


@contextmanager
def scratch_folder(config: str, *, keep: bool) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{config}-"))
    try:
        yield folder
    finally:
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def run_config(config: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Run one configuration's child process; its records (whatever it got to)."""
    with scratch_folder(config, keep=args.keep) as var_dir:
        env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
        # Unbuffered, so that the child's progress shows as it goes even through a pipe.
        env |= {"VAR_DIR": str(var_dir), "SCHEDULER": "0", "PYTHONUNBUFFERED": "1"}
        records_path = var_dir / "records.jsonl"
        command = [sys.executable, "-m", "bench.run_all", *sys.argv[1:]]
        command += ["--child", config, "--rows-file", str(records_path)]
        with _database(config, args) as database_url:
            if database_url:
                env |= {
                    "DATABASE_URL": database_url,
                    "REDIS_URL": args.redis_url,
                    "SEARCH_BACKEND": "postgres",
                }
            done = subprocess.run(command, env=env, check=False)  # noqa: S603  (our own command)
        records = []
        if records_path.exists():
            with records_path.open(encoding="utf-8") as lines:
                records = [json.loads(line) for line in lines if line.strip()]
        if done.returncode != 0:
            records.append(
                {"kind": "note", "text": f"{config}: stopped with exit status {done.returncode}"}
            )
        return records


@contextmanager
def _database(config: str, args: argparse.Namespace) -> Iterator[str]:
    if config == "embedded":
        yield ""
    else:
        with scratch_database(args.postgres, keep=args.keep) as url:
            yield url


def machine() -> list[tuple[str, str]]:
    import django

    cpu = platform.processor() or "unknown"
    memory = ""
    if Path("/proc/cpuinfo").exists():
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = found.group(1).strip() if found else cpu
    if Path("/proc/meminfo").exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        memory = f"{int(found.group(1)) / 1024**2:.1f} GB" if found else ""
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else ""
    facts = [
        ("Cores", str(os.cpu_count())),
        ("CPU", cpu),
        ("Memory", memory),
        ("System", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("Load average at the start (1, 5, 15 min)", load),
    ]
    return [(k, v) for k, v in facts if v]


def parameters(args: argparse.Namespace, plan: Plan, configs: list[str]) -> list[tuple[str, str]]:
    """What the run was asked to do, for the benchmarks it ran."""
    from bench import notify_bench

    chosen = listed(args.only, BENCHMARKS)
    defaults = notify_bench.build_parser()  # run_all leaves these as they are
    rate, warmup = defaults.get_default("rate"), defaults.get_default("warmup")
    servers = {"embedded": "1 server process embedded", "scale": f"{args.workers} at scale"}
    runs = f"{plan.recompute_runs} run{'s' if plan.recompute_runs > 1 else ''} of each"
    # (benchmark it describes, or "" for all; label; text)
    facts = [
        (
            "",
            "Dataset asked for",
            f"{args.posts:,} posts, {args.answers:,} answers, {args.people:,} people "
            "(bench.seed_large: the same data for the same sizes)",
        ),
        (
            "",
            "Timed requests",
            f"{plan.page_requests} per feed, search and tag page, after a warm-up",
        ),
        ("reports", "Timed report requests", f"{plan.report_requests} per page and mode"),
        ("search", "Search freshness", f"{plan.fresh} answers"),
        ("experts", "Recomputes", runs),
        (
            "notify",
            "Notifications",
            f"{args.sockets} sockets; {rate:g} posts a second for {plan.notify_seconds:g} s "
            f"after {warmup:g} s of the same not timed, "
            f"{plan.notify_idle:g} s idle, a burst of {plan.notify_burst:,} notifications; "
            + ", ".join(servers[c] for c in configs),
        ),
    ]
    if "scale" in configs:
        facts.append(
            (
                "throughput",
                "Throughput",
                f"{args.workers} uvicorn workers, {args.connections} connections, "
                f"{args.sockets} sockets, {plan.throughput_seconds:g} s after a "
                f"{plan.warmup:g} s warm-up",
            )
        )
    return [(label, text) for subject, label, text in facts if not subject or subject in chosen]


def main() -> int:
    args = build_parser().parse_args()
    if args.child:
        return run_child(args)
    configs = listed(args.configs, list(CONFIGS))
    listed(args.only, BENCHMARKS)  # a typo stops the run here, not in every child
    plan = Plan.of(args)
    started, clock = datetime.now(UTC), time.monotonic()
    facts = machine()  # before the run loads the machine
    rows: list[Row] = []
    infos: list[ConfigInfo] = []
    stages: list[tuple[str, str, float, str]] = []
    notes: list[str] = []
    for config in configs:
        records = run_config(config, args)
        name = next((r["name"] for r in records if r["kind"] == "config"), config)
        for record in records:
            kind = record.pop("kind")
            if kind == "config":
                infos.append(ConfigInfo(**record))
            elif kind == "row":
                rows.append(Row.from_json(record))
            elif kind == "stage":
                stages.append((name, record["stage"], record["seconds"], record["outcome"]))
            else:
                notes.append(record["text"])
    if "throughput" in args.only and "scale" not in configs:
        notes.append("The throughput run needs the scale configuration; it was not run.")
    notes += [f"{c}: {s} {o}" for c, s, _, o in stages if o != "ok"]
    command = ".venv/bin/python -m bench.run_all " + shlex.join(sys.argv[1:])
    run = RunInfo(
        command=redacted(command.strip()),
        started=started,
        seconds=time.monotonic() - clock,
        machine=facts,
        parameters=parameters(args, plan, configs),
        configs=infos,
        stages=stages,
        notes=notes,
    )
    written = write_report(args.report, run, rows, growth_records())
    print(f"\nReport: {args.report} ({len(written) - 1} charts in {args.report.with_suffix('')})")
    return 1 if any(o != "ok" for *_, o in stages) or len(infos) < len(configs) else 0


if __name__ == "__main__":
    sys.exit(main())
