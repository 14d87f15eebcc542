"""The embedded scheduler: each periodic command runs when due, once, and a failure neither
stops the others nor makes the job run again before its next turn."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from intranet.lib import schedule


@pytest.fixture
def calls(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ran: list[str] = []

    def fake(command, **options):
        ran.append(command)
        if command == "recompute_expertise":
            raise RuntimeError("broken on purpose")

    monkeypatch.setattr(schedule, "call_command", fake)
    return ran


def test_everything_is_due_the_first_time_and_nothing_right_after(calls, caplog):
    now = timezone.now()
    assert schedule.run_due(now) == [job.command for job in schedule.JOBS]
    assert calls == [job.command for job in schedule.JOBS]  # the failure did not stop the rest
    assert "scheduled recompute_expertise failed" in caplog.text
    assert schedule.run_due(now + timedelta(minutes=4)) == []


def test_hourly_and_daily_jobs_come_round_at_their_own_pace(calls):
    now = timezone.now()
    schedule.run_due(now)
    assert schedule.run_due(now + timedelta(minutes=15)) == ["warm_reports", "send_webhooks"]
    assert schedule.run_due(now + timedelta(hours=1)) == [
        "nudge_waiting_questions",
        "warm_reports",
        "send_webhooks",
    ]
    assert schedule.run_due(now + timedelta(days=1)) == [
        "nudge_waiting_questions",
        "recompute_expertise",
        "recompute_standards",
        "refresh_summaries",
        "send_digests",
        "warm_reports",
        "send_webhooks",
    ]
    assert "send_weekly_summary" in schedule.run_due(now + timedelta(days=7))


def test_last_runs_survive_a_restart_and_a_damaged_file_runs_everything(calls, tmp_path):
    now = timezone.now()
    schedule.run_due(now)
    saved = json.loads((tmp_path / "schedule.json").read_text())
    assert set(saved) == {job.command for job in schedule.JOBS}
    assert schedule.run_due(now + timedelta(minutes=1)) == []  # read back from the file
    (tmp_path / "schedule.json").write_text("{not json")
    assert len(schedule.run_due(now + timedelta(minutes=2))) == len(schedule.JOBS)


@pytest.mark.django_db
def test_the_real_commands_run_on_an_empty_database(settings, tmp_path, caplog):
    settings.VAR_DIR = tmp_path
    assert schedule.run_due() == [job.command for job in schedule.JOBS]
    assert "failed" not in caplog.text
