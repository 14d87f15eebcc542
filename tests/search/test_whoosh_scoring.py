"""The Whoosh backend reads postings a block at a time and sums BM25F itself (Whoosh's own
matchers walked them one posting at a time): its matches and scores must be exactly those
Whoosh computes for the same query, across several segments, deletions, both block
layouts and indexes written before the layout changed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from django.utils import timezone
from whoosh.query import Or, Term

from search.backends import whoosh_backend
from search.backends.base import Audience
from search.backends.whoosh_backend import WhooshBackend, _postings, analyzed
from search.documents import Document, post_key
from search.query import Filters, ParsedQuery, parse

EVERYONE = Audience(user_id=1, member_community_ids=frozenset())
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.get_current_timezone())
WORDS = [
    "deploy",
    "deployment",
    "cluster",
    "upgrade",
    "kubernetes",
    "incident",
    "pager",
    "rotation",
    "budget",
    "review",
    "onboarding",
    "laptop",
    "printer",
    "database",
    "migration",
    "backup",
    "restore",
    "latency",
    "cache",
    "queue",
]
QUERIES = [
    "deploy",
    "kubernetes upgrade",
    "cache",
    '"database migration"',
    '"pager rotation review"',
    "backup restore latency",
    "incident #ops",
    "nothing-matches-this",
]


def corpus(count: int, seed: int) -> list[Document]:
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    documents = []
    for n in range(1, count + 1):
        title = " ".join(rng.choices(WORDS, k=rng.randint(2, 6)))
        body = " ".join(rng.choices(WORDS, k=rng.randint(0, 60)))
        tags = rng.sample(["ops", "kubernetes", "cache", "people"], k=rng.randint(0, 2))
        documents.append(
            Document(
                key=post_key(n),
                kind="question",
                title=title,
                body=body,
                tags=tags,
                author_id=1,
                created=NOW - timedelta(hours=n),
            )
        )
    return documents


def whoosh_query(query: ParsedQuery) -> Any:
    """The query as Whoosh itself scores it: any word as a tag or a stem in the title, the
    answers or the body, every phrase's words in the title, the answers or the body (BM25F,
    Whoosh's default)."""
    clauses = []
    for word in query.words:
        options = [Term("tags", word)]
        for stem in analyzed(word):
            options += [Term(name, stem) for name in ("title", "answers", "body")]
        clauses.append(Or(options))
    for phrase in query.phrases:
        for stem in {s for w in phrase for s in analyzed(w)}:
            clauses.append(Or([Term(name, stem) for name in ("title", "answers", "body")]))
    return Or(clauses)


def whooshs_own(backend: WhooshBackend, typed: str, limit: int) -> dict[str, float]:
    """What Whoosh's searcher scores for the same query over the same matches (the phrase
    check, the coverage and side-by-side bonuses are ours: Whoosh's query above only asks
    for the words)."""
    query = parse(typed)
    searcher = backend._reader()
    relevance = backend._relevance(searcher, query, backend._columns(searcher))
    matched = {int(d) for d in np.flatnonzero(relevance.score > 0)}
    if not matched:
        return {}
    results = searcher.search(whoosh_query(query), filter=matched, limit=limit)
    return {searcher.stored_fields(d)["key"]: score for score, d in results.top_n}


def bm25_of(backend: WhooshBackend, typed: str) -> dict[str, float]:
    """Our BM25F part of the score, per key, for the documents that match."""
    query = parse(typed)
    searcher = backend._reader()
    relevance = backend._relevance(searcher, query, backend._columns(searcher))
    return {
        searcher.stored_fields(int(d))["key"]: float(relevance.bm25[d])
        for d in np.flatnonzero(relevance.score > 0)
    }


def build(path, monkeypatch, *, block: int, compression: int) -> WhooshBackend:
    """An index in several segments (batches, then updates and deletions)."""
    monkeypatch.setattr(whoosh_backend, "POSTING_BLOCK", block)
    monkeypatch.setattr(whoosh_backend, "POSTING_COMPRESSION", compression)
    backend = WhooshBackend(path)
    backend.clear()
    documents = corpus(120, seed=block)
    for start in range(0, len(documents), 40):
        backend.index(documents[start : start + 40])
    backend.index(corpus(10, seed=99))  # replaces posts 1-10 with other text
    backend.remove([post_key(n) for n in range(50, 60)])
    return backend


@pytest.mark.parametrize("block,compression", [(4, 0), (128, 3), (1024, 0)])
def test_scores_and_order_are_whooshs_own(tmp_path, monkeypatch, block, compression):
    backend = build(tmp_path / "index", monkeypatch, block=block, compression=compression)
    assert len(backend._reader().reader().leaf_readers()) > 1  # several segments
    for typed in QUERIES:
        found = backend.search(parse(typed), Filters(), EVERYONE, limit=200)
        ours = bm25_of(backend, typed)
        theirs = whooshs_own(backend, typed, 200)
        assert ours.keys() == theirs.keys() == {hit.key for hit in found.hits}, typed
        for key, score in theirs.items():
            assert ours[key] == pytest.approx(score, rel=1e-5), (typed, key)
        ranked = [hit.relevance for hit in found.hits]
        assert ranked == sorted(ranked, reverse=True)
    assert found.total == 0  # the last query matches nothing


def test_the_best_few_are_the_best_of_all(tmp_path, monkeypatch):
    backend = build(tmp_path / "index", monkeypatch, block=4, compression=0)
    everything = backend.search(parse("deploy"), Filters(), EVERYONE, limit=200)
    best = backend.search(parse("deploy"), Filters(), EVERYONE, limit=5)
    assert best.total == everything.total > 5
    top = sorted((h.relevance for h in everything.hits), reverse=True)[:5]
    assert [h.relevance for h in best.hits] == pytest.approx(top)


def test_postings_read_by_blocks_are_the_matchers_postings(tmp_path, monkeypatch):
    backend = build(tmp_path / "index", monkeypatch, block=4, compression=0)
    searcher = backend._reader()
    # Segments with deleted documents (every update deletes) take the block path too.
    assert any(reader.has_deletions() for reader, _ in searcher.reader().leaf_readers())

    def no_walking(matcher):
        raise AssertionError("walked the postings one by one")

    monkeypatch.setattr(whoosh_backend, "_walk_postings", no_walking)
    for reader, _offset in searcher.reader().leaf_readers():
        for field, word in [("body", "deploy"), ("title", "cach"), ("tags", "ops")]:
            ids, weights = _postings(reader, field, word)
            expected: list[tuple[int, float]] = []
            if (field, word) in reader:
                matcher = reader.postings(field, word)
                while matcher.is_active():
                    expected.append((matcher.id(), matcher.weight()))
                    matcher.next()
            assert list(zip(ids, weights, strict=True)) == expected
        assert _postings(reader, "body", "absent") == ([], [])


def test_an_index_written_before_the_layout_change_still_reads(tmp_path, monkeypatch):
    """An index as earlier versions wrote it (Whoosh's defaults: compound segment files,
    128-posting compressed blocks), then new writes beside it in the new layout."""
    path = tmp_path / "index"
    with monkeypatch.context() as old_layout:
        old_layout.setattr(whoosh_backend, "_writer_options", dict)
        build(path, old_layout, block=128, compression=3)
    assert list(path.glob("*.seg"))  # compound segments, as before
    reopened = WhooshBackend(path)
    reopened.index(corpus(5, seed=7))  # a new segment in the new layout, beside the old
    for typed in ("kubernetes upgrade", '"database migration"'):
        found = reopened.search(parse(typed), Filters(), EVERYONE, limit=200)
        theirs = whooshs_own(reopened, typed, 200)
        assert theirs
        assert {h.key for h in found.hits} == theirs.keys()
        assert {k: pytest.approx(v, rel=1e-5) for k, v in bm25_of(reopened, typed).items()} == (
            theirs
        )


def test_segments_are_written_as_separate_files(tmp_path, monkeypatch):
    """A compound segment is copied whole into memory each time a reader opens it."""
    backend = build(tmp_path / "index", monkeypatch, block=1024, compression=0)
    segments = backend._open()._segments()
    assert segments and not any(segment.is_compound() for segment in segments)
    assert not list((tmp_path / "index").glob("*.seg"))


def test_cached_postings_never_outlive_an_update_or_a_deletion(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    backend.clear()
    alphas = [Document(post_key(n), "question", f"alpha {n}", "") for n in (1, 2)]
    backend.index(alphas)
    assert {h.key for h in backend.search(parse("alpha"), Filters(), EVERYONE, limit=10).hits} == {
        post_key(1),
        post_key(2),
    }
    backend.index([Document(key=post_key(1), kind="question", title="beta", body="")])
    backend.remove([post_key(2)])
    assert backend.search(parse("alpha"), Filters(), EVERYONE, limit=10).hits == []
    assert [h.key for h in backend.search(parse("beta"), Filters(), EVERYONE, limit=10).hits] == [
        post_key(1)
    ]


def test_the_postings_budget_skips_common_terms_but_keeps_the_rarest(tmp_path, monkeypatch):
    backend = build(tmp_path / "index", monkeypatch, block=1024, compression=0)
    everything = set(bm25_of(backend, "deploy kubernetes"))
    monkeypatch.setattr(whoosh_backend, "POSTINGS_BUDGET", 1)
    found = backend.search(parse("deploy kubernetes"), Filters(), EVERYONE, limit=200)
    # Only the rarest term was read: fewer matches, all of them among the full ones.
    assert found.hits and {h.key for h in found.hits} < everything


def test_facets_and_keys_are_those_of_the_documents_across_segments_and_merges(
    tmp_path, monkeypatch
):
    """Facets are counted over code arrays and keys are remembered per segment: both must be
    what the documents say, in every segment, after updates, deletions and a merge."""
    backend = build(tmp_path / "index", monkeypatch, block=4, compression=0)

    def check() -> None:
        searcher = backend._reader()
        docnums = [docnum for docnum, _fields in searcher.reader().iter_docs()]
        stored = [searcher.stored_fields(docnum)["key"] for docnum in docnums]
        assert backend._keys_of(searcher, docnums) == stored
        assert backend._keys_of(searcher, docnums[::-1]) == stored[::-1]
        for typed in ["deploy", "kubernetes upgrade", "cache queue"]:
            found = backend.search(parse(typed), Filters(), EVERYONE, limit=500)
            expected = whooshs_own(backend, typed, 500)
            assert {h.key for h in found.hits} == set(expected)
            documents = {d.key: d for d in corpus(130, seed=4)} | {
                d.key: d for d in corpus(10, seed=99)
            }
            counted: dict[str, int] = {}
            for hit in found.hits:
                for tag in documents[hit.key].tags:
                    counted[tag] = counted.get(tag, 0) + 1
            assert found.facets["tags"] == counted
            assert found.facets["kind"] == {"question": len(found.hits)}

    check()
    check()  # keys remembered from the first reads
    backend.index(corpus(130, seed=4)[120:])  # a new segment
    backend.remove([post_key(n) for n in range(20, 30)])
    check()
    writer = backend._writer()
    writer.commit(optimize=True)  # one merged segment: new document numbers
    check()
