"""Searches at the same moment get the same answers as alone.

Under an ASGI server Django runs each request in its own thread, and the Whoosh backend
shares one searcher per process: 4 concurrent connections once made 76 of 181 searches fail
with decompression and unpickling errors, and some answered other queries' results with a
200. Both backends, in threads; Whoosh also through a real uvicorn process with concurrent
connections, while answers are posted (each commit refreshes the searcher)."""

from __future__ import annotations

import re
import threading
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from search.backends.base import Audience, SearchBackend
from search.backends.postgres_backend import PostgresBackend
from search.backends.whoosh_backend import WhooshBackend
from search.documents import Document, post_key
from search.query import Filters, parse
from tests.support.server import Browser, manage, served, server_env, signed_in_sessions

THREADS = 8
ROUNDS = 15
SERVER_ROUNDS = 40
WORDS = [
    "deploy",
    "runbook",
    "kafka",
    "incident",
    "pager",
    "rotate",
    "signing",
    "release",
    "build",
    "cache",
]
QUERIES = ["runbook", "deploy kafka", "incident pager", '"signing release"', "cache"]
PUBLIC = Audience(user_id=1, member_community_ids=frozenset())


def corpus(n: int) -> list[Document]:
    now = timezone.now()
    documents = []
    for i in range(n):
        title = " ".join(WORDS[(i * k) % len(WORDS)] for k in (1, 3, 7))
        body = " ".join(WORDS[(i + k * k) % len(WORDS)] for k in range(40))
        documents.append(
            Document(
                key=post_key(i + 1),
                kind="question",
                title=f"{title} {i}",
                body=body,
                author_id=1,
                created=now - timedelta(minutes=i),
                tags=[WORDS[i % len(WORDS)]],
            )
        )
    return documents


def found(backend: SearchBackend, typed: str) -> tuple[int, list[str]]:
    """The count and every match. Compared as a set: the documents committed meanwhile
    match none of the queries, but they change idf and average lengths, and so may
    reorder near-ties."""
    candidates = backend.search(parse(typed), Filters(), PUBLIC, limit=1000)
    return candidates.total, sorted(hit.key for hit in candidates.hits)


def run_concurrently(backend: SearchBackend, *, writes: bool) -> list[str]:
    """Every thread runs every query ROUNDS times; returns what differed from alone or
    failed. With `writes`, another thread keeps committing unrelated documents."""
    alone = {typed: found(backend, typed) for typed in QUERIES}
    assert all(total for total, _ in alone.values()), alone  # something to compare
    start = threading.Barrier(THREADS + (1 if writes else 0))
    searching = threading.Event()
    searching.set()

    def search_many(n: int) -> list[str]:
        problems = []
        start.wait()
        try:
            for i in range(ROUNDS * len(QUERIES)):
                typed = QUERIES[(n + i) % len(QUERIES)]
                try:
                    got = found(backend, typed)
                    backend.suggest("deplo", PUBLIC, limit=8)
                except Exception as error:
                    problems.append(f"{typed}: {error!r}")
                    continue
                if got != alone[typed]:
                    problems.append(f"{typed}: other results")
        finally:
            connection.close()  # each thread's own database connection
        return problems

    def write_meanwhile() -> None:
        start.wait()
        n = 10_000
        try:
            while searching.is_set():
                backend.index(
                    [Document(key=post_key(n), kind="status", title="", body="lunch menu")]
                )
                n += 1
                time.sleep(0.02)
        finally:
            connection.close()

    writer = threading.Thread(target=write_meanwhile) if writes else None
    if writer:
        writer.start()
    with ThreadPoolExecutor(THREADS) as pool:
        problems = [p for found in pool.map(search_many, range(THREADS)) for p in found]
    searching.clear()
    if writer:
        writer.join()
    return problems


@pytest.mark.django_db(transaction=True)  # other threads must see the committed rows
@pytest.mark.parametrize("engine", ["whoosh", "postgres"])
def test_concurrent_searches_answer_as_alone_while_the_index_changes(engine, settings):
    backend: SearchBackend
    if engine == "postgres":
        if connection.vendor != "postgresql":
            pytest.skip("the PostgreSQL backend needs a PostgreSQL test database (DATABASE_URL)")
        backend = PostgresBackend()
    else:
        backend = WhooshBackend(settings.SEARCH_INDEX_DIR)
    backend.clear()
    backend.bulk_index([corpus(600)])

    problems = run_concurrently(backend, writes=True)

    assert problems == [], f"{len(problems)} problems, e.g. {problems[:5]}"


def test_concurrent_searches_through_uvicorn_all_answer(tmp_path):
    """A real ASGI server, one process, 8 connections searching at once: each answer must
    be a 200 with the results the same search gets alone (the index does not change
    meanwhile; the test above covers commits during searches)."""
    env = {**server_env(tmp_path), "RATE_LIMIT_POSTS_PER_MINUTE": "0"}
    manage("migrate", "--noinput", env=env)
    handles = [f"searcher{n}" for n in range(THREADS)]
    sessions = signed_in_sessions(handles, env=env)
    # A few hundred questions, so that searches take long enough to overlap.
    manage("shell", "-c", MANY_QUESTIONS, env=env)
    manage("rebuild_index", env=env)
    with served(tmp_path, server="uvicorn", env=env) as base:
        asker = Browser(base)
        asker.use_session(sessions[handles[0]])
        asker.get("/ask/")  # the CSRF cookie
        for n, title in enumerate(
            ["How do we rotate the signing keys?", "Where is the kafka runbook?"]
            + [f"Which pager rota covers incident {n}?" for n in range(10)]
        ):
            asker.post("/ask/", {"title": title, "body": f"Runbook question {n}.", "tags": "ops"})
        deadline = time.monotonic() + 10
        while len(_result_titles(asker.get("/search/?q=pager")[2])) < 10:
            assert time.monotonic() < deadline, "the questions never became searchable"
            time.sleep(0.2)
        alone = {q: _result_titles(asker.get(f"/search/?q={q}")[2]) for q in ("runbook", "pager")}
        start = threading.Barrier(THREADS)

        def work(n: int) -> list[tuple[str, object]]:
            browser = Browser(base)
            browser.use_session(sessions[handles[n]])
            browser.get("/")  # the CSRF cookie
            start.wait()
            outcomes: list[tuple[str, object]] = []
            for i in range(SERVER_ROUNDS):
                typed = ("runbook", "pager")[(n + i) % 2]
                try:
                    status, _, page = browser.get(f"/search/?q={typed}")
                except urllib.error.HTTPError as error:
                    outcomes.append((typed, error.code))
                    continue
                got = _result_titles(page)
                outcomes.append((typed, status if got == alone[typed] else f"other: {got}"))
            return outcomes

        with ThreadPoolExecutor(THREADS) as pool:
            outcomes = [o for found in pool.map(work, range(THREADS)) for o in found]

    failed = [o for o in outcomes if o[1] != 200]
    assert len(outcomes) == THREADS * SERVER_ROUNDS
    assert failed == [], f"{len(failed)} of {len(outcomes)} failed: {failed[:5]}"
    assert "search failed" not in (tmp_path / "server.log").read_text()


MANY_QUESTIONS = """
from profiles.models import User
from questions.actions import ask_question
from search.indexing import paused
words = "deploy runbook kafka incident pager rotate signing release build cache".split()
asker = User.objects.get(username="searcher1")
with paused():
    for n in range(400):
        title = " ".join(words[(n * k) % len(words)] for k in (1, 3, 7)) + f" number {n}"
        body = " ".join(words[(n + k * k) % len(words)] for k in range(60))
        ask_question(author=asker, title=title, body=body, tags="ops")
"""


def _result_titles(page: str) -> list[str]:
    return re.findall(r'class="result-title"[^>]*>(.*?)</', page, re.S)
