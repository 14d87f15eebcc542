"""Collect work during a transaction; do it once, in batches, after the transaction commits.

A post that mentions ten people should push once, not ten times; a transaction that touches
fifty documents should index them in one task. Each `AfterCommit` queue collects what the
actions of a transaction add to it and hands it to its `flush` function after the commit:
once per transaction, in batches of at most `batch_size` items, in the order they were added.

* Items added inside a savepoint (a nested `atomic`) that rolls back are dropped with it; a
  rolled-back transaction drops everything it added. Nothing is sent about rolled-back rows.
* Outside any transaction (autocommit), `add` flushes at once, as `transaction.on_commit`
  would run its callback at once.
* Each thread has its own queue, as each thread has its own database connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, transaction

T = TypeVar("T")


class _State(threading.local, Generic[T]):
    def __init__(self) -> None:
        self.committed: list[T] = []
        self.generation = 0
        self.paused = False


class AfterCommit(Generic[T]):
    """A queue that calls `flush(batch)` after the transaction that added the items commits.

    `flush` receives a list of at most `batch_size` items (each item once, first come first,
    when `unique`); it runs after the commit, so a failure there cannot undo the write.
    """

    def __init__(
        self,
        flush: Callable[[list[T]], object],
        *,
        batch_size: int = 500,
        unique: bool = False,
        using: str | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be 1 or more")
        self.flush = flush
        self.batch_size = batch_size
        self.unique = unique
        self.using = using or DEFAULT_DB_ALIAS
        self._state: _State[T] = _State()

    def add(self, items: Iterable[T]) -> None:
        """Queue `items` for after the current transaction commits."""
        if self._state.paused:
            return
        batch = list(items)
        if not batch:
            return
        connection = transaction.get_connection(self.using)
        if not connection.in_atomic_block:
            self._send(batch)
            return
        # One callback per add keeps Django's own bookkeeping of savepoints: a rolled-back
        # savepoint drops its callbacks, so its items never reach the committed list.
        transaction.on_commit(partial(self._commit, batch), using=self.using)
        # Then one send per transaction, after all of them: every add appends a send at the
        # transaction's own level (no savepoint ids, so no savepoint rollback drops it; a
        # rollback of the whole transaction clears the list), and only the last one sends.
        self._state.generation += 1
        send = partial(self._send_committed, self._state.generation)
        connection.run_on_commit.append((set(), send, False))

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Queue nothing inside the block, in this thread (bulk loads that redo the work
        afterwards, in one go)."""
        previous = self._state.paused
        self._state.paused = True
        try:
            yield
        finally:
            self._state.paused = previous

    def _commit(self, items: list[T]) -> None:
        self._state.committed.extend(items)

    def _send_committed(self, generation: int) -> None:
        if generation != self._state.generation:
            return  # a later add of this transaction queued the send that goes
        items, self._state.committed = self._state.committed, []
        self._send(items)

    def _send(self, items: list[T]) -> None:
        if self.unique:
            items = list(dict.fromkeys(items))
        for start in range(0, len(items), self.batch_size):
            self.flush(items[start : start + self.batch_size])
