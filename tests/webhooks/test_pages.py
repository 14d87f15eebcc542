"""The webhook pages: staff's, a community's owners', each hook's settings and log."""

from __future__ import annotations

import pytest
from django.test import Client

from webhooks.models import Delivery, Webhook

pytestmark = pytest.mark.django_db


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/staff/webhooks/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_only_staff_see_the_staff_page(make_user, client_for, staff) -> None:
    assert client_for(make_user()).get("/staff/webhooks/").status_code == 404
    page = client_for(staff).get("/staff/webhooks/")
    assert page.status_code == 200 and b"New webhook" in page.content
    assert b'href="/staff/webhooks/">Webhooks</a>' in page.content  # in the staff menu
    assert b"A person has left" in page.content  # staff hooks may hear departures


def test_bad_input_is_refused_with_the_text_kept(client_for, staff) -> None:
    response = client_for(staff).post(
        "/staff/webhooks/",
        {"name": "Release channel", "url": "ftp://files.example.com/in", "format": "json"},
    )
    assert response.status_code == 400
    assert not Webhook.objects.exists()
    text = response.content.decode()
    assert "Only http:// and https://" in text and "Choose at least one" in text
    assert 'value="Release channel"' in text and 'value="ftp://files.example.com/in"' in text


def test_staff_create_a_hook_and_see_its_secret(client_for, staff, receiver) -> None:
    client = client_for(staff)
    response = client.post(
        "/staff/webhooks/",
        {
            "name": "Release channel",
            "url": receiver.url,
            "events": ["question.asked", "person.departed"],
            "tag": "#Release",
            "format": "slack",
        },
    )
    hook = Webhook.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/webhooks/{hook.pk}/"
    assert (hook.owner, hook.community, hook.tag, hook.format) == (staff, None, "release", "slack")
    assert hook.events == ["question.asked", "person.departed"]
    page = client.get(f"/webhooks/{hook.pk}/")
    assert hook.secret.encode() in page.content and b"Nothing sent yet" in page.content


def test_the_log_shows_status_and_error_and_sends_again(
    client_for,
    staff,
    make_hook,
    make_user,
    make_question,
    receiver,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
) -> None:
    hook = make_hook()
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            make_question(author=make_user())
    client = client_for(staff)
    with django_assert_max_num_queries(12):
        page = client.get(f"/webhooks/{hook.pk}/")
    text = page.content.decode()
    assert "500 The receiver answered 500" in text and text.count("Send again") == 3
    first = Delivery.objects.order_by("id").first()
    assert first is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/webhooks/{hook.pk}/deliveries/{first.pk}/send-again/")
    assert response.status_code == 302
    assert Delivery.objects.count() == 4
    with django_assert_max_num_queries(12):
        client.get("/staff/webhooks/")


def test_saving_can_switch_off_and_renew_the_secret(client_for, staff, make_hook) -> None:
    hook = make_hook()
    old_secret = hook.secret
    response = client_for(staff).post(
        f"/webhooks/{hook.pk}/",
        {
            "name": "Renamed",
            "url": hook.url,
            "events": ["answer.posted"],
            "format": "teams",
            "regenerate_secret": "on",
        },
    )
    assert response.status_code == 302
    hook.refresh_from_db()
    assert (hook.name, hook.is_active, hook.format) == ("Renamed", False, "teams")
    assert hook.secret != old_secret and hook.secret.startswith("whsec_")


def test_delete_asks_first(client_for, staff, make_hook) -> None:
    hook = make_hook()
    client = client_for(staff)
    assert b"Delete webhook" in client.get(f"/webhooks/{hook.pk}/delete/").content
    assert Webhook.objects.exists()
    response = client.post(f"/webhooks/{hook.pk}/delete/")
    assert response["Location"] == "/staff/webhooks/" and not Webhook.objects.exists()


def test_community_owners_manage_their_communitys_hooks_only(
    client_for, make_user, make_community, staff, private_addresses_for_everyone, receiver
) -> None:
    olga, mia = make_user(), make_user()
    community = make_community("Mergers", owner=olga, private=True, members=[mia])
    url = f"/c/{community.slug}/webhooks/"
    for outsider in (mia, staff):
        assert client_for(outsider).get(url).status_code == 404
    owner = client_for(olga)
    page = owner.get(url)
    assert page.status_code == 200 and b"A person has left" not in page.content
    refused = owner.post(
        url,
        {"name": "Ours", "url": receiver.url, "events": ["person.departed"], "format": "json"},
    )
    assert refused.status_code == 400 and not Webhook.objects.exists()
    owner.post(
        url, {"name": "Ours", "url": receiver.url, "events": ["question.asked"], "format": "json"}
    )
    hook = Webhook.objects.get()
    assert hook.community == community and hook.owner == olga
    assert client_for(staff).get(f"/webhooks/{hook.pk}/").status_code == 404
    assert client_for(mia).get(f"/webhooks/{hook.pk}/").status_code == 404
    assert owner.get(f"/webhooks/{hook.pk}/").status_code == 200


def test_the_community_page_leads_its_owners_to_the_hooks(
    client_for, make_user, make_community
) -> None:
    olga, mia = make_user(), make_user()
    community = make_community("Mergers", owner=olga, members=[mia])
    link = f'href="/c/{community.slug}/webhooks/"'.encode()
    assert link in client_for(olga).get(community.get_absolute_url()).content
    assert link not in client_for(mia).get(community.get_absolute_url()).content
