"""Per-person rate limits on writes made through the site: posting, liking, uploading.

Each action has a limit in ``settings.RATE_LIMITS``: at most N per window of S seconds,
counted per person in fixed windows in the default cache (local memory for one process,
Redis, shared by every process, when REDIS_URL is set). Views apply the limits, not
actions, so that commands, imports and tests that write through actions are not throttled.

A view calls ``throttle(user=..., action=...)`` once it is about to write; a ``Throttled``
verdict means: do not write, re-render what the person sent with ``verdict.message``, and
answer through ``too_many_requests`` (429 with Retry-After).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# What the message calls each action ("You are posting too fast").
DOING = {"post": "posting", "like": "liking", "upload": "uploading"}

# The clock the windows are counted on; tests replace it rather than sleep.
clock: Callable[[], float] = time.time


@dataclass(frozen=True)
class Throttled:
    """An action refused for going over its limit, and how long until the window ends."""

    action: str
    retry_after: int  # seconds

    @property
    def message(self) -> str:
        return f"You are {DOING.get(self.action, 'doing that')} too fast; try again in {self.wait}."

    @property
    def wait(self) -> str:
        if self.retry_after <= 90:
            return f"{self.retry_after} second{'' if self.retry_after == 1 else 's'}"
        minutes = math.ceil(self.retry_after / 60)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"


def throttle(*, user: Any, action: str) -> Throttled | None:
    """Count one `action` by `user`; a Throttled verdict once that goes over the limit.

    Attempts over the limit count too, which changes nothing: the window's end is fixed."""
    allowed, seconds = settings.RATE_LIMITS[action]
    if allowed <= 0:
        return None
    now = clock()
    window = int(now // seconds)
    key = f"ratelimit:{action}:{user.pk}:{window}"
    # add() only creates the counter (atomically, also in Redis); incr() then counts
    # atomically, so simultaneous requests from several processes cannot both slip through.
    cache.add(key, 0, timeout=seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # the counter expired between add() and incr()
        cache.set(key, 1, timeout=seconds)
        used = 1
    if used <= allowed:
        return None
    return Throttled(action, max(1, math.ceil((window + 1) * seconds - now)))


def too_many_requests(response: HttpResponse, verdict: Throttled) -> HttpResponse:
    """Mark `response` (the re-rendered form, page or partial) as 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(verdict.retry_after)
    return response


def render_throttled(request: HttpRequest, verdict: Throttled, *, back_url: str) -> HttpResponse:
    """A page saying what was refused and for how long, for actions with no form to
    re-render (a like without JavaScript)."""
    context = {"message": verdict.message, "back_url": back_url}
    return too_many_requests(render(request, "intranet/rate_limited.html", context), verdict)
