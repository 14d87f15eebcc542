"""De facto standards: the answer, draft or post that colleagues keep liking, downloading,
accepting and linking to has become the standard for its topic.

Items and their topics
    An item is a post (question, status update, draft) or an answer; its tags are its post's
    tags. Only items in live posts outside private communities are scored, so a standard can
    be shown to everyone and nothing about private content reaches a snapshot or a badge
    (views filter by visibility all the same, in case a community turns private later).
    Deleted posts and answers never count, neither as items nor as sources of links.

Signals (each dated; nothing dated after `now` counts, so past days can be recomputed)
    like                 1 per like
    download             1 per distinct downloader of a draft in each period
    link                 2 per distinct other post linking to it (questions.links)
    accepted answer      3, for the answer only (a question does not earn its accepted
                         answer's acceptance: the answer is the reusable knowledge). There
                         is no acceptance date, so it is dated by the answer's creation.
    Supporters are the likers, downloaders, authors of linking posts and the asker who
    accepted; their distinct departments and (open) communities measure spread.

Score
    Signals are summed per period of age (the recent window W = WINDOW_DAYS, the W
    before it, then 2W..3W, 3W..6W, 6W..12W and older), each period weighted by
    0.5 ** (age / HALF_LIFE_DAYS) at its middle: a stepwise exponential decay
    that SQLite and PostgreSQL compute alike with conditional counts in one GROUP BY.
    The sum is multiplied by the spread factor
        1 + 0.15 * (departments - 1) + 0.05 * (communities - 1), between 1 and 2,
    so that support from across the company outweighs the same support from one team.
    Growth is the recent window's signals minus the previous window's.

States (recompute_standards, run daily; one StandingSnapshot per day for each tag's top
TOP_N and its fastest riser)
    standard   led the tag (rank 1) on every snapshot of the last SUSTAINED_DAYS,
               with MIN_PEOPLE supporters in MIN_DEPARTMENTS departments
               and at least MIN_REUSE signals of reuse (downloaders, links,
               acceptance: likes alone make a popular item, not a standard);
               held until it has not led for GRACE_DAYS or its support falls below
               those thresholds, then it becomes
    former     (kept as history; removed when the item is deleted or turns private).
    emerging   the tag's fastest-growing item other than its standard, with positive growth
               and EMERGING_MIN_PEOPLE supporters; recomputed every day.
    contender  one of two competing items that is neither of the above.
    competing  (a flag) the tag's top two when the second scores at least
               COMPETING_PERCENT of the leader and both have MIN_PEOPLE
               supporters: they are shown side by side.

Modules
    weights   the weights above
    scoring   the set-based queries: signals, supporters, spread, ranking
    states    the state machine
    store     the daily run (recompute_standards): snapshots and rows, in one transaction
The thresholds, which the pages state too, are questions.standards.config (THRESHOLDS is
what a run and the pages use); the pages read the stored rows through questions.standards.
Everything public of the computation is importable from here.
"""

from questions.standards.config import Thresholds
from reports.standards.scoring import ItemStats
from reports.standards.states import HISTORY_KEYS, SUPPORT_FELL, Pair
from reports.standards.store import Progress, RecomputeSummary, recompute_standards
from reports.standards.weights import (
    ACCEPTED_WEIGHT,
    COMMUNITY_SPREAD,
    DEPARTMENT_SPREAD,
    DOWNLOAD_WEIGHT,
    LIKE_WEIGHT,
    LINK_WEIGHT,
    MAX_SPREAD,
    PERIOD_EDGES,
    period_weights,
)

__all__ = [
    "ACCEPTED_WEIGHT",
    "COMMUNITY_SPREAD",
    "DEPARTMENT_SPREAD",
    "DOWNLOAD_WEIGHT",
    "HISTORY_KEYS",
    "LIKE_WEIGHT",
    "LINK_WEIGHT",
    "MAX_SPREAD",
    "PERIOD_EDGES",
    "SUPPORT_FELL",
    "ItemStats",
    "Pair",
    "Progress",
    "RecomputeSummary",
    "Thresholds",
    "period_weights",
    "recompute_standards",
]
