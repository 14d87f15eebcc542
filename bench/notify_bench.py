"""Notifications under load: 200 open sockets, mentions posted through the real HTTP path.

    VAR_DIR=/tmp/notify-mem .venv/bin/python -m bench.notify_bench        # in-memory, 1 server
    VAR_DIR=/tmp/notify-redis REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python -m bench.notify_bench --servers 2                    # Redis, 2 servers

Phases: steady (--rate mentioning posts a second for --seconds, 10 mentions each), an idle
gap (--idle seconds without traffic, then a few posts), and a burst (--burst notifications
as fast as the posting path allows). Latency is socket receipt minus the notification's
created_at (the row is written just before commit), on one clock. "Lost" counts database
rows a socket did not receive live; every socket then reconnects with its last id and the
catch-up must deliver the rest exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

MENTIONS_PER_POST = 10


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0.0


class Client:
    """One person's socket: a raw asyncio websocket that records what arrives."""

    def __init__(self, user_id: int, session_key: str) -> None:
        self.user_id = user_id
        self.session_key = session_key
        self.received: dict[int, float] = {}
        self.latencies: list[float] = []
        self.closed = False

    async def run(self, base_url: str, last_id: int, ready: asyncio.Event | None = None) -> None:
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
        payload = json.dumps({"type": "hello", "last_id": last_id}).encode()
        mask = os.urandom(4)
        writer.write(
            bytes([0x81, 0x80 | len(payload)])
            + mask
            + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        )
        await writer.drain()
        self.writer = writer
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
                    mask = os.urandom(4)
                    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
                    writer.write(bytes([0x8A, 0x80 | len(data)]) + mask + masked)
                    continue
                if opcode != 0x1:
                    continue
                message = json.loads(data)
                if message["type"] == "ready" and ready is not None:
                    ready.set()
                elif message["type"] == "notification" and message["id"] not in self.received:
                    now = time.time()
                    self.received[message["id"]] = now
                    created = datetime.fromisoformat(message["created"]).timestamp()
                    self.latencies.append((now - created) * 1000)
        except (asyncio.IncompleteReadError, ConnectionError):
            self.closed = True

    def stop(self) -> None:
        if hasattr(self, "writer"):
            self.writer.close()


def post_mentions(
    base_url: str, poster_session: str, csrf: str, handles: list[str], text: str
) -> None:
    body = urllib.parse.urlencode(
        {
            "kind": "status",
            "body": text + " " + " ".join(f"@{h}" for h in handles),
            "tags": "",
            "csrfmiddlewaretoken": csrf,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310  (a loopback http URL we built)
        base_url + "/compose/",
        data=body,
        headers={
            "Cookie": f"sessionid={poster_session}; csrftoken={csrf}",
            "Referer": base_url + "/",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  (loopback)
        response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20, help="mentioning posts a second")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--idle", type=float, default=15)
    parser.add_argument("--burst", type=int, default=2000, help="notifications in the burst")
    parser.add_argument(
        "--servers", type=int, default=1, help="ASGI server processes (2 needs REDIS_URL)"
    )
    args = parser.parse_args()
    if args.servers > 1 and not os.environ.get("REDIS_URL"):
        raise SystemExit("several server processes share notifications only through REDIS_URL")

    from django.conf import settings  # bench/__init__ has set Django up (DEBUG off)
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from profiles import demo
    from profiles.models import Notification, User
    from tests.support.server import served

    var_dir = Path(settings.VAR_DIR)
    if var_dir == Path(settings.BASE_DIR) / "var" or "DATABASE_URL" in os.environ:
        raise SystemExit(
            "run it on a scratch SQLite folder the servers share, e.g. "
            "VAR_DIR=/tmp/notify-bench (it adds people, posts and sessions)"
        )
    call_command("migrate", verbosity=0)
    demo.seed(people=args.sockets + 1, progress=lambda n: None)
    people = list(User.objects.order_by("pk")[: args.sockets + 1])
    poster, recipients = people[0], people[1:]

    def session_for(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return str(store.session_key)

    sessions = {u.pk: session_for(u) for u in people}
    csrf = "b" * 32
    layer = "Redis" if os.environ.get("REDIS_URL") else "in-memory"
    print(
        f"{args.sockets} sockets, {layer} channel layer, {args.servers} daphne process(es), SQLite"
    )

    with ExitStack() as stack:
        urls = [
            stack.enter_context(served(var_dir, name=f"server{i}")) for i in range(args.servers)
        ]
        asyncio.run(run_phases(args, urls, poster, recipients, sessions, csrf, Notification))


async def run_phases(
    args: Any,
    urls: list[str],
    poster: Any,
    recipients: list[Any],
    sessions: dict[int, str],
    csrf: str,
    Notification: Any,
) -> None:
    from asgiref.sync import sync_to_async

    start_id = await sync_to_async(
        lambda: Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )()
    clients = [Client(u.pk, sessions[u.pk]) for u in recipients]
    readies = [asyncio.Event() for _ in clients]
    tasks = [
        asyncio.create_task(c.run(urls[i % len(urls)], start_id, readies[i]))
        for i, c in enumerate(clients)
    ]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
    handles = [u.username for u in recipients]
    loop = asyncio.get_running_loop()
    counter = {"n": 0}
    lock = threading.Lock()

    def post_one(url: str, label: str) -> None:
        with lock:
            i = counter["n"]
            counter["n"] += 1
        chosen = [
            handles[(i * MENTIONS_PER_POST + k) % len(handles)] for k in range(MENTIONS_PER_POST)
        ]
        post_mentions(url, sessions[poster.pk], csrf, chosen, f"{label} {i}")

    async def phase(name: str, posts: int, rate: float | None) -> None:
        first = await sync_to_async(
            lambda: Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )()
        for c in clients:
            c.latencies = []
        started = time.monotonic()
        pending = []
        for i in range(posts):
            if rate:
                await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
            pending.append(loop.run_in_executor(None, post_one, urls[i % len(urls)], name))
        await asyncio.gather(*pending)
        took = time.monotonic() - started
        await asyncio.sleep(3)
        rows = await sync_to_async(
            lambda: list(
                Notification.objects.filter(pk__gt=first).values_list("pk", "recipient_id")
            )
        )()
        by_user: dict[int, set[int]] = defaultdict(set)
        for pk, user_id in rows:
            by_user[user_id].add(pk)
        lost = sum(
            len(ids - set(c.received)) for c in clients for ids in [by_user.get(c.user_id, set())]
        )
        latencies = [x for c in clients for x in c.latencies]
        closed = sum(c.closed for c in clients)
        print(
            f"{name:<8} {len(rows):>6} notifications in {took:5.1f} s ({len(rows) / took:6.0f}/s)  "
            f"p50 {percentile(latencies, 0.5):6.1f} ms  "
            f"p95 {percentile(latencies, 0.95):6.1f} ms  "
            f"p99 {percentile(latencies, 0.99):6.1f} ms  lost live {lost}  sockets closed {closed}"
        )

    await phase("steady", int(args.rate * args.seconds), args.rate)
    await asyncio.sleep(args.idle)
    await phase("after-idle", 20, args.rate)
    await phase("burst", args.burst // MENTIONS_PER_POST, None)

    # Catch-up: every socket reconnects with the last id it saw; the rest must arrive once.
    for c in clients:
        c.stop()
    await asyncio.gather(*tasks, return_exceptions=True)
    rows = await sync_to_async(
        lambda: list(Notification.objects.filter(pk__gt=start_id).values_list("pk", "recipient_id"))
    )()
    expected: dict[int, set[int]] = defaultdict(set)
    for pk, user_id in rows:
        expected[user_id].add(pk)
    second = []
    for i, c in enumerate(clients):
        again = Client(c.user_id, c.session_key)
        again.received = {}
        last = max(c.received, default=start_id)
        second.append((c, again, asyncio.create_task(again.run(urls[i % len(urls)], last))))
    await asyncio.sleep(5)
    lost_after = duplicates = 0
    for c, again, task in second:
        got = set(c.received) | set(again.received)
        duplicates += len(set(c.received) & set(again.received))
        lost_after += len(expected.get(c.user_id, set()) - got)
        again.stop()
        task.cancel()
    print(
        f"catch-up: {len(rows)} notifications in the database, "
        f"lost after catch-up {lost_after}, delivered twice {duplicates}"
    )


if __name__ == "__main__":
    main()
