"""The shape every report page takes: headline figures, charts, tables and notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.http import Http404
from django.utils import timezone

from intranet.lib.dates import format_when
from reports.charts import Chart
from reports.periods import DateRange
from reports.tables import DATE, HOURS, INT, PCT, SCORE, Table


@dataclass(frozen=True)
class Figure:
    """A headline number with its label ("Former colleagues", 42), how to show it (a column
    kind of reports.tables: INT, PCT, HOURS, SCORE) and what it means."""

    label: str
    value: float | int | None
    kind: str = INT
    detail: str = ""


@dataclass
class Report:
    slug: str
    title: str
    period: DateRange
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    callouts: list[str] = field(default_factory=list)  # changes worth saying in words
    extra: dict[str, Any] = field(default_factory=dict)
    computed_at: datetime = field(default_factory=timezone.now)

    def table(self, slug: str | None) -> Table:
        """The table named `slug` (the first one by default); 404 for an unknown name."""
        if not slug:
            return self.tables[0]
        for table in self.tables:
            if table.slug == slug:
                return table
        raise Http404("No such table in this report.")

    def filename(self, table: Table) -> str:
        return f"{self.slug}-{table.slug}-{self.period.slug}.csv"


def count(n: int | float | None) -> str:
    return f"{n or 0:,.0f}"


def as_hours(value: float | None) -> str:
    """A duration in hours as people say it: "25 min", "3.5 h", "4.2 days"."""
    if value is None:
        return "–"
    if value < 1:
        return f"{value * 60:.0f} min"
    if value < 48:
        return f"{value:.1f} h"
    return f"{value / 24:.1f} days"


def show(value: object, kind: str) -> str:
    """A value as a page shows it, by column kind (reports.tables)."""
    if value is None or value == "":
        return "–"
    if kind == HOURS and isinstance(value, int | float):
        return as_hours(value)
    if kind == PCT and isinstance(value, int | float):
        return f"{value:.0f}%"
    if kind == SCORE and isinstance(value, int | float):
        return f"{value:+.2f}"
    if kind == INT and isinstance(value, int | float):
        return f"{value:,.0f}"
    if kind == DATE and isinstance(value, date):
        return format_when(value)
    return str(value)
