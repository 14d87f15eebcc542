"""One date format everywhere: the `when` filter and the text form for e-mails."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

from intranet.lib.dates import format_when, is_time_zone_name, time_zone

MOMENT = datetime(2026, 12, 7, 13, 5, tzinfo=UTC)


def _render(source: str, **context: object) -> str:
    return Template("{% load dates %}" + source).render(Context(context))


def test_a_time_is_shown_absolute_in_the_active_zone_with_the_full_time_on_hover():
    with timezone.override("Europe/Paris"):
        html = _render("{{ moment|when }}", moment=MOMENT)
    assert html == (
        '<time datetime="2026-12-07T14:05:00+01:00" '
        'title="Monday 7 December 2026, 14:05 (Europe/Paris)">7 Dec 2026, 14:05</time>'
    )


def test_the_same_moment_reads_differently_in_another_zone():
    with timezone.override("America/New_York"):
        html = _render("{{ moment|when }}", moment=MOMENT)
    assert 'datetime="2026-12-07T08:05:00-05:00"' in html
    assert ">7 Dec 2026, 08:05</time>" in html
    assert "(America/New_York)" in html


def test_a_date_has_no_time_and_no_zone():
    html = _render("{{ day|when }}", day=date(2026, 12, 7))
    assert html == '<time datetime="2026-12-07" title="Monday 7 December 2026">7 Dec 2026</time>'


def test_nothing_is_shown_for_no_date():
    assert _render("[{{ a|when }}][{{ b|when }}][{{ c|when_text }}]", a=None, b="", c=None) == (
        "[][][]"
    )


def test_the_text_form_for_e_mails_matches_the_page():
    with timezone.override("Asia/Tokyo"):
        text = _render("{{ moment|when_text }}", moment=MOMENT)
        assert text == format_when(MOMENT) == "7 Dec 2026, 22:05"


def test_zone_names_are_checked_against_the_zone_database():
    assert is_time_zone_name("Europe/Paris")
    assert time_zone("Europe/Paris") is not None
    for bad in ["", "Mars/Olympus", "../../etc/passwd", "europe/paris"]:
        assert not is_time_zone_name(bad)
        assert time_zone(bad) is None


def test_no_template_formats_dates_its_own_way():
    """Every page shows dates through `when` (one format, the reader's zone, never a relative
    "3 hours ago" that a cached card would keep showing)."""
    own_way = re.compile(r"\|\s*(date|time|timesince|timeuntil|naturaltime|naturalday)\b")
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in Path(settings.BASE_DIR, "templates").rglob("*.*")
        for match in own_way.finditer(path.read_text())
    ]
    assert not found, found
