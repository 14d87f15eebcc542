"""The throughput benchmark's count of the server's CPU time (no server runs here)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.throughput_bench import session_cpu_seconds

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def test_cpu_of_a_session_counts_its_processes_and_nothing_else():
    busy = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    process = subprocess.Popen(
        [sys.executable, "-c", busy + "\ntime.sleep(30)"], start_new_session=True
    )
    try:
        deadline = time.monotonic() + 20
        while session_cpu_seconds(process.pid) < 0.3 and time.monotonic() < deadline:
            time.sleep(0.05)

        counted = session_cpu_seconds(process.pid)
        assert counted >= 0.3
        end = time.process_time() + 0.5  # this process's own work is not the server's
        while time.process_time() < end:
            pass

        assert session_cpu_seconds(process.pid) < counted + 0.2
    finally:
        process.kill()
        process.wait()
    assert session_cpu_seconds(process.pid) == 0  # an ended server counts nothing
