"""Sentiment stored when posts and answers are written or edited, and backfilled by a command
(the scoring itself: tests/intranet/test_sentiment.py)."""

from __future__ import annotations

import io

from django.core.management import call_command

from questions.actions import edit_answer, edit_post, post_answer
from questions.models import Answer, Post


def stored(model, pk) -> float:
    value = model.objects.values_list("sentiment", flat=True).get(pk=pk)
    assert value is not None
    return float(value)


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
