"""Notifications under load: 200 open sockets, mentions posted through the real posting path.

    VAR_DIR=/tmp/notify-mem .venv/bin/python -m bench.notify_bench        # in-memory, 1 server
    VAR_DIR=/tmp/notify-redis REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python -m bench.notify_bench --servers 2                    # Redis, 2 servers
    VAR_DIR=/tmp/notify-pg DATABASE_URL=postgres://postgres@127.0.0.1:5432/notify_bench \
        REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python -m bench.notify_bench --servers 2
                                                      # the scale configuration (scratch database)

Phases: a warm-up (--warmup seconds of the steady rate, not timed: new server processes
answer their first requests slowly), steady (--rate mentioning posts a second for --seconds,
10 mentions each), an idle gap (--idle seconds without traffic, then a few posts), and a
burst (--burst notifications as fast as the posting path allows). Posts go either through
HTTP (`/compose/` on the servers) or through the posting action itself
(`questions.actions.post_status`, run in worker processes of this benchmark): the same
transaction, notification rows and on-commit push, sent through Redis to the sockets the
servers hold. The in-memory layer lives inside
the one server process, so without REDIS_URL everything goes through HTTP.

Latency is first receipt (by push, or by a replay the client asked for) minus commit, on
one clock: the commit time is recorded by the worker for posts made through the action, and
approximated by the notification's created_at (written just before commit, so slightly
early) for posts made through HTTP.

Each socket behaves like static/js/notifications.js: it keeps the id up to which it has
everything, and when a notification's "prev" shows a gap it asks the server to replay from
there. Per phase, once deliveries stop: "pushes missed" are rows whose push had not arrived,
"recovered by replay" those of them received anyway, "lost" the rows a socket never received.
Finally every socket reconnects with its last id; every row of the run must then have been
received, each once (a frame for an id already received is counted and ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from bench.results import Row, configuration

MENTIONS_PER_POST = 10
# The targets: steady notifications within 50 ms at p95 and 200 ms at p99, none lost.
STEADY_P95_TARGET_MS = 50.0
STEADY_P99_TARGET_MS = 200.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0.0


def mention_text(handles: list[str], label: str, i: int) -> str:
    """The body of post number i: ten different people, round-robin over everyone."""
    chosen = [handles[(i * MENTIONS_PER_POST + k) % len(handles)] for k in range(MENTIONS_PER_POST)]
    return f"{label} {i} " + " ".join(f"@{h}" for h in chosen)


class Client:
    """One person's socket: a raw asyncio websocket that records what arrives and, like
    static/js/notifications.js, keeps ``last_id``, the id up to which it has everything.
    A notification whose ``prev`` is beyond last_id means a push went missing: after
    GAP_WAIT (it may merely be late) the client asks for a replay from last_id ("resync"),
    at most one at a time and REPLAY_INTERVAL apart. Reconnecting (run() again) says hello
    with last_id. Every id is counted once, whichever way it arrives."""

    GAP_WAIT = 1.0
    REPLAY_INTERVAL = 1.0
    REPLAY_TIMEOUT = 10.0

    def __init__(self, user_id: int, session_key: str, last_id: int) -> None:
        self.user_id = user_id
        self.session_key = session_key
        self.last_id = last_id
        self.ahead: dict[int, int] = {}  # id -> prev, received beyond a gap
        self.received: dict[int, float] = {}  # notification id -> first receipt time
        self.created: dict[int, float] = {}  # notification id -> its created_at
        self.pushed: set[int] = set()  # ids whose push arrived (pushes carry "unread")
        self.replayed: set[int] = set()  # ids that arrived in a replay
        self.duplicates = 0  # frames for ids already received (ignored)
        self.resyncs = 0  # replays asked for because of a gap (or a replay cut short)
        self.closed = False
        self.writer: asyncio.StreamWriter | None = None
        self.replaying = False
        self.replay_sent = float("-inf")  # monotonic time of the last replay request
        self.more = False  # the last replay stopped at the server's limit
        self.gap_task: asyncio.Task[None] | None = None

    @property
    def complete(self) -> bool:
        return not (self.ahead or self.more or self.replaying)

    async def run(self, base_url: str, ready: asyncio.Event | None = None) -> None:
        parts = urllib.parse.urlsplit(base_url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET /ws/notifications/ HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: {base_url}\r\nCookie: sessionid={self.session_key}\r\n\r\n"
            ).encode()
        )
        status = (await reader.readline()).decode()
        if " 101 " not in status:
            raise RuntimeError(f"socket refused: {status.strip()}")
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        self.closed = False
        self.writer = writer
        self.request_replay("hello")
        try:
            while True:
                head = await reader.readexactly(2)
                length = head[1] & 0x7F
                if length == 126:
                    length = int.from_bytes(await reader.readexactly(2), "big")
                elif length == 127:
                    length = int.from_bytes(await reader.readexactly(8), "big")
                data = await reader.readexactly(length)
                opcode = head[0] & 0x0F
                if opcode == 0x8:
                    self.closed = True
                    return
                if opcode == 0x9:  # ping: answer as browsers do, or the server hangs up
                    self.send_frame(0xA, data)
                    continue
                if opcode != 0x1:
                    continue
                message = json.loads(data)
                if message["type"] == "ready":
                    self.on_ready(message)
                    if ready is not None:
                        ready.set()
                elif message["type"] == "notification":
                    self.on_notification(message)
        except (asyncio.IncompleteReadError, ConnectionError):
            self.closed = True
        finally:
            self.writer = None
            self.replaying = False
            if self.gap_task is not None:
                self.gap_task.cancel()
                self.gap_task = None

    def send_frame(self, opcode: int, data: bytes) -> None:
        if self.writer is None or self.writer.is_closing():
            return
        mask = os.urandom(4)
        if len(data) < 126:
            head = bytes([0x80 | opcode, 0x80 | len(data)])
        else:
            head = bytes([0x80 | opcode, 0x80 | 126]) + len(data).to_bytes(2, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.writer.write(head + mask + masked)

    def request_replay(self, kind: str) -> None:
        self.replaying = True
        self.replay_sent = time.monotonic()
        if kind == "resync":
            self.resyncs += 1
        self.send_frame(0x1, json.dumps({"type": kind, "last_id": self.last_id}).encode())

    def on_ready(self, message: dict[str, Any]) -> None:
        """A replay has sent everything up to message["last_id"]."""
        self.replaying = False
        self.last_id = max(self.last_id, message.get("last_id", 0))
        self.more = bool(message.get("more"))
        self.advance()
        self.check_gaps()

    def on_notification(self, message: dict[str, Any]) -> None:
        pk = message["id"]
        if "unread" in message:  # pushes carry the unread count; replayed rows do not
            self.pushed.add(pk)
        else:
            self.replayed.add(pk)
        if pk in self.received:
            self.duplicates += 1
            return
        self.received[pk] = time.time()
        self.created[pk] = datetime.fromisoformat(message["created"]).timestamp()
        if pk > self.last_id:
            self.ahead[pk] = message.get("prev") or 0
            self.advance()
        self.check_gaps()

    def advance(self) -> None:
        """Move last_id over the notifications that now follow on without a gap."""
        for pk in sorted(self.ahead):
            if pk > self.last_id and self.ahead[pk] > self.last_id:
                break
            self.last_id = max(self.last_id, pk)
            del self.ahead[pk]

    def check_gaps(self) -> None:
        if self.replaying and time.monotonic() - self.replay_sent > self.REPLAY_TIMEOUT:
            self.replaying = False  # the answer never came: ask again
        if self.complete or self.replaying or self.gap_task is not None or self.writer is None:
            return
        wait = max(
            0.0 if self.more else self.GAP_WAIT,
            self.replay_sent + self.REPLAY_INTERVAL - time.monotonic(),
        )
        self.gap_task = asyncio.get_running_loop().create_task(self._resync_after(wait))

    async def _resync_after(self, wait: float) -> None:
        await asyncio.sleep(wait)
        self.gap_task = None
        if (self.ahead or self.more) and not self.replaying:
            self.request_replay("resync")

    def stop(self) -> None:
        if self.writer is not None:
            self.writer.close()


@dataclass
class Counts:
    """What arrived of the rows expected, over a set of clients."""

    expected: int
    pushes_missed: int  # rows whose push had not arrived (lost, or not yet)
    recovered: int  # of those, received through a replay
    missing: int  # rows not received at all
    duplicates: int  # frames for ids already received, ignored
    resyncs: int  # replays asked for because of a gap

    @classmethod
    def of(
        cls, clients: list[Client], expected: dict[int, set[int]], since: Counts | None = None
    ) -> Counts:
        """Counted over the expected rows; duplicates and resyncs since an earlier count."""
        pushes_missed = recovered = missing = 0
        for c in clients:
            mine = expected.get(c.user_id, set())
            not_pushed = mine - c.pushed
            pushes_missed += len(not_pushed)
            recovered += len(not_pushed & c.received.keys())
            missing += len(mine - c.received.keys())
        return cls(
            sum(len(ids) for ids in expected.values()),
            pushes_missed,
            recovered,
            missing,
            sum(c.duplicates for c in clients) - (since.duplicates if since else 0),
            sum(c.resyncs for c in clients) - (since.resyncs if since else 0),
        )

    def __str__(self) -> str:
        return (
            f"pushes missed {self.pushes_missed} of {self.expected} (recovered by replay "
            f"{self.recovered}), lost {self.missing}, duplicate frames ignored "
            f"{self.duplicates}, resyncs asked {self.resyncs}"
        )


def post_mentions(base_url: str, poster_session: str, csrf: str, text: str) -> None:
    body = urllib.parse.urlencode(
        {"kind": "status", "body": text, "tags": "", "csrfmiddlewaretoken": csrf}
    ).encode()
    request = urllib.request.Request(  # noqa: S310  (a loopback http URL we built)
        base_url + "/compose/",
        data=body,
        headers={
            "Cookie": f"sessionid={poster_session}; csrftoken={csrf}",
            "Referer": base_url + "/",
        },
    )
    # A successful post redirects to the new post's page; the page is not what is measured.
    with _no_redirects.open(request, timeout=30) as response:
        if response.status != 302:
            raise RuntimeError(f"posting failed: HTTP {response.status}")


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def http_error_302(self, req: Any, fp: Any, code: Any, msg: Any, headers: Any) -> Any:
        return fp


_no_redirects = urllib.request.build_opener(_KeepRedirects)


# --- Posting through the action, in worker processes -----------------------------------
# A worker is a separate process (Django set up by importing `bench`), so its CPU and its
# database connection do not compete with the sockets' event loop in this one.


def warm_worker() -> int:
    """Open the database connection and the channel layer before anything is timed."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from profiles.models import User

    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)("bench.warm-up", {"type": "noop"})
    User.objects.exists()
    return os.getpid()


@dataclass(frozen=True)
class ActionJob:
    poster_id: int
    handles: list[str]
    label: str
    indices: list[int]  # post numbers, in order
    batch: int  # posts per transaction
    start_at: float  # wall clock when the first post starts
    rate: float | None  # posts a second for this worker, None for as fast as possible


def post_through_action(job: ActionJob) -> list[tuple[int, float]]:
    """Make the job's posts with questions.actions.post_status; return (post id, commit
    time) for each. Several posts in one transaction share one commit and one push."""
    from django.db import transaction

    from profiles.models import User
    from questions.actions import post_status

    poster = User.objects.get(pk=job.poster_id)
    done: list[tuple[int, float]] = []
    time.sleep(max(0.0, job.start_at - time.time()))
    for first in range(0, len(job.indices), job.batch):
        chunk = job.indices[first : first + job.batch]
        if job.rate:
            time.sleep(max(0.0, job.start_at + first / job.rate - time.time()))
        committed: list[float] = []
        post_ids: list[int] = []
        with transaction.atomic():
            # Registered first, so it runs right after COMMIT and before the push.
            transaction.on_commit(partial(_stamp, committed))
            for i in chunk:
                post = post_status(author=poster, body=mention_text(job.handles, job.label, i))
                post_ids.append(post.pk)
        done.extend((pk, committed[0]) for pk in post_ids)
    return done


def _stamp(stamps: list[float]) -> None:
    stamps.append(time.time())


class ActionPoster:
    """A pool of worker processes that post through the action."""

    def __init__(self, workers: int) -> None:
        # Spawned, not forked: each worker starts Django and its Redis connections afresh.
        self.pool = multiprocessing.get_context("spawn").Pool(workers)
        self.workers = workers
        # One warm-up call per worker (each sleeps a little so that all of them take one).
        self.pool.map(_warm_and_wait, range(workers), chunksize=1)

    def run(
        self,
        poster_id: int,
        handles: list[str],
        label: str,
        posts: int,
        *,
        offset: int,
        workers: int,
        batch: int,
        rate: float | None,
    ) -> tuple[float, list[tuple[int, float]]]:
        """(the time the first posts started, [(post id, commit time)])."""
        start_at = time.time() + 0.3  # all workers start together, whatever the dispatch
        shares = [list(range(offset + w, offset + posts, workers)) for w in range(workers)]
        jobs = [
            ActionJob(
                poster_id,
                handles,
                label,
                share,
                batch,
                start_at,
                rate / workers if rate else None,
            )
            for share in shares
            if share
        ]
        results = self.pool.map(post_through_action, jobs, chunksize=1)
        return start_at, [row for rows in results for row in rows]

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


def _warm_and_wait(_: int) -> int:
    pid = warm_worker()
    time.sleep(0.5)
    return pid


# --- The benchmark ----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20, help="mentioning posts a second")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--warmup",
        type=float,
        default=3,
        help="seconds of mentioning posts before the steady phase, not timed (new server "
        "processes answer their first requests slowly: connections, code paths, caches)",
    )
    parser.add_argument("--idle", type=float, default=15)
    parser.add_argument("--burst", type=int, default=2000, help="notifications in the burst")
    parser.add_argument(
        "--servers", type=int, default=1, help="ASGI server processes (2 needs REDIS_URL)"
    )
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="uvicorn")
    parser.add_argument(
        "--post-via",
        choices=["http", "action"],
        default="http",
        help="how the steady and after-idle posts are made (action needs REDIS_URL)",
    )
    parser.add_argument(
        "--burst-workers",
        type=int,
        default=2,
        help="processes posting the burst through the action (with REDIS_URL)",
    )
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="per second of each phase: notifications, p50 and max latency, by commit time",
    )
    parser.add_argument(
        "--burst-batch",
        type=int,
        default=0,
        help="burst posts per transaction (default: each worker's share in one transaction)",
    )
    return parser


def signed_in_session(user: Any) -> str:
    """A session key signed in as `user`, stored in the database as a sign-in would leave it
    (much faster than the sign-in form, which hashes a password per person)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # ModelBackend, not AUTHENTICATION_BACKENDS[0]: that one only guards sign-ins and
    # cannot load a session's user.
    store[BACKEND_SESSION_KEY] = "profiles.auth.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def scratch_var_dir() -> Path:
    """VAR_DIR, which servers started here share with this process; refuses the one in use."""
    from django.conf import settings

    var_dir = Path(settings.VAR_DIR)
    if var_dir == Path(settings.BASE_DIR) / "var":
        raise SystemExit(
            "run it on a scratch folder the servers share, e.g. VAR_DIR=/tmp/notify-bench "
            "(it adds people, posts and sessions; with DATABASE_URL, use a scratch database)"
        )
    return var_dir


def database_env() -> dict[str, str]:
    """What a server started here needs to use this process's database and search backend
    (tests.support.server leaves both out, for servers on their own SQLite file)."""
    return {
        name: os.environ[name]
        for name in ("DATABASE_URL", "SEARCH_BACKEND")
        if os.environ.get(name)
    }


@dataclass(frozen=True)
class Phase:
    """What one phase measured: latency from commit to first receipt, in ms."""

    name: str
    notifications: int
    seconds: float  # to write (HTTP) or commit (action) them all
    via: str
    latencies: list[float]
    counts: Counts
    sockets_closed: int


def run(args: argparse.Namespace) -> list[Row]:
    """Serve, open the sockets, run the phases and print them; return the figures."""
    redis = bool(os.environ.get("REDIS_URL"))
    if args.servers > 1 and not redis:
        raise SystemExit("several server processes share notifications only through REDIS_URL")
    if args.post_via == "action" and not redis:
        raise SystemExit("--post-via action reaches the servers' sockets only through REDIS_URL")

    from django.core.management import call_command

    from demo import people as demo
    from profiles.models import User
    from tests.support.server import served

    var_dir = scratch_var_dir()
    # The rate limit would refuse the one poster's 20 posts a second: it is not what is
    # measured here.
    server_env = {
        "DEBUG": "0",
        "SITE_URL": "http://127.0.0.1",
        "RATE_LIMIT_POSTS_PER_MINUTE": "0",
        **database_env(),
    }
    database = (
        "PostgreSQL" if server_env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG is off
    demo.seed(people=args.sockets + 1, progress=lambda n: None)
    # Former colleagues cannot sign in, so their sockets would be refused.
    people = list(User.objects.filter(is_active=True).order_by("pk")[: args.sockets + 1])
    poster, recipients = people[0], people[1:]
    sessions = {u.pk: signed_in_session(u) for u in people}
    csrf = "b" * 32
    layer = "Redis" if redis else "in-memory"
    burst_via = "action" if redis else "http"
    print(
        f"{args.sockets} sockets, {layer} channel layer, {args.servers} {args.server} "
        f"process(es) with DEBUG off, {database}; steady posts via {args.post_via}, "
        f"burst via {burst_via}"
    )

    with ExitStack() as stack:
        poster_pool = None
        if redis:
            poster_pool = ActionPoster(max(1, args.burst_workers))
            stack.callback(poster_pool.close)
        urls = [
            stack.enter_context(
                served(var_dir, name=f"server{i}", server=args.server, env=server_env)
            )
            for i in range(args.servers)
        ]
        bench = Bench(args, urls, poster, recipients, sessions, csrf, poster_pool)
        phases, whole_run = asyncio.run(bench.run_phases())
    return rows_of(phases, whole_run, args, layer=layer)


def rows_of(
    phases: list[Phase], whole_run: Counts, args: argparse.Namespace, *, layer: str
) -> list[Row]:
    """The report's rows: per phase p50/p95 (the steady phase against its targets), and the
    notifications lost over the whole run."""
    config = configuration()
    servers = f"{args.servers} {args.server} process(es), {layer} channel layer"
    rows = []
    for phase in phases:
        p50, p95 = percentile(phase.latencies, 0.5), percentile(phase.latencies, 0.95)
        p99 = percentile(phase.latencies, 0.99)
        detail = (
            f"{phase.notifications:,} notifications via {phase.via} in {phase.seconds:.1f} s; "
            f"p99 {p99:.1f} ms, max {max(phase.latencies, default=0):.1f} ms; "
            f"pushes missed {phase.counts.pushes_missed} (recovered {phase.counts.recovered}), "
            f"lost {phase.counts.missing}; sockets closed {phase.sockets_closed}; {servers}"
        )
        steady = phase.name == "steady"
        target = STEADY_P95_TARGET_MS if steady else None
        rows.append(Row("notify", f"{phase.name} delivery", config, p50, p95, target, "ms", detail))
        if steady:
            rows.append(
                Row(
                    "notify",
                    "steady delivery, p99",
                    config,
                    None,
                    None,
                    STEADY_P99_TARGET_MS,
                    "ms",
                    f"{args.rate:g} posts a second for {args.seconds:g} s",
                    judged="p99",
                    value=p99,
                )
            )
    rows.append(
        Row(
            "notify",
            "notifications lost (whole run)",
            config,
            None,
            None,
            0,
            "notifications",
            f"of {whole_run.expected:,} written; duplicate frames ignored "
            f"{whole_run.duplicates}, resyncs asked {whole_run.resyncs}",
            judged="lost",
            value=whole_run.missing,
        )
    )
    return rows


def print_timeline(by_second: dict[int, list[float]]) -> None:
    """Per second of commit time (UTC, to line up with the database's and Redis's logs):
    how many notifications, their p50 and their max latency."""
    for second in sorted(by_second):
        values = by_second[second]
        stamp = datetime.fromtimestamp(second, UTC).strftime("%H:%M:%S")
        print(
            f"{'':<10} {stamp} UTC {len(values):>5}  p50 {percentile(values, 0.5):6.1f} ms  "
            f"max {max(values):6.1f} ms"
        )


def main() -> None:
    run(build_parser().parse_args())


class Bench:
    def __init__(
        self,
        args: Any,
        urls: list[str],
        poster: Any,
        recipients: list[Any],
        sessions: dict[int, str],
        csrf: str,
        poster_pool: ActionPoster | None,
    ) -> None:
        self.args = args
        self.urls = urls
        self.poster = poster
        self.recipients = recipients
        self.sessions = sessions
        self.csrf = csrf
        self.poster_pool = poster_pool
        self.handles = [u.username for u in recipients]
        self.counter = 0
        self.lock = threading.Lock()
        self.committed: dict[int, float] = {}  # post id -> commit time, for action posts

    async def last_notification_id(self) -> int:
        from asgiref.sync import sync_to_async

        from notifications.models import Notification

        return await sync_to_async(
            lambda: Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )()

    async def rows_after(self, first: int) -> list[tuple[int, int, int]]:
        from asgiref.sync import sync_to_async

        from notifications.models import Notification

        return await sync_to_async(
            lambda: list(
                Notification.objects.filter(pk__gt=first, in_app=True).values_list(
                    "pk", "recipient_id", "post_id"
                )
            )
        )()

    def next_numbers(self, count: int) -> int:
        with self.lock:
            first = self.counter
            self.counter += count
        return first

    async def post_http(self, name: str, posts: int, rate: float | None) -> None:
        loop = asyncio.get_running_loop()
        offset = self.next_numbers(posts)
        session = self.sessions[self.poster.pk]
        started = time.monotonic()
        pending = []
        for i in range(posts):
            if rate:
                await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
            text = mention_text(self.handles, name, offset + i)
            url = self.urls[i % len(self.urls)]
            pending.append(loop.run_in_executor(None, post_mentions, url, session, self.csrf, text))
        await asyncio.gather(*pending)

    async def post_action(
        self, name: str, posts: int, rate: float | None, *, workers: int, batch: int
    ) -> tuple[float, list[tuple[int, float]]]:
        pool = self.poster_pool
        if pool is None:
            raise RuntimeError("posting through the action needs REDIS_URL")
        offset = self.next_numbers(posts)
        started, done = await asyncio.get_running_loop().run_in_executor(
            None,
            lambda: pool.run(
                self.poster.pk,
                self.handles,
                name,
                posts,
                offset=offset,
                workers=workers,
                batch=batch,
                rate=rate,
            ),
        )
        self.committed.update(done)
        return started, done

    async def settle(self, clients: list[Client], expected: dict[int, set[int]]) -> None:
        """Wait until every row has arrived, or nothing new has come for 3 s (max 60 s)."""
        deadline = time.monotonic() + 60
        last_count, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            count = sum(len(expected.get(c.user_id, set()) & c.received.keys()) for c in clients)
            if count == sum(len(ids) for ids in expected.values()):
                return
            if count != last_count:
                last_count, last_change = count, time.monotonic()
            elif time.monotonic() - last_change > 3:
                return
            await asyncio.sleep(0.1)

    async def phase(
        self, clients: list[Client], name: str, posts: int, rate: float | None, via: str
    ) -> Phase:
        args = self.args
        first = await self.last_notification_id()
        before = Counts.of(clients, {})
        started = time.time()
        done: list[tuple[int, float]] = []
        workers = 0
        if via == "http":
            await self.post_http(name, posts, rate)
        else:
            workers = 1 if rate else max(1, args.burst_workers)
            share = -(-posts // workers)
            batch = 1 if rate else (args.burst_batch or share)
            started, done = await self.post_action(name, posts, rate, workers=workers, batch=batch)
        # Through HTTP: until the last response; through the action: until the last commit.
        took = (max(t for _, t in done) if done else time.time()) - started
        rows = await self.rows_after(first)
        expected: dict[int, set[int]] = defaultdict(set)
        post_of: dict[int, int] = {}
        for pk, user_id, post_id in rows:
            expected[user_id].add(pk)
            post_of[pk] = post_id
        await self.settle(clients, expected)
        counts = Counts.of(clients, expected, since=before)
        latencies = []
        by_second: dict[int, list[float]] = defaultdict(list)
        last_receipt = 0.0
        for c in clients:
            for pk in expected.get(c.user_id, set()) & c.received.keys():
                commit = self.committed.get(post_of[pk], c.created[pk])
                latencies.append((c.received[pk] - commit) * 1000)
                by_second[int(commit)].append(latencies[-1])
                last_receipt = max(last_receipt, c.received[pk])
        closed = sum(c.closed for c in clients)
        what = "written" if via == "http" else "committed"
        print(
            f"{name:<10} {len(rows):>5} notifications {what} in {took:5.2f} s "
            f"({len(rows) / max(took, 1e-3):5.0f}/s, via {via})  "
            f"p50 {percentile(latencies, 0.5):6.1f} ms  "
            f"p95 {percentile(latencies, 0.95):6.1f} ms  "
            f"p99 {percentile(latencies, 0.99):6.1f} ms  "
            f"max {max(latencies, default=0):6.1f} ms  sockets closed {closed}"
        )
        print(f"{'':<10} {counts}")
        if args.timeline:
            print_timeline(by_second)
        if via == "action" and not rate and done:
            commits = sorted(set(self.committed[pk] for pk, _ in done))
            print(
                f"{'':<10} {posts} posts by {min(workers, posts)} worker process(es) in "
                f"{len(commits)} transaction(s): commits from {commits[0] - started:4.2f} s to "
                f"{commits[-1] - started:4.2f} s after the start, last receipt "
                f"{last_receipt - commits[0]:4.2f} s after the first commit"
            )
        elif not rate and not os.environ.get("REDIS_URL"):
            print(
                f"{'':<10} (burst through HTTP: the in-memory layer lives in the server "
                "process, which the benchmark cannot push into)"
            )
        return Phase(name, len(rows), took, via, latencies, counts, closed)

    async def run_phases(self) -> tuple[list[Phase], Counts]:
        """The phases, and what arrived of the whole run's rows after the catch-up."""
        args = self.args
        start_id = await self.last_notification_id()
        clients = [Client(u.pk, self.sessions[u.pk], start_id) for u in self.recipients]
        readies = [asyncio.Event() for _ in clients]
        tasks = [
            asyncio.create_task(c.run(self.urls[i % len(self.urls)], readies[i]))
            for i, c in enumerate(clients)
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)

        via = args.post_via
        burst_via = "action" if os.environ.get("REDIS_URL") else "http"
        if args.warmup > 0:
            # Counted in the losses (its rows are after start_id), not in any latency.
            await self.phase(clients, "warm-up", int(args.rate * args.warmup), args.rate, via)
            print(f"{'':<10} (warm-up: in the losses, not in the steady figures)")
        phases = [
            await self.phase(clients, "steady", int(args.rate * args.seconds), args.rate, via)
        ]
        await asyncio.sleep(args.idle)
        phases.append(await self.phase(clients, "after-idle", 20, args.rate, via))
        phases.append(
            await self.phase(clients, "burst", args.burst // MENTIONS_PER_POST, None, burst_via)
        )

        # Catch-up: every socket reconnects and says hello with its last_id (the id up to
        # which it has everything, not the highest it has seen); every row of the run must
        # then have been received, each counted once.
        for c in clients:
            c.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        before = {c.user_id: (set(c.received), c.duplicates) for c in clients}
        rows = await self.rows_after(start_id)
        expected: dict[int, set[int]] = defaultdict(set)
        for pk, user_id, _ in rows:
            expected[user_id].add(pk)
        readies = [asyncio.Event() for _ in clients]
        tasks = [
            asyncio.create_task(c.run(self.urls[i % len(self.urls)], readies[i]))
            for i, c in enumerate(clients)
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
        deadline = time.monotonic() + 30  # follow-up replays, if a hello's was cut short
        while not all(c.complete for c in clients) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)  # anything more that would (wrongly) come
        at_reconnect = sum(len(set(c.received) - before[c.user_id][0]) for c in clients)
        again = sum(c.duplicates - before[c.user_id][1] for c in clients)
        for c in clients:
            c.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        counts = Counts.of(clients, expected)
        print(
            f"catch-up: {len(rows)} notifications in the database, {at_reconnect} received "
            f"at reconnect ({again} duplicate frames then); whole run: {counts}"
        )
        return phases, counts


if __name__ == "__main__":
    main()
