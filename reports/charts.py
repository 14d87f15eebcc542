"""Charts as inline SVG, drawn on the server: no script, no CDN, readable with CSS off.

Each function returns a Chart: the geometry of one small SVG (already scaled to its
viewBox) that templates/reports/partials/chart.html draws, with a <title> and a <desc>
summing it up in words for screen readers, axis labels and a legend. The page's table
beside each chart holds the same numbers.

    line_chart   one or more series over time (gaps where a value is None)
    bar_chart    counts over time, stacked series
    hbar_chart   labelled values side by side (shares, scores)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.text import slugify

WIDTH = 720
HEIGHT = 280
MARGIN_LEFT = 64
MARGIN_RIGHT = 16
MARGIN_TOP = 14
MARGIN_BOTTOM = 54
MAX_X_LABELS = 10
MAX_DOTS = 26  # points per line drawn as dots (each with its value as a tooltip)
# Distinguishable colours (and dash patterns, so that lines differ without colour too).
PALETTE = ("#2c5cc5", "#d97706", "#0f7b4f", "#b42318", "#7c3aed", "#0891b2", "#be185d", "#4d7c0f")
DASHES = ("", "6 3", "2 3", "8 3 2 3")

Format = Callable[[float], str]


def fmt_int(value: float) -> str:
    return f"{value:,.0f}"


def fmt_score(value: float) -> str:
    return f"{value:.2f}"


def fmt_pct(value: float) -> str:
    return f"{value:.0f}%"


def fmt_hours(value: float) -> str:
    return f"{value:,.0f} h" if value >= 10 or value == int(value) else f"{value:.1f} h"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Line:
    name: str
    color: str
    dash: str
    segments: list[str]  # SVG polyline points, one string per unbroken run
    dots: list[tuple[float, float, str]]  # x, y, tooltip


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    label: str  # tooltip: "March 2025, views: 120"


@dataclass(frozen=True)
class LegendEntry:
    name: str
    color: str
    dash: str


@dataclass
class Chart:
    kind: str  # "line", "bar" or "hbar"
    title: str
    description: str
    x_label: str
    y_label: str
    width: int = WIDTH
    height: int = HEIGHT
    left: float = MARGIN_LEFT
    right: float = WIDTH - MARGIN_RIGHT
    top: float = MARGIN_TOP
    bottom: float = HEIGHT - MARGIN_BOTTOM
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    zero: float | None = None  # y of the zero line when the axis crosses it
    lines: list[Line] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    hbar_labels: list[Tick] = field(default_factory=list)  # category names (y) for hbar
    legend: list[LegendEntry] = field(default_factory=list)
    empty: bool = False

    @property
    def slug(self) -> str:
        return slugify(self.title)[:60] or "chart"

    @property
    def mid_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2


def nice_step(span: float, steps: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) dividing `span` in about `steps`."""
    if span <= 0:
        return 1.0
    raw = span / steps
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover (the loop always returns)


def _scale(low: float, high: float, *, integer: bool) -> tuple[float, float, float]:
    """Axis bounds and step that include `low`..`high` and zero, on round numbers."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    step = nice_step(high - low)
    if integer:
        step = max(1.0, round(step))
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _x_ticks(labels: Sequence[str], positions: Sequence[float]) -> list[Tick]:
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    return [Tick(positions[i], labels[i]) for i in range(0, len(labels), every)]


def _y_axis(
    chart: Chart, low: float, high: float, fmt: Format, *, integer: bool
) -> Callable[[float], float]:
    bottom_value, top_value, step = _scale(low, high, integer=integer)

    def y(value: float) -> float:
        share = (value - bottom_value) / (top_value - bottom_value)
        return round(chart.bottom - share * (chart.bottom - chart.top), 1)

    ticks = []
    value = bottom_value
    while value <= top_value + step / 1000:
        ticks.append(Tick(y(value), fmt(value)))
        value += step
    chart.y_ticks = ticks
    if bottom_value < 0 < top_value:
        chart.zero = y(0)
    return y


def _describe(series: Sequence[Series], labels: Sequence[str], fmt: Format) -> str:
    parts = []
    for s in series:
        known = [(labels[i], v) for i, v in enumerate(s.values) if v is not None]
        if not known:
            parts.append(f"{s.name}: no data")
            continue
        (first_label, first), (last_label, last) = known[0], known[-1]
        peak_label, peak = max(known, key=lambda item: item[1])
        parts.append(
            f"{s.name}: {fmt(first)} in {first_label}, {fmt(last)} in {last_label}, "
            f"highest {fmt(peak)} in {peak_label}"
        )
    return "; ".join(parts) + "."


def _all_values(series: Sequence[Series]) -> list[float]:
    return [v for s in series for v in s.values if v is not None]


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_label: str,
    x_label: str = "",
    fmt: Format = fmt_int,
    integer: bool = True,
) -> Chart:
    """Series over the same points in time (`labels`); a None value breaks its line."""
    chart = Chart("line", title, _describe(series, labels, fmt), x_label, y_label)
    values = _all_values(series)
    if not labels or not values:
        chart.empty, chart.description = True, "No data in this period."
        return chart
    y = _y_axis(chart, min(values), max(values), fmt, integer=integer)
    count = len(labels)
    span = chart.right - chart.left

    def x(i: int) -> float:
        return round(chart.left + (span * (i + 0.5) / count), 1)

    chart.x_ticks = _x_ticks(labels, [x(i) for i in range(count)])
    for n, s in enumerate(series):
        color, dash = PALETTE[n % len(PALETTE)], DASHES[(n // 2) % len(DASHES)]
        segments: list[str] = []
        run: list[str] = []
        dots = []
        for i, value in enumerate(s.values):
            if value is None:
                if run:
                    segments.append(" ".join(run))
                run = []
                continue
            run.append(f"{x(i)},{y(value)}")
            dots.append((x(i), y(value), f"{labels[i]}, {s.name}: {fmt(value)}"))
        if run:
            segments.append(" ".join(run))
        chart.lines.append(Line(s.name, color, dash, segments, dots if count <= MAX_DOTS else []))
        chart.legend.append(LegendEntry(s.name, color, dash))
    return chart


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_label: str,
    x_label: str = "",
    fmt: Format = fmt_int,
) -> Chart:
    """Counts over time, one bar per label, the series stacked (values must be >= 0)."""
    chart = Chart("bar", title, _describe(series, labels, fmt), x_label, y_label)
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    if not labels or not any(totals):
        chart.empty, chart.description = True, "No data in this period."
        return chart
    y = _y_axis(chart, 0, max(totals), fmt, integer=True)
    count = len(labels)
    slot = (chart.right - chart.left) / count
    width = round(max(1.0, slot * 0.72), 1)
    chart.x_ticks = _x_ticks(
        labels, [round(chart.left + slot * (i + 0.5), 1) for i in range(count)]
    )
    for i, label in enumerate(labels):
        base = 0.0
        for n, s in enumerate(series):
            value = s.values[i] or 0
            if value <= 0:
                continue
            top, bottom = y(base + value), y(base)
            chart.bars.append(
                Bar(
                    x=round(chart.left + slot * i + (slot - width) / 2, 1),
                    y=top,
                    width=width,
                    height=round(max(0.5, bottom - top), 1),
                    color=PALETTE[n % len(PALETTE)],
                    label=f"{label}, {s.name}: {fmt(value)}",
                )
            )
            base += value
    chart.legend = [
        LegendEntry(s.name, PALETTE[n % len(PALETTE)], "") for n, s in enumerate(series)
    ]
    return chart


def hbar_chart(
    *,
    title: str,
    items: Sequence[tuple[str, float]],
    x_label: str,
    fmt: Format = fmt_int,
    integer: bool = True,
) -> Chart:
    """One horizontal bar per (label, value), in the given order (values >= 0)."""
    description = "; ".join(f"{label}: {fmt(value)}" for label, value in items) + "."
    row = 24
    height = MARGIN_TOP + row * max(1, len(items)) + 44
    chart = Chart(
        "hbar", title, description, x_label, "", height=height, left=170, bottom=height - 44
    )
    if not items or not any(value for _, value in items):
        chart.empty, chart.description = True, "No data in this period."
        return chart
    top_value = _scale(0, max(value for _, value in items), integer=integer)[1]
    _, _, step = _scale(0, top_value, integer=integer)
    span = chart.right - chart.left

    def x(value: float) -> float:
        return round(chart.left + span * value / top_value, 1)

    ticks = []
    value = 0.0
    while value <= top_value + step / 1000:
        ticks.append(Tick(x(value), fmt(value)))
        value += step
    chart.x_ticks = ticks
    for i, (label, value) in enumerate(items):
        y = chart.top + row * i
        chart.hbar_labels.append(Tick(y + row / 2, label if len(label) <= 24 else label[:23] + "…"))
        chart.bars.append(
            Bar(
                x=chart.left,
                y=y + 4,
                width=round(max(0.5, x(value) - chart.left), 1),
                height=row - 8,
                color=PALETTE[0],
                label=f"{label}: {fmt(value)}",
            )
        )
    return chart
