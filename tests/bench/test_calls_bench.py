"""The call-count benchmark, at a small scale: every page answers, and the count moves when
a page does more work (so it can tell two versions of the code apart)."""

from __future__ import annotations

import argparse

import pytest
from django.core.management import call_command

from bench import calls_bench
from bench.seed_large import seed

SIZES = {"posts": 200, "answers": 600, "people": 40}


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    seed(**SIZES, progress=False)
    call_command("rebuild_index", verbosity=0)  # the search page needs its index


def test_counts_calls_and_queries_for_every_page(seeded, capsys):
    args = argparse.Namespace(**SIZES, requests=2, warmup=1)
    rows = calls_bench.run(args)
    assert [label.split(" (")[0] for label, *_ in rows] == [
        "home feed",
        "home feed",
        "home feed",
        "home feed",
        "question page",
        "tag page",
        "search page",
    ]
    for _label, calls, primitive, queries in rows:
        assert calls >= primitive > 1000  # a Django request runs thousands of functions
        assert queries > 0
    assert "calls/request" in capsys.readouterr().out


def test_more_work_shows_as_more_calls():
    def page() -> int:
        return sum(abs(n) for n in range(50))

    def heavier_page() -> int:
        return page() + page()

    calls, _ = calls_bench.calls_per_request(page, 4)
    more, _ = calls_bench.calls_per_request(heavier_page, 4)
    assert more > calls
    assert calls_bench.calls_per_request(page, 4)[0] == calls  # the same work, the same count
