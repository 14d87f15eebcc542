"""The demo company, seeded once for the module that asks for it.

Seeding takes a good part of a minute; the tests that look at the seeded company share one
seeding instead of each running their own. It happens inside a transaction that is rolled
back when the module ends, and every test runs in a savepoint of it (the `db` fixture), so
what one test adds (a second seeding, more people) the next one does not see, and no other
module sees the company at all.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from search.backend import reset_backends


def seed(*args: str, **kwargs: Any) -> str:
    """Run seed_demo; what it printed."""
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded_company(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """What the first seed_demo printed, with the company in the database until the module
    ends. The settings are the ones each test gets from tests/conftest.py, set here because
    this runs before any test's own fixtures."""
    folder = tmp_path_factory.mktemp("demo-company")
    with (
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            MEDIA_ROOT=str(folder / "media"),
            SEARCH_INDEX_DIR=folder / "search-index",
        ),
        django_db_blocker.unblock(),
    ):
        reset_backends()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield seed()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            reset_backends()


@pytest.fixture
def company(seeded_company: str, db: None) -> str:
    """The seeded demo company for one test (its changes are rolled back after it): what
    the first seed_demo printed."""
    return seeded_company
