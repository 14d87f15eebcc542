"""Data-integrity checks: denormalised values against the rows they summarise, and the search
index against the database (`manage.py check_integrity`).

The apps that own the data declare their checks (questions.integrity, search.integrity);
this module runs them, repairs what they found and lists them in one order. A check finds
its mismatches with a fixed number of queries whatever the number of rows: aggregates
grouped in the database, compared with the stored values as id-keyed sets in Python. A
repair never trusts the numbers it found: counters are set from a recount in the UPDATE
itself, and index documents are rebuilt from the database by the search package's own
indexing task.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, TypeVar

from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.module_loading import module_has_submodule

MAX_EXAMPLES = 10
REPAIR_BATCH = 500  # ids per UPDATE (SQLite limits the parameters of one statement)

T = TypeVar("T")


class CheckFailed(Exception):
    """A check could not read what it compares (e.g. the search index is missing). The
    message is for people and says what to do."""


@dataclass(frozen=True)
class Mismatch:
    """One object whose stored value is not what its rows say it should be."""

    subject: str  # "post 12", "search document post:12"
    stored: object
    actual: object
    target: Any = field(default=None, compare=False)  # what the repair needs: a pk, a key


class Check(ABC):
    """One thing to compare. `find` only reads; `repair` changes stored values to match."""

    name: str
    description: str
    # False: repaired after the database repairs commit (the search index is built from
    # committed rows).
    in_database: bool = True

    @abstractmethod
    def find(self) -> list[Mismatch]:
        """Every mismatch, in a stable order. Reads only; raises CheckFailed when it cannot
        read what it compares."""

    @abstractmethod
    def repair(self, mismatches: list[Mismatch]) -> int:
        """Make the stored values of these objects right again, recomputing them from the
        rows (not from `mismatches`, which may be stale); returns how many were changed.
        Database checks run inside the caller's transaction."""

    def advice(self, mismatches: list[Mismatch]) -> str | None:
        """What to do about these mismatches when --repair is not the best way."""
        return None


@dataclass
class Outcome:
    check: Check
    mismatches: list[Mismatch]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.mismatches and self.error is None

    @property
    def examples(self) -> list[Mismatch]:
        return self.mismatches[:MAX_EXAMPLES]


def batches(items: Sequence[T], size: int = REPAIR_BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def label(model: type[models.Model], pk: object) -> str:
    """How a report names a row: "post 12", "draft version 3"."""
    return f"{model._meta.verbose_name} {pk}"


class CountedField(Check):
    """A counter column that must equal the number of related rows: `field` of `model`
    counts the `rows` (matching `where`) whose `via` foreign key points at it.

    `then` runs with the ids of repaired rows, inside the repair transaction (e.g. to queue
    reindexing of documents that show the counter)."""

    def __init__(
        self,
        model: type[models.Model],
        field: str,
        *,
        rows: type[models.Model],
        via: str,
        where: Q | None = None,
        description: str,
        then: Callable[[list[int]], object] | None = None,
    ) -> None:
        self.model, self.field, self.rows, self.via = model, field, rows, via
        self.where = where or Q()
        self.name = f"{model.__name__}.{field}"
        self.description = description
        self.then = then

    def find(self) -> list[Mismatch]:
        # Rows whose stored and actual counts are both 0 are never read.
        stored: dict[int, int] = dict(
            self.model._default_manager.exclude(**{self.field: 0})
            .order_by()
            .values_list("pk", self.field)
        )
        actual: dict[int, int] = {
            pk: n
            for pk, n in self.rows._default_manager.filter(self.where)
            .order_by()
            .values_list(self.via)
            .annotate(n=Count("pk"))
            if pk is not None
        }
        return [
            Mismatch(label(self.model, pk), stored.get(pk, 0), actual.get(pk, 0), target=pk)
            for pk in sorted(stored.keys() | actual.keys())
            if stored.get(pk, 0) != actual.get(pk, 0)
        ]

    def recount(self) -> Coalesce:
        """The count of the rows, as a subquery correlated with the row being updated."""
        counted = (
            self.rows._default_manager.filter(self.where, **{self.via: OuterRef("pk")})
            .order_by()
            .values(self.via)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted), 0)

    def repair(self, mismatches: list[Mismatch]) -> int:
        ids = [m.target for m in mismatches]
        changed = 0
        for chunk in batches(ids):
            changed += self.model._default_manager.filter(pk__in=chunk).update(
                **{self.field: self.recount()}
            )
        if self.then is not None and ids:
            self.then(ids)
        return changed


def all_checks() -> list[Check]:
    """Every check, in the order they run and repair: each installed app's `integrity.checks()`
    in the order of INSTALLED_APPS (questions before search, whose index copies the posts),
    each app's in its own order (a post's own times before the copies of them on its tags).
    The apps provide their checks; this module, below them, imports none of them by name."""
    found: list[Check] = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "integrity"):
            found.extend(import_module(f"{config.name}.integrity").checks())
    return found


def run_checks(checks: Sequence[Check]) -> list[Outcome]:
    """Run the checks (read-only)."""
    outcomes = []
    for check in checks:
        try:
            outcomes.append(Outcome(check, check.find()))
        except CheckFailed as problem:
            outcomes.append(Outcome(check, [], error=str(problem)))
    return outcomes


def repair(outcomes: Sequence[Outcome]) -> dict[str, int]:
    """Repair every mismatch the outcomes found: database values in one transaction, then
    the search index once that has committed. Returns how many objects each check changed.
    Outcomes that failed with an error are left alone (their message says what to do)."""
    from intranet.lib.tasks import wait_for_tasks

    found = [o for o in outcomes if o.mismatches]
    repaired: dict[str, int] = {}
    with transaction.atomic():
        for outcome in found:
            if outcome.check.in_database:
                repaired[outcome.check.name] = outcome.check.repair(outcome.mismatches)
    # Reindexing queued by the database repairs runs after commit, in the task backend; a
    # command must not exit (or re-check) with it still pending in this process.
    wait_for_tasks()
    for outcome in found:
        if not outcome.check.in_database:
            repaired[outcome.check.name] = outcome.check.repair(outcome.mismatches)
    return repaired
