"""An in-process task backend that runs tasks after the request, on one background thread.

The embedded default: nothing to start besides the web server, and a task enqueued on commit
(text extraction, indexing) never runs inside the request that caused it. One thread means
one writer at a time (the search index needs that). At scale, TASK_BACKEND=database queues
tasks for `manage.py db_worker` instead.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import connections
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

logger = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_pending: set[Future[None]] = set()


def _get_executor() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tasks")
        return _executor


def wait_for_tasks(timeout: float = 30) -> None:
    """Block until no task is queued or running, including tasks that tasks enqueued
    (tests, commands that must not exit with work pending)."""
    while _pending:
        for future in list(_pending):
            future.result(timeout)


class BackgroundThreadBackend(ImmediateBackend):
    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        result: TaskResult = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )

        def run() -> None:
            try:
                self._execute_task(result)
                if result.status == TaskResultStatus.FAILED:
                    logger.error("task %s failed: %s", task.name, result.errors[-1].traceback)
            finally:
                connections.close_all()  # this thread's own connections

        future = _get_executor().submit(run)
        _pending.add(future)
        future.add_done_callback(_pending.discard)
        return result
