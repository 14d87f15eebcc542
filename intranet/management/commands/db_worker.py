"""django_tasks_db's worker, which first puts back in the queue the tasks a previous worker
was running when it died.

The worker marks a task RUNNING when it takes it and SUCCESSFUL or FAILED when it is done;
a worker killed in between (out of memory, `kill -9`, a machine restart) leaves the task
RUNNING for ever, and whatever it was indexing or extracting never happens. The scale
configuration runs one worker (the single search-index writer), so a task still RUNNING
when a worker starts belongs to a worker that is gone: it is made READY again and run.
Every task of this project is idempotent (index these documents, extract this version's
text), so running one twice, should a second worker be started by mistake, does no harm.
"""

from __future__ import annotations

from typing import Any

from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as WorkerCommand
from django_tasks_db.models import DBTaskResult


class Command(WorkerCommand):
    help = (
        "Run queued tasks (search indexing, text extraction) from the database. Tasks left "
        "running by a worker that died are queued again first. Run exactly one."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        interrupted = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        if interrupted:
            self.stderr.write(
                f"Queued again {interrupted} task{'' if interrupted == 1 else 's'} "
                "interrupted by a previous worker."
            )
        super().handle(*args, **options)
