"""Indexing runs after commit in the task backend: one thread in-process by default, one
indexing worker at scale (so Whoosh always has a single writer)."""

from __future__ import annotations

from django_tasks import task

from search.backend import get_backend
from search.documents import documents_for_keys


@task()
def index_documents(keys: list[str]) -> int:
    """Bring these documents in the index in line with the database; returns how many."""
    documents, gone = documents_for_keys(keys)
    backend = get_backend()
    backend.index(documents)
    backend.remove(gone)
    return len(documents)
