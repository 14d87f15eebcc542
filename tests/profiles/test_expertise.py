"""Expertise per person and tag, earned from peers' signals and fading with age."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag

from profiles.actions import set_active, set_declared_topics
from profiles.expertise import expertise_tags, experts_for_tag, recompute_expertise
from profiles.models import Expertise
from questions import actions
from questions.models import Answer, DraftDownload


@pytest.fixture
def people(make_user):
    return {name: make_user(name, display_name=name.title()) for name in ("asker", "bob", "cy")}


def expertise(user, tag="kubernetes"):
    return Expertise.objects.select_related("tag").get(user=user, tag__name=tag)


def test_more_accepted_answers_rank_higher(people, make_question, make_answer):
    asker, bob, cy = people["asker"], people["bob"], people["cy"]
    for _ in range(3):
        make_answer(
            post=make_question(author=asker, tags=["kubernetes"]), author=bob, accepted=True
        )
    make_answer(post=make_question(author=asker, tags=["kubernetes"]), author=cy, accepted=True)
    make_answer(post=make_question(author=asker, tags=["kubernetes"]), author=cy)  # not accepted

    assert recompute_expertise() == 2
    experts = experts_for_tag(Tag.objects.get(name="kubernetes"))
    assert [e.user for e in experts.current] == [bob, cy]
    assert expertise(bob).accepted_answers == 3
    assert expertise(bob).summary == "3 accepted answers in #kubernetes"
    assert expertise(cy).summary == "1 accepted answer in #kubernetes"
    assert expertise(bob).score > expertise(cy).score


def test_older_evidence_counts_less(people, make_question, make_answer):
    asker, bob, cy = people["asker"], people["bob"], people["cy"]
    old = make_answer(post=make_question(author=asker, tags=["ci"]), author=bob, accepted=True)
    make_answer(post=make_question(author=asker, tags=["ci"]), author=cy, accepted=True)
    Answer.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=365))

    recompute_expertise()

    assert expertise(cy, "ci").score > expertise(bob, "ci").score
    # A year is about two half-lives (180 days): about a quarter of the weight.
    assert expertise(bob, "ci").score == pytest.approx(expertise(cy, "ci").score / 4, rel=0.15)
    assert expertise(bob, "ci").accepted_answers == 1  # the evidence in words is not decayed


def test_half_life_comes_from_settings(people, make_question, make_answer, settings):
    asker, bob = people["asker"], people["bob"]
    answer = make_answer(post=make_question(author=asker, tags=["ci"]), author=bob, accepted=True)
    Answer.objects.filter(pk=answer.pk).update(created_at=timezone.now() - timedelta(days=90))
    recompute_expertise()
    slow = expertise(bob, "ci").score
    settings.EXPERTISE_HALF_LIFE_DAYS = 30
    recompute_expertise()
    assert expertise(bob, "ci").score < slow / 4


def test_deleted_answers_and_posts_never_count(people, make_question, make_answer):
    asker, bob, cy = people["asker"], people["bob"], people["cy"]
    deleted_answer = make_answer(
        post=make_question(author=asker, tags=["kubernetes"]), author=bob, accepted=True
    )
    actions.set_like(user=cy, answer=deleted_answer, liked=True)
    actions.delete_answer(answer=deleted_answer, by=bob)
    question = make_question(author=asker, tags=["kubernetes"])
    liked = make_answer(post=question, author=cy, accepted=True)
    actions.set_like(user=bob, answer=liked, liked=True)
    actions.delete_post(post=question, by=asker)

    assert recompute_expertise() == 0
    assert not Expertise.objects.exists()


def test_own_accepted_answers_and_untagged_posts_do_not_count(people, make_question, make_answer):
    asker, bob = people["asker"], people["bob"]
    make_answer(post=make_question(author=asker, tags=["ci"]), author=asker, accepted=True)
    make_answer(post=make_question(author=asker), author=bob, accepted=True)
    assert recompute_expertise() == 0


def test_likes_on_answers_and_draft_downloaders_count(
    people, make_question, make_answer, make_draft, make_user
):
    asker, bob, cy = people["asker"], people["bob"], people["cy"]
    answer = make_answer(post=make_question(author=asker, tags=["release"]), author=bob)
    for liker in (asker, cy, make_user()):
        actions.set_like(user=liker, answer=answer, liked=True)
    draft = make_draft(author=bob, tags=["release"])
    other = make_draft(author=bob, tags=["release"])
    for downloader, post in ((asker, draft), (cy, draft), (cy, other), (bob, draft)):
        actions.record_download(version=post.current_version, user=downloader)
    assert DraftDownload.objects.count() == 3  # the author's own download is not recorded

    recompute_expertise()

    row = expertise(bob, "release")
    assert (row.accepted_answers, row.answer_likes, row.draft_downloaders) == (0, 3, 2)
    assert row.summary == "3 likes on answers in #release · 2 people downloaded their drafts"


def test_evidence_in_private_communities_is_not_counted(
    people, make_question, make_answer, make_community
):
    asker, bob = people["asker"], people["bob"]
    secret = make_community("Falcon", owner=asker, private=True, members=[bob])
    open_one = make_community("Platform", owner=asker)
    make_answer(
        post=make_question(author=asker, tags=["merger"], community=secret),
        author=bob,
        accepted=True,
    )
    make_answer(
        post=make_question(author=asker, tags=["kubernetes"], community=open_one),
        author=bob,
        accepted=True,
    )
    recompute_expertise()
    assert list(Expertise.objects.values_list("tag__name", flat=True)) == ["kubernetes"]


def test_recompute_replaces_every_row(people, make_question, make_answer):
    asker, bob = people["asker"], people["bob"]
    answer = make_answer(post=make_question(author=asker, tags=["ci"]), author=bob, accepted=True)
    recompute_expertise()
    first = expertise(bob, "ci")
    assert recompute_expertise() == 1
    assert expertise(bob, "ci").score == pytest.approx(first.score)
    actions.delete_answer(answer=answer, by=bob)
    assert recompute_expertise() == 0
    assert not Expertise.objects.exists()


def test_recompute_reads_evidence_with_a_constant_number_of_queries(
    people, make_question, make_answer, make_user, django_assert_max_num_queries
):
    asker = people["asker"]

    def add(n):
        for i in range(n):
            answerer = make_user()
            answer = make_answer(
                post=make_question(author=asker, tags=[f"t{i % 4}", "ops"]),
                author=answerer,
                accepted=True,
            )
            actions.set_like(user=asker, answer=answer, liked=True)

    add(2)
    # 3 aggregate reads, who has left, 1 delete, 1 insert, the search topics before and after
    # (plus the transaction's savepoint on tests).
    with django_assert_max_num_queries(10):
        recompute_expertise()
    add(20)
    with django_assert_max_num_queries(10):
        assert recompute_expertise() == 22 * 2


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


def test_command_prints_what_it_did(people, make_question, make_answer):
    make_answer(
        post=make_question(author=people["asker"], tags=["ci"]), author=people["bob"], accepted=True
    )
    out = io.StringIO()
    call_command("recompute_expertise", stdout=out, stderr=io.StringIO())
    assert "Expertise recomputed: 1 person-tag rows" in out.getvalue()
    assert Expertise.objects.count() == 1


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
