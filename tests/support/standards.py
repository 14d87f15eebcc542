"""Signals dated where a test wants them, for the de facto standards tests.

Each goes through the real action and then moves its timestamp, as the demo data does.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from profiles.models import User
from questions.actions import record_download, set_like
from questions.models import Answer, DraftDownload, Like, Post, VersionDownload
from questions.standards import config


def like_at(when: datetime, user: User, *, post: Post | None = None, answer: Answer | None = None):
    set_like(user=user, post=post, answer=answer, liked=True)
    Like.objects.filter(user=user, post=post, answer=answer).update(created_at=when)


def download_on(day: date, user: User, draft: Post) -> None:
    """One download of the draft's current version by `user` (once per person in a test)."""
    assert draft.current_version is not None
    assert record_download(version=draft.current_version, user=user)
    DraftDownload.objects.filter(post=draft, user=user).update(day=day)
    VersionDownload.objects.filter(version__post=draft, user=user).update(day=day)


def set_thresholds(monkeypatch: Any, **changes: int) -> None:
    """Run this test with other de facto standards thresholds, on top of any the test
    already changed. Replaced where the algorithm reads them (questions.standards.config);
    `questions.standards.THRESHOLDS` reads the same object."""
    monkeypatch.setattr(config, "THRESHOLDS", dataclasses.replace(config.THRESHOLDS, **changes))
