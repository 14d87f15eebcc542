"""Demo drafts for `manage.py seed_demo`: documents shared early for feedback, and their files.

The drafts are data (demo/data/drafts.toml); each version's file is built when the demo is
seeded, from the draft's template in demo/data/drafts/ (demo.documents), so the comments on a
version are about what that version says.

demo.posts writes them through questions.actions (share_draft, upload_version,
post_answer, record_download), like every other demo post.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from demo import documents
from demo.datafiles import read


@dataclass(frozen=True)
class VersionIdea:
    filename: str
    build: Callable[[], bytes]
    change_note: str = ""  # empty for the first version
    comments: tuple[tuple[str, str], ...] = ()  # (username, Markdown) about this version


@dataclass(frozen=True)
class DraftIdea:
    title: str
    body: str  # what feedback is wanted; @mentions ask reviewers
    author: str
    tags: tuple[str, ...]
    versions: tuple[VersionIdea, ...]
    community: str | None = None
    final: bool = False  # the author marks it final after the last version


def _draft(row: dict[str, Any]) -> DraftIdea:
    """One [[drafts]] entry of drafts.toml; its files are built only when asked for."""
    versions = tuple(
        VersionIdea(
            filename=row["file"],
            build=partial(documents.build, row["template"], row["file"], number),
            change_note=version.get("change_note", ""),
            comments=tuple((username, text) for username, text in version.get("comments", [])),
        )
        for number, version in enumerate(row["versions"], start=1)
    )
    return DraftIdea(
        title=row["title"],
        body=row["body"],
        author=row["author"],
        tags=tuple(row["tags"]),
        versions=versions,
        community=row.get("community"),
        final=row.get("final", False),
    )


DRAFTS = [_draft(row) for row in read("drafts")["drafts"]]
