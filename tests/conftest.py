"""Shared fixtures: factories that return callables, and the service-configuration guard."""

from __future__ import annotations

import io
import itertools
import os
import socket
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from profiles.actions import create_person
from profiles.models import Department, User
from questions.actions import add_member, ask_question, create_community, share_draft
from questions.models import Community, Post
from search.backend import reset_backends

# Servers a test starts in this process (intranet.asgi) do not warm search up in the
# background; tests/intranet/test_warmup.py checks the warm-up on its own.
django_settings.SEARCH_WARM_UP = False

IN_CI = os.environ.get("CI", "").lower() == "true"
SERVICES_CONFIGURED = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))
TEST_PASSWORD = "correct-horse-battery-staple"


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or default_port), 3):
            return True
    except OSError:
        return False


def pytest_sessionstart(session: pytest.Session) -> None:
    # When told to use a service, its absence is a failure, never a silent skip.
    redis_url = os.environ.get("REDIS_URL")
    if redis_url and not _reachable(redis_url, 6379):
        pytest.exit(f"REDIS_URL is set but Redis at {redis_url} is not reachable", returncode=3)
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres", "pgsql")) and not _reachable(database_url, 5432):
        pytest.exit("DATABASE_URL is set but PostgreSQL is not reachable", returncode=3)


def pytest_report_header(config: pytest.Config) -> str:
    return f"configuration: {'PostgreSQL + Redis' if SERVICES_CONFIGURED else 'embedded'}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not SERVICES_CONFIGURED:
        terminalreporter.write_line(
            "note: the PostgreSQL + Redis suite was not run (set DATABASE_URL and REDIS_URL, "
            "or run .ci/run, to run it)."
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SERVICES_CONFIGURED:
        return
    skip = pytest.mark.skip(reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Test on a SQLite file, as the embedded configuration runs, not on a shared in-memory
    database (whose table locks fail concurrent writers instead of making them wait)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("db") / "test.sqlite3"
        )


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run at once in the caller, inside the test's transaction (a background thread
    # could not see the test's uncommitted rows); uploads go to the test's own folder.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    reset_backends()
    # allauth's rate limits live in the cache; one test's failed logins must not leak.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_department(db: None) -> Callable[..., Department]:
    def make(name: str = "Engineering") -> Department:
        return Department.objects.get_or_create(name=name)[0]

    return make


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = itertools.count(1)

    def make(
        username: str | None = None,
        *,
        email: str | None = None,
        display_name: str | None = None,
        password: str = TEST_PASSWORD,
        **extra: Any,
    ) -> User:
        n = next(counter)
        username = username or f"person{n}"
        return create_person(
            username=username,
            email=email or f"{username}@example.com",
            display_name=display_name or f"Person {n}",
            password=password,
            **extra,
        )

    return make


@pytest.fixture
def make_community(db: None) -> Callable[..., Community]:
    def make(
        name: str = "Platform", *, owner: User, private: bool = False, members=()
    ) -> Community:
        community = create_community(
            creator=owner, name=name, visibility="private" if private else "open"
        )
        for member in members:
            add_member(by=owner, community=community, user=member)
        return community

    return make


@pytest.fixture
def make_question(db: None) -> Callable[..., Post]:
    counter = itertools.count(1)

    def make(
        *, author: User, title: str | None = None, body: str = "", tags=(), community=None
    ) -> Post:
        return ask_question(
            author=author,
            title=title or f"How do we do thing {next(counter)}?",
            body=body,
            tags=list(tags),
            community=community,
        )

    return make


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def make_draft(db: None) -> Callable[..., Post]:
    counter = itertools.count(1)

    def make(
        *,
        author: User,
        title: str | None = None,
        body: str = "Is the structure right?",
        content: bytes = b"# Plan\n\nA first outline of the plan.\n",
        filename: str = "plan.md",
        tags=(),
        community=None,
    ) -> Post:
        return share_draft(
            author=author,
            title=title or f"Draft {next(counter)}",
            body=body,
            file=io.BytesIO(content),
            filename=filename,
            tags=list(tags),
            community=community,
        )

    return make


@pytest.fixture
def make_answer(db: None) -> Callable[..., Any]:
    """An answer by `author` to `post`; accepted by the asker with accepted=True."""
    from questions.actions import accept_answer, post_answer

    def make(*, post: Post, author: User, body: str = "Here is how.", accepted: bool = False):
        answer = post_answer(post=post, author=author, body=body)
        if accepted:
            accept_answer(post=post, answer=answer, by=post.author)
        return answer

    return make


@pytest.fixture
def make_away(db: None) -> Callable[..., User]:
    """Mark a person away for `days` more days (today counts), with a note."""
    from datetime import timedelta

    from django.utils import timezone

    from profiles.actions import set_availability

    def make(user: User, *, days: int = 3, note: str = "At the offsite") -> User:
        set_availability(
            user=user, away_until=timezone.localdate() + timedelta(days=days), note=note
        )
        user.profile.refresh_from_db()
        return user

    return make


def _smtp_settings(settings: Any, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2


@pytest.fixture
def smtp_inbox(settings: Any) -> Iterator[Any]:
    """Mail goes to a real SMTP server on 127.0.0.1 (aiosmtpd); returns what it received."""
    from tests.support.smtp import smtp_server

    with smtp_server() as (port, inbox):
        _smtp_settings(settings, port)
        yield inbox


@pytest.fixture
def smtp_refusing(settings: Any) -> None:
    """Mail goes to a port on 127.0.0.1 where nothing listens: the connection is refused."""
    from tests.support.smtp import free_port

    _smtp_settings(settings, free_port())


@pytest.fixture
def smtp_silent(settings: Any) -> Iterator[int]:
    """Mail goes to a socket that accepts and never answers; EMAIL_TIMEOUT is 2 s."""
    from tests.support.smtp import silent_server

    with silent_server() as port:
        _smtp_settings(settings, port)
        yield port
