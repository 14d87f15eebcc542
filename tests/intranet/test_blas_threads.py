"""NumPy's BLAS runs on the request's own thread once settings are loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Counts the process's threads after a matrix-vector product of the size search by meaning
# computes, in a fresh interpreter where settings load before numpy, as in every server.
SCRIPT = """
import os
os.environ["DJANGO_SETTINGS_MODULE"] = "intranet.settings"
import django
django.setup()
import numpy as np
matrix = np.ones((100_000, 128), dtype=np.float32)
matrix @ np.ones(128, dtype=np.float32)
print(len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: BLAS starts no threads anyway")
def test_settings_keep_numpy_blas_on_the_calling_thread(tmp_path: Path) -> None:
    env = {**os.environ, "VAR_DIR": str(tmp_path)}
    env.pop("OPENBLAS_NUM_THREADS", None)
    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "1"
