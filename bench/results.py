"""Benchmark figures as data: each benchmark's `run()` returns Rows, which bench.run_all
collects from every configuration into one report (bench.report).

A Row is one measurement: a median and a p95 (in `unit`) and, when the issues name one, the
target. The target applies to the p95 unless `judged` names another figure (a p99, a count
of lost notifications), whose value is then in `value`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Row:
    section: str  # the benchmark: "feed", "search", "experts", "reports", "notify", ...
    name: str  # what was measured, the same in every configuration ("typeahead")
    config: str  # configuration(), e.g. "SQLite + Whoosh"
    median: float | None
    p95: float | None
    target: float | None = None  # None: no target was named for it
    unit: str = "ms"
    extra: str = ""  # what varies with the data: the term searched, queries, documents...
    judged: str = "p95"  # the figure the target applies to
    value: float | None = None  # that figure, when it is not the p95

    @property
    def measured(self) -> float | None:
        """The figure compared with the target."""
        return self.p95 if self.value is None else self.value

    @property
    def ratio(self) -> float | None:
        """Measured / target; None without a target, or for a target of zero."""
        if self.target is None or self.measured is None or self.target == 0:
            return None
        return self.measured / self.target

    @property
    def verdict(self) -> str:
        """The result in words: "met", "missed by 2.3×", or "" without a target."""
        if self.target is None or self.measured is None:
            return ""
        if self.target == 0:  # e.g. "zero lost": there is no ratio to a zero
            return "met" if self.measured == 0 else f"missed ({self.measured:,.0f} against 0)"
        ratio = self.measured / self.target
        return "met" if ratio <= 1 else f"missed by {ratio:.1f}×"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        return cls(**data)


def configuration() -> str:
    """The running configuration in words: its database, channel layer and search backend."""
    from django.conf import settings
    from django.db import connection

    database = "PostgreSQL" if connection.vendor == "postgresql" else connection.display_name
    search = "PostgreSQL search" if settings.SEARCH_BACKEND == "postgres" else "Whoosh"
    return " + ".join([database, *(["Redis"] if settings.REDIS_URL else []), search])
