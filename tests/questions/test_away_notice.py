"""The away notice under a compose box: who of the people mentioned is away, and available
colleagues to mention instead (questions.availability, questions.experts), from the page
`/people/away-notice/` and after posting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from intranet.lib.dates import format_when
from profiles.actions import set_active, set_declared_topics
from questions import actions
from questions.actions import find_mentioned_people
from questions.availability import away_notice
from questions.experts import suggest_available_experts
from reports.expertise import recompute_expertise

HTMX = {"HX-Request": "true"}


def today():
    return timezone.localdate()


# --- Suggestions -----------------------------------------------------------------------


@pytest.fixture
def team(make_user, make_question, make_answer):
    """Ana (the expert being mentioned), three further experts on #kubernetes (bob strongest),
    and rita who is writing."""
    rita = make_user("rita", display_name="Rita Ramos")
    people = {
        name: make_user(name, display_name=name.title())
        for name in ("ana", "bob", "cy", "dee", "eve")
    }
    for name, accepted in (("ana", 5), ("bob", 4), ("cy", 3), ("dee", 2), ("eve", 1)):
        for _ in range(accepted):
            make_answer(
                post=make_question(author=rita, tags=["kubernetes"]),
                author=people[name],
                accepted=True,
            )
    recompute_expertise()
    return rita, people


def names(suggestions):
    return [s.username for s in suggestions]


def test_suggestions_are_the_strongest_available_experts_with_reasons(team, make_away):
    rita, people = team
    make_away(people["ana"])
    mentioned = find_mentioned_people("@ana can you help?")
    notice = away_notice(author=rita, mentioned=mentioned, tags=_tags("kubernetes"))
    assert notice is not None
    assert [p.user.username for p in notice.away] == ["ana"]
    assert names(notice.suggestions) == ["bob", "cy", "dee"]
    assert notice.suggestions[0].reason == "4 accepted answers in #kubernetes"


def test_an_away_person_is_never_suggested(team, make_away):
    rita, people = team
    make_away(people["ana"])
    make_away(people["bob"])
    suggestions = suggest_available_experts(tags=_tags("kubernetes"), viewer=rita)
    assert names(suggestions) == ["cy", "dee", "eve"]


def test_departed_people_are_never_suggested(team):
    rita, people = team
    set_active(user=people["ana"], active=False)
    suggestions = suggest_available_experts(tags=_tags("kubernetes"), viewer=rita)
    assert names(suggestions) == ["bob", "cy", "dee"]


def test_the_author_and_people_already_mentioned_are_not_suggested(team):
    _, people = team
    suggestions = suggest_available_experts(
        tags=_tags("kubernetes"), viewer=people["bob"], exclude_ids=[people["ana"].pk]
    )
    assert names(suggestions) == ["cy", "dee", "eve"]


def test_suggestions_in_a_private_community_are_members_only(team, make_community):
    rita, people = team
    secret = make_community(
        "Falcon", owner=rita, private=True, members=[people["ana"], people["dee"]]
    )
    suggestions = suggest_available_experts(tags=_tags("kubernetes"), viewer=rita, community=secret)
    assert names(suggestions) == ["ana", "dee"]


def test_declared_topics_fill_in_when_nobody_earned_them(make_user, make_away):
    rita = make_user("rita")
    declarer = make_user("dee")
    away_declarer = make_away(make_user("fay"))
    set_declared_topics(user=declarer, topics="helm")
    set_declared_topics(user=away_declarer, topics="helm")
    suggestions = suggest_available_experts(tags=_tags("helm"), viewer=rita)
    assert [(s.username, s.reason) for s in suggestions] == [("dee", "Says they know about #helm")]


def _tags(*names):
    from taggit.models import Tag

    return list(Tag.objects.filter(name__in=names))


# --- The endpoint ----------------------------------------------------------------------


def test_anonymous_away_notice_redirects_to_sign_in(client, db):
    response = client.get("/people/away-notice/?body=@ana")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_away_notice_partial_names_the_away_person_and_three_suggestions(
    team, make_away, client_for, django_assert_max_num_queries
):
    rita, people = team
    make_away(people["ana"], days=2, note="At KubeCon")
    until = today() + timedelta(days=2)
    client = client_for(rita)
    client.get("/")  # the session and user are loaded once before counting
    # 7: one of them reads the reader's time zone (profiles.timezones) before the view runs.
    with django_assert_max_num_queries(7):
        response = client.get(
            "/people/away-notice/",
            {"body": "Help, @ana and @eve?", "tags": "kubernetes", "community": ""},
            headers=HTMX,
        )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text
    assert f'is away until <time datetime="{until.isoformat()}"' in text
    assert f">{format_when(until)}</time>: At KubeCon." in text
    assert "These people also know about #kubernetes" in text
    assert text.count('data-mention="') == 3
    for name in ("bob", "cy", "dee"):
        assert f'data-mention="{name}">Mention @{name}</button>' in text
    assert 'data-mention="eve"' not in text  # already mentioned
    assert "4 accepted answers in #kubernetes" in text


def test_no_notice_when_nobody_mentioned_is_away(team, client_for):
    rita, _ = team
    response = client_for(rita).get(
        "/people/away-notice/", {"body": "@ana @bob", "tags": "kubernetes"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_bad_tags_and_unknown_community_still_answer(team, make_away, client_for):
    rita, people = team
    make_away(people["ana"])
    response = client_for(rita).get(
        "/people/away-notice/",
        {"body": "@ana", "tags": "no/slashes allowed", "community": "99999"},
        headers=HTMX,
    )
    text = response.content.decode()
    assert response.status_code == 200
    # Without the post's tags, the notice suggests people who know what Ana knows about.
    assert "These people also know about #kubernetes" in text


def test_notice_for_an_answer_uses_the_questions_tags_and_community(
    team, make_away, make_question, make_community, client_for
):
    rita, people = team
    make_away(people["ana"])
    secret = make_community(
        "Falcon", owner=rita, private=True, members=[people["ana"], people["bob"], people["eve"]]
    )
    question = make_question(author=rita, tags=["kubernetes"], community=secret)
    response = client_for(people["eve"]).get(
        "/people/away-notice/", {"body": "@ana", "post": question.pk}, headers=HTMX
    )
    text = response.content.decode()
    assert 'data-mention="bob"' in text
    assert text.count('data-mention="') == 1  # members only; not the asker, not herself
    outsider = client_for(people["cy"]).get(
        "/people/away-notice/", {"body": "@ana", "post": question.pk}, headers=HTMX
    )
    assert outsider.status_code == 404


def test_without_htmx_the_notice_is_a_page(team, make_away, client_for):
    rita, people = team
    make_away(people["ana"])
    response = client_for(rita).get("/people/away-notice/", {"body": "@ana", "tags": "kubernetes"})
    text = response.content.decode()
    assert "<html" in text and 'href="/people/bob/"' in text


def test_compose_forms_carry_the_away_box(make_user, make_question, client_for):
    rita = make_user("rita")
    client = client_for(rita)
    for url in ("/", "/ask/", "/drafts/new/", make_question(author=rita).get_absolute_url()):
        text = client.get(url).content.decode()
        assert 'class="away-box"' in text and 'hx-get="/people/away-notice/"' in text, url


def test_posting_a_mention_of_someone_away_says_so_afterwards(make_user, make_away, client_for):
    rita = make_user("rita")
    make_away(make_user("ana", display_name="Ana Lopez"), note="Back soon")
    client = client_for(rita)
    response = client.post(
        "/compose/", {"kind": "status", "body": "Ping @ana about the deploy"}, follow=True
    )
    assert "Ana Lopez is away until" in response.content.decode()
    assert "Back soon" in response.content.decode()
    question = actions.ask_question(author=rita, title="Who owns the HSM?", body="")
    response = client.post(f"/q/{question.pk}/answer/", {"body": "Maybe @ana knows"}, follow=True)
    assert "Ana Lopez is away until" in response.content.decode()
