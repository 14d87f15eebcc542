"""The benchmark report: one Markdown file and, beside it, one SVG chart per figure.

`write_report(path, run, rows)` writes `path` (e.g. docs/benchmarks.md) and the charts into
the folder named after it (docs/benchmarks/), linked relatively. Every number written comes
from `rows` and `run`, which bench.run_all fills from the measurements of one run. Charts
are drawn here as plain SVG (no script, no external library): per measurement, a pale bar
for the median and a solid one for the p95 of each configuration, and the target as a dashed
line where the target applies to the p95.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from bench.results import Row
from reports.charts import PALETTE, nice_step

# section -> (title, what is measured, in words); the order is the report's.
SECTIONS = {
    "feed": (
        "Feed, question and tag pages",
        "In-process requests through Django's full stack (middleware, session, views, "
        "templates; DEBUG off) after a warm-up, signed in as the person who follows most.",
    ),
    "api": (
        "The API's lists and reads",
        "In-process requests to /api/v1/ through the full stack with a read token of the "
        "person who follows most, after a warm-up; the site's question page in the same run "
        "as the baseline.",
    ),
    "search": (
        "Search",
        "The search page and the header's typeahead through the full stack, with query words "
        "drawn from the seeded titles; the index build from the database; and an answer "
        "posted through the real action until search finds its unique word.",
    ),
    "relevance": (
        "Search relevance on real questions",
        "StackFAQ (Karan & Šnajder 2018; Stack Exchange content, CC BY-SA): 63 threads loaded "
        "through the actions into a scratch database, every paraphrase run as an ordinary "
        "person through the search page's service and the similar-questions box, next to a "
        "plain BM25 baseline (bm25s) on the same threads. Targets are judged as shortfalls "
        "(1 − P@1 at most 0.20, and so on).",
    ),
    "experts": (
        "Experts and de facto standards",
        "The nightly recomputes (the commands' functions, search reindexing of people not "
        "timed) and the tag page with its experts and standards sections.",
    ),
    "notify": (
        "Notifications",
        "Sockets held open as different people on uvicorn server processes while posts "
        "mention 10 of them each: a steady phase, a few posts after an idle gap, and a burst. "
        "Latency runs from commit to first receipt (by push or by a replay the client asks "
        "for); finally every socket reconnects and every row must have arrived.",
    ),
    "throughput": (
        "Throughput",
        "Several uvicorn worker processes serving a mixed read/write load from a second "
        "process on 127.0.0.1: keep-alive connections, each signed in as a different person, "
        "send requests back to back for a fixed time while the notification sockets stay "
        "open. No target was named; the figures are requests a second and latency per "
        "endpoint.",
    ),
    "reports": (
        "Knowledge-retention reports",
        "Each report page and its CSV over the default range (12 months) as staff: cold (the "
        "report cache off, every request computes the report) and cached.",
    ),
}
# Recorded runs on larger datasets (bench.scale_run), set beside this run's figures.
GROWTH_RECORDS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks"
GROWTH_PATTERN = "growth-*.json"
SVG_NS = "http://www.w3.org/2000/svg"
TARGET_COLOR = "#b42318"


@dataclass
class ConfigInfo:
    """One configuration as run: what it is, its service versions and the data measured."""

    name: str  # as Row.config
    description: str
    versions: str = ""
    dataset: dict[str, int] = field(default_factory=dict)  # "posts" -> count after seeding
    seed_seconds: float | None = None


@dataclass
class RunInfo:
    command: str
    started: datetime
    seconds: float
    machine: list[tuple[str, str]]  # ("Cores", "2"), ("Python", "3.11.7")...
    parameters: list[tuple[str, str]]  # what the run was asked to do
    configs: list[ConfigInfo]
    stages: list[tuple[str, str, float, str]]  # configuration, stage, seconds, outcome
    notes: list[str] = field(default_factory=list)


@dataclass
class Growth:
    """One recorded run of the page and search benchmarks on a larger dataset."""

    measured: str
    command: str
    configuration: str
    dataset: dict[str, int]
    resources: list[tuple[str, str]]
    notes: list[str]
    rows: list[Row]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Growth:
        return cls(
            measured=data["measured"],
            command=data["command"],
            configuration=data["configuration"],
            dataset=dict(data["dataset"]),
            resources=[(k, v) for k, v in data.get("resources", [])],
            notes=list(data.get("notes", [])),
            rows=[Row.from_json(r) for r in data["rows"]],
        )


def growth_records(folder: Path = GROWTH_RECORDS) -> list[Growth]:
    """The recorded larger runs in `folder`, by file name."""
    return [
        Growth.from_json(json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(folder.glob(GROWTH_PATTERN))
    ]


def fmt(value: float | None, unit: str = "") -> str:
    """A figure with as many digits as it deserves, and its unit."""
    if value is None:
        return "—"
    if abs(value) >= 100 or unit == "notifications" or value == 0:
        text = f"{value:,.0f}"
    elif abs(value) >= 1:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def cell(text: str) -> str:
    """Text that cannot break a Markdown table row."""
    return text.replace("|", "\\|").replace("\n", " ")


def target_text(row: Row) -> str:
    if row.target is None:
        return "—"
    if row.judged == "lost":
        return f"{row.target:,g} lost"
    return f"{row.judged} ≤ {row.target:,g} {row.unit}"


def ratio_text(row: Row) -> str:
    if row.ratio is None:
        return fmt(row.measured, row.unit) if row.target == 0 else "—"
    shown = f"{row.ratio:.2f}"
    if row.judged != "p95":  # say which figure was compared, since the table shows p95
        shown += f" ({row.judged} {fmt(row.measured, row.unit)})"
    return shown


def markdown_table(rows: Sequence[Row]) -> list[str]:
    lines = [
        "| measurement | configuration | median | p95 | target | ratio | result | details |",
        "|---|---|---:|---:|---|---:|---|---|",
    ]
    for row in rows:
        cells = [
            row.name,
            row.config,
            fmt(row.median, row.unit),
            fmt(row.p95, row.unit),
            target_text(row),
            ratio_text(row),
            row.verdict or "no target",
            row.extra,
        ]
        lines.append("| " + " | ".join(cell(c) for c in cells) + " |")
    return lines


def ordered(rows: Sequence[Row], configs: Sequence[str]) -> list[Row]:
    """Rows grouped by measurement (in the order first measured), configurations in order."""
    names = list(dict.fromkeys(r.name for r in rows))
    rank = {c: i for i, c in enumerate(configs)}
    return sorted(rows, key=lambda r: (names.index(r.name), rank.get(r.config, len(rank))))


def charted(rows: Sequence[Row]) -> list[list[Row]]:
    """One section's rows with a median and a p95, split into figures: one per unit, and a
    separate one for measurements under a tenth of their unit's largest figure or target,
    whose bars would otherwise be slivers beside it (a 30 ms typeahead beside a 2 s
    freshness target)."""
    by_unit: dict[str, list[Row]] = {}
    for row in rows:
        if row.median is not None and row.p95 is not None:
            by_unit.setdefault(row.unit, []).append(row)
    figures = []
    for drawn in by_unit.values():
        peaks: dict[str, float] = {}
        for row in drawn:
            target = row.target if row.target is not None and row.judged == "p95" else 0.0
            peaks[row.name] = max(peaks.get(row.name, 0.0), row.p95 or 0.0, target)
        largest = max(peaks.values())
        large = [r for r in drawn if peaks[r.name] * 10 >= largest]
        small = [r for r in drawn if peaks[r.name] * 10 < largest]
        figures += [f for f in (small, large) if f]
    return figures


def figure_title(title: str, drawn: Sequence[Row], figures: int) -> str:
    """The section's title, told apart from its other figures by unit or by what they show."""
    if figures == 1:
        return title
    names = list(dict.fromkeys(r.name for r in drawn))
    shown = " and ".join(names) if len(names) <= 2 else f"in {drawn[0].unit}"
    return f"{title}: {shown}"


def svg_chart(title: str, rows: Sequence[Row], configs: Sequence[str]) -> str:
    """Horizontal bars: per measurement and configuration, the median (pale) and the p95
    (solid), with the p95 target as a dashed line; a standalone SVG document."""
    width, label_right, plot_left, plot_right = 800, 276, 284, 720
    bar, pair_gap, config_gap, pad = 9, 2, 5, 8
    names = list(dict.fromkeys(r.name for r in rows))
    present = [c for c in configs if any(r.config == c for r in rows)]
    unit = rows[0].unit if rows else ""
    colors = {c: PALETTE[configs.index(c) % len(PALETTE)] for c in present}
    group = len(present) * (2 * bar + pair_gap) + (len(present) - 1) * config_gap + 2 * pad
    top = 58 + 18 * ((len(present) + 1) // 2)
    height = top + group * len(names) + 46
    targets = [r.target for r in rows if r.target is not None and r.judged == "p95"]
    peak = max([r.p95 or 0.0 for r in rows] + [r.median or 0.0 for r in rows] + targets)
    step = nice_step(peak * 1.05 or 1.0, 5)
    axis_max = step * max(1, -(-peak * 1.05 // step))

    def x(value: float) -> float:
        return round(plot_left + (plot_right - plot_left) * value / axis_max, 1)

    description = "; ".join(
        f"{r.name}, {r.config}: median {fmt(r.median, unit)}, p95 {fmt(r.p95, unit)}"
        + (f", target {fmt(r.target, unit)}" if r.target is not None and r.judged == "p95" else "")
        for r in rows
    )
    out = [
        f'<svg xmlns="{SVG_NS}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}.</desc>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="12" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    # Legend: one swatch per configuration, then what pale, solid and dashed mean.
    for i, config in enumerate(present):
        lx, ly = 12 + (i % 2) * 380, 40 + (i // 2) * 18
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="14" height="10" fill="{colors[config]}"/>')
        out.append(f'<text x="{lx + 20}" y="{ly}">{escape(config)}</text>')
    ly = 40 + 18 * ((len(present) + 1) // 2)
    out.append(
        f'<text x="12" y="{ly}" fill="#444">pale: median · solid: p95 · dashed: target '
        f"for the p95 · in {escape(unit)}</text>"
    )
    # Grid and axis.
    value = 0.0
    while value <= axis_max + step / 1000:
        gx = x(value)
        out.append(
            f'<line x1="{gx}" x2="{gx}" y1="{top}" y2="{height - 40}" stroke="#e2e2e2"/>'
            f'<text x="{gx}" y="{height - 24}" text-anchor="middle" fill="#444">'
            f"{value:,g}</text>"
        )
        value += step
    out.append(
        f'<text x="{(plot_left + plot_right) / 2}" y="{height - 8}" text-anchor="middle" '
        f'fill="#444">{escape(unit)}</text>'
    )
    for g, name in enumerate(names):
        gy = top + g * group
        if g % 2:  # every other measurement shaded, so that the eye keeps to its bars
            out.append(
                f'<rect x="4" y="{gy}" width="{width - 8}" height="{group}" fill="#f5f6f8"/>'
            )
        label = name if len(name) <= 42 else name[:41] + "…"
        out.append(
            f'<text x="{label_right}" y="{gy + group / 2}" text-anchor="end" '
            f'dominant-baseline="middle"><title>{escape(name)}</title>{escape(label)}</text>'
        )
        y = gy + pad
        for config in present:
            row = next((r for r in rows if r.name == name and r.config == config), None)
            # charted() keeps only rows with both figures; a missing one is drawn as no bar.
            figures = [] if row is None else [("median", row.median, "0.45"), ("p95", row.p95, "1")]
            for which, figure, opacity in figures:
                if figure is not None:
                    out.append(
                        f'<rect x="{plot_left}" y="{y}" width="{max(0.5, x(figure) - plot_left)}" '
                        f'height="{bar}" fill="{colors[config]}" fill-opacity="{opacity}">'
                        f"<title>{escape(name)}, {escape(config)}: {which} "
                        f"{escape(fmt(figure, unit))}</title></rect>"
                        f'<text x="{x(figure) + 4}" y="{y + bar - 1}" font-size="10" '
                        f'fill="#333">{escape(fmt(figure))}</text>'
                    )
                y += bar + pair_gap
            y += config_gap + (0 if figures else 2 * (bar + pair_gap)) - pair_gap
        target = next(
            (r.target for r in rows if r.name == name and r.target and r.judged == "p95"), None
        )
        if target is not None:
            tx = x(target)
            out.append(
                f'<line x1="{tx}" x2="{tx}" y1="{gy + 2}" y2="{gy + group - 2}" '
                f'stroke="{TARGET_COLOR}" stroke-width="2" stroke-dasharray="5 3">'
                f"<title>target: p95 ≤ {target:,g} {escape(unit)}</title></line>"
            )
    out.append(
        f'<line x1="{plot_left}" x2="{plot_left}" y1="{top}" y2="{height - 40}" stroke="#444"/>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def summary_lines(rows: Sequence[Row], configs: Sequence[str]) -> list[str]:
    lines = ["| configuration | targets met | missed |", "|---|---:|---|"]
    for config in configs:
        judged = [r for r in rows if r.config == config and r.verdict]
        met = [r for r in judged if r.verdict == "met"]
        missed = [
            f"{SECTIONS[r.section][0]}: {r.name}, {r.verdict}" for r in judged if r.verdict != "met"
        ]
        lines.append(
            f"| {cell(config)} | {len(met)} of {len(judged)} | "
            f"{cell('; '.join(missed)) or 'none'} |"
        )
    return lines


def growth_lines(growth: Growth, rows: Sequence[Row], infos: Sequence[ConfigInfo]) -> list[str]:
    """A recorded larger run beside this run's figures for the same measurement and
    configuration: the medians (the judged figure for CPU rows), and how many times more
    the larger dataset costs."""
    sizes = ", ".join(f"{n:,} {what}" for what, n in growth.dataset.items())
    here = {(r.section, r.name, r.config): r for r in rows}
    info = next((c for c in infos if c.name == growth.configuration), None)
    base = ", ".join(f"{n:,} {what}" for what, n in info.dataset.items()) if info else ""
    lines = [
        f"### {growth.configuration} at {sizes}",
        "",
        f"Recorded on {growth.measured[:10]} with:",
        "",
        "```sh",
        growth.command,
        "```",
        "",
        "Medians; the other column is this report's run of the same measurement and "
        f"configuration{f' ({base})' if base else ''}. The recorded run is not re-measured "
        "by `make bench`; wall times depend on the machine's load at each run, CPU times far "
        "less.",
        "",
        "| measurement | this run | larger dataset | p95 there | × | details there |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in growth.rows:
        mine = here.get((row.section, row.name, row.config))
        times = "—"
        if mine is not None and mine.median and row.median is not None:
            times = f"{row.median / mine.median:.1f}×"
        cells = [
            f"{SECTIONS.get(row.section, (row.section,))[0]}: {row.name}",
            fmt(mine.median if mine else None, row.unit),
            fmt(row.median, row.unit),
            fmt(row.p95, row.unit),
            times,
            row.extra,
        ]
        lines.append("| " + " | ".join(cell(c) for c in cells) + " |")
    lines += [
        "",
        "| | |",
        "|---|---|",
        *(f"| {cell(k)} | {cell(v)} |" for k, v in growth.resources),
    ]
    lines += ["", *(f"* {cell(note)}" for note in growth.notes), ""]
    return lines


def write_report(
    path: Path, run: RunInfo, rows: Sequence[Row], growth: Sequence[Growth] = ()
) -> list[Path]:
    """Write the Markdown report at `path` and its charts beside it, with the recorded larger
    runs in `growth` beside this run's figures; the files written."""
    charts_dir = path.with_suffix("")
    charts_dir.mkdir(parents=True, exist_ok=True)
    for old in charts_dir.glob("*.svg"):  # charts of an earlier run that this one lacks
        old.unlink()
    configs = [c.name for c in run.configs]
    configs += [r.config for r in rows if r.config not in configs]
    configs = list(dict.fromkeys(configs))
    minutes, seconds = divmod(round(run.seconds), 60)
    lines = [
        "# Benchmarks",
        "",
        f"Measured on {run.started:%Y-%m-%d} (started {run.started:%H:%M %Z}, took "
        f"{minutes} min {seconds} s) with:",
        "",
        "```sh",
        run.command,
        "```",
        "",
        "## Machine, configurations and data",
        "",
        "| | |",
        "|---|---|",
        *(f"| {cell(k)} | {cell(v)} |" for k, v in run.machine),
        "",
        "| configuration | what runs | versions | "
        + " | ".join(sorted({k for c in run.configs for k in c.dataset}, key=_dataset_order))
        + " | seeded in |",
    ]
    keys = sorted({k for c in run.configs for k in c.dataset}, key=_dataset_order)
    lines.append("|---|---|---|" + "---:|" * len(keys) + "---:|")
    for config in run.configs:
        counts = [f"{config.dataset[k]:,}" if k in config.dataset else "—" for k in keys]
        lines.append(
            f"| {cell(config.name)} | {cell(config.description)} | {cell(config.versions)} | "
            + " | ".join(counts)
            + f" | {fmt(config.seed_seconds, 's')} |"
        )
    lines += ["", *(f"* {k}: {v}" for k, v in run.parameters), ""]
    lines += [
        "Times are in milliseconds (ms) or seconds (s). The ratio is the measured figure "
        "(the p95 unless the target names another) divided by the target: **met** when it is "
        "at most 1, otherwise **missed by** that factor.",
        "",
        "## Summary",
        "",
        *summary_lines(rows, configs),
        "",
    ]
    written = []
    for section, (title, about) in SECTIONS.items():
        mine = ordered([r for r in rows if r.section == section], configs)
        if not mine:
            continue
        lines += [f"## {title}", "", about, ""]
        figures = charted(mine)
        for number, drawn in enumerate(figures, start=1):
            name = section if len(figures) == 1 else f"{section}-{number}"
            chart_path = charts_dir / f"{name}.svg"
            chart_title = figure_title(title, drawn, len(figures))
            chart_path.write_text(svg_chart(chart_title, drawn, configs), encoding="utf-8")
            written.append(chart_path)
            lines += [f"![{chart_title}]({charts_dir.name}/{chart_path.name})", ""]
        lines += [*markdown_table(mine), ""]
    if growth:
        lines += [
            "## How cost grows",
            "",
            "The page and search benchmarks run once on a larger dataset (bench.scale_run), "
            "beside this run's figures for the same measurement.",
            "",
        ]
        for record in growth:
            lines += growth_lines(record, rows, run.configs)
    lines += ["## Stage times", ""]
    lines += ["| configuration | stage | took | outcome |", "|---|---|---:|---|"]
    lines += [f"| {cell(c)} | {cell(s)} | {fmt(t, 's')} | {cell(o)} |" for c, s, t, o in run.stages]
    if run.notes:
        lines += ["", "## Notes", "", *(f"* {cell(note)}" for note in run.notes)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path, *written]


def _dataset_order(key: str) -> tuple[int, str]:
    known = ["posts", "answers", "people", "search documents"]
    return (known.index(key) if key in known else len(known), key)
