"""Questions nobody answered are offered to available experts on their tags, sparingly."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.events import notification_text
from notifications.models import Notification
from profiles.actions import set_active, set_declared_topics
from questions.models import Post
from reports.expertise import recompute_expertise
from reports.models import Nudge
from reports.nudges import nudge_waiting_questions

WAITING = Notification.Verb.WAITING


@pytest.fixture
def experts(make_user, make_question, make_answer):
    """Four experts on #kubernetes, strongest first (ana, bob, cy, dee), and rita who asks."""
    rita = make_user("rita", display_name="Rita Ramos")
    people = {name: make_user(name) for name in ("ana", "bob", "cy", "dee")}
    for name, accepted in (("ana", 4), ("bob", 3), ("cy", 2), ("dee", 1)):
        for _ in range(accepted):
            make_answer(
                post=make_question(author=rita, tags=["kubernetes"]),
                author=people[name],
                accepted=True,
            )
    recompute_expertise()
    return rita, people


@pytest.fixture
def ask_waiting(make_question):
    """A question asked `hours` ago that nobody answered."""

    def ask(*, author, tags=("kubernetes",), hours=30, community=None, title=None):
        post = make_question(author=author, tags=tags, community=community, title=title)
        Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(hours=hours))
        return post

    return ask


def nudged(post):
    return sorted(
        Notification.objects.filter(post=post, verb=WAITING).values_list(
            "recipient__username", flat=True
        )
    )


def test_a_waiting_question_is_offered_to_the_top_available_experts(
    experts, ask_waiting, make_away
):
    rita, people = experts
    make_away(people["bob"])
    post = ask_waiting(author=rita, title="Why is the ingress flapping?")

    report = nudge_waiting_questions()

    assert nudged(post) == ["ana", "cy", "dee"]  # bob is away
    assert (report.waiting, report.nudged_questions, report.notifications) == (1, 1, 3)
    note = Notification.objects.filter(post=post).select_related("actor__profile", "post")[0]
    assert note.actor == rita
    assert notification_text(note) == (
        "Rita Ramos asked a question in your tags that is waiting for an answer: "
        "“Why is the ingress flapping?”"
    )


def test_running_twice_notifies_each_person_once(experts, ask_waiting):
    rita, _ = experts
    post = ask_waiting(author=rita)
    nudge_waiting_questions()
    second = nudge_waiting_questions()
    assert second.notifications == 0
    assert nudged(post) == ["ana", "bob", "cy"]
    assert Nudge.objects.filter(post=post).count() == 3


def test_nobody_gets_more_than_the_daily_share(experts, ask_waiting, settings):
    settings.WAITING_NUDGES_PER_DAY = 2
    rita, _ = experts
    posts = [ask_waiting(author=rita, hours=40 - i) for i in range(3)]

    report = nudge_waiting_questions()

    per_person = {
        name: Notification.objects.filter(recipient__username=name, verb=WAITING).count()
        for name in ("ana", "bob", "cy", "dee")
    }
    assert max(per_person.values()) == 2
    assert nudged(posts[0]) == ["ana", "bob", "cy"]  # the longest-waiting goes first
    assert report.capped > 0
    # The next day the share is renewed.
    later = nudge_waiting_questions(now=timezone.now() + timedelta(days=1))
    assert later.notifications > 0


def test_author_departed_and_non_members_are_never_nudged(experts, ask_waiting, make_community):
    rita, people = experts
    set_active(user=people["bob"], active=False)
    secret = make_community(
        "Falcon", owner=people["ana"], private=True, members=[rita, people["dee"]]
    )
    own = ask_waiting(author=people["ana"])
    private = ask_waiting(author=rita, community=secret)

    nudge_waiting_questions()

    assert nudged(own) == ["cy", "dee"]  # not the asker, not departed bob
    assert nudged(private) == ["ana", "dee"]  # members only


def test_fresh_answered_and_departed_askers_questions_are_left_alone(
    experts, ask_waiting, make_answer, make_user
):
    rita, people = experts
    fresh = ask_waiting(author=rita, hours=2)
    answered = ask_waiting(author=rita)
    make_answer(post=answered, author=people["dee"])
    leaver = make_user("leaver")
    orphan = ask_waiting(author=leaver)
    set_active(user=leaver, active=False)
    too_old = ask_waiting(author=rita, hours=24 * 40)

    assert nudge_waiting_questions().notifications == 0
    assert [nudged(p) for p in (fresh, answered, orphan, too_old)] == [[], [], [], []]


def test_declared_topics_are_offered_when_nobody_earned_the_tag(make_user, ask_waiting, make_away):
    rita = make_user("rita")
    helper = make_user("helper")
    set_declared_topics(user=helper, topics="helm")
    set_declared_topics(user=make_away(make_user("away")), topics="helm")
    post = ask_waiting(author=rita, tags=["helm"])
    nudge_waiting_questions()
    assert nudged(post) == ["helper"]


def test_waiting_notifications_show_in_the_inbox_and_settings(experts, ask_waiting, client_for):
    rita, people = experts
    ask_waiting(author=rita, title="Who restarts the ingress?")
    nudge_waiting_questions()
    client = client_for(people["ana"])
    inbox = client.get("/notifications/").content.decode()
    assert "waiting for an answer: “Who restarts the ingress?”" in inbox
    settings_page = client.get("/notifications/settings/").content.decode()
    assert 'value="waiting"' in settings_page


def test_command_prints_what_it_did(experts, ask_waiting):
    rita, _ = experts
    ask_waiting(author=rita)
    out = io.StringIO()
    call_command("nudge_waiting_questions", stdout=out, stderr=io.StringIO())
    assert (
        "Waiting questions (unanswered for 24 h or more): 1; offered now: 1, 3 notifications"
        in (out.getvalue())
    )
