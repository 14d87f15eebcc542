"""Search answering questions typed the way people ask them: contractions, possessives and
stop words; any word matching and ranking; what the page says when nothing can match;
explicit phrases and exclusions; the similar-questions box; private communities."""

from __future__ import annotations

import pytest

from questions import actions
from search import service
from search.query import STOP_WORDS, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run the indexing that actions queue for after commit, as the task backend would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def titles(page):
    return [r.post.title if r.post else r.person.username for r in page.results]


# --- reading the query ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, words",
    [
        ("I'd like to add new styles", ("like", "add", "new", "styles")),
        ("Why don't my filters work?", ("filters", "work")),
        ("Gmail's labels", ("gmail", "labels")),
        ("Gmail’s labels (curly apostrophe)", ("gmail", "labels", "curly", "apostrophe")),
        ("What's the doesnt-work thing we've seen", ("work", "thing", "seen")),
        ("I can't, won't, shouldn't", ()),
    ],
)
def test_contractions_and_possessives_never_leave_one_letter_words(typed, words):
    assert parse(typed).words == words


def test_the_stop_list_is_of_normal_size_and_keeps_meaningful_words():
    assert 150 <= len(STOP_WORDS) <= 200
    assert {"my", "have", "the", "how", "what", "would", "could", "d", "t", "s"} <= STOP_WORDS
    assert not {"need", "email", "deploy", "release", "google", "like"} & STOP_WORDS


def test_quoted_phrases_and_excluded_words_are_read_as_operators():
    query = parse('deploy "release train" -staging -"legacy" -')
    assert query.words == ("deploy",)
    assert query.phrases == (("release", "train"),)
    assert query.excluded == ("staging", "legacy")


def test_adjacent_words_skip_stop_words_between_them():
    assert parse("styles for google docs").adjacent == (("styles", "google"), ("google", "docs"))


# --- the search page ---------------------------------------------------------------------------


def test_a_paraphrase_with_a_word_nobody_wrote_still_finds_the_thread(
    make_user, make_question, indexed
):
    asker, reader = make_user(), make_user()
    with indexed():
        wanted = make_question(author=asker, title="How do I add new styles to Google docs?")
        make_question(author=asker, title="Printer on floor three is jammed")
    page = service.search(reader, "I'd like to introduce some brand-new styles in my Google docs")
    assert titles(page)[0] == wanted.title
    assert not page.notice


def test_a_question_covering_more_words_ranks_above_one_covering_fewer(
    make_user, make_question, indexed
):
    asker, reader = make_user(), make_user()
    with indexed():
        fewer = make_question(author=asker, title="Calendar sharing")
        more = make_question(author=asker, title="Sharing a calendar with a contractor")
    page = service.search(reader, "how can I share my calendar with an outside contractor")
    assert titles(page) == [more.title, fewer.title]


def test_only_stop_words_get_a_clear_message(make_user):
    page = service.search(make_user(), "how do I do it?")
    assert page.results == [] and not page.error
    assert "very common words" in page.notice


def test_no_known_word_says_so_and_suggests_what_to_try(make_user, make_question, indexed):
    asker = make_user()
    with indexed():
        make_question(author=asker, title="Expense reports in the new tool")
    page = service.search(make_user(), "quokka wallaby")
    assert page.total == 0
    assert "“quokka”" in page.notice and "spelling" in page.notice


def test_excluded_words_and_phrases_work_on_the_page(make_user, make_question, indexed):
    asker, reader = make_user(), make_user()
    with indexed():
        make_question(author=asker, title="Staging deploy checklist")
        production = make_question(author=asker, title="Production deploy checklist")
        train = make_question(author=asker, title="The release train leaves at noon")
        make_question(author=asker, title="Train the release managers")
    assert titles(service.search(reader, "deploy checklist -staging")) == [production.title]
    assert titles(service.search(reader, '"release train"')) == [train.title]


def test_snippets_mark_the_matched_words(make_user, make_question, indexed):
    asker, reader = make_user(), make_user()
    with indexed():
        question = make_question(author=asker, title="Where are the office keys?")
        actions.post_answer(post=question, author=reader, body="Reception keeps the spare keys.")
    page = service.search(reader, "who's got the spare office keys")
    assert "<mark>office</mark>" in page.results[0].title
    assert "<mark>spare</mark>" in page.results[0].snippet


def test_any_word_matching_never_reaches_a_private_community(
    make_user, make_community, make_question, indexed
):
    owner, outsider = make_user(), make_user()
    secret = make_community(owner=owner, private=True)
    with indexed():
        make_question(author=owner, title="Acquisition target shortlist", community=secret)
        public = make_question(author=owner, title="Lunch shortlist")
    page = service.search(outsider, "acquisition target shortlist for lunch")
    assert titles(page) == [public.title]
    assert page.total == 1
    shown = service.similar_questions(outsider, "acquisition target shortlist")
    assert [s.post.title for s in shown] == [public.title]  # the one word it shares
    assert [s.post.title for s in service.similar_questions(owner, "acquisition target")] == [
        "Acquisition target shortlist"
    ]


# --- similar questions ---------------------------------------------------------------------------


def test_similar_questions_show_only_those_close_to_the_best(make_user, make_question, indexed):
    asker, typist = make_user(), make_user()
    with indexed():
        best = make_question(author=asker, title="How do I request a new laptop?")
        close = make_question(author=asker, title="Laptop request form")
        far = make_question(author=asker, title="New joiner lunch")
    shown = [s.post.title for s in service.similar_questions(typist, "request a new laptop")]
    assert shown[:2] == [best.title, close.title] or shown[:2] == [close.title, best.title]
    assert far.title not in shown


def test_similar_questions_show_at_most_five(make_user, make_question, indexed):
    asker, typist = make_user(), make_user()
    with indexed():
        for n in range(8):
            make_question(author=asker, title=f"VPN drops every hour, case {n}")
    assert len(service.similar_questions(typist, "vpn drops every hour")) == 5


def test_answered_questions_go_first_only_among_equally_relevant_ones(
    make_user, make_question, indexed, monkeypatch
):
    # Text relevance alone: the answers change what a question means, which would make
    # the twins unequal.
    monkeypatch.setattr(service, "_close_in_meaning", lambda *args, **kwargs: [])
    asker, helper, typist = make_user(), make_user(), make_user()
    with indexed():
        exact = make_question(author=asker, title="Badge printer jams on card stock")
        tie = make_question(author=asker, title="Badge printer jams on card stock!")
        loose = make_question(author=asker, title="Badge printer jams")
    with indexed():
        actions.post_answer(post=tie, author=helper, body="Use the manual feed tray.")
        actions.post_answer(post=loose, author=helper, body="Use the manual feed tray.")
    shown = [s.post for s in service.similar_questions(typist, "badge printer jams card stock")]
    # The answered twin goes before the unanswered one; the weaker match stays below both
    # although it is answered.
    assert [p.pk for p in shown[:2]] == [tie.pk, exact.pk]
    assert loose.pk not in [p.pk for p in shown[:2]]


# --- search by meaning, blended ------------------------------------------------------------


def test_a_result_found_by_meaning_alone_says_so(make_user, make_question, indexed):
    asker, reader = make_user(), make_user()
    with indexed():
        wanted = make_question(author=asker, title="Strikethrough with GitHub Markdown")
        make_question(author=asker, title="Which printer is closest to the kitchen?")
    page = service.search(reader, "crossing out text on git hub")
    found = {r.post.pk: r for r in page.results if r.post}
    assert wanted.pk in found
    assert "similar in meaning" in found[wanted.pk].reasons


def test_an_unrelated_word_is_not_answered_by_meaning(make_user, make_question, indexed):
    """Every post has some cosine with any query: the closest one must be close, not just
    the closest, or a small intranet answers every unknown word with its one question."""
    asker, reader = make_user(), make_user()
    with indexed():
        make_question(author=asker, title="Signing release builds with cosign")
    page = service.search(reader, "Silva")
    assert page.results == []
    assert page.notice  # says no post has that word, and what to try


def test_meaning_never_brings_a_private_community_post_to_an_outsider(
    make_user, make_community, make_question, indexed
):
    owner, outsider = make_user(), make_user()
    secret = make_community(owner=owner, private=True)
    with indexed():
        hidden = make_question(
            author=owner, title="Strikethrough with GitHub Markdown", community=secret
        )
        make_question(author=owner, title="Which printer is closest to the kitchen?")
    for person, shown in ((outsider, False), (owner, True)):
        page = service.search(person, "crossing out text on git hub")
        assert (hidden.pk in [r.post.pk for r in page.results if r.post]) is shown
        similar = service.similar_questions(person, "crossing out text on git hub")
        assert (hidden.pk in [s.post.pk for s in similar]) is shown


def test_without_the_model_search_keeps_working_on_text(
    make_user, make_question, indexed, monkeypatch
):
    from search import meaning

    def refuse():
        raise OSError("tokenizer not found")

    monkeypatch.setattr(meaning, "_load_model", refuse)
    meaning.reset_model()
    try:
        asker, reader = make_user(), make_user()
        with indexed():
            wanted = make_question(author=asker, title="Strikethrough with GitHub Markdown")
        page = service.search(reader, "strikethrough on github")
        assert titles(page) == [wanted.title]
        assert "similar in meaning" not in page.results[0].reasons
        assert titles(service.search(reader, "crossing out text")) == []
    finally:
        meaning.reset_model()


def test_blending_puts_text_and_meaning_candidates_in_one_order():
    from search.backends.base import Candidate

    text = [Candidate("post:1", 10.0), Candidate("post:2", 5.0)]
    close = [("post:3", 0.9), ("post:2", 0.8)]
    hits, by_meaning = service._blend(text, close, weight=0.5)
    scores = {h.key: h.relevance for h in hits}
    assert scores["post:1"] == pytest.approx(0.5)
    assert scores["post:2"] == pytest.approx(0.25 + 0.5 * 0.8 / 0.9)
    assert scores["post:3"] == pytest.approx(0.5)
    assert [h.key for h in hits][0] == "post:2"
    assert by_meaning == {"post:3"}
    assert service._blend(text, []) == (text, set())
