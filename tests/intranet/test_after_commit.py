"""intranet.lib.after_commit: collect during a transaction, send once after it commits."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from intranet.lib.after_commit import AfterCommit


@pytest.fixture
def sent():
    """Batches a queue sent, and the queue (batches of at most three items)."""
    batches: list[list[str]] = []
    return batches, AfterCommit(batches.append, batch_size=3)


def test_a_transaction_sends_what_it_added_once_after_it_commits(transactional_db, sent):
    batches, queue = sent
    with transaction.atomic():
        queue.add(["a"])
        queue.add(["b", "c"])
        assert batches == []  # nothing before the commit
    assert batches == [["a", "b", "c"]]


def test_without_a_transaction_it_sends_at_once(transactional_db, sent):
    batches, queue = sent
    queue.add(["a"])
    queue.add([])  # nothing to send, no empty batch
    assert batches == [["a"]]


def test_a_committed_savepoint_goes_with_its_transaction(transactional_db, sent):
    batches, queue = sent
    with transaction.atomic():
        queue.add(["a"])
        with transaction.atomic():
            queue.add(["b"])
        queue.add(["c"])
    assert batches == [["a", "b", "c"]]


def test_a_rolled_back_savepoint_drops_what_it_added(transactional_db, sent):
    batches, queue = sent
    with transaction.atomic():
        queue.add(["a"])
        try:
            with transaction.atomic():
                queue.add(["lost"])
                with transaction.atomic():
                    queue.add(["lost too"])
                raise RuntimeError
        except RuntimeError:
            pass
        assert batches == []
    assert batches == [["a"]]


def test_the_last_add_rolled_back_still_leaves_one_send(transactional_db, sent):
    batches, queue = sent
    with transaction.atomic():
        queue.add(["a", "b"])
        with pytest.raises(RuntimeError), transaction.atomic():
            queue.add(["lost"])
            raise RuntimeError
    assert batches == [["a", "b"]]


def test_a_rolled_back_transaction_sends_nothing_now_or_later(transactional_db, sent):
    batches, queue = sent
    with pytest.raises(RuntimeError), transaction.atomic():
        queue.add(["lost"])
        raise RuntimeError
    assert batches == []
    with transaction.atomic():
        queue.add(["next"])
    assert batches == [["next"]]


def test_many_items_go_in_batches_in_the_order_added(transactional_db, sent):
    batches, queue = sent
    with transaction.atomic():
        for item in "abcdefg":
            queue.add([item])
    assert batches == [["a", "b", "c"], ["d", "e", "f"], ["g"]]


def test_paused_queues_nothing_in_the_block(transactional_db, sent):
    batches, queue = sent
    with transaction.atomic():
        with queue.paused():
            queue.add(["skipped"])
        queue.add(["kept"])
    assert batches == [["kept"]]


def test_each_thread_has_its_own_queue(transactional_db):
    # SQLite takes its write lock when a transaction begins, so the second thread works
    # outside a transaction while the first one holds its own open.
    batches: list[tuple[str, list[str]]] = []
    queue: AfterCommit[str] = AfterCommit(
        lambda batch: batches.append((threading.current_thread().name, batch))
    )
    added, other_done = threading.Event(), threading.Event()

    def in_a_transaction() -> None:
        try:
            with transaction.atomic():
                queue.add(["one-1"])
                added.set()
                assert other_done.wait(10)
                queue.add(["one-2"])  # the other thread's pause is not this one's
        finally:
            connections.close_all()

    def meanwhile() -> None:
        try:
            assert added.wait(10)
            with queue.paused():
                queue.add(["skipped"])
            queue.add(["two-1"])  # sent at once: this thread has no transaction
        finally:
            other_done.set()
            connections.close_all()

    threads = [
        threading.Thread(target=in_a_transaction, name="one"),
        threading.Thread(target=meanwhile, name="two"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert batches == [("two", ["two-1"]), ("one", ["one-1", "one-2"])]


def test_unique_sends_each_item_once_in_the_order_first_added(transactional_db):
    batches: list[list[str]] = []
    queue: AfterCommit[str] = AfterCommit(batches.append, batch_size=2, unique=True)
    with transaction.atomic():
        for item in "abacbd":
            queue.add([item])
    assert batches == [["a", "b"], ["c", "d"]]


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="batch_size"):
        AfterCommit(print, batch_size=0)
