"""The algorithm's weights (described in reports.standards): what each signal counts for,
how far support across the company multiplies it, and how it decays with age. Its
thresholds, which the pages state too, are in questions.standards.config.

They belong to the algorithm, not to a deployment: they change here, with the tests.
"""

from __future__ import annotations

from questions.standards.config import Thresholds

LIKE_WEIGHT = 1.0
DOWNLOAD_WEIGHT = 1.0
LINK_WEIGHT = 2.0
ACCEPTED_WEIGHT = 3.0
DEPARTMENT_SPREAD = 0.15
COMMUNITY_SPREAD = 0.05
MAX_SPREAD = 2.0
# Period boundaries in windows of WINDOW_DAYS: [0, 1), [1, 2), [2, 3), [3, 6),
# [6, 12), [12, ...). Period 0 is the recent window, period 1 the previous one.
PERIOD_EDGES = (0, 1, 2, 3, 6, 12)


def period_weights(t: Thresholds) -> list[float]:
    """Each period's decay, 0.5 ** (age / half-life) at its middle."""
    middles = [(low + high) / 2 for low, high in zip(PERIOD_EDGES, PERIOD_EDGES[1:], strict=False)]
    middles.append(PERIOD_EDGES[-1] * 1.5)
    return [0.5 ** (m * t.window_days / t.half_life_days) for m in middles]
