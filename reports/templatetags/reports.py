"""Template filters of the report pages."""

from __future__ import annotations

from django import template

from reports.report import show
from reports.tables import Column

register = template.Library()


@register.filter
def cell(value: object, column: Column) -> str:
    """A table cell as the page shows it (the CSV keeps the raw value)."""
    return show(value, column.kind)


@register.filter
def figure(value: object, kind: str) -> str:
    return show(value, kind)
