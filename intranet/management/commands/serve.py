"""Serve HTTP and websockets with one ASGI server (daphne), as `make run` does."""

from __future__ import annotations

from typing import Any

from daphne.cli import CommandLineInterface
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Serve pages, static files and websockets on one address with daphne. For several "
        "workers in production run uvicorn or granian on intranet.asgi:application instead."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to bind (default %(default)s)."
        )
        parser.add_argument("--port", type=int, default=8000, help="Port (default %(default)s).")

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(self.style.SUCCESS(f"Serving on http://{shown}:{port}/  (Ctrl+C stops)"))
        self.stdout.flush()
        CommandLineInterface().run(
            ["--bind", host, "--port", str(port), "intranet.asgi:application"]
        )
