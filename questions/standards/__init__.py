"""De facto standards as the pages show them: the badges of a post page and a feed card,
the tag page's Standards section and the company-wide Standards page.

Which item of a tag is its standard, emerging item, contender or former standard is
computed daily by reports.standards (the algorithm is described there) into the Standard
and StandingSnapshot tables (questions.models); this package only reads those rows.

Modules
    config    the thresholds the computation applies and the pages state (THRESHOLDS is
              what a run and the pages use)
    present   reading for pages: visibility, grouping, words, sparklines, badges
Everything public is importable from here.
"""

from questions.standards import config
from questions.standards.config import (
    COMPETING_PERCENT,
    EMERGING_MIN_PEOPLE,
    GRACE_DAYS,
    HALF_LIFE_DAYS,
    MIN_DEPARTMENTS,
    MIN_PEOPLE,
    MIN_REUSE,
    SNAPSHOT_DAYS,
    SPARKLINE_DAYS,
    SUSTAINED_DAYS,
    TOP_N,
    WINDOW_DAYS,
    Thresholds,
)
from questions.standards.present import (
    STATUS_ORDER,
    TAGS_PER_PAGE,
    Shown,
    Sparkline,
    TagSection,
    TagStandards,
    attach_badges,
    reasons,
    show,
    sparkline,
    standards_for_tag,
    standards_overview,
    visible_standards,
    with_sparklines,
)

__all__ = [
    "COMPETING_PERCENT",
    "EMERGING_MIN_PEOPLE",
    "GRACE_DAYS",
    "HALF_LIFE_DAYS",
    "MIN_DEPARTMENTS",
    "MIN_PEOPLE",
    "MIN_REUSE",
    "SNAPSHOT_DAYS",
    "SPARKLINE_DAYS",
    "STATUS_ORDER",
    "SUSTAINED_DAYS",
    "TAGS_PER_PAGE",
    "THRESHOLDS",
    "TOP_N",
    "WINDOW_DAYS",
    "Shown",
    "Sparkline",
    "TagSection",
    "TagStandards",
    "Thresholds",
    "attach_badges",
    "reasons",
    "show",
    "sparkline",
    "standards_for_tag",
    "standards_overview",
    "visible_standards",
    "with_sparklines",
]


def __getattr__(name: str) -> Thresholds:
    # THRESHOLDS is read where the algorithm reads it, never copied here: a test that
    # replaces it (tests.support.standards.set_thresholds) changes it for every reader.
    if name == "THRESHOLDS":
        return config.THRESHOLDS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
