"""What a report shows besides its charts: tables of plain values, formatted per column
for the page (templatetags.reports) and written raw to CSV (reports.export)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Column kinds: how a value is shown and exported.
TEXT = "text"
INT = "int"
PCT = "pct"  # a percentage, 0..100
HOURS = "hours"
SCORE = "score"  # a sentiment or expertise score, two decimals
DATE = "date"
LINK = "link"  # a Link


@dataclass(frozen=True)
class Link:
    """Text with an optional URL (none when the viewer may not open the item)."""

    text: str
    url: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        return self.kind in (INT, PCT, HOURS, SCORE)


@dataclass
class Table:
    slug: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    empty: str = "Nothing in this period."
    note: str = ""

    @property
    def cells(self) -> list[list[tuple[Column, Any]]]:
        """Rows as (column, value) pairs, for templates."""
        return [list(zip(self.columns, row, strict=True)) for row in self.rows]


def percent(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None
