"""Throughput: several uvicorn workers under a mixed read/write load, with 200 notification
sockets held open at the same time.

    VAR_DIR=$(mktemp -d) DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feed \\
        SEARCH_BACKEND=postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python -m bench.throughput_bench                  # the scale configuration

Seeds the database if it holds fewer posts than asked (bench.seed_large), then serves it as a
production deployment would, `uvicorn intranet.asgi:application --workers N --lifespan off`
(DEBUG off) on 127.0.0.1, and loads it from this process: `--sockets` notification sockets
(bench.notify_bench's client, signed in as different people) stay open while `--connections`
keep-alive HTTP connections, each signed in as a different person, send requests back to
back (a closed loop: the next request leaves when the answer to the last one has arrived)
for `--seconds`, after a `--warmup` that is not counted. The mix (MIX) reads feeds, question
and tag pages, search and typeahead, and writes status updates mentioning two socket
holders, answers and likes. Prints requests a second, errors, median, p95 and p99 per
endpoint, the server's CPU time per request (its processes' user and system time over the
measured window, from /proc: robust to a shared machine's load, which the rate is not), and
the notifications the sockets received meanwhile (created → received).

The rate limits stay on but are set far above this load: each write still counts itself in
the cache, none is refused. Several workers share sockets' notifications and the cache only
through REDIS_URL, so more than one worker needs it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.feed_bench import percentile, prepare_database
from bench.results import Row, configuration

# Endpoint name -> weight: mostly reading, as an intranet is used; about one request in six
# writes.
MIX = {
    "home feed (my network)": 20,
    "home feed (all company)": 8,
    "question page": 20,
    "tag page": 8,
    "search page": 10,
    "typeahead": 14,
    "post a status update": 6,
    "answer a question": 6,
    "like or unlike a post": 8,
}
WRITES = {"post a status update", "answer a question", "like or unlike a post"}
HIGH_LIMIT = "1000000"  # a rate limit nobody reaches in a benchmark run
CSRF = "c" * 32  # the csrftoken cookie and form field, as a browser holding both sends them

if TYPE_CHECKING:
    from profiles.models import User


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=300_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--sockets", type=int, default=200, help="notification sockets held")
    parser.add_argument("--seconds", type=float, default=60, help="measured load")
    parser.add_argument("--warmup", type=float, default=5, help="load before measuring")
    return parser


@dataclass(frozen=True)
class Targets:
    """What the load reads and writes, drawn from the database before it starts."""

    questions: list[tuple[int, str]]  # (pk, page URL) of public questions
    posts: list[int]  # public posts to like
    tags: list[str]  # slugs of the most used tags
    terms: list[str]  # frequent title words, for search and (their prefixes) typeahead
    handles: list[str]  # socket holders, for mentions


@dataclass(frozen=True)
class Sample:
    endpoint: str
    ok: bool
    ms: float
    done: float  # monotonic time the answer was read


class Connection:
    """One keep-alive HTTP/1.1 connection (enough of the protocol for Django behind uvicorn:
    Content-Length or chunked bodies, reconnecting when the server closes)."""

    def __init__(self, base_url: str, cookie: str) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.base_url = base_url
        self.cookie = cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, form: dict[str, str] | None = None) -> int:
        if self.writer is None or self.reader is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.reader, self.writer
        body = urllib.parse.urlencode(form).encode() if form is not None else b""
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Cookie: {self.cookie}",
        ]
        if form is not None:
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Referer: {self.base_url}/",
            ]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while size := int((await reader.readline()).split(b";")[0], 16):
                await reader.readexactly(size + 2)
            while (await reader.readline()) not in (b"\r\n", b""):  # trailers
                pass
        else:  # the body runs to the end of the connection
            await reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def next_request(
    endpoint: str, targets: Targets, rng: random.Random, number: int
) -> tuple[str, str, dict[str, str] | None]:
    """(method, path, form) of one request to `endpoint`."""
    form = {"csrfmiddlewaretoken": CSRF}
    if endpoint == "home feed (my network)":
        return "GET", "/", None
    if endpoint == "home feed (all company)":
        return "GET", "/?tab=all", None
    if endpoint == "question page":
        return "GET", rng.choice(targets.questions)[1], None
    if endpoint == "tag page":
        return "GET", f"/tags/{rng.choice(targets.tags)}/", None
    if endpoint == "search page":
        return "GET", "/search/?" + urllib.parse.urlencode({"q": rng.choice(targets.terms)}), None
    if endpoint == "typeahead":
        prefix = rng.choice(targets.terms)[:3]
        return "GET", "/search/suggest/?" + urllib.parse.urlencode({"q": prefix}), None
    if endpoint == "post a status update":
        mentioned = " ".join(f"@{h}" for h in rng.sample(targets.handles, 2))
        text = f"Load test update {number}: notes for {mentioned}"
        return "POST", "/compose/", form | {"kind": "status", "body": text, "tags": ""}
    if endpoint == "answer a question":
        pk = rng.choice(targets.questions)[0]
        return "POST", f"/q/{pk}/answer/", form | {"body": f"Load test answer {number}."}
    if endpoint == "like or unlike a post":
        liked = "1" if rng.random() < 0.6 else "0"
        return "POST", f"/q/{rng.choice(targets.posts)}/like/", form | {"liked": liked}
    raise ValueError(f"unknown endpoint {endpoint!r}")


async def load(
    connection: Connection,
    targets: Targets,
    *,
    seed: int,
    until: float,
    samples: list[Sample],
) -> None:
    """Requests back to back on one connection until `until` (monotonic)."""
    rng = random.Random(seed)  # benchmark sampling, not secrets
    names, weights = list(MIX), list(MIX.values())
    number = 0
    while time.monotonic() < until:
        endpoint = rng.choices(names, weights)[0]
        method, path, form = next_request(endpoint, targets, rng, seed * 1_000_000 + number)
        number += 1
        started = time.perf_counter()
        try:
            status = await connection.request(method, path, form)
        except (OSError, ValueError, asyncio.IncompleteReadError):
            connection.close()
            status = 0
            await asyncio.sleep(0.05)  # a server that refuses connections is not hammered
        elapsed = (time.perf_counter() - started) * 1000
        # Reads answer 200; writes made without JavaScript redirect to what they changed.
        ok = status == (302 if endpoint in WRITES else 200)
        samples.append(Sample(endpoint, ok, elapsed, time.monotonic()))


def session_cpu_seconds(session: int) -> float:
    """CPU seconds (user and system) used so far by the live processes of a session: the
    server's supervisor and workers. 0 where /proc cannot be read (not Linux)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name (field 2) may hold spaces; the fields after it do not.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if int(fields[3]) == session:  # field 6, the session id
            ticks += int(fields[11]) + int(fields[12])  # fields 14 and 15: utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Served:
    base_url: str
    session: int  # the server's session id (it leads its own): its processes' CPU is counted


@contextmanager
def served_by_workers(var_dir: Path, *, workers: int, env: dict[str, str]) -> Iterator[Served]:
    """`uvicorn --workers N` on loopback, on this process's database; yields its base URL and
    session once /healthz answers. Its own session, so that no worker outlives the benchmark
    and their CPU time can be told from this process's."""
    from tests.support.server import ROOT, free_port, server_command, server_env

    port = free_port()
    command = [*server_command("uvicorn", port), "--workers", str(workers)]
    log_path = var_dir / "throughput-server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603  (our own command line, no shell)
            command,
            cwd=ROOT,
            env={**server_env(var_dir), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(base_url + "/healthz", timeout=5) as answer:  # noqa: S310  (loopback URL we built)
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start: " + log_path.read_text())
                time.sleep(0.3)
            yield Served(base_url, process.pid)
        finally:
            process.terminate()  # uvicorn's supervisor stops its workers
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def choose_targets(sockets: int, rng: random.Random) -> tuple[list[User], Targets]:
    """The people to sign in (active ones, in id order) and what the load touches."""
    from django.db.models import Count
    from taggit.models import Tag

    from profiles.models import User
    from questions.models import Post
    from search.query import STOP_WORDS, words_of

    people = list(User.objects.filter(is_active=True).order_by("pk")[:sockets])
    public = Post.objects.filter(deleted_at__isnull=True, community__isnull=True)
    question_ids = list(public.filter(kind="question").values_list("pk", flat=True))
    post_ids = list(public.values_list("pk", flat=True))
    if not people or not question_ids:
        raise SystemExit("the database has no people or public questions to load it with")
    chosen = rng.sample(question_ids, min(500, len(question_ids)))
    questions = [(p.pk, p.get_absolute_url()) for p in Post.objects.filter(pk__in=chosen)]
    titles = public.filter(pk__in=chosen).values_list("title", flat=True)
    words = Counter(w for t in titles for w in set(words_of(t)) if w not in STOP_WORDS)
    tags = Tag.objects.annotate(n=Count("questions_taggedpost_items")).order_by("-n", "pk")
    targets = Targets(
        questions=questions,
        posts=rng.sample(post_ids, min(500, len(post_ids))),
        tags=[t.slug for t in tags[:50]],
        terms=[w for w, _ in words.most_common(40) if len(w) > 3] or ["the"],
        handles=[u.username for u in people],
    )
    return people, targets


def run(args: argparse.Namespace) -> list[Row]:
    """Seed if needed, serve with the workers, load them; print and return the figures."""
    from django.conf import settings

    from bench.notify_bench import database_env, scratch_var_dir, signed_in_session
    from notifications.models import Notification

    if args.workers > 1 and not settings.REDIS_URL:
        raise SystemExit("several workers share sockets and the cache only through REDIS_URL")
    var_dir = scratch_var_dir()
    prepare_database(posts=args.posts, answers=args.answers, people=args.people)
    people, targets = choose_targets(max(args.sockets, args.connections), random.Random(11))
    sessions = [signed_in_session(person) for person in people]
    start_id = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    env = {
        "DEBUG": "0",
        "SITE_URL": "http://127.0.0.1",
        **database_env(),
        "RATE_LIMIT_POSTS_PER_MINUTE": HIGH_LIMIT,
        "RATE_LIMIT_LIKES_PER_MINUTE": HIGH_LIMIT,
    }
    config = configuration()
    print(
        f"{config}: {args.workers} uvicorn workers, {args.connections} connections, "
        f"{min(args.sockets, len(people))} sockets, {args.seconds:g} s after a "
        f"{args.warmup:g} s warm-up"
    )
    with served_by_workers(var_dir, workers=args.workers, env=env) as served:
        outcome = asyncio.run(
            drive(served, people, sessions, targets, args=args, start_id=start_id)
        )
    return rows_of(outcome, args, config=config)


@dataclass(frozen=True)
class Outcome:
    samples: list[Sample]  # those answered within the measured window
    seconds: float
    sockets: int
    sockets_open: int  # at the end of the load
    pushed: list[float]  # created → received, ms, of notifications received during the load
    server_cpu: float  # CPU seconds the server's processes used during the measured window


async def drive(
    served: Served,
    people: list[User],
    sessions: list[str],
    targets: Targets,
    *,
    args: argparse.Namespace,
    start_id: int,
) -> Outcome:
    from bench.notify_bench import Client

    base_url = served.base_url
    holders = [
        Client(person.pk, session, start_id)
        for person, session in list(zip(people, sessions, strict=True))[: args.sockets]
    ]
    readies = [asyncio.Event() for _ in holders]
    socket_tasks = [
        asyncio.create_task(c.run(base_url, ready))
        for c, ready in zip(holders, readies, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)

    cookies = [
        f"sessionid={sessions[i % len(sessions)]}; csrftoken={CSRF}"
        for i in range(args.connections)
    ]
    connections = [Connection(base_url, cookie) for cookie in cookies]
    samples: list[Sample] = []
    measured_from = time.monotonic() + args.warmup
    until = measured_from + args.seconds
    cpu: list[float] = []

    async def count_cpu() -> None:
        # The server's CPU at the start and at the end of the measured window.
        for moment in (measured_from, until):
            await asyncio.sleep(max(0.0, moment - time.monotonic()))
            cpu.append(session_cpu_seconds(served.session))

    await asyncio.gather(
        count_cpu(),
        *(
            load(connection, targets, seed=i + 1, until=until, samples=samples)
            for i, connection in enumerate(connections)
        ),
    )
    for connection in connections:
        connection.close()
    sockets_open = sum(1 for c in holders if c.writer is not None and not c.closed)
    # The measured window on the wall clock, which receipt times are on.
    wall_from = time.time() - (time.monotonic() - measured_from)
    wall_until = wall_from + args.seconds
    pushed = [
        (at - c.created[pk]) * 1000
        for c in holders
        for pk, at in c.received.items()
        if wall_from <= at <= wall_until
    ]
    for c in holders:
        c.stop()
    await asyncio.gather(*socket_tasks, return_exceptions=True)
    window = [s for s in samples if measured_from <= s.done <= until]
    return Outcome(window, args.seconds, len(holders), sockets_open, pushed, cpu[1] - cpu[0])


def rows_of(outcome: Outcome, args: argparse.Namespace, *, config: str) -> list[Row]:
    by_endpoint: dict[str, list[Sample]] = defaultdict(list)
    for sample in outcome.samples:
        by_endpoint[sample.endpoint].append(sample)
    columns = (
        f"{'requests':>9} {'per s':>7} {'errors':>7} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8}"
    )
    print(f"{'endpoint':<28} {columns}")
    rows = []
    for name, samples in [
        *((n, by_endpoint[n]) for n in MIX if by_endpoint[n]),
        ("all requests", outcome.samples),
    ]:
        if not samples:
            continue
        timings = [s.ms for s in samples]
        errors = sum(not s.ok for s in samples)
        rate = len(samples) / outcome.seconds
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        p99 = percentile(timings, 0.99)
        print(
            f"{name:<28} {len(samples):>9,} {rate:>7.1f} {errors:>7} {median:>10.1f} {p95:>8.1f}"
            f" {p99:>8.1f}"
        )
        # Issue 24's target is judged on the p99 of all requests (at most 500 ms).
        detail = (
            f"{rate:,.1f} requests/s ({len(samples):,} in {outcome.seconds:g} s), {errors} errors"
            f", p99 {p99:,.0f} ms"
        )
        if name == "all requests":
            detail += (
                f"; {args.workers} uvicorn workers, {args.connections} connections, "
                f"{outcome.sockets} sockets held"
            )
        rows.append(Row("throughput", name, config, median, p95, None, "ms", detail))
    if outcome.samples:
        # The server's processes' CPU per request answered: robust to a shared machine's
        # load, which stretches wall times and lowers the rate.
        per_request = outcome.server_cpu * 1000 / len(outcome.samples)
        print(
            f"server CPU: {outcome.server_cpu:.1f} s in {outcome.seconds:g} s, "
            f"{per_request:.1f} ms per request"
        )
        rows.append(
            Row(
                "throughput",
                "server CPU per request",
                config,
                per_request,
                None,
                None,
                "CPU ms",
                f"{outcome.server_cpu:,.1f} CPU s of the server's processes"
                f" in {outcome.seconds:g} s",
            )
        )
    held = f"{outcome.sockets_open} of {outcome.sockets} sockets open at the end"
    print(f"notifications received during the load: {len(outcome.pushed):,}; {held}")
    if outcome.pushed:
        rows.append(
            Row(
                "throughput",
                "notifications pushed during the load",
                config,
                statistics.median(outcome.pushed),
                percentile(outcome.pushed, 0.95),
                None,
                "ms",
                f"{len(outcome.pushed):,} received, created → received; {held}",
            )
        )
    return rows


def main() -> None:
    run(build_parser().parse_args())


if __name__ == "__main__":
    main()
