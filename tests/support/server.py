"""Running the real ASGI server in a subprocess, and a minimal websocket client for it."""

from __future__ import annotations

import base64
import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(var_dir: Path) -> dict[str, str]:
    """The process environment for a server on its own SQLite file (REDIS_URL passes through;
    SEARCH_BACKEND does not, since PostgreSQL search needs the PostgreSQL database)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SEARCH_BACKEND", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env["VAR_DIR"] = str(var_dir)
    env["SCHEDULER"] = "0"  # a test decides what runs on its data
    env.setdefault("SEARCH_WARM_UP", "0")  # tests/intranet/test_warmup.py turns it on
    return env


def production_env(var_dir: Path) -> dict[str, str]:
    """server_env with DEBUG off, as deployed (error pages, not debug pages), on plain http;
    collects the static files, which DEBUG off needs."""
    env = {
        **server_env(var_dir),
        "DEBUG": "0",
        "SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "HTTPS": "0",
    }
    manage("collectstatic", "--noinput", env=env)
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


SERVERS = ("serve", "uvicorn", "daphne")


def server_command(server: str, port: int) -> list[str]:
    """The command line that serves intranet.asgi on loopback: `manage.py serve` as
    `make run` does, uvicorn's own command line as a production deployment would, or daphne
    (for comparisons)."""
    if server == "serve":
        return [sys.executable, "manage.py", "serve", "--port", str(port), "--quiet"]
    if server == "daphne":
        return [
            *[sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)],
            "intranet.asgi:application",
        ]
    if server == "uvicorn":
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "intranet.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--lifespan",
            "off",
        ]
    raise ValueError(f"unknown server {server!r}; choose one of {', '.join(SERVERS)}")


@contextmanager
def served(
    var_dir: Path,
    *,
    name: str = "server",
    server: str = "serve",
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Serve an already migrated database in var_dir, as `make run` does (or with uvicorn);
    yield the base URL. `env` adds to or overrides the server's environment."""
    environment = {**server_env(var_dir), **(env or {})}
    port = free_port()
    command = server_command(server, port)
    log_path = var_dir / f"{name}.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start: " + log_path.read_text()) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# The first prepare_database of a test session migrates and seeds here; later ones copy it.
_seeded: Path | None = None


def prepare_database(var_dir: Path) -> None:
    """Migrate and seed the demo company into var_dir, as `make run` does. Seeding takes the
    best part of a minute, so it happens once per test session: every later server starts
    from a copy of that first fresh company (database, search index and files)."""
    global _seeded
    if _seeded is None:
        template = var_dir.parent / f"seeded-{var_dir.name}"
        template.mkdir()
        env = server_env(template)
        manage("migrate", "--noinput", env=env)
        manage("seed_demo", "--first-run", env=env)
        _seeded = template
    shutil.copytree(_seeded, var_dir, dirs_exist_ok=True)


SESSIONS_SCRIPT = """
import json
from bench.notify_bench import signed_in_session
from profiles.actions import create_person
from profiles.models import User
keys = {}
for handle in HANDLES:
    user = User.objects.filter(username=handle).first() or create_person(
        username=handle, email=handle + "@example.com", display_name=handle.title(),
        password_hash="!",
    )
    keys[handle] = signed_in_session(user)
print(json.dumps(keys))
"""


def signed_in_sessions(handles: list[str], *, env: dict[str, str]) -> dict[str, str]:
    """Create these people (if need be) in the database `env` points at, each signed in:
    their session keys by handle. Much faster than signing in through the form, which hashes
    a password per person."""
    code = SESSIONS_SCRIPT.replace("HANDLES", json.dumps(handles))
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@contextmanager
def running_server(var_dir: Path) -> Iterator[str]:
    """Migrate and seed a fresh database, serve it as `make run` does, yield the base URL."""
    prepare_database(var_dir)
    with served(var_dir) as base_url:
        yield base_url


class Browser:
    """Cookie-keeping HTTP client that signs in through the real allauth form."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def use_session(self, key: str) -> None:
        """Be signed in with this session (see signed_in_sessions)."""
        host = urllib.parse.urlsplit(self.base_url).hostname or ""
        self.cookies.set_cookie(
            http.cookiejar.Cookie(
                0,
                "sessionid",
                key,
                None,
                False,
                host,
                False,
                False,
                "/",
                True,
                False,
                None,
                False,
                None,
                None,
                {},
            )
        )

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.cookies if c.name == name and c.value is not None)

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base_url + path, timeout=10) as response:
            return response.status, response.geturl(), response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookie("csrftoken")})
        request = urllib.request.Request(
            self.base_url + path, data=body.encode(), headers={"Referer": self.base_url + path}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.status, response.geturl(), response.read().decode()

    def sign_in(self, email: str, password: str) -> tuple[int, str, str]:
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"login": email, "password": password})


def websocket_handshake(
    base_url: str, path: str, *, cookie: str | None, origin: str | None
) -> tuple[str, Any]:
    """Open a websocket by hand, say hello; return the status line and the first message the
    server sends back (None when the handshake was refused)."""
    parts = urllib.parse.urlsplit(base_url)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
    ]
    if origin:
        lines.append(f"Origin: {origin}")
    if cookie:
        lines.append(f"Cookie: {cookie}")
    with socket.create_connection((parts.hostname, parts.port or 80), 10) as sock:
        sock.settimeout(10)
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        reader = sock.makefile("rb")
        status = reader.readline().decode().strip()
        while reader.readline() not in (b"\r\n", b""):
            pass
        if " 101 " not in status:
            return status, None
        # Say hello as the browser client does (client frames are masked), read the answer.
        payload = json.dumps({"type": "hello", "last_id": 0}).encode()
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + masked)
        first, second = reader.read(2)
        assert first & 0x0F == 0x1, "expected a text frame"
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(reader.read(2), "big")
        return status, json.loads(reader.read(length).decode())


class Socket:
    """A minimal websocket client over a plain TCP socket (enough for the tests)."""

    def __init__(self, base_url: str, path: str, *, cookie: str, origin: str) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), 10)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: {origin}\r\nCookie: {cookie}\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        self.reader = self.sock.makefile("rb")
        self.status = self.reader.readline().decode().strip()
        while self.reader.readline() not in (b"\r\n", b""):
            pass

    def send_json(self, message: dict[str, Any]) -> None:
        payload = json.dumps(message).encode()
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + masked)

    def recv_json(self, timeout: float = 10) -> dict[str, Any]:
        """The next text message; control frames (ping, pong) are skipped."""
        self.sock.settimeout(timeout)
        while True:
            first, second = self.reader.read(2)
            length = second & 0x7F
            if length == 126:
                length = int.from_bytes(self.reader.read(2), "big")
            elif length == 127:
                length = int.from_bytes(self.reader.read(8), "big")
            data = self.reader.read(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError(f"socket closed by the server: {data[:2].hex()}")
            if opcode == 0x1:
                return dict(json.loads(data.decode()))

    def close(self) -> None:
        self.sock.close()
