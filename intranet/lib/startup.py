"""Turning start-up misconfiguration into a one-line message instead of a traceback."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.utils import OperationalError

from intranet.lib.config import ConfigError


@contextmanager
def exit_on_config_error() -> Iterator[None]:
    """Load settings, run the body; a ConfigError or an unreachable database exits with code 2."""
    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018  (forces settings to load here, inside the guard)
        yield
    except ConfigError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(2) from None
    except OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(f"error: DATABASE_URL: cannot use the database ({first_line})\n")
        raise SystemExit(2) from None
