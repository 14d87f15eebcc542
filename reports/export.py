"""Tables as CSV downloads, safe to open in a spreadsheet.

A text cell starting with =, +, -, @ (or a tab or carriage return) would be read as a
formula by spreadsheet programs ("CSV injection"): it is prefixed with a single quote.
Numbers are written as numbers (a negative sentiment stays a number); links are written as
their text and, in the next column, their address.
"""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from reports.tables import DATE, HOURS, LINK, SCORE, Link, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_value(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if kind in (HOURS, SCORE):
            return round(float(value), 2 if kind == HOURS else 3)
        return value
    if isinstance(value, date) or kind == DATE:
        return value.isoformat() if isinstance(value, date) else safe_text(str(value))
    return safe_text(str(value))


def header(table: Table) -> list[str]:
    names: list[str] = []
    for column in table.columns:
        names.append(safe_text(column.label))
        if column.kind == LINK:
            names.append(safe_text(f"{column.label} URL"))
    return names


def rows(table: Table, *, base_url: str = "") -> list[list[Any]]:
    out = []
    for row in table.rows:
        cells: list[Any] = []
        for column, value in zip(table.columns, row, strict=True):
            if column.kind == LINK:
                link = value if isinstance(value, Link) else Link(str(value or ""))
                cells.append(safe_text(link.text))
                cells.append(safe_text(base_url + link.url) if link.url else "")
            else:
                cells.append(csv_value(value, column.kind))
        out.append(cells)
    return out


def csv_response(table: Table, *, filename: str, base_url: str = "") -> HttpResponse:
    """The table as an attachment named `filename` (UTF-8 with a BOM, for spreadsheets)."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename) or ""},
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header(table))
    writer.writerows(rows(table, base_url=base_url))
    return response
