"""The hooks the actions call: (re)index what changed, after the transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager

from django.utils import timezone
from django_tasks import task_backends

from intranet.lib.after_commit import AfterCommit
from intranet.lib.tasks import BackgroundThreadBackend
from search.backend import get_backend
from search.documents import (
    Document,
    all_document_keys,
    count_documents,
    documents_for_keys,
    person_key,
    post_key,
)

logger = logging.getLogger(__name__)


def _index(keys: list[str]) -> None:
    from search.tasks import gather_for_indexing, index_documents

    keys = sorted(keys)
    try:
        if isinstance(task_backends["default"], BackgroundThreadBackend):
            gather_for_indexing(keys)
        else:
            index_documents.enqueue(keys)
    except Exception:  # indexing must never fail the write that caused it
        logger.exception("could not enqueue indexing of %d documents", len(keys))


# All of a committed transaction's documents go as one task (per thousand); a rolled-back
# transaction indexes nothing.
_reindex: AfterCommit[str] = AfterCommit(_index, batch_size=1000, unique=True)


def paused() -> AbstractContextManager[None]:
    """Queue no indexing inside the block (bulk loads that rebuild the index afterwards)."""
    return _reindex.paused()


def reindex_on_commit(keys: Iterable[str]) -> None:
    """Queue documents for indexing once the current transaction commits (all of a
    transaction's changes go as one task)."""
    _reindex.add(keys)


def reindex_posts(*post_ids: int) -> None:
    reindex_on_commit(post_key(pk) for pk in post_ids)


def reindex_people(*user_ids: int) -> None:
    reindex_on_commit(person_key(pk) for pk in user_ids)


def rebuild(*, batch: int = 500, progress: Callable[[int], object] = lambda n: None) -> int:
    """Empty the index and index every document from the database, with the posts' meaning
    vectors (search.meaning); returns the count."""
    from search import meaning
    from search.tasks import store_vectors

    backend = get_backend()
    backend.clear()
    started = timezone.now()

    def batches() -> Iterator[list[Document]]:
        for keys in all_document_keys(batch):
            documents, _ = documents_for_keys(keys)
            store_vectors(keys)
            yield documents
            progress(len(documents))

    done = backend.bulk_index(batches())
    meaning.forget_unwritten_since(started)
    return done


def expected_count() -> int:
    return count_documents()
