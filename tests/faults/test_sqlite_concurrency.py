"""The embedded configuration under concurrent writers: `manage.py serve` (what `make run`
starts) on SQLite, 20 people posting, answering, liking and reading at the same moment.
SQLite has one writer at a time; the others must wait their turn (WAL, immediate
transactions, a busy timeout), never fail with "database is locked". Every request
succeeds and every write is there exactly once afterwards."""

from __future__ import annotations

import re
import sqlite3
import threading
import urllib.error
from concurrent.futures import ThreadPoolExecutor

from tests.support.server import Browser, manage, served, server_env, signed_in_sessions

PEOPLE = 20
STATUSES_EACH = 3


def test_twenty_concurrent_writers_on_sqlite_all_succeed_and_nothing_is_lost(tmp_path):
    env = server_env(tmp_path)
    manage("migrate", "--noinput", env=env)
    handles = [f"person{n:02d}" for n in range(PEOPLE)]
    sessions = signed_in_sessions(handles, env=env)
    with served(tmp_path, env=env) as base:
        asker = Browser(base)
        asker.use_session(sessions[handles[0]])
        asker.get("/ask/")
        _, url, _ = asker.post(
            "/ask/", {"title": "How do we rotate the signing keys?", "body": "Anyone?", "tags": ""}
        )
        match = re.search(r"/q/(\d+)/", url)
        assert match, url
        question = int(match.group(1))

        start = threading.Barrier(PEOPLE)

        def work(n: int) -> list[tuple[str, int]]:
            browser = Browser(base)
            browser.use_session(sessions[handles[n]])
            browser.get("/")  # the CSRF cookie
            next_handle = handles[(n + 1) % PEOPLE]
            steps = [
                *[
                    (
                        "/compose/",
                        {"kind": "status", "body": f"Update {i} from {n}, @{next_handle}"},
                    )
                    for i in range(STATUSES_EACH)
                ],
                (f"/q/{question}/answer/", {"body": f"Answer from {n}: rotate with the tool."}),
            ]
            if n:  # the asker cannot like their own question
                steps.append((f"/q/{question}/like/", {"liked": "1"}))
            done = []
            start.wait()
            for path, data in steps:
                try:
                    status = browser.post(path, {"tags": "", **data})[0]
                except urllib.error.HTTPError as error:
                    status = error.code
                done.append((path, status))
                try:
                    status = browser.get(f"/q/{question}/")[0]
                except urllib.error.HTTPError as error:
                    status = error.code
                done.append(("read", status))
            return done

        with ThreadPoolExecutor(PEOPLE) as pool:
            results = [step for steps in pool.map(work, range(PEOPLE)) for step in steps]

    failed = [(path, status) for path, status in results if status != 200]
    assert failed == [], f"{len(failed)} of {len(results)} requests failed: {failed[:10]}"
    log = (tmp_path / "server.log").read_text()
    assert "database is locked" not in log

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        statuses = db.execute("SELECT count(*) FROM questions_post WHERE kind = 'status'")
        assert statuses.fetchone()[0] == PEOPLE * STATUSES_EACH
        answers, likes = db.execute(
            "SELECT answer_count, like_count FROM questions_post WHERE id = ?", (question,)
        ).fetchone()
        assert (answers, likes) == (PEOPLE, PEOPLE - 1)  # the asker cannot like their own
        rows = db.execute("SELECT count(*) FROM questions_answer WHERE post_id = ?", (question,))
        assert rows.fetchone()[0] == PEOPLE
        mentions = db.execute("SELECT count(*) FROM profiles_notification WHERE verb = 'mentioned'")
        assert mentions.fetchone()[0] == PEOPLE * STATUSES_EACH
