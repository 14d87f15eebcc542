"""Server-drawn SVG charts."""

from __future__ import annotations

from django.template.loader import render_to_string

from reports import charts


def test_nice_steps():
    assert charts.nice_step(10) == 2.5
    assert charts.nice_step(100) == 25
    assert charts.nice_step(7) == 2
    assert charts.nice_step(0.6) == 0.2


def test_line_chart_breaks_at_missing_values_and_describes_itself():
    chart = charts.line_chart(
        title="Sentiment",
        labels=["Jan", "Feb", "Mar", "Apr"],
        series=[charts.Series("#ops", [0.5, None, -0.2, 0.1])],
        y_label="Average",
        fmt=charts.fmt_score,
        integer=False,
    )
    assert len(chart.lines[0].segments) == 2
    assert chart.zero is not None  # the axis crosses zero
    assert "#ops: 0.50 in Jan, 0.10 in Apr, highest 0.50 in Jan" in chart.description
    assert chart.y_ticks[0].label.startswith("-")


def test_bars_stack_and_scale_to_the_tallest():
    chart = charts.bar_chart(
        title="Uses",
        labels=["Jan", "Feb"],
        series=[charts.Series("Views", [4, 6]), charts.Series("Likes", [0, 2])],
        y_label="Uses",
    )
    assert len(chart.bars) == 3  # no bar for a zero
    tallest = min(bar.y for bar in chart.bars)
    assert tallest >= chart.top
    assert chart.y_ticks[-1].label == "8"


def test_empty_chart_says_so():
    chart = charts.hbar_chart(title="Shares", items=[], x_label="Share")
    assert chart.empty
    svg = render_to_string("reports/partials/chart.html", {"chart": chart})
    assert "No data in this period" in svg


def test_rendered_svg_is_accessible_and_escaped():
    chart = charts.hbar_chart(
        title="Share <script>",
        items=[("#a<b>", 60.0), ("#c", 40.0)],
        x_label="Share",
        fmt=charts.fmt_pct,
    )
    svg = render_to_string("reports/partials/chart.html", {"chart": chart})
    assert 'role="img"' in svg and "aria-labelledby" in svg
    assert "<title" in svg and "<desc" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "#a&lt;b&gt;: 60%" in svg
