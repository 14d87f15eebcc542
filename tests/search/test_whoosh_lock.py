"""A writer that died holding the Whoosh lock does not block later writes."""

from __future__ import annotations

import subprocess
import sys
import time

from search.backends.whoosh_backend import INDEX_NAME, WhooshBackend
from search.documents import Document

HOLD_LOCK_AND_HANG = """
import sys, time
from whoosh import index
ix = index.open_dir(sys.argv[1], indexname=sys.argv[2])
writer = ix.writer()
print("locked", flush=True)
time.sleep(600)
"""


def doc(n: int) -> Document:
    return Document(key=f"post:{n}", kind="status", title=f"note {n}", body="lock test")


def test_a_killed_writers_lock_does_not_block_writes(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    backend.clear()
    backend.index([doc(1)])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK_AND_HANG, str(tmp_path / "index"), INDEX_NAME],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    finally:
        holder.kill()  # dies holding the lock: the lock file stays behind
        holder.wait(10)
    assert list((tmp_path / "index").glob("*WRITELOCK*")), "the lock file should remain"
    started = time.monotonic()
    backend.index([doc(2)])
    assert time.monotonic() - started < 2
    assert backend.count() == 2
