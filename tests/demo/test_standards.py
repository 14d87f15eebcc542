"""The demo's standards: a clear standard, two competing drafts, history to show them."""

from __future__ import annotations

from demo import people as profiles_demo
from demo.standards import DAYS, SEVERITY_TITLE, seed_standards
from questions.models import Answer, Standard, StandingSnapshot


def test_demo_topics_show_a_standard_and_competing_drafts_on_first_run(db):
    profiles_demo.seed(people=len(profiles_demo.CORE_PEOPLE), progress=lambda n: None)
    counts = seed_standards()
    assert counts["standards runs"] == DAYS + 1
    assert StandingSnapshot.objects.values("day").distinct().count() == DAYS + 1

    answer = Answer.objects.get(post__title=SEVERITY_TITLE, author__username="ken")
    standard = Standard.objects.get(tag__name="incident", answer=answer)
    assert standard.status == "standard" and not standard.competing
    assert standard.evidence["accepted"] and standard.evidence["links"] == 3
    assert standard.evidence["departments"] >= 5

    competing = Standard.objects.filter(tag__name="templates", competing=True)
    assert {(row.post.title, row.status) for row in competing} == {
        ("Architecture decision record (ADR) template", "standard"),
        ("One-page design doc template", "emerging"),
    }

    again = seed_standards()
    assert again["standards topics created"] == 0
    assert Standard.objects.filter(tag__name="incident", answer=answer).count() == 1


def test_demo_standards_need_the_demo_people(db):
    assert seed_standards()["standards topics created"] == 0
