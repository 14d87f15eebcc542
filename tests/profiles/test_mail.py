"""Mails to people, received by a real SMTP server on 127.0.0.1: absolute links to SITE_URL,
the settings link, one-click unsubscribe, and what happens when the server fails."""

from __future__ import annotations

import io
import re
import time
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from taggit.models import Tag

from notifications.actions import preferences
from notifications.models import Notification
from profiles.actions import set_follow_tag
from profiles.mailing import DIGEST, WEEKLY_SUMMARY, unsubscribe_url
from profiles.models import Profile
from tests.support.smtp import text_and_html

SITE = "https://intranet.northwind.example"
LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def mentioned(make_user, make_question):
    """Maria, mentioned by Rita in a question: due a digest."""
    maria = make_user("maria", email="maria@northwind.example", display_name="Maria Lopez")
    rita = make_user("rita", email="rita@northwind.example", display_name="Rita Ramos")
    question = make_question(author=rita, title="Release keys?", body="Ask @maria")
    return maria, rita, question


def digests(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("send_digests", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def own_links(text: str) -> list[str]:
    return [url.rstrip(".,)") for url in LINK.findall(text)]


def test_digest_arrives_with_absolute_links_settings_and_one_click_unsubscribe(
    site, smtp_inbox, mentioned
):
    maria, _, question = mentioned
    digests()
    [message] = smtp_inbox.to("maria@northwind.example")
    assert message["Subject"] == "[Outloud] Your daily digest: 1 new, 0 waiting"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith(f"{SITE}/mail/unsubscribe/")
    text, html = text_and_html(message)
    assert f"{SITE}{question.get_absolute_url()}" in text
    assert f'href="{SITE}{question.get_absolute_url()}' in html
    assert f"{SITE}/notifications/settings/" in text and f"{SITE}/notifications/settings/" in html
    assert unsubscribe in text
    links = own_links(text)
    assert links and all(link.startswith(SITE + "/") for link in links), links
    # Every link opens a page for the person it was sent to.
    reader = Client()
    reader.force_login(maria)
    for link in links:
        path = urlsplit(link).path
        assert reader.get(path).status_code == 200, link


def test_base_url_option_still_overrides_site_url(site, smtp_inbox, mentioned):
    digests("--base-url", "https://other.example/")
    [message] = smtp_inbox.messages
    text, _ = text_and_html(message)
    assert all(link.startswith("https://other.example/") for link in own_links(text))


def test_one_click_unsubscribe_stops_the_digest_without_a_session_or_csrf_token(
    site, smtp_inbox, mentioned
):
    maria, _, _ = mentioned
    digests()
    url = smtp_inbox.messages[0]["List-Unsubscribe"].strip().strip("<>")
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(urlsplit(url).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not any(email for _, email in preferences(maria).values())
    assert all(in_app for in_app, _ in preferences(maria).values())  # the app is unchanged


def test_unsubscribe_link_opened_in_a_browser_asks_before_stopping(site, mentioned):
    maria, _, _ = mentioned
    path = urlsplit(unsubscribe_url(maria, DIGEST)).path
    page = Client().get(path)
    assert page.status_code == 200
    assert "Stop the daily e-mail digest" in page.content.decode()
    assert preferences(maria)["mentioned"] == (True, True)  # nothing changed yet


def test_a_forged_or_altered_unsubscribe_link_is_refused(site, mentioned):
    maria, rita, _ = mentioned
    path = urlsplit(unsubscribe_url(maria, DIGEST)).path
    forged = path.replace("/mail/unsubscribe/", "/mail/unsubscribe/x")
    assert Client().post(forged).status_code == 404
    assert Client().post("/mail/unsubscribe/not-a-token/").status_code == 404
    assert preferences(maria)["mentioned"] == (True, True)
    assert preferences(rita)["mentioned"] == (True, True)


def test_digest_goes_on_past_a_refused_recipient_and_exits_with_the_count(
    site, smtp_inbox, mentioned, make_question
):
    maria, rita, _ = mentioned
    make_question(author=maria, title="Who signs builds?", body="@rita")
    smtp_inbox.refuse.add("maria@northwind.example")
    with pytest.raises(CommandError, match="1 digest"):
        call_command("send_digests", stdout=io.StringIO(), stderr=(err := io.StringIO()))
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("could not send the digest to maria@"), lines
    assert [m for m in smtp_inbox.recipients] == [["rita@northwind.example"]]
    # Maria's notification is still due: the next run sends it.
    assert Notification.objects.get(recipient=maria).emailed_at is None
    assert Notification.objects.get(recipient=rita).emailed_at is not None
    smtp_inbox.refuse.clear()
    digests()
    assert smtp_inbox.to("maria@northwind.example")


def test_digest_with_the_mail_server_down_reports_each_person_and_fails(
    site, smtp_refusing, mentioned, make_question
):
    maria, rita, _ = mentioned
    make_question(author=maria, title="Who signs builds?", body="@rita")
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 digest"):
        call_command("send_digests", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 2, lines
    assert all("refused the connection" in line for line in lines)
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


def test_digest_gives_up_on_a_server_that_never_answers_after_email_timeout(
    site, smtp_silent, mentioned
):
    started = time.monotonic()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 digest"):
        call_command("send_digests", stdout=io.StringIO(), stderr=err)
    assert time.monotonic() - started < 10  # EMAIL_TIMEOUT is 2 s in these tests
    assert "did not answer within 2 s" in err.getvalue()


def weekly(*args: str) -> str:
    out = io.StringIO()
    call_command("send_weekly_summary", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_weekly_summary_arrives_with_prefix_links_and_unsubscribe(site, smtp_inbox, make_user):
    make_user("boss", email="boss@northwind.example", is_staff=True)
    weekly()
    [message] = smtp_inbox.messages
    assert message["Subject"].startswith("[Outloud] Knowledge report for the week to ")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = text_and_html(message)
    assert f"{SITE}/notifications/settings/" in text and f"{SITE}/notifications/settings/" in html
    assert all(link.startswith(SITE + "/") for link in own_links(text))
    assert f"{SITE}/staff/reports/" in text


def test_unsubscribed_staff_get_no_weekly_summary(site, smtp_inbox, make_user):
    boss = make_user("boss", email="boss@northwind.example", is_staff=True)
    make_user("chief", email="chief@northwind.example", is_staff=True)
    path = urlsplit(unsubscribe_url(boss, WEEKLY_SUMMARY)).path
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    assert Profile.objects.get(user=boss).weekly_summary_email is False
    assert "Weekly summaries sent: 1." in weekly()
    assert smtp_inbox.recipients == [["chief@northwind.example"]]


def test_staff_turn_the_weekly_summary_back_on_in_their_settings(client_for, make_user):
    boss = make_user("boss", is_staff=True)
    client = client_for(boss)
    client.post("/notifications/settings/", {"email": ["mentioned"]})
    assert Profile.objects.get(user=boss).weekly_summary_email is False
    client.post("/notifications/settings/", {"weekly_summary_email": "1"})
    assert Profile.objects.get(user=boss).weekly_summary_email is True
    assert "weekly knowledge report" in client.get("/notifications/settings/").content.decode()


def test_weekly_summary_with_the_mail_server_down_fails_with_the_count(
    site, smtp_refusing, make_user
):
    make_user("boss", email="boss@northwind.example", is_staff=True)
    make_user("chief", email="chief@northwind.example", is_staff=True)
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 weekly summary"):
        call_command("send_weekly_summary", stdout=io.StringIO(), stderr=err)
    assert len(err.getvalue().strip().splitlines()) == 2


def test_digest_of_a_waiting_question_links_to_it(site, smtp_inbox, make_user, make_question):
    maria = make_user("maria", email="maria@northwind.example")
    question = make_question(author=make_user("rita"), title="CI runners?", tags=["ci"])
    set_follow_tag(follower=maria, tag=Tag.objects.get(name="ci"), following=True)
    digests()
    text, _ = text_and_html(smtp_inbox.to("maria@northwind.example")[0])
    assert f"{SITE}{question.get_absolute_url()}" in text
