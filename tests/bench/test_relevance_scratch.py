"""The relevance benchmark's scratch database is gone after it, for every later query."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.run_all import CONFIG_VARIABLES

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import bench  # sets Django up
from django.core.management import call_command
call_command("migrate", verbosity=0)
from bench.relevance_bench import scratch_database
from profiles.models import User
for n in range(3):
    User.objects.create(username=f"kept{n}")
drop = scratch_database()
User.objects.create(username="scratch-only")
drop()
print(sorted(User.objects.values_list("username", flat=True)))
"""


def test_after_the_scratch_database_queries_reach_the_configured_one_again(tmp_path):
    """On SQLite the scratch database lives in memory, and Django will not close such a
    connection: the benchmarks after it once wrote into the scratch database."""
    # The embedded configuration, whichever one the suite runs on: the bug is SQLite's.
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env.update(VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "['kept0', 'kept1', 'kept2']"
