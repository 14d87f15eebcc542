"""The configured search backend, one per process."""

from __future__ import annotations

import threading

from django.conf import settings

from search.backends.base import SearchBackend

_lock = threading.Lock()
_backends: dict[str, SearchBackend] = {}


def get_backend() -> SearchBackend:
    """Whoosh on SEARCH_INDEX_DIR by default; PostgreSQL full-text with SEARCH_BACKEND=postgres."""
    name = settings.SEARCH_BACKEND
    cache_key = f"{name}:{settings.SEARCH_INDEX_DIR}"
    with _lock:
        backend = _backends.get(cache_key)
        if backend is None:
            if name == "postgres":
                from search.backends.postgres_backend import PostgresBackend

                backend = PostgresBackend()
            else:
                from search.backends.whoosh_backend import WhooshBackend

                backend = WhooshBackend(settings.SEARCH_INDEX_DIR)
            _backends[cache_key] = backend
        return backend


def reset_backends() -> None:
    """Forget open indexes and the vectors read for search by meaning (tests switch index
    directories and databases)."""
    from search import meaning

    with _lock:
        _backends.clear()
    meaning.reset_vectors()
