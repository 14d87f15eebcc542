"""`seed_demo --first-run` (what `make run` calls) leaves a database in use alone."""

from __future__ import annotations

from profiles.models import User
from tests.demo.conftest import seed


def test_first_run_leaves_a_database_in_use_alone(db, make_user):
    make_user("someone")
    out = seed("--first-run")
    assert "left as it is" in out
    assert User.objects.count() == 1
