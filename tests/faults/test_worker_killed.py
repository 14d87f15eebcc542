"""The indexing worker (TASK_BACKEND=database, `manage.py db_worker`) is killed in the middle
of a batch. The task it held stays marked as running; the next worker to start queues it
again, so no document is missing from the search index once the worker is back."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

from tests.support.server import ROOT, manage, server_env

POSTS = 1500

WRITE_POSTS = f"""
from django.db import transaction
from profiles.actions import create_person
from questions.actions import ask_question
author = create_person(username="writer", email="writer@example.com", display_name="Writer")
with transaction.atomic():  # one transaction: its documents go to the worker as one task
    for n in range({POSTS}):
        ask_question(
            author=author,
            title=f"How do we roll out service {{n}} to staging?",
            body="We deploy it with the usual pipeline, then check the dashboards. " * 20,
            tags="deploy, staging",
        )
"""


def task_statuses(db: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [
            row[0] for row in conn.execute("SELECT status FROM django_tasks_database_dbtaskresult")
        ]


def _batch_running(statuses: list[str]) -> bool:
    return "RUNNING" in statuses and "READY" not in statuses


def test_a_batch_interrupted_by_killing_the_worker_is_indexed_after_a_restart(tmp_path):
    env = {**server_env(tmp_path), "TASK_BACKEND": "database"}
    db = str(tmp_path / "db.sqlite3")
    manage("migrate", "--noinput", env=env)
    manage("shell", "-c", WRITE_POSTS, env=env)
    assert "READY" in task_statuses(db)

    # No autoreloader (on by default with DEBUG): it runs the worker in a child process that
    # killing the parent would not reach.
    worker = [
        *[sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"],
        *["--interval", "0.1"],
    ]
    first = subprocess.Popen(
        worker, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        # The writer's own document is a small task of its own, queued first: wait for the
        # batch itself (nothing left ready, something running), or the kill may land
        # between the two (the first task now also loads the meaning model).
        while not _batch_running(task_statuses(db)):
            assert first.poll() is None and time.monotonic() < deadline, "the worker took no task"
            time.sleep(0.02)
        time.sleep(0.3)  # into the batch: reading the posts or writing the index
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert "RUNNING" in task_statuses(db), "the batch ended before the kill: nothing was tested"

    again = subprocess.run(
        [*worker, "--batch"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    assert "Queued again 1 task interrupted by a previous worker" in again.stderr
    assert set(task_statuses(db)) == {"SUCCESSFUL"}

    # Every post and person has its document, with the right visibility, once.
    check = subprocess.run(
        [sys.executable, "manage.py", "check_integrity"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    count = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from search.backend import get_backend; print(get_backend().count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert int(count.stdout.strip().splitlines()[-1]) == POSTS + 1  # the posts and the writer
