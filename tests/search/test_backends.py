"""One set of behaviour tests for every search backend: Whoosh always, PostgreSQL full-text
when the test database is PostgreSQL (DATABASE_URL). Both must answer the same questions
the same way: what matches, what ranks first, what a non-member can never see."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from search.backends import postgres_backend, whoosh_backend
from search.backends.base import Audience, Candidates, SearchBackend, SearchUnavailable
from search.backends.postgres_backend import PostgresBackend
from search.backends.whoosh_backend import WhooshBackend
from search.documents import (
    PERSON,
    Document,
    IndexEntry,
    documents_for_keys,
    person_key,
    post_key,
)
from search.query import Filters, parse
from search.service import audience_for

pytestmark = pytest.mark.django_db

ON_POSTGRES = connection.vendor == "postgresql"
NOT_POSTGRES = "the PostgreSQL backend needs a PostgreSQL test database (set DATABASE_URL)"

SECRET = 5  # a private community
PUBLIC = Audience(user_id=1, member_community_ids=frozenset())
MEMBER = Audience(user_id=2, member_community_ids=frozenset({SECRET}))
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture(params=["whoosh", "postgres"])
def backend(request, settings) -> SearchBackend:
    engine: SearchBackend
    if request.param == "postgres":
        if connection.vendor != "postgresql":
            pytest.skip(NOT_POSTGRES)
        engine = PostgresBackend()
    else:
        engine = WhooshBackend(settings.SEARCH_INDEX_DIR)
    engine.clear()  # a rebuild starts here; also creates the Whoosh index
    return engine


def reopened(backend: SearchBackend) -> SearchBackend:
    """The same index as a new process would open it."""
    return WhooshBackend(backend.path) if isinstance(backend, WhooshBackend) else backend


def doc(n: int, title: str = "", body: str = "", **fields) -> Document:
    fields.setdefault("kind", "question")
    fields.setdefault("created", NOW - timedelta(days=n))
    fields.setdefault("author_id", 1)
    return Document(key=post_key(n), title=title, body=body, **fields)


def person(n: int, name: str, username: str, body: str = "") -> Document:
    return Document(
        key=person_key(n),
        kind=PERSON,
        title=f"{name} @{username}",
        body=body,
        author_id=n,
        author_name=name,
        created=NOW,
    )


def find(
    backend: SearchBackend,
    typed: str,
    filters: Filters | None = None,
    audience: Audience = PUBLIC,
    limit: int = 50,
) -> Candidates:
    return backend.search(parse(typed), filters or Filters(), audience, limit=limit)


def keys(found: Candidates) -> list[str]:
    return [hit.key for hit in found.hits]


# --- the index itself ----------------------------------------------------------------------


def test_index_count_keys_remove_and_clear(backend):
    backend.index([doc(1, "Alpha rollout"), doc(2, "Beta rollout"), doc(3, "Gamma rollout")])
    assert backend.count() == 3
    assert sorted(backend.keys()) == ["post:1", "post:2", "post:3"]
    assert backend.health() is None

    backend.index([doc(2, "Delta release")])  # the same key replaces the document
    backend = reopened(backend)
    assert backend.count() == 3
    assert keys(find(backend, "delta")) == ["post:2"]
    assert keys(find(backend, "beta")) == []

    backend.remove(["post:1", "post:99"])  # unknown keys are fine
    backend = reopened(backend)
    assert sorted(backend.keys()) == ["post:2", "post:3"]
    assert find(backend, "rollout").total == 1

    backend.clear()
    assert backend.count() == 0
    assert list(reopened(backend).keys()) == []
    assert find(reopened(backend), "rollout").total == 0


def test_entries_list_each_document_with_the_visibility_it_was_indexed_with(backend):
    assert list(backend.entries()) == []
    backend.index([doc(1, "Open"), doc(2, "Team", community_id=7), person(3, "Rita", "rita")])
    backend.index([doc(4, "Secret", community_id=SECRET, private=True)])
    backend.index([doc(2, "Team, now private", community_id=7, private=True)])
    backend.remove(["post:1"])
    assert sorted(reopened(backend).entries(), key=lambda e: e.key) == [
        IndexEntry("person:3"),
        IndexEntry("post:2", 7, True),
        IndexEntry("post:4", SECRET, True),
    ]


def test_an_empty_index_answers_every_time(request, backend):
    for _ in range(3):
        assert backend.count() == 0
        assert find(backend, "anything").total == 0
        assert backend.suggest("any", PUBLIC, limit=5) == []
        assert backend.health() is None


def test_changes_are_seen_at_once_by_the_same_backend(request, backend):
    backend.index([doc(1, "Alpha rollout"), doc(2, "Beta rollout"), doc(3, "Gamma rollout")])
    assert find(backend, "rollout").total == 3  # opens the process's reader
    backend.index([doc(2, "Delta release")])
    backend.index([doc(3, "Gamma rollout", community_id=SECRET, private=True)])
    backend.remove(["post:1"])
    assert keys(find(backend, "beta")) == []
    assert keys(find(backend, "rollout")) == []  # removed, and now private
    assert keys(find(backend, "rollout", audience=MEMBER)) == ["post:3"]
    assert backend.count() == 2
    assert sorted(backend.keys()) == ["post:2", "post:3"]


def test_indexing_nothing_and_removing_nothing_are_fine(backend):
    backend.index([])
    backend.remove([])
    assert backend.count() == 0


def test_documents_built_from_posts_are_found(backend, make_user, make_question):
    author = make_user(display_name="Rita Levi")
    question = make_question(author=author, title="Rotating signing keys", tags=["security"])
    documents, gone = documents_for_keys([post_key(question.pk), person_key(author.pk)])
    assert gone == []
    backend.index(documents)
    assert keys(find(backend, "signing keys")) == [post_key(question.pk)]
    assert keys(find(backend, "rita")) == [person_key(author.pk)]
    # the person's expertise tags include what they ask about
    security = find(backend, "security")
    assert sorted(keys(security)) == sorted([post_key(question.pk), person_key(author.pk)])
    assert security.facets["tags"] == {"security": 2}


# --- matching and ranking ------------------------------------------------------------------


def test_title_and_tag_matches_outrank_body_only_matches(backend):
    backend.index(
        [
            doc(
                1,
                "Office plants",
                "Water them weekly. Unlike kubernetes, they need light.",
                tags=["facilities", "plants"],
            ),
            doc(2, "Kubernetes upgrade plan", "Steps for next week.", tags=["upgrades"]),
            doc(3, "Cluster upgrade plan", "Steps for next week.", tags=["kubernetes", "ops"]),
            doc(4, "Lunch menu", "Soup and bread.", tags=["food", "canteen"]),
        ]
    )
    found = find(backend, "kubernetes")
    assert found.total == 3
    assert keys(found)[-1] == "post:1"
    assert set(keys(found)[:2]) == {"post:2", "post:3"}
    relevance = {hit.key: hit.relevance for hit in found.hits}
    assert relevance["post:2"] > relevance["post:1"] and relevance["post:3"] > relevance["post:1"]


def test_any_word_matches_and_covering_more_words_ranks_higher(backend):
    backend.index(
        [
            doc(1, "Kubernetes upgrade"),
            doc(2, "Kubernetes ingress"),
            doc(3, "Upgrade notes", tags=["kubernetes"]),
            doc(4, "Lunch menu"),
        ]
    )
    found = keys(find(backend, "kubernetes upgrade"))
    assert sorted(found) == ["post:1", "post:2", "post:3"]
    assert found[-1] == "post:2"  # one of the two words
    # A word nobody wrote does not empty the page.
    assert keys(find(backend, "kubernetes upgrade quokka"))[-1] == "post:2"
    assert keys(find(backend, "quokka wallaby")) == []


def test_a_document_covering_more_words_outranks_one_repeating_a_word(backend):
    backend.index(
        [
            doc(1, "Printer printer printer", "The printer, the printer and the printer."),
            doc(2, "Printer toner on floor three"),
            doc(3, "Floor plan"),
        ]
    )
    assert keys(find(backend, "printer toner floor"))[0] == "post:2"


def test_query_words_side_by_side_rank_higher(backend):
    backend.index(
        [
            doc(1, "Release notes for the train", "Schedule attached."),
            doc(2, "Release train notes", "Schedule attached."),
        ]
    )
    assert keys(find(backend, "release train"))[0] == "post:2"


def test_excluded_words_leave_documents_out(backend):
    backend.index(
        [
            doc(1, "Staging deploy checklist"),
            doc(2, "Production deploy checklist"),
            doc(3, "Deploy notes", tags=["staging"]),
            doc(4, "Deploy notes", "Answer: check staging first."),
        ]
    )
    assert keys(find(backend, "deploy -staging")) == ["post:2"]
    assert keys(find(backend, 'deploy -"staging"')) == ["post:2"]


def test_answers_match_and_rank_between_title_and_body(backend):
    backend.index(
        [
            doc(1, "Laptop question", "Monitor wanted."),
            doc(2, "Desk question", "", answers="Monitor ordered."),
            doc(3, "Monitor request", ""),
        ]
    )
    assert keys(find(backend, "monitor")) == ["post:3", "post:2", "post:1"]


def test_tags_match_exactly(backend):
    backend.index(
        [
            doc(1, "Cluster notes", tags=["kubernetes", "ci-cd"]),
            doc(2, "Nothing", tags=["deployments"]),
        ]
    )
    assert keys(find(backend, "kubernetes")) == ["post:1"]
    assert keys(find(backend, "deploy")) == []  # tags are not stemmed
    assert keys(find(backend, "Kubernetes")) == ["post:1"]
    assert keys(find(backend, "kube")) == []  # never by a part of a tag
    assert keys(find(backend, "", Filters(tag="ci-cd"))) == ["post:1"]


def test_words_are_stemmed(backend):
    backend.index(
        [
            doc(1, "Database migrations on Fridays"),
            doc(2, "Release notes", "We migrated the database twice."),
            doc(3, "Nothing related"),
        ]
    )
    for typed in ("migration", "migrations", "migrated", "migrating"):
        assert sorted(keys(find(backend, typed))) == ["post:1", "post:2"], typed


def test_deploy_and_deployments_are_one_word(request, backend):
    backend.index([doc(1, "Deployments on Fridays"), doc(2, "Release notes", "We deploy daily.")])
    assert sorted(keys(find(backend, "deploy"))) == ["post:1", "post:2"]
    assert sorted(keys(find(backend, "deployments"))) == ["post:1", "post:2"]


def test_phrases_match_words_in_order_only(backend):
    backend.index(
        [
            doc(1, "Travel", "The release train leaves at noon."),
            doc(2, "Training", "Train new staff before each release."),
            doc(3, "Quarterly release", "Train schedule attached."),
        ]
    )
    assert sorted(keys(find(backend, "release train"))) == ["post:1", "post:2", "post:3"]
    assert keys(find(backend, '"release train"')) == ["post:1"]
    assert keys(find(backend, '"train release"')) == []
    # a phrase never spans the end of the title and the start of the body
    assert keys(find(backend, '"quarterly release train"')) == []


def test_a_long_phrase_needs_its_words_together_not_just_its_pairs(backend):
    backend.index(
        [
            doc(1, "Schedule", "Release train leaves early; train friday schedule attached."),
            doc(2, "Plan", "Our release train friday plan."),
        ]
    )
    # doc 1 has "release train" and "train friday", but never the three words in a row
    assert keys(find(backend, '"release train friday"')) == ["post:2"]
    assert sorted(keys(find(backend, '"train friday"'))) == ["post:1", "post:2"]


def test_facets_filters_and_totals_follow_later_changes(backend):
    backend.index(
        [
            doc(1, "Pricing one", tags=["pricing"], community_id=3),
            doc(2, "Pricing two", tags=["pricing", "sales"]),
            doc(3, "Pricing three", kind="status", tags=["sales"]),
        ]
    )
    first = find(backend, "pricing")  # reads (and may keep) the facet columns
    assert first.total == 3
    assert first.facets["tags"] == {"pricing": 2, "sales": 2}
    backend.index(
        [
            doc(2, "Pricing two", kind="draft", tags=["finance"], community_id=4),
            doc(4, "Pricing four", tags=["pricing"]),
        ]
    )
    backend.remove([post_key(3)])
    for engine in (backend, reopened(backend)):
        found = find(engine, "pricing")
        assert found.total == 3
        assert found.facets["kind"] == {"question": 2, "draft": 1}
        assert found.facets["tags"] == {"pricing": 2, "finance": 1}
        assert found.facets["community"] == {"3": 1, "4": 1, "0": 1}
        assert keys(find(engine, "pricing", Filters(kind="draft"))) == ["post:2"]
        assert keys(find(engine, "pricing", Filters(tag="finance"))) == ["post:2"]
        assert keys(find(engine, "pricing", Filters(community_id=4))) == ["post:2"]
        # filters alone: the newest first
        assert keys(find(engine, "", Filters(tag="pricing"))) == ["post:1", "post:4"]


def test_words_and_a_phrase_together(backend):
    backend.index(
        [
            doc(1, "Budget", "The release train leaves at noon."),
            doc(2, "Travel", "The release train leaves at noon."),
            doc(3, "Budget", "Train the release managers."),
        ]
    )
    # The phrase must match; the bare word only ranks.
    assert keys(find(backend, 'budget "release train"')) == ["post:1", "post:2"]


def test_non_latin_words_are_found(backend):
    backend.index(
        [doc(1, "日本語 ガイド", "Кириллица для всех"), doc(2, "English only", "nothing else")]
    )
    assert keys(find(backend, "日本語")) == ["post:1"]
    assert keys(find(backend, "кириллица")) == ["post:1"]


def test_a_rebuild_leaves_fresh_statistics_for_the_word_frequencies(backend):
    """The PostgreSQL backend reads common words' frequencies from the planner's statistics;
    a rebuild must leave them, not wait for autovacuum."""
    if not isinstance(backend, PostgresBackend):
        pytest.skip("statistics are the PostgreSQL backend's")
    backend.bulk_index(
        [[doc(n, f"Release checklist {n}", "steps for the release") for n in range(40)]]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text FROM pg_stats "
            "WHERE tablename = 'search_searchentry' AND attname = 'document'"
        )
        row = cursor.fetchone()
    assert row is not None and "releas" in row[0]
    assert keys(find(backend, "release"))


def test_a_new_word_reads_its_statistics_without_counting_the_entries_again(backend):
    """The number of entries (a pass over the table) is cached for a minute like the words'
    frequencies: a word not asked before reads only its own statistics."""
    if not isinstance(backend, PostgresBackend):
        pytest.skip("statistics are the PostgreSQL backend's")
    backend.index([doc(1, "Release checklist"), doc(2, "Budget review")])

    def counted(search: str) -> int:
        with CaptureQueriesContext(connection) as run:
            assert keys(find(backend, search))
        return sum("count(*) AS n FROM search_searchentry" in q["sql"] for q in run)

    assert counted("release") == 1  # written since: everything is read again
    assert counted("budget") == 0
    assert counted("checklist review") == 0
    postgres_backend._entries[:] = [(0.0, 2)]  # the cached count has expired
    assert counted("release checklist budget") == 1


def test_the_limit_cuts_the_hits_but_not_the_total(request, backend):
    backend.index([doc(n, f"Onboarding checklist {n}") for n in range(1, 8)])
    found = find(backend, "onboarding", limit=3)
    assert len(found.hits) == 3
    assert found.total == 7
    assert sum(found.facets["kind"].values()) == 7


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def budgets(backend):
    backend.index(
        [
            doc(1, "Budget question", kind="question", tags=["finance"], answered=True),
            doc(2, "Budget open question", kind="question", tags=["finance", "q3"]),
            doc(3, "Budget status", kind="status", community_id=7, author_id=2),
            doc(4, "Budget draft", kind="draft", tags=["q3"], community_id=7, author_id=2),
            doc(5, "Old budget", kind="question", created=NOW - timedelta(days=400)),
        ]
    )
    return backend


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), [1, 2, 3, 4, 5]),
        (Filters(kind="question"), [1, 2, 5]),
        (Filters(kind="draft"), [4]),
        (Filters(kind="person"), []),
        (Filters(tag="finance"), [1, 2]),
        (Filters(tag="Q3"), [2, 4]),
        (Filters(tag="fin"), []),
        (Filters(community_id=7), [3, 4]),
        (Filters(community_id=0), [1, 2, 5]),
        (Filters(author_id=2), [3, 4]),
        (Filters(author_id=99), []),
        (Filters(answered=True), [1]),
        (Filters(answered=False), [2, 5]),
        (Filters(after=(NOW - timedelta(days=30)).date()), [1, 2, 3, 4]),
        (Filters(before=(NOW - timedelta(days=300)).date()), [5]),
        (
            Filters(
                after=(NOW - timedelta(days=3)).date(), before=(NOW - timedelta(days=2)).date()
            ),
            [2, 3],
        ),
        (Filters(after=date(2030, 1, 1)), []),
        (Filters(kind="question", tag="finance", answered=False), [2]),
    ],
)
def test_every_filter(budgets, filters, expected):
    found = find(budgets, "budget", filters)
    assert sorted(keys(found)) == [post_key(n) for n in expected]
    assert found.total == len(expected)


def test_filters_alone_without_words(budgets):
    found = budgets.search(parse(""), Filters(tag="q3"), PUBLIC, limit=10)
    assert sorted(keys(found)) == ["post:2", "post:4"]


# --- visibility ----------------------------------------------------------------------------


@pytest.fixture
def secrets(backend):
    backend.index(
        [
            doc(
                1,
                "Merger plan",
                "Acquisition of a competitor.",
                community_id=SECRET,
                private=True,
                tags=["mergers"],
            ),
            doc(2, "Office chairs plan", "Acquisition of chairs.", tags=["facilities"]),
            doc(3, "Open community plan", "Acquisition of desks.", community_id=3),
        ]
    )
    return backend


def test_a_private_document_never_reaches_a_non_member(secrets):
    found = find(secrets, "acquisition plan")
    assert sorted(keys(found)) == ["post:2", "post:3"]
    assert found.total == 2
    assert str(SECRET) not in found.facets["community"]
    assert "mergers" not in found.facets["tags"]
    assert sum(found.facets["kind"].values()) == 2
    assert keys(find(secrets, "merger")) == []
    assert find(secrets, "mergers").total == 0  # not even by its tag
    assert find(secrets, "acquisition", Filters(community_id=SECRET)).total == 0
    assert find(secrets, "", Filters(tag="mergers")).total == 0
    assert secrets.suggest("mer", PUBLIC, limit=10) == []
    assert sorted(secrets.suggest("pla", PUBLIC, limit=10)) == ["post:2", "post:3"]


def test_a_private_document_reaches_its_members(secrets):
    found = find(secrets, "acquisition plan", audience=MEMBER)
    assert sorted(keys(found)) == ["post:1", "post:2", "post:3"]
    assert found.total == 3
    assert found.facets["community"][str(SECRET)] == 1
    assert found.facets["tags"]["mergers"] == 1
    assert secrets.suggest("mer", MEMBER, limit=10) == ["post:1"]
    assert find(secrets, "", Filters(community_id=SECRET), MEMBER).total == 1


def test_typed_field_syntax_reveals_nothing(secrets):
    for typed in (f"community:{SECRET} merger", f"community:{SECRET}", "private:true merger"):
        found = find(secrets, typed)
        assert "post:1" not in keys(found)
        assert str(SECRET) not in found.facets.get("community", {})


def test_visibility_of_real_posts(backend, make_user, make_community, make_question):
    owner, member, outsider = make_user(), make_user(), make_user()
    secret = make_community("Mergers", owner=owner, private=True, members=[member])
    hidden = make_question(author=owner, title="Acquisition shortlist", community=secret)
    shown = make_question(author=owner, title="Acquisition of office chairs")
    documents, _ = documents_for_keys([post_key(hidden.pk), post_key(shown.pk)])
    backend.index(documents)
    assert keys(find(backend, "acquisition", audience=audience_for(outsider))) == [
        post_key(shown.pk)
    ]
    sneaky = find(backend, f"community:{secret.pk} acquisition", audience=audience_for(outsider))
    assert post_key(hidden.pk) not in keys(sneaky)
    assert backend.suggest("acqui", audience_for(outsider), limit=5) == [post_key(shown.pk)]
    assert find(backend, "acquisition", audience=audience_for(member)).total == 2
    assert find(backend, "acquisition", audience=audience_for(owner)).total == 2


# --- facets --------------------------------------------------------------------------------


def test_facets_count_every_visible_match(backend):
    backend.index(
        [
            doc(1, "Pricing question", tags=["pricing", "sales"], community_id=3),
            doc(2, "Pricing status", kind="status", tags=["pricing"], community_id=3),
            doc(3, "Pricing draft", kind="draft", tags=["sales"]),
            doc(4, "Pricing other", tags=["pricing"]),
            doc(5, "Pricing secret", tags=["pricing", "secret"], community_id=SECRET, private=True),
            doc(6, "Unrelated", tags=["pricing-old"]),
            person(7, "Priya Pricing", "priya"),
        ]
    )
    found = find(backend, "pricing", limit=2)  # facets do not depend on the limit
    assert found.total == 5
    assert found.facets["kind"] == {"question": 2, "status": 1, "draft": 1, "person": 1}
    assert found.facets["tags"] == {"pricing": 3, "sales": 2}
    assert found.facets["community"] == {"0": 3, "3": 2}
    mine = find(backend, "pricing", audience=MEMBER)
    assert mine.facets["tags"] == {"pricing": 4, "sales": 2, "secret": 1}
    assert mine.facets["community"] == {"0": 3, "3": 2, str(SECRET): 1}


def test_tags_are_counted_over_the_best_matches_and_kinds_over_every_match(backend, monkeypatch):
    """Tags are refinements for the best matches: each backend counts them over its pool of
    best matches (here made two long), while the total and the kinds count every match."""
    monkeypatch.setattr(postgres_backend, "RANK_POOL", 2)
    monkeypatch.setattr(whoosh_backend, "FACET_POOL", 2)
    backend.index(
        [
            doc(1, "Invoice approvals", tags=["finance"]),
            doc(2, "Invoice archive", tags=["finance"]),
            doc(3, "Quarterly notes", body="an invoice in passing", tags=["minutes"]),
            doc(4, "Weekly notes", body="the invoice again", tags=["minutes"]),
            doc(5, "Team notes", body="one invoice", kind="status", tags=["minutes"]),
        ]
    )
    found = find(backend, "invoice")
    assert found.total == 5
    assert found.facets["kind"] == {"question": 4, "status": 1}
    assert found.facets["tags"] == {"finance": 2}


# --- typeahead -----------------------------------------------------------------------------


def test_suggest_by_word_start_of_titles_and_names(backend):
    backend.index(
        [
            doc(1, "Upgrading Kubernetes clusters"),
            doc(2, "Quarterly budget", "kubernetes in the body only"),
            person(3, "Aisha Rahman", "arahman"),
        ]
    )
    assert backend.suggest("kube", PUBLIC, limit=8) == ["post:1"]
    assert backend.suggest("KUBERNETES", PUBLIC, limit=8) == ["post:1"]
    assert backend.suggest("upgr clus", PUBLIC, limit=8) == ["post:1"]
    assert backend.suggest("bernetes", PUBLIC, limit=8) == []  # starts of words only
    assert backend.suggest("rah", PUBLIC, limit=8) == ["person:3"]
    assert backend.suggest("aisha ra", PUBLIC, limit=8) == ["person:3"]
    assert backend.suggest("arahm", PUBLIC, limit=8) == ["person:3"]
    assert backend.suggest("aisha budget", PUBLIC, limit=8) == []
    assert backend.suggest("   ", PUBLIC, limit=8) == []


def test_suggest_respects_the_limit(backend):
    backend.index([doc(n, f"Retrospective {n}") for n in range(1, 6)])
    assert len(backend.suggest("retro", PUBLIC, limit=3)) == 3


# --- bad input -----------------------------------------------------------------------------

BAD_INPUT = [
    "",
    "   ",
    "x" * 10_000,
    "deploy " * 2_000,
    "*",
    "w*",
    "deplo*",
    "(((",
    ")))",
    "AND OR NOT",
    "NOT deploy",
    "-deploy",
    "deploy & | ! <-> :*",
    "'quoted' \\ backslash",
    f"community:{SECRET} secret",
    'title:"x',
    '"',
    '""',
    '"unclosed phrase',
    "日本語 検索",
    "Кириллица",
    "🙂🚀",
    "deploy 🙂",
    "\x00",
    "a\x00b",
    "%s %(name)s {} {0}",
]


@pytest.mark.parametrize("typed", BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_bad_input_never_fails(backend, typed):
    backend.index(
        [
            doc(1, "Deploying on Fridays", "Secret deploy steps"),
            doc(2, "Secret merger", community_id=SECRET, private=True),
        ]
    )
    found = find(backend, typed)
    assert "post:2" not in keys(found)
    assert str(SECRET) not in found.facets.get("community", {})
    assert "post:2" not in backend.suggest(typed, PUBLIC, limit=8)
    assert "post:2" not in backend.suggest(typed[:60], PUBLIC, limit=8)


def test_indexing_odd_text_never_fails(backend):
    backend.index(
        [
            doc(1, "NUL \x00 in the title", "and \x00 in the body", tags=["c++", "c#"]),
            doc(2, "", ""),
            doc(3, "Long " + "word" * 3000, "x " * 50_000),
            doc(4, "🙂 emoji title", "日本語"),
        ]
    )
    assert backend.count() == 4
    assert keys(find(backend, "", Filters(tag="c++"))) == ["post:1"]
    assert keys(find(backend, "emoji")) == ["post:4"]


# --- engine-specific health ----------------------------------------------------------------


def test_whoosh_without_an_index_is_unavailable(tmp_path: Path):
    engine = WhooshBackend(tmp_path / "never-built")
    with pytest.raises(SearchUnavailable, match="not been built"):
        find(engine, "anything")
    with pytest.raises(SearchUnavailable):
        engine.suggest("any", PUBLIC, limit=5)
    assert "rebuild_index" in (engine.health() or "")
    engine.remove(["post:1"])  # nothing to remove from: fine


def test_a_damaged_whoosh_index_is_unavailable_and_health_says_so(tmp_path: Path):
    path = tmp_path / "index"
    WhooshBackend(path).index([doc(1, "Deploying on Fridays")])
    files = [f for f in path.iterdir() if f.is_file()]
    assert files
    for file in files:
        file.write_bytes(b"garbage" * 100)
    engine = WhooshBackend(path)
    with pytest.raises(SearchUnavailable, match="damaged"):
        find(engine, "deploying")
    assert "rebuild_index" in (engine.health() or "")


def test_a_deleted_whoosh_index_directory_is_unavailable(tmp_path: Path):
    path = tmp_path / "index"
    WhooshBackend(path).index([doc(1, "Deploying on Fridays")])
    for file in path.iterdir():
        file.unlink()
    engine = WhooshBackend(path)
    with pytest.raises(SearchUnavailable):
        find(engine, "deploying")
    assert engine.health() is not None


@pytest.mark.skipif(ON_POSTGRES, reason="checks the message on a database that is not PostgreSQL")
def test_postgres_backend_on_another_database_says_so():
    engine = PostgresBackend()
    assert "PostgreSQL" in (engine.health() or "")
    with pytest.raises(SearchUnavailable):
        find(engine, "anything")


@pytest.mark.skipif(not ON_POSTGRES, reason=NOT_POSTGRES)
def test_a_postgres_failure_is_unavailable_and_leaves_the_transaction_usable(monkeypatch):
    from search.backends import postgres_backend

    engine = PostgresBackend()
    engine.index([doc(1, "Deploying on Fridays")])
    monkeypatch.setattr(postgres_backend, "_SEARCH", "SELECT no_such_column FROM nowhere")
    with pytest.raises(SearchUnavailable, match="try other words"):
        find(engine, "deploying")
    assert engine.count() == 1  # the failed statement rolled back only itself
    assert engine.health() is None
