"""Sentiment: VADER on the plain text of Markdown, bounded in what it reads."""

from __future__ import annotations

from intranet.lib.sentiment import MAX_CHARS, plain_text, score


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
