"""The thresholds of the de facto standards: the rules the daily computation applies
(reports.standards) and that the pages state ("has led for 21 days, with 5 people in 2
departments"), so they sit here, below both. The weights, which only the computation reads,
are in reports.standards.weights.

They belong to the algorithm, not to a deployment: they change here, with the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

SPARKLINE_DAYS = 60  # the trend the Standards page draws (the run keeps snapshots that long)


SUSTAINED_DAYS = 21  # leading every daily snapshot this long makes the standard...
MIN_PEOPLE = 5  # ...with this many supporters...
MIN_DEPARTMENTS = 2  # ...in this many departments...
MIN_REUSE = 1  # ...reused this often (downloads, links, acceptance): likes alone are not enough
GRACE_DAYS = 7  # a standard not leading this long is demoted
EMERGING_MIN_PEOPLE = 3  # supporters an emerging item needs
COMPETING_PERCENT = 70  # the second competes when it scores this share of the leader
WINDOW_DAYS = 30  # the recent window, and the previous one before it
HALF_LIFE_DAYS = 90  # support weighs half as much after this long
TOP_N = 10  # each tag's top items are snapshotted daily...
SNAPSHOT_DAYS = 120  # ...and the snapshots kept this long


@dataclass(frozen=True)
class Thresholds:
    sustained_days: int = SUSTAINED_DAYS
    grace_days: int = GRACE_DAYS
    min_people: int = MIN_PEOPLE
    min_departments: int = MIN_DEPARTMENTS
    min_reuse: int = MIN_REUSE
    emerging_min_people: int = EMERGING_MIN_PEOPLE
    competing_percent: int = COMPETING_PERCENT
    window_days: int = WINDOW_DAYS
    half_life_days: int = HALF_LIFE_DAYS
    top_n: int = TOP_N
    snapshot_days: int = SNAPSHOT_DAYS

    @property
    def lookback_days(self) -> int:
        """How far back the rank-1 history is read to decide promotion and demotion."""
        return self.sustained_days + self.grace_days + 1


# What recompute_standards and the pages use (tests replace it to try other thresholds).
THRESHOLDS = Thresholds()
