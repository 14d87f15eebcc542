"""The benchmark report writer, on made-up rows: no benchmark runs here."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from xml.etree import ElementTree

from bench.report import ConfigInfo, RunInfo, growth_records, write_report
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


def test_recorded_larger_run_is_set_beside_this_runs_figures(tmp_path):
    record = {
        "measured": "2026-02-01T10:00+00:00",
        "command": ".venv/bin/python -m bench.scale_run --posts 1000000 --requests 40",
        "configuration": SCALE,
        "dataset": {"posts": 1_000_000, "answers": 3_000_000, "people": 50_000},
        "resources": [["Database on disk", "21.50 GB"]],
        "notes": ["feed: 312 s"],
        "rows": [
            Row("feed", "home feed (my network)", SCALE, 120.0, 300.0, 50.0, "ms").to_json(),
            Row("search", "rare term", SCALE, 7.0, 9.0, 60.0, "ms").to_json(),
        ],
    }
    (tmp_path / "growth-1m.json").write_text(json.dumps(record))
    (tmp_path / "other.json").write_text("{}")  # not a recorded run: ignored
    growth = growth_records(tmp_path)
    path = tmp_path / "benchmarks.md"

    write_report(path, made_up_run(), ROWS, growth)

    text = path.read_text()
    assert "## How cost grows" in text
    assert f"### {SCALE} at 1,000,000 posts, 3,000,000 answers, 50,000 people" in text
    assert "Recorded on 2026-02-01 with:" in text
    assert ".venv/bin/python -m bench.scale_run --posts 1000000 --requests 40" in text
    assert f"configuration ({'20 posts, 5 people'})" in text
    # 40 ms in this run's scale configuration, 120 ms recorded: three times the cost.
    assert (
        "| Feed, question and tag pages: home feed (my network) | 40.0 ms | 120 ms | 300 ms "
        "| 3.0× |  |"
    ) in text
    assert "| Search: rare term | — | 7.0 ms | 9.0 ms | — |  |" in text  # not in this run
    assert "| Database on disk | 21.50 GB |" in text
    assert "* feed: 312 s" in text


def test_report_without_recorded_runs_has_no_growth_section(tmp_path):
    path = tmp_path / "benchmarks.md"

    write_report(path, made_up_run(), ROWS, growth_records(tmp_path))

    assert "How cost grows" not in path.read_text()
