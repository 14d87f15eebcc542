"""The weekly e-mail to staff."""

from __future__ import annotations

import io

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command

from reports.management.commands.send_weekly_summary import change
from reports.report import Figure
from reports.tables import HOURS, INT, PCT


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_weekly_summary", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_one_email_per_staff_member_with_an_address(staff, make_user, make_question):
    make_user("second", is_staff=True)
    make_user("plain")  # not staff: nothing
    from profiles.models import User

    User.objects.create(username="noaddress", is_staff=True, email="")
    make_question(author=make_user(), title="Anyone?")
    out = run("--base-url", "https://intranet.example.com/")
    assert "Weekly summaries sent: 2." in out
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@example.com", "second@example.com"]
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    assert "Questions asked: 1 (+1)" in message.body
    assert "https://intranet.example.com/staff/reports/responsiveness/" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and "Retained knowledge" in str(html)


def test_dry_run_prints_and_sends_nothing(staff):
    out = run("--dry-run")
    assert "To: boss@example.com" in out and "Subject: [" in out
    assert "Former colleagues" in out
    assert mail.outbox == []


def test_changes_in_words():
    assert change(Figure("a", 12, INT), Figure("a", 10, INT)) == "+2"
    assert change(Figure("a", 40.0, PCT), Figure("a", 50.0, PCT)) == "10 points lower"
    assert change(Figure("a", 2.0, HOURS), Figure("a", 5.0, HOURS)) == "3.0 h faster"
    assert change(Figure("a", 3, INT), Figure("a", 3, INT)) == "no change"
    assert change(Figure("a", None, HOURS), Figure("a", 5.0, HOURS)) == ""
