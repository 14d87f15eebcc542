"""A receiving server on 127.0.0.1 (http.server in a thread) that records what it gets and
answers as a test tells it to: a status, or silence longer than the sender waits."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from profiles.models import User
from webhooks import actions
from webhooks.models import Webhook


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    # Answers to give, in turn: a status code, or ("sleep", seconds) then 200; 200 after.
    answers: list[Any] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    def wait(self, count: int = 1, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.received


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  (http.server's name)
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            answer = state.answers.pop(0) if state.answers else 200
            if isinstance(answer, tuple):
                time.sleep(answer[1])
                answer = 200
            state.received.append(
                Received(self.path, dict(self.headers.items()), body, time.monotonic())
            )
            self.send_response(answer)
            if 300 <= answer < 400:
                self.send_header("Location", "http://example.com/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user("stan", is_staff=True, display_name="Stan Staff")


@pytest.fixture
def make_hook(receiver: Receiver, staff: User) -> Callable[..., Webhook]:
    def make(
        *,
        by: User | None = None,
        community: Any = None,
        events: tuple[str, ...] = ("question.asked",),
        url: str | None = None,
        **options: Any,
    ) -> Webhook:
        return actions.create_webhook(
            by=by or staff,
            community=community,
            name=options.pop("name", "Release channel"),
            url=url or receiver.url,
            events=events,
            **options,
        )

    return make


@pytest.fixture
def private_addresses_for_everyone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Community owners' hooks may only reach public addresses; the receiver is on
    127.0.0.1, so tests of community hooks lift that rule."""
    from webhooks import actions, addresses, sending

    def allow(url: str, *, private_allowed: bool) -> str | None:
        return addresses.url_problem(url, private_allowed=True)

    monkeypatch.setattr(actions, "url_problem", allow)
    monkeypatch.setattr(sending, "url_problem", allow)
