"""The demo company's content, read from the TOML files in demo/data/.

The files hold only data (names, titles, questions, answers); the modules that seed it (demo
people, posts, communities) keep the rules for turning it into rows through the actions.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

DATA_DIR = Path(__file__).resolve().parent / "data"

T = TypeVar("T")


@cache
def read(name: str) -> dict[str, Any]:
    """The parsed demo/data/<name>.toml (read once per process)."""
    with (DATA_DIR / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


def records(cls: type[T], rows: list[dict[str, Any]]) -> list[T]:
    """One `cls` per row of an array of tables; TOML's lists become tuples (the records
    are frozen dataclasses)."""
    return [
        cls(**{key: tuple(v) if isinstance(v, list) else v for key, v in row.items()})
        for row in rows
    ]
