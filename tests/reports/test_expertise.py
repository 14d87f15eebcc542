"""Computing expertise per person and tag, earned from peers' signals and fading with age."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag

from profiles.expertise import experts_for_tag
from profiles.models import Expertise
from questions import actions
from questions.models import Answer, DraftDownload
from reports.expertise import recompute_expertise


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


def test_command_prints_what_it_did(people, make_question, make_answer):
    make_answer(
        post=make_question(author=people["asker"], tags=["ci"]), author=people["bob"], accepted=True
    )
    out = io.StringIO()
    call_command("recompute_expertise", stdout=out, stderr=io.StringIO())
    assert "Expertise recomputed: 1 person-tag rows" in out.getvalue()
    assert Expertise.objects.count() == 1
