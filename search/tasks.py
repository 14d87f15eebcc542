"""Indexing runs after commit in the task backend: one thread in-process by default, one
indexing worker at scale (so Whoosh always has a single writer)."""

from __future__ import annotations

import logging
import threading
import time

from django_tasks import task

from search import meaning
from search.backend import get_backend
from search.documents import documents_for_keys


@task()
def index_documents(keys: list[str]) -> int:
    """Bring these documents in the index in line with the database; returns how many."""
    documents, gone = documents_for_keys(keys)
    backend = get_backend()
    backend.index(documents)
    backend.remove(gone)
    store_vectors(keys)
    return len(documents)


def store_vectors(keys: list[str]) -> None:
    """The documents' meaning vectors follow their text; a failure there leaves text search
    as it is (the next reindex or rebuild_index stores them)."""
    try:
        meaning.store_vectors(keys)
    except Exception:
        logging.getLogger(__name__).exception("could not store vectors of %d documents", len(keys))


# In-process (the thread backend): keys from many transactions are gathered for a moment and
# indexed in one write. A Whoosh commit costs far more than adding a document, and it runs
# in the web server's process: one commit per post slowed the server's websocket pushes
# (p95 37 ms without indexing, 250 ms with a commit per post, at 20 posts a second).
GATHER_SECONDS = 0.2
_gathered: set[str] = set()
_gather_lock = threading.Lock()
_gather_scheduled = False


def gather_for_indexing(keys: list[str]) -> None:
    """Queue keys for the next in-process indexing run (scheduling one if none is queued)."""
    global _gather_scheduled
    with _gather_lock:
        _gathered.update(keys)
        if _gather_scheduled:
            return
        _gather_scheduled = True
    index_gathered.enqueue()


@task()
def index_gathered() -> int:
    global _gather_scheduled
    time.sleep(GATHER_SECONDS)
    with _gather_lock:
        keys = sorted(_gathered)
        _gathered.clear()
        _gather_scheduled = False
    return int(index_documents.call(keys)) if keys else 0
