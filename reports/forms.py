"""The reports' inputs: a date range (every report) and, on the risk report, a person."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from reports.periods import MAX_DAYS, DateRange

EARLIEST = date(2000, 1, 1)


class DateRangeForm(forms.Form):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both optional (the report's default fills in)."""

    def __init__(self, query: QueryDict, *, default: DateRange, allow_future: bool) -> None:
        data = {
            "from": query.get("from", default.start.isoformat()),
            "to": query.get("to", default.end.isoformat()),
        }
        super().__init__(data)
        date_input = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["from"] = forms.DateField(label="From", required=False, widget=date_input)
        self.fields["to"] = forms.DateField(label="To", required=False, widget=date_input)
        self.default = default
        self.allow_future = allow_future

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        start = cleaned.get("from") or self.default.start
        end = cleaned.get("to") or self.default.end
        if start < EARLIEST:
            self.add_error("from", f"Choose a day from {EARLIEST:%-d %B %Y} on.")
        elif start > end:
            self.add_error("to", "The end comes before the start: choose a later day.")
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("to", "Choose at most five years.")
        elif not self.allow_future and end > timezone.localdate():
            self.add_error("to", "The end is in the future: choose today or earlier.")
        else:
            cleaned["range"] = DateRange(start, end)
        return cleaned

    @property
    def range(self) -> DateRange:
        period = self.cleaned_data["range"]
        assert isinstance(period, DateRange)  # noqa: S101  (only read after is_valid())
        return period

    def query(self) -> str:
        """The range as a query string, for links that keep it (CSV, handover)."""
        period = self.range
        return f"from={period.start.isoformat()}&to={period.end.isoformat()}"
