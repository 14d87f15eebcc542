"""Sentiment: VADER on plain text, stored when posts and answers are written or edited, and
backfilled by a command."""

from __future__ import annotations

import io

from django.core.management import call_command

from questions.actions import edit_answer, edit_post, post_answer
from questions.models import Answer, Post
from reports.sentiment import MAX_CHARS, plain_text, score


def stored(model, pk) -> float:
    value = model.objects.values_list("sentiment", flat=True).get(pk=pk)
    assert value is not None
    return float(value)


def test_clear_sentences_have_the_right_sign():
    assert score("Thanks so much, this is a great answer and it saved me a day!") > 0.5
    assert score("This is terrible: the deploy failed again and everything is broken.") < -0.5
    assert score("The export job runs at 02:00 UTC.") == 0.0


def test_markup_code_links_and_handles_are_not_read():
    text = (
        "# Update\n\nThanks @maria! See [the runbook](https://example.com/horrible-failure).\n\n"
        "```\nerror: fatal disaster, kill -9\n```\n\n<b>Great</b> `panic()`"
    )
    prose = plain_text(text)
    assert prose == "Update Thanks ! See the runbook. Great"
    assert "disaster" not in prose and "maria" not in prose and "horrible" not in prose
    assert score(text) > 0


def test_input_is_bounded():
    assert len(plain_text("good " * 10_000)) <= MAX_CHARS
    assert -1 <= score("awful " * 10_000) <= 1


def test_actions_store_sentiment_on_write_and_edit(make_user, make_question):
    author, helper = make_user(), make_user()
    post = make_question(author=author, title="Why is everything broken?", body="Awful outage.")
    assert stored(Post, post.pk) < 0
    edit_post(
        post=post, editor=author, title="Fixed, thanks!", body="Great work, all good.", tags=""
    )
    assert stored(Post, post.pk) > 0
    answer = post_answer(post=post, author=helper, body="Happy to help, glad it works!")
    assert stored(Answer, answer.pk) > 0
    edit_answer(answer=answer, editor=helper, body="Sadly it broke again, terrible.")
    assert stored(Answer, answer.pk) < 0


def test_backfill_command_scores_rows_without_sentiment(make_user, make_question):
    author = make_user()
    post = make_question(author=author, title="Love this, wonderful work")
    answer = post_answer(post=post, author=make_user(), body="Horrible, it failed.")
    Post.objects.update(sentiment=None)
    Answer.objects.update(sentiment=None)
    out = io.StringIO()
    call_command("compute_sentiment", stdout=out, stderr=io.StringIO())
    assert "for 1 posts and 1 answers" in out.getvalue()
    assert stored(Post, post.pk) > 0
    assert stored(Answer, answer.pk) < 0
    out = io.StringIO()
    call_command("compute_sentiment", stdout=out, stderr=io.StringIO())
    assert "for 0 posts and 0 answers" in out.getvalue()
    call_command(
        "compute_sentiment", "--all", "--batch-size", "1", stdout=out, stderr=io.StringIO()
    )
    assert "for 1 posts and 1 answers" in out.getvalue()
