"""Date ranges of reports, and grouping by day and week in the database.

Every report covers a DateRange: whole days, in the site's time zone, both ends included.

Grouping by day or week happens in SQL with LocalDay (days since 1970-01-01): a native
expression on both databases, so that a GROUP BY over hundreds of thousands of rows never
calls back into Python. (Django's TruncMonth and TruncWeek do exactly that on SQLite: a
Python function per row, about 5 microseconds each, half a second per 100,000 rows.)
Months and weeks are then folded from days in Python, over at most a few thousand rows.

On PostgreSQL the day is the exact local date (`AT TIME ZONE`). SQLite has no time zone
database, so there the site's UTC offset at the start of the range is used for the whole
range: exact under UTC (the default) and fixed-offset zones; across a daylight-saving change
an event within an hour of midnight may be counted on the neighbouring day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, FloatField, Func, IntegerField
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.dateformat import format as date_format

from intranet.lib.dates import format_when

EPOCH = date(1970, 1, 1)
MAX_DAYS = 5 * 366  # the longest range a report reads: five years
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date  # included

    @property
    def start_at(self) -> datetime:
        """The first moment of the range (local midnight), aware."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """The first moment after the range."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def utc_offset_seconds(self) -> int:
        offset = self.start_at.utcoffset()
        return int(offset.total_seconds()) if offset else 0

    @property
    def label(self) -> str:
        return f"{format_when(self.start)} – {format_when(self.end)}"

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}-to-{self.end.isoformat()}"

    def first_day(self) -> int:
        return (self.start - EPOCH).days

    def last_day(self) -> int:
        return (self.end - EPOCH).days

    def months(self) -> list[date]:
        """The first day of each month the range touches."""
        months = []
        current = self.start.replace(day=1)
        while current <= self.end:
            months.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return months

    def weeks(self) -> list[date]:
        """The Monday of each week the range touches."""
        first = self.start - timedelta(days=self.start.weekday())
        return [first + timedelta(weeks=n) for n in range((self.end - first).days // 7 + 1)]

    def previous(self) -> DateRange:
        """The range of the same length just before this one."""
        return DateRange(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def default_range(today: date | None = None, *, months: int = DEFAULT_MONTHS) -> DateRange:
    """The last `months` months up to today, starting on the first of a month."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return DateRange(start, today)


def last_days(days: int, today: date | None = None) -> DateRange:
    today = today or timezone.localdate()
    return DateRange(today - timedelta(days=days - 1), today)


def day_to_date(day: int) -> date:
    return EPOCH + timedelta(days=day)


def month_of(day: date) -> date:
    return day.replace(day=1)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_to_date(week: int) -> date:
    """The Monday of a LocalWeek number."""
    return EPOCH + timedelta(days=7 * week - 3)


def month_label(month: date) -> str:
    return date_format(month, "M Y")


def week_label(monday: date) -> str:
    return date_format(monday, "j M")


class LocalDay(Func):
    """Days since 1970-01-01 of a datetime column, in the site's time zone (see the module
    docstring), or of a date column (`is_date`), as an integer."""

    output_field = IntegerField()

    def __init__(
        self, expression: Any, *, within: DateRange | None = None, is_date: bool = False
    ) -> None:
        super().__init__(expression)
        self.is_date = is_date
        self.offset = within.utc_offset_seconds if within else 0
        self.zone = timezone.get_current_timezone_name()

    def as_sql(self, *args: Any, **kwargs: Any) -> tuple[str, list[Any]]:
        raise NotSupportedError("LocalDay supports SQLite and PostgreSQL only")

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        seconds = f"CAST(strftime('%%s', {sql}) AS INTEGER)"
        if self.is_date:
            return f"({seconds} / 86400)", list(params)
        return f"(({seconds} + %s) / 86400)", [*params, self.offset]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        if self.is_date:
            return f"({sql} - DATE '1970-01-01')", list(params)
        return f"(CAST(({sql} AT TIME ZONE %s) AS date) - DATE '1970-01-01')", [
            *params,
            self.zone,
        ]


class LocalWeek(Func):
    """Weeks (Monday to Sunday) since the one holding 1970-01-01, of a LocalDay."""

    output_field = IntegerField()

    def __init__(self, day: Expression) -> None:
        super().__init__(day)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, Any]:
        sql, params = compiler.compile(self.source_expressions[0])
        # 1970-01-01 was a Thursday: day 4 is the first Monday, in week 1.
        return f"(({sql} + 3) / 7)", list(params)


class HoursBetween(Func):
    """Hours from `start` to `end` (two datetime expressions) as a float, NULL when either
    is: computed in the database, so that a report over tens of thousands of rows does not
    turn two timestamps per row into Python datetimes only to subtract them."""

    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sql(self, *args: Any, **kwargs: Any) -> tuple[str, list[Any]]:
        raise NotSupportedError("HoursBetween supports SQLite and PostgreSQL only")

    def _sides(self, compiler: SQLCompiler) -> tuple[str, str, list[Any]]:
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return end, start, [*end_params, *start_params]

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        end, start, params = self._sides(compiler)
        return f"((julianday({end}) - julianday({start})) * 24.0)", params

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        end, start, params = self._sides(compiler)
        # EXTRACT returns numeric (Decimal in Python): a float is what callers add up.
        return f"(CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS double precision) / 3600.0)", params
