"""Knowledge at risk: tag shares, sole answers and drafts, successors, and the handover."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from profiles import actions as profiles_actions
from profiles.models import Expertise
from questions.actions import upload_version
from reports import risk
from tests.reports.conftest import days_ago


def expertise(user, tag_name, score):
    tag, _ = Tag.objects.get_or_create(name=tag_name, defaults={"slug": tag_name})
    now = timezone.now()
    return Expertise.objects.create(
        user=user, tag=tag, score=score, last_evidence_at=now, computed_at=now
    )


@pytest.fixture
def world(
    make_user, make_leaving, make_departed, make_question, make_answer, make_draft, make_away
):
    """Lena leaves in three weeks. In #kubernetes she holds 8 of the 10 points current
    colleagues hold (Ana 2; the 10 of a former colleague do not count); in #helm 1 of 6."""
    lena = make_user("lena", display_name="Lena Leaving")
    ana = make_user("ana", display_name="Ana Next")
    away = make_user("awa", display_name="Away Person")
    gone = make_user("gone", display_name="Gone Already")
    also = make_user("also", display_name="Also Leaving")
    make_leaving(lena, on=timezone.localdate() + timedelta(days=21))
    make_leaving(also, on=timezone.localdate() + timedelta(days=200))
    expertise(lena, "kubernetes", 8)
    expertise(ana, "kubernetes", 1.5)
    expertise(away, "kubernetes", 0.5)
    expertise(gone, "kubernetes", 10)
    expertise(also, "gitops", 0.4)
    expertise(lena, "helm", 1)
    expertise(ana, "helm", 5)
    make_away(away)
    make_departed(gone, on=days_ago(100))
    asker = make_user("asker")
    only_hers = make_question(author=asker, title="How do we drain a node?")
    make_answer(post=only_hers, author=lena)
    shared = make_question(author=asker, title="Which ingress controller?")
    make_answer(post=shared, author=lena)
    make_answer(post=shared, author=ana)
    draft = make_draft(author=lena, title="Cluster upgrade plan")
    upload_version(
        post=draft, uploader=lena, file=io.BytesIO(b"# v2\n"), filename="plan.md", change_note=""
    )
    make_draft(author=ana, title="Ana's runbook")  # hers: not Lena's
    return {"lena": lena, "ana": ana, "also": also, "only_hers": only_hers}


def test_tags_where_a_leaving_person_holds_most_expertise(world, staff):
    report = risk.build(risk.default_range(), staff)
    items = {item.person.username: item for item in report.extra["items"]}
    assert list(items) == ["lena", "also"]  # soonest first
    lena = items["lena"]
    assert [(s.name, s.percent) for s in lena.at_risk] == [("kubernetes", 80.0)]
    assert [s.name for s in lena.strongest] == ["helm"]
    assert items["also"].at_risk == []  # the only one in #gitops, but 0.4 points: too little


def test_sole_questions_and_drafts(world, staff):
    lena = risk.build(risk.default_range(), staff).extra["items"][0]
    assert lena.sole_question_count == 1
    assert [link.text for link in lena.sole_questions] == ["How do we drain a node?"]
    assert lena.sole_draft_count == 1
    assert [link.text for link in lena.sole_drafts] == ["Cluster upgrade plan"]


def test_successors_are_available_current_colleagues_not_leaving(world, staff):
    lena = risk.build(risk.default_range(), staff).extra["items"][0]
    assert [s.username for s in lena.successors] == ["ana"]


def test_table_and_figures(world, staff):
    report = risk.build(risk.default_range(), staff)
    figures = {f.label: f.value for f in report.figures}
    assert figures["People leaving"] == 2 and figures["Tags at risk"] == 1
    row = report.table("people").rows[0]
    assert (
        row[0] == "Lena Leaving" and row[3] == "#kubernetes 80%" and row[4:] == [1, 1, "Ana Next"]
    )


def test_the_range_selects_leaving_dates(world, staff):
    soon = risk.DateRange(timezone.localdate(), timezone.localdate() + timedelta(days=60))
    assert [i.person.username for i in risk.build(soon, staff).extra["items"]] == ["lena"]


def test_what_if_any_person(world, staff, client_for):
    page = client_for(staff).get(reverse("reports:risk"), {"person": "ana"}).content.decode()
    assert "what-if" in page and "Ana Next" in page
    assert "#helm" in page


def test_unknown_what_if_person_is_said(world, staff, client_for):
    response = client_for(staff).get(reverse("reports:risk"), {"person": "nobody"})
    assert response.status_code == 200
    assert "No current colleague has the handle @nobody." in response.content.decode()


def test_handover_button_calls_the_action(world, staff, client_for, monkeypatch):
    calls = []

    class Outcome:
        created = True

    def fake(**kwargs):
        calls.append(kwargs)
        return Outcome()

    monkeypatch.setattr(profiles_actions, "ask_for_handover", fake, raising=False)
    client = client_for(staff)
    page = client.get(reverse("reports:risk")).content.decode()
    url = reverse("reports:risk_handover", kwargs={"username": "lena"})
    assert f'action="{url}"' in page and "csrfmiddlewaretoken" in page
    response = client.post(url, {"next": reverse("reports:risk") + "?person=ana"})
    assert response.status_code == 302 and response["Location"].endswith("?person=ana")
    assert len(calls) == 1
    call = calls[0]
    assert call["by"] == staff and call["person"] == world["lena"]
    assert [u.username for u in call["successors"]] == ["ana"]
    assert [t.name for t in call["tags"]] == ["kubernetes"]
    text = [str(m) for m in get_messages(response.wsgi_request)]
    assert text == [
        "Asked Lena Leaving for a handover of #kubernetes; suggested successors: Ana Next."
    ]


def test_handover_is_refused_by_get_and_for_non_staff(world, staff, client_for, make_user):
    url = reverse("reports:risk_handover", kwargs={"username": "lena"})
    assert client_for(staff).get(url).status_code == 405
    assert client_for(make_user("nosy")).post(url).status_code == 404


def test_handover_without_the_action_says_so(world, staff, client_for, monkeypatch):
    monkeypatch.delattr(profiles_actions, "ask_for_handover", raising=False)
    url = reverse("reports:risk_handover", kwargs={"username": "lena"})
    response = client_for(staff).post(url)
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        "Handover requests are not available on this installation: nothing was sent."
    ]


def test_handover_with_the_real_action_notifies_person_and_successors(world, staff, client_for):
    if not hasattr(profiles_actions, "ask_for_handover"):
        pytest.fail("profiles.actions.ask_for_handover is missing")
    from notifications.models import Notification

    url = reverse("reports:risk_handover", kwargs={"username": "lena"})
    client_for(staff).post(url)
    notified = set(
        Notification.objects.filter(verb="handover").values_list("recipient__username", flat=True)
    )
    assert notified == {"lena", "ana"}
