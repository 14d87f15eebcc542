"""The five reports: what each is called, what it answers, and how it is computed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reports import defacto, participation, responsiveness, retained, risk
from reports.people import Person
from reports.periods import DateRange, default_range
from reports.report import Figure, Report


@dataclass(frozen=True)
class Entry:
    slug: str
    title: str
    question: str  # what the report answers, for the index page
    build: Callable[..., Report]
    headlines: Callable[[DateRange], list[Figure]]
    default_range: Callable[[], DateRange] = default_range
    allow_future: bool = False
    name: str = ""  # the URL name, when the slug would clash with another (default: slug)

    @property
    def url_name(self) -> str:
        return f"reports:{self.name or self.slug}"

    @property
    def csv_url_name(self) -> str:
        return f"{self.url_name}_csv"


CATALOG: list[Entry] = [
    Entry(
        retained.SLUG,
        retained.TITLE,
        "What do we still know thanks to people who left, and how much is it still used?",
        retained.build,
        retained.headlines,
    ),
    Entry(
        risk.SLUG,
        risk.TITLE,
        "What could we lose when someone leaves, and who could take over?",
        risk.build,
        risk.headlines,
        default_range=risk.default_range,
        allow_future=True,
    ),
    Entry(
        responsiveness.SLUG,
        responsiveness.TITLE,
        "How fast do questions get answered, and which are still waiting?",
        responsiveness.build,
        responsiveness.headlines,
    ),
    Entry(
        participation.SLUG,
        participation.TITLE,
        "Who takes part, who has a voice, and how does it feel?",
        participation.build,
        participation.headlines,
    ),
    Entry(
        defacto.SLUG,
        defacto.TITLE,
        "Which answers became the standard for their topic, and what is rising?",
        defacto.build,
        defacto.headlines,
        # The header's "Standards" link is highlighted by the URL name "standards".
        name="standards_report",
    ),
]
BY_SLUG: dict[str, Entry] = {entry.slug: entry for entry in CATALOG}


def all_headlines(period: DateRange) -> dict[str, list[Figure]]:
    return {entry.slug: entry.headlines(period) for entry in CATALOG}


def cache_options(options: dict[str, object]) -> str:
    """The part of a cache key that a report's options make (the what-if person)."""
    what_if = options.get("what_if")
    return f"what-if={what_if.username}" if isinstance(what_if, Person) else ""
