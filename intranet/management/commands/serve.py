"""Serve HTTP and websockets with one ASGI server process (uvicorn), as `make run` does."""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from intranet.lib import schedule


class Command(BaseCommand):
    help = (
        "Serve pages, static files and websockets on one address with uvicorn. For several "
        "workers in production run `uvicorn intranet.asgi:application --workers N` with "
        "REDIS_URL set, so that the workers share notifications."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to bind (default %(default)s)."
        )
        parser.add_argument("--port", type=int, default=8000, help="Port (default %(default)s).")
        parser.add_argument(
            "--quiet", action="store_true", help="Do not log every request (errors still are)."
        )

    def handle(self, *args: Any, host: str, port: int, quiet: bool, **options: Any) -> None:
        if settings.SCHEDULER:
            schedule.start()
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(self.style.SUCCESS(f"Serving on http://{shown}:{port}/  (Ctrl+C stops)"))
        self.stdout.flush()
        # uvicorn streams request bodies to the application, so oversized uploads are refused
        # from their headers (intranet.lib.bodylimit); daphne reads a whole body first.
        uvicorn.run(
            "intranet.asgi:application",
            host=host,
            port=port,
            lifespan="off",
            access_log=not quiet,
            server_header=False,
            timeout_graceful_shutdown=5,
        )
