"""Deliveries to a real receiving server on 127.0.0.1: signed, retried, in order, never lost,
never showing what the hook's owner could not see."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from profiles.actions import mark_departed
from webhooks import actions, sending
from webhooks.models import Delivery, Webhook

SITE = "https://intranet.example.com"


@pytest.fixture(autouse=True)
def _site(settings) -> None:
    settings.SITE_URL = SITE


@pytest.fixture
def worker_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deliveries are recorded but no task sends them (a worker that is down)."""
    monkeypatch.setattr(actions, "enqueue_sending", lambda webhook_id: None)


def due_now() -> None:
    """Time passes: every pending delivery's next attempt is due."""
    Delivery.objects.filter(status=Delivery.Status.PENDING).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def readme_check() -> Any:
    """The README's signature check, run as written."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102  (our own README)
    return namespace["is_from_outloud"]


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does: the README's example, and the timestamp header agrees."""
    signature = dict(item.split("=", 1) for item in headers["X-Outloud-Signature"].split(","))
    same_time = signature["t"] == headers["X-Outloud-Timestamp"]
    return same_time and bool(readme_check()(secret, headers, body))


def test_a_question_reaches_the_receiver_signed_after_commit(
    make_hook, make_user, make_question, receiver, django_capture_on_commit_callbacks
) -> None:
    hook = make_hook(events=("question.asked",))
    asker = make_user(display_name="Maria Asker")
    with django_capture_on_commit_callbacks(execute=True):
        question = make_question(author=asker, title="How do we sign builds?", tags=["release"])
        assert receiver.received == []  # nothing before commit
    (got,) = receiver.wait(1)
    assert verify(hook.secret, got.headers, got.body)
    assert not verify("whsec_wrong", got.headers, got.body)
    assert not verify(hook.secret, got.headers, got.body + b" ")  # tampered
    assert got.headers["X-Outloud-Event"] == "question.asked"
    delivery = Delivery.objects.get()
    assert got.headers["X-Outloud-Delivery"] == str(delivery.pk)
    assert got.json == {
        "event": "question.asked",
        "delivery_id": delivery.pk,
        "occurred_at": delivery.payload["occurred_at"],
        "post_id": question.pk,
        "kind": "question",
        "title": "How do we sign builds?",
        "url": SITE + question.get_absolute_url(),
        "author": "Maria Asker",
        "tags": ["release"],
        "community": None,
    }
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1 and delivery.last_status_code == 200


def test_a_500_is_retried_later_with_growing_waits(
    make_hook, make_user, make_question, receiver, django_capture_on_commit_callbacks
) -> None:
    make_hook()
    receiver.answers = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        make_question(author=make_user())
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.last_status_code == 500 and "500" in delivery.last_error
    first_wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=20) < first_wait <= sending.FIRST_RETRY
    assert call_command("send_webhooks") is None and len(receiver.received) == 1  # not yet due
    due_now()
    call_command("send_webhooks")
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == Delivery.Status.PENDING
    assert delivery.next_attempt_at - timezone.now() > first_wait  # backed off further
    due_now()
    call_command("send_webhooks")
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 3
    ids = {r.headers["X-Outloud-Delivery"] for r in receiver.received}
    assert ids == {str(delivery.pk)}  # the same delivery id each time: receivers deduplicate


def test_a_receiver_that_does_not_answer_in_time_is_retried(
    make_hook, make_user, make_question, receiver, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(sending, "TIMEOUT", 0.3)
    make_hook()
    receiver.answers = [("sleep", 1.0)]
    with django_capture_on_commit_callbacks(execute=True):
        make_question(author=make_user())
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.last_status_code is None and "No answer within 0.3 s" in delivery.last_error
    due_now()
    call_command("send_webhooks")
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


def test_retries_stop_a_day_after_the_event(
    make_hook,
    make_user,
    make_question,
    receiver,
    worker_stopped,
    django_capture_on_commit_callbacks,
) -> None:
    make_hook()
    with django_capture_on_commit_callbacks(execute=True):
        make_question(author=make_user())
    Delivery.objects.update(created_at=timezone.now() - timedelta(hours=23, minutes=59, seconds=45))
    receiver.answers = [500]
    call_command("send_webhooks")
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED, delivery.last_error
    assert "Given up after 1 attempts" in delivery.last_error


def test_a_redirect_is_not_followed(
    make_hook, make_user, make_question, receiver, django_capture_on_commit_callbacks
) -> None:
    make_hook()
    receiver.answers = [302]
    with django_capture_on_commit_callbacks(execute=True):
        make_question(author=make_user())
    delivery = Delivery.objects.get()
    assert delivery.last_status_code == 302 and "not followed" in delivery.last_error
    assert len(receiver.received) == 1 and delivery.status == Delivery.Status.PENDING


def test_one_hooks_deliveries_arrive_in_order_even_across_a_failure(
    make_hook, make_user, make_question, receiver, django_capture_on_commit_callbacks
) -> None:
    make_hook()
    asker = make_user()
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        first = make_question(author=asker, title="First?")
        second = make_question(author=asker, title="Second?")
        third = make_question(author=asker, title="Third?")
    # The first failed: the later ones wait behind it instead of overtaking it.
    assert [r.json["post_id"] for r in receiver.received] == [first.pk]
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 3
    due_now()
    call_command("send_webhooks")
    assert [r.json["post_id"] for r in receiver.received] == [
        first.pk,
        first.pk,
        second.pk,
        third.pk,
    ]


def test_nothing_is_lost_when_the_worker_stops(
    make_hook,
    make_user,
    make_question,
    receiver,
    worker_stopped,
    django_capture_on_commit_callbacks,
) -> None:
    hook = make_hook(events=("question.asked", "answer.posted"))
    asker = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        questions = [make_question(author=asker, title=f"Question {n}?") for n in range(3)]
    # A worker was killed holding the hook; its claim has since run out.
    Webhook.objects.filter(pk=hook.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert receiver.received == []
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 3
    call_command("send_webhooks")  # the next run (the scheduler's) sends them, in order
    assert [r.json["post_id"] for r in receiver.received] == [q.pk for q in questions]
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()


def test_a_hook_held_by_another_sender_is_left_to_it(
    make_hook,
    make_user,
    make_question,
    receiver,
    worker_stopped,
    django_capture_on_commit_callbacks,
) -> None:
    hook = make_hook()
    with django_capture_on_commit_callbacks(execute=True):
        make_question(author=make_user())
    Webhook.objects.filter(pk=hook.pk).update(claimed_until=timezone.now() + timedelta(minutes=1))
    assert sending.send_pending(hook.pk) == 0 and receiver.received == []
    Webhook.objects.filter(pk=hook.pk).update(claimed_until=None)
    assert sending.send_pending(hook.pk) == 1 and len(receiver.received) == 1


def test_send_again_delivers_a_new_copy(
    make_hook, make_user, make_question, receiver, staff, django_capture_on_commit_callbacks
) -> None:
    make_hook()
    with django_capture_on_commit_callbacks(execute=True):
        make_question(author=make_user())
    original = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        again = actions.send_again(by=staff, delivery=original)
    receiver.wait(2)
    assert again.pk != original.pk
    assert [r.headers["X-Outloud-Delivery"] for r in receiver.received] == [
        str(original.pk),
        str(again.pk),
    ]
    assert receiver.received[0].json["post_id"] == receiver.received[1].json["post_id"]


def test_slack_and_teams_get_their_own_shapes(
    make_hook, make_user, make_question, receiver, django_capture_on_commit_callbacks
) -> None:
    make_hook(format="slack", name="Slack")
    make_hook(format="teams", name="Teams")
    with django_capture_on_commit_callbacks(execute=True):
        question = make_question(author=make_user(), title="Is <b> & co allowed?", tags=["release"])
    url = SITE + question.get_absolute_url()
    slack, teams = sorted(receiver.wait(2), key=lambda r: "text" not in r.json)
    assert slack.json == {
        "text": f"New question in #release: <{url}|Is &lt;b&gt; &amp; co allowed?>"
    }
    (attachment,) = teams.json["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert [block["text"] for block in card["body"]] == [
        "New question in #release",
        "Is <b> & co allowed?",
    ]
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open in Outloud", "url": url}]


def test_tag_filter_and_events_choose_what_a_hook_hears(
    make_hook, make_user, make_question, make_answer, receiver, django_capture_on_commit_callbacks
) -> None:
    make_hook(tag="#Release", events=("question.asked", "answer.accepted"))
    asker, helper = make_user(), make_user(display_name="Helen Helper")
    with django_capture_on_commit_callbacks(execute=True):
        make_question(author=asker, tags=["hiring"])
        tagged = make_question(author=asker, tags=["release"])
        answer = make_answer(post=tagged, author=helper, accepted=True)
    got = [r.json for r in receiver.wait(2)]
    assert [(g["event"], g["post_id"]) for g in got] == [
        ("question.asked", tagged.pk),
        ("answer.accepted", tagged.pk),
    ]
    assert got[1]["answer_id"] == answer.pk and got[1]["author"] == "Helen Helper"
    assert got[1]["url"].endswith(f"#answer-{answer.pk}")


def test_staff_hear_departures_and_a_departed_owners_hooks_stop(
    make_hook, make_user, make_question, receiver, staff, django_capture_on_commit_callbacks
) -> None:
    boss = make_user(is_staff=True)
    hook = make_hook(events=("person.departed", "question.asked"))
    leaver = make_user("ken", display_name="Ken Leaver")
    with django_capture_on_commit_callbacks(execute=True):
        mark_departed(by=boss, user=leaver)
    (got,) = receiver.wait(1)
    assert got.json["event"] == "person.departed"
    assert got.json["name"] == "Ken Leaver" and got.json["url"] == f"{SITE}/people/ken/"
    with django_capture_on_commit_callbacks(execute=True):
        mark_departed(by=boss, user=staff)  # the hook's owner
        make_question(author=make_user())
    hook.refresh_from_db()
    assert not hook.is_active
    assert len(receiver.received) == 1


def test_hook_urls_are_checked(make_hook, make_community, make_user) -> None:
    with pytest.raises(ValidationError) as refused:
        make_hook(url="ftp://files.example.com/in")
    assert "http" in str(refused.value)
    with pytest.raises(ValidationError):
        make_hook(url="file:///etc/passwd")
    owner = make_user()
    community = make_community("Release", owner=owner)
    with pytest.raises(ValidationError) as private:
        make_hook(by=owner, community=community)  # 127.0.0.1: staff only
    assert "private network" in str(private.value)
    with pytest.raises(ValidationError, match="Only staff"):
        make_hook(
            by=owner,
            community=community,
            url="https://93.184.215.14/hook",
            events=("person.departed",),
        )
    assert make_hook().url.startswith("http://127.0.0.1:")  # staff may


def test_the_log_forgets_old_finished_deliveries_but_never_pending_ones(make_hook) -> None:
    hook = make_hook()
    old = timezone.now() - sending.KEEP_LOG_FOR - timedelta(minutes=1)
    for status in Delivery.Status.values:
        Delivery.objects.create(webhook=hook, event="question.asked", status=status, created_at=old)
    recent = Delivery.objects.create(
        webhook=hook, event="question.asked", status=Delivery.Status.SENT
    )
    Webhook.objects.filter(pk=hook.pk).update(is_active=False)  # the pending one stays unsent
    call_command("send_webhooks")
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["pending", "sent"]
    assert Delivery.objects.filter(pk=recent.pk).exists()


def test_at_scale_the_database_worker_sends_them(
    settings, make_hook, make_user, make_question, receiver, django_capture_on_commit_callbacks
) -> None:
    """TASK_BACKEND=database: the delivery is a queued task (ids only) until the worker runs
    it. (The worker itself closes the connection the test's transaction lives in, so the
    test runs the queued task as the worker would.)"""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_hook()
    with django_capture_on_commit_callbacks(execute=True):
        question = make_question(author=make_user())
    assert receiver.received == []
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    from django_tasks_db.models import DBTaskResult

    path = "webhooks.tasks.send_webhook_deliveries"
    (queued,) = DBTaskResult.objects.filter(task_path=path)
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])  # the worker
    assert [r.json["post_id"] for r in receiver.wait(1)] == [question.pk]
    assert Delivery.objects.get().status == Delivery.Status.SENT
