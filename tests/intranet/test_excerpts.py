"""Excerpts of stored HTML keep blocks apart and sum tables up instead of flattening them."""

from __future__ import annotations

from intranet.lib.excerpts import plain_excerpt
from intranet.lib.markdown import render_markdown

RUNNERS = """Pick a runner:

| Runner | Arch | Cost |
|---|---|---|
| small | x86 | 1 |
| big | arm | 3 |

Then tag the build"""


def test_a_table_is_summed_up_not_run_into_the_text():
    excerpt = plain_excerpt(render_markdown(RUNNERS))
    assert excerpt == "Pick a runner: (table: Runner · Arch · Cost, 2 rows) Then tag the build."
    assert "small x86" not in excerpt


def test_paragraphs_and_list_items_stay_apart():
    excerpt = plain_excerpt(render_markdown("First step\n\n- build\n- sign it!\n\nDone"))
    assert excerpt == "First step. build. sign it! Done."


def test_line_breaks_and_entities_read_as_text():
    excerpt = plain_excerpt(render_markdown("Use `a<b` & then\nsign"))
    assert excerpt == "Use a<b & then sign."


def test_the_excerpt_is_cut_at_the_limit():
    excerpt = plain_excerpt(render_markdown("word " * 100), limit=40)
    assert len(excerpt) == 40 and excerpt.endswith("…")


def test_a_table_alone_and_an_empty_table():
    assert (
        plain_excerpt(render_markdown("| a | b |\n|--|--|\n| 1 | 2 |")) == "(table: a · b, 1 row)"
    )
    assert plain_excerpt("<table></table>") == "(table)"
    assert plain_excerpt("") == ""
