"""A payload never carries what the hook's owner could not see, whenever it is sent."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from intranet.lib.access import NotVisible
from questions.actions import set_community_visibility
from webhooks import actions
from webhooks.models import Delivery

pytestmark = pytest.mark.usefixtures("private_addresses_for_everyone")


def test_a_staff_hook_never_hears_of_a_private_community_its_owner_is_not_in(
    make_hook,
    make_user,
    make_community,
    make_question,
    receiver,
    django_capture_on_commit_callbacks,
) -> None:
    make_hook()
    olga = make_user()
    private = make_community("Mergers", owner=olga, private=True)
    with django_capture_on_commit_callbacks(execute=True):
        make_question(author=olga, title="Quokka timeline?", community=private)
        public = make_question(author=olga, title="Lunch?")
    assert [r.json["post_id"] for r in receiver.wait(1)] == [public.pk]
    assert b"Quokka" not in b"".join(r.body for r in receiver.received)
    assert Delivery.objects.count() == 1


def test_a_post_that_turned_private_before_sending_is_not_sent(
    make_hook,
    make_user,
    make_community,
    make_question,
    receiver,
    monkeypatch,
    django_capture_on_commit_callbacks,
) -> None:
    monkeypatch.setattr(actions, "enqueue_sending", lambda webhook_id: None)
    make_hook()
    olga = make_user()
    community = make_community("Mergers", owner=olga)
    with django_capture_on_commit_callbacks(execute=True):
        make_question(author=olga, title="Quokka timeline?", community=community)
    set_community_visibility(by=olga, community=community, visibility="private")
    call_command("send_webhooks")
    assert receiver.received == []
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert "cannot see this post" in delivery.last_error


def test_a_community_hook_hears_only_its_community(
    make_hook,
    make_user,
    make_community,
    make_question,
    receiver,
    django_capture_on_commit_callbacks,
) -> None:
    olga, mia = make_user(), make_user()
    mine = make_community("Mergers", owner=olga, private=True, members=[mia])
    other = make_community("Platform", owner=mia)
    make_hook(by=olga, community=mine, events=("question.asked",))
    with django_capture_on_commit_callbacks(execute=True):
        make_question(author=mia, title="Elsewhere?", community=other)
        make_question(author=mia, title="Nowhere?")
        inside = make_question(author=mia, title="Quokka timeline?", community=mine)
    assert [r.json["post_id"] for r in receiver.wait(1)] == [inside.pk]
    assert receiver.received[0].json["community"] == "mergers"
    assert len(receiver.received) == 1


def test_only_a_communitys_owners_configure_its_hooks(
    make_hook, make_user, make_community, make_question
) -> None:
    olga, mia, stan = make_user(), make_user(), make_user(is_staff=True)
    community = make_community("Mergers", owner=olga, private=True, members=[mia])
    for person in (mia, stan):
        with pytest.raises(NotVisible):
            make_hook(by=person, community=community)
    with pytest.raises(NotVisible):
        make_hook(by=mia)  # no staff hooks for non-staff
    assert make_hook(by=olga, community=community).owner == olga


def test_no_one_else_can_change_send_or_delete_a_hook(
    make_hook, make_user, make_community, staff
) -> None:
    from intranet.lib.access import NotAllowed
    from profiles.actions import mark_departed
    from webhooks.models import Webhook

    olga, mia = make_user(), make_user()
    community = make_community("Mergers", owner=olga, private=True, members=[mia])
    hook = make_hook(by=olga, community=community)
    delivery = Delivery.objects.create(webhook=hook, event="question.asked", payload={})
    before = list(Webhook.objects.values())
    settings: dict[str, Any] = {
        "name": "Mine now",
        "url": "https://chat.example.com/x",
        "events": ["status.posted"],
    }
    for person in (mia, staff):
        with pytest.raises(NotVisible):
            actions.update_webhook(by=person, webhook=hook, **settings)
        with pytest.raises(NotVisible):
            actions.send_again(by=person, delivery=delivery)
        with pytest.raises(NotVisible):
            actions.delete_webhook(by=person, webhook=hook)
    mark_departed(by=staff, user=olga)
    olga.refresh_from_db()
    with pytest.raises(NotAllowed):
        actions.delete_webhook(by=olga, webhook=hook)
    assert list(Webhook.objects.values()) == before
    assert Delivery.objects.count() == 1
