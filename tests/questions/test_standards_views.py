"""Where the de facto standards show: the Standards page, the tag page's section, badges on
post pages, answer cards and feed cards. Anonymous, private, htmx and query counts."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from questions import actions
from questions.models import Community, Standard
from questions.standards import reasons
from reports.standards import recompute_standards
from tests.questions.test_query_counts import MAX_QUERIES, count_queries
from tests.support.standards import download_on, like_at, set_thresholds

PYTHON = '<a href="/tags/python/#standards">#python</a>'


@pytest.fixture
def world(monkeypatch, make_user, make_department, make_community, make_question, make_draft):
    """#python has a de facto standard answer (in an open community); #templates has two
    competing drafts. Leadership is sustained after two days here."""
    set_thresholds(monkeypatch, sustained_days=2)
    start = timezone.now() + timedelta(minutes=10)
    counter = itertools.count(1)

    def fans(n):
        departments = ("Engineering", "Sales", "Design")
        return [
            make_user(f"fan{next(counter)}", department=make_department(departments[i % 3]))
            for i in range(n)
        ]

    asker, member = make_user("asker"), make_user("member")
    guild = make_community("Python guild", owner=asker, members=[member])
    question = make_question(
        author=asker, title="How do we pin dependencies?", tags=["python"], community=guild
    )
    answer = actions.post_answer(post=question, author=make_user("ada"), body="Use uv & a lock.")
    actions.accept_answer(post=question, answer=answer, by=asker)  # reused, not only liked
    for person in fans(6):
        like_at(start, person, answer=answer)
    adr = make_draft(author=make_user(), title="ADR template", tags=["templates"])
    doc = make_draft(author=make_user(), title="Design doc template", tags=["templates"])
    for person in fans(8):
        download_on(timezone.localdate(start), person, adr)
    for person in fans(6):
        download_on(timezone.localdate(start), person, doc)

    def run(days=3):
        for day in range(days):
            recompute_standards(now=start + timedelta(days=day))

    run()
    return {
        "question": question,
        "answer": answer,
        "guild": guild,
        "member": member,
        "fans": fans,
        "start": start,
        "run": run,
    }


def test_world_has_a_standard_and_competing_drafts(world):
    assert Standard.objects.get(answer=world["answer"]).status == "standard"
    assert Standard.objects.filter(tag__name="templates", competing=True).count() == 2


def test_standards_page_needs_a_sign_in(client, world):
    response = client.get("/standards/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_standards_page_shows_each_tag_with_evidence_and_trend(make_user, client_for, world):
    response = client_for(make_user()).get("/standards/")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="page">Standards' in text
    assert "Answer to “How do we pin dependencies?”" in text
    assert "Use uv &amp; a lock." in text  # the excerpt, escaped once
    assert "7 people in 3 departments · liked by 6 · accepted" in text
    assert "Standard since" in text and "has led #python for 2 days" in text
    assert 'class="competing"' in text
    assert "ADR template" in text and "Design doc template" in text
    assert "downloaded by 8" in text and "downloaded by 6" in text
    assert text.count('<svg class="sparkline"') >= 3
    assert "<script>" not in text


def test_standards_page_htmx_request_gets_the_list_only(make_user, client_for, world):
    response = client_for(make_user()).get("/standards/?page=1", headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and 'id="standards-list"' in text


def test_items_of_a_community_gone_private_are_shown_to_members_only(make_user, client_for, world):
    Community.objects.filter(pk=world["guild"].pk).update(visibility="private")
    outsider, member = client_for(make_user("outsider")), client_for(world["member"])
    title = "How do we pin dependencies?"
    for url in ("/standards/", "/tags/python/", "/?tab=all"):
        assert title not in outsider.get(url).content.decode(), url
    assert "★ De facto standard" not in outsider.get("/tags/python/").content.decode()
    assert title in member.get("/standards/").content.decode()
    assert "★ De facto standard" in member.get("/tags/python/").content.decode()
    # The next run drops it for good: only public items can be standards.
    world["run"](4)
    assert not Standard.objects.filter(answer=world["answer"]).exists()
    assert title not in member.get("/standards/").content.decode()


def test_tag_page_has_a_standards_section_with_competing_items_side_by_side(
    make_user, client_for, world
):
    client = client_for(make_user())
    text = client.get("/tags/templates/").content.decode()
    assert 'id="standards"' in text and "Standards in #templates" in text
    pair = re.split(r"</article>\s*</div>", text.split('class="competing-pair"')[1])[0]
    assert "ADR template" in pair and "Design doc template" in pair
    assert pair.index("ADR template") < pair.index("Design doc template")  # the leader first
    text = client.get("/tags/python/").content.decode()
    assert "★ De facto standard" in text and "liked by 6" in text


def test_tag_without_standards_says_how_one_appears(make_user, make_question, client_for, world):
    make_question(author=make_user(), tags=["quiet"])
    text = client_for(make_user()).get("/tags/quiet/").content.decode()
    assert "No de facto standard yet" in text


def test_post_page_and_answer_card_carry_the_badge_with_its_reasons(make_user, client_for, world):
    client = client_for(make_user())
    answer = world["answer"]
    text = client.get(world["question"].get_absolute_url()).content.decode()
    card = text.split(f'id="answer-{answer.pk}"')[1].split("</article>")[0]
    assert f"★ De facto standard in {PYTHON}" in card
    assert "7 people in 3 departments · liked by 6 · accepted" in card
    text = client.get(f"/a/{answer.pk}/card/").content.decode()
    assert f"★ De facto standard in {PYTHON}" in text


def test_feed_cards_carry_badges(make_user, client_for, world):
    text = client_for(make_user()).get("/?tab=all").content.decode()
    assert f"★ Has the de facto standard answer in {PYTHON}" in text
    # The leading draft itself, and its close challenger.
    assert '★ De facto standard in <a href="/tags/templates/#standards">#templates</a>' in text
    assert '↗ Emerging in <a href="/tags/templates/#standards">#templates</a>' in text


def test_deleted_standard_disappears_before_the_next_run(make_user, client_for, world):
    answer = world["answer"]
    actions.delete_answer(answer=answer, by=answer.author)
    client = client_for(make_user())
    assert "pin dependencies" not in client.get("/standards/").content.decode()
    assert PYTHON not in client.get("/?tab=all").content.decode()


@pytest.mark.parametrize(
    ("url", "most"),
    # The Standards page: session, user, tags, rows, snapshots, the header's two. Feed
    # pages add one query (the badges) and the tag page one more (its section) to their
    # own, which test_query_counts bounds by MAX_QUERIES.
    [("/standards/", 7), ("/tags/python/", MAX_QUERIES), ("/?tab=all", MAX_QUERIES)],
)
def test_pages_with_standards_use_constant_queries(
    make_user, make_question, client_for, world, url, most
):
    client = client_for(make_user())
    few = count_queries(client, url)
    author = make_user("prolific")
    for i in range(12):
        post = make_question(author=author, title=f"Topic {i}?", tags=["python", f"topic{i}"])
        answer = actions.post_answer(post=post, author=make_user(), body=f"Answer {i}")
        for person in world["fans"](3):
            like_at(world["start"], person, post=post)
            like_at(world["start"], person, answer=answer)
    world["run"]()
    assert Standard.objects.count() >= 14
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} queries with few standards, {many} with many"
    assert many <= most


def test_reasons_read_as_evidence():
    evidence = {
        "people": 17,
        "departments": 4,
        "likes": 14,
        "downloaders": 9,
        "links": 6,
        "accepted": True,
        "score": 40.2,
    }
    assert reasons(evidence) == [
        "17 people in 4 departments",
        "liked by 14",
        "downloaded by 9",
        "linked from 6 posts",
        "accepted",
    ]
    assert reasons({"people": 1, "departments": 1, "links": 1}) == [
        "1 person in 1 department",
        "linked from 1 post",
    ]
