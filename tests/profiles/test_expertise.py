"""Expertise as people's pages read it: the experts on a tag, former colleagues apart,
the topics search indexes, and the topics people declare on their profile.
(Computing it from peers' signals: tests/reports/test_expertise.py.)"""

from __future__ import annotations

import pytest
from taggit.models import Tag

from profiles.actions import set_active, set_declared_topics
from profiles.expertise import expertise_tags, experts_for_tag
from questions import actions
from reports.expertise import recompute_expertise


@pytest.fixture
def people(make_user):
    return {name: make_user(name, display_name=name.title()) for name in ("asker", "bob", "cy")}


def test_experts_for_tag_lists_former_colleagues_apart(
    people, make_question, make_answer, make_user
):
    asker, bob, cy = people["asker"], people["bob"], people["cy"]
    make_answer(post=make_question(author=asker, tags=["kafka"]), author=bob, accepted=True)
    make_answer(post=make_question(author=asker, tags=["kafka"]), author=cy, accepted=True)
    make_answer(post=make_question(author=asker, tags=["kafka"]), author=cy, accepted=True)
    set_active(user=cy, active=False)
    declarer = make_user("dee")
    set_declared_topics(user=declarer, topics="kafka")
    set_declared_topics(user=bob, topics="kafka")  # earned it too: listed once, as earned
    recompute_expertise()

    experts = experts_for_tag(Tag.objects.get(name="kafka"))
    assert [e.user for e in experts.current] == [bob]
    assert [e.user for e in experts.former] == [cy]
    assert [p.user for p in experts.declared] == [declarer]


def test_a_departure_moves_expertise_to_former_colleagues_at_once(
    people, make_question, make_answer
):
    asker, bob = people["asker"], people["bob"]
    make_answer(post=make_question(author=asker, tags=["kafka"]), author=bob, accepted=True)
    recompute_expertise()
    tag = Tag.objects.get(name="kafka")
    assert [e.user for e in experts_for_tag(tag).current] == [bob]

    set_active(user=bob, active=False)  # no recompute in between
    experts = experts_for_tag(tag)
    assert experts.current == [] and [e.user for e in experts.former] == [bob]
    set_active(user=bob, active=True)
    assert [e.user for e in experts_for_tag(tag).current] == [bob]


def test_expertise_tags_for_search_are_earned_then_declared(people, make_question, make_answer):
    asker, bob, cy = people["asker"], people["bob"], people["cy"]
    make_answer(post=make_question(author=asker, tags=["ci", "release"]), author=bob, accepted=True)
    make_answer(post=make_question(author=asker, tags=["ci"]), author=bob, accepted=True)
    set_declared_topics(user=bob, topics="git, ci")
    set_declared_topics(user=cy, topics="design")
    recompute_expertise()
    assert expertise_tags([bob.pk, cy.pk, asker.pk], per_person=3) == {
        bob.pk: ["ci", "release", "git"],
        cy.pk: ["design"],
    }


def test_profile_shows_earned_topics_in_words_and_declared_apart(
    people, make_question, make_answer, client_for
):
    asker, bob = people["asker"], people["bob"]
    for _ in range(2):
        answer = make_answer(
            post=make_question(author=asker, tags=["kubernetes"]), author=bob, accepted=True
        )
    actions.set_like(user=asker, answer=answer, liked=True)
    set_declared_topics(user=bob, topics="helm")
    recompute_expertise()

    text = client_for(asker).get("/people/bob/").content.decode()
    assert "2 accepted answers in #kubernetes · 1 like on answers" in text
    assert "Says they know about" in text.split("2 accepted answers")[1]
    assert "#helm" in text.split("Says they know about")[1]


def test_profile_edit_declares_topics(make_user, client_for):
    maria = make_user("maria", display_name="Maria Lopez")
    client = client_for(maria)
    response = client.post(
        "/people/me/edit/", {"display_name": "Maria Lopez", "topics": "#Kubernetes, helm ci"}
    )
    assert response.status_code == 302
    assert expertise_tags([maria.pk]) == {maria.pk: ["ci", "helm", "kubernetes"]}  # by name
    assert 'value="ci, helm, kubernetes"' in client.get("/people/me/edit/").content.decode()


def test_more_than_ten_topics_keeps_the_form(make_user, client_for):
    maria = make_user("maria", display_name="Maria Lopez")
    set_declared_topics(user=maria, topics="ci")
    typed = ", ".join(f"topic{i}" for i in range(11))
    response = client_for(maria).post(
        "/people/me/edit/", {"display_name": "Maria Lopez", "topics": typed}
    )
    text = response.content.decode()
    assert "Name at most 10 topics (you named 11)." in text
    assert f'value="{typed}"' in text
    assert expertise_tags([maria.pk]) == {maria.pk: ["ci"]}


def test_badly_formed_topics_are_named(make_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Not allowed: 'ci/cd'"):
        set_declared_topics(user=make_user(), topics="release ci/cd")
