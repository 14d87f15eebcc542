"""The benchmark report writer, on made-up rows: no benchmark runs here."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree

from bench.report import ConfigInfo, RunInfo, write_report
from bench.results import Row

EMBEDDED = "SQLite + Whoosh"
SCALE = "PostgreSQL + Redis + PostgreSQL search"


def made_up_run() -> RunInfo:
    return RunInfo(
        command="python -m bench.run_all --posts 20 --answers 60 --people 5 --quick",
        started=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
        seconds=125,
        machine=[("Cores", "2"), ("Python", "3.11.7")],
        parameters=[("Timed requests per page", "30")],
        configs=[
            ConfigInfo(EMBEDDED, "embedded", "SQLite 3.40", {"posts": 20, "people": 5}, 1.5),
            ConfigInfo(SCALE, "at scale", "PostgreSQL 16", {"posts": 20, "people": 5}, 2.5),
        ],
        stages=[(EMBEDDED, "feed", 3.2, "ok"), (SCALE, "feed", 4.1, "failed: HTTP 500")],
        notes=["the scale configuration's feed stopped early"],
    )


ROWS = [
    Row("feed", "home feed (my network)", EMBEDDED, 12.0, 20.0, 50.0, "ms", "31 queries"),
    Row("feed", "home feed (my network)", SCALE, 40.0, 100.0, 50.0, "ms", "29 queries"),
    Row("search", "index build", EMBEDDED, 12.5, 12.5, None, "s", "1,000 documents"),
    Row("notify", "steady delivery, p99", SCALE, None, None, 200.0, "ms", judged="p99", value=50),
    Row(
        "notify", "notifications lost (whole run)", SCALE, None, None, 0, "notifications",
        judged="lost", value=3,
    ),
]  # fmt: skip


def test_rows_say_met_or_missed_by_their_ratio():
    met, missed, untargeted, p99, lost = ROWS[0], ROWS[1], ROWS[2], ROWS[3], ROWS[4]
    assert (met.ratio, met.verdict) == (0.4, "met")
    assert (missed.ratio, missed.verdict) == (2.0, "missed by 2.0×")
    assert (untargeted.ratio, untargeted.verdict) == (None, "")
    assert (p99.ratio, p99.verdict) == (0.25, "met")
    assert lost.verdict == "missed (3 against 0)"
    assert Row.from_json(missed.to_json()) == missed


def test_report_has_a_table_per_benchmark_and_an_svg_per_figure(tmp_path):
    path = tmp_path / "benchmarks.md"

    written = write_report(path, made_up_run(), ROWS)

    text = path.read_text()
    assert "python -m bench.run_all --posts 20 --answers 60 --people 5 --quick" in text
    assert "Measured on 2026-01-05" in text
    assert (
        "| home feed (my network) | SQLite + Whoosh | 12.0 ms | 20.0 ms | p95 ≤ 50 ms | 0.40 "
        "| met | 31 queries |"
    ) in text
    assert f"| home feed (my network) | {SCALE} | 40.0 ms | 100 ms | p95 ≤ 50 ms | 2.00 " in text
    assert "| missed by 2.0× |" in text
    assert "| index build | SQLite + Whoosh | 12.5 s | 12.5 s | — | — | no target |" in text
    assert "| 0.25 (p99 50.0 ms) | met |" in text
    assert "| 0 lost | 3 notifications | missed (3 against 0) |" in text
    assert f"| {EMBEDDED} | 1 of 1 | none |" in text
    assert "| failed: HTTP 500 |" in text
    charts = sorted(p.name for p in (tmp_path / "benchmarks").iterdir())
    assert charts == ["feed.svg", "search.svg"]  # notifications had no median and p95 to draw
    assert "![Feed, question and tag pages](benchmarks/feed.svg)" in text
    assert sorted(written) == sorted([path, *(tmp_path / "benchmarks").iterdir()])
    svg = ElementTree.fromstring((tmp_path / "benchmarks" / "feed.svg").read_text())  # noqa: S314  (written just now)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    bars = svg.findall("{http://www.w3.org/2000/svg}rect[@fill-opacity]")
    assert len(bars) == 4  # a median and a p95 for each configuration
    targets = svg.findall("{http://www.w3.org/2000/svg}line[@stroke-dasharray]")
    assert len(targets) == 1
