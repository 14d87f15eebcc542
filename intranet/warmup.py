"""What a server process prepares once as it starts, in the background, so that its first
requests do not wait for it: the meaning model and the document vectors that every search
compares a question with (2-3 s for the first search at 100,000 posts without this)."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections

from search import meaning

logger = logging.getLogger(__name__)


def _warm() -> None:
    try:
        meaning.warm()
    except Exception:  # the first search will load what it needs
        logger.warning("warming search up at start-up failed", exc_info=True)
    finally:
        connections.close_all()  # this thread's connections, back to the pool or closed


def start() -> threading.Thread | None:
    """Warm up in a daemon thread (SEARCH_WARM_UP=0: not at all); requests are served
    meanwhile, and a search that comes first waits for the same load, not a second one."""
    if not settings.SEARCH_WARM_UP:
        return None
    thread = threading.Thread(target=_warm, name="search-warm-up", daemon=True)
    thread.start()
    return thread
