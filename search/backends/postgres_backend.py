"""The multi-server engine: PostgreSQL full-text search over the SearchEntry table.

Designed around what was measured (shared/facts): an insert is visible to every connection
at once, so there are no lock files, searchers or merges; ranking reads every row it ranks,
so only a bounded pool of matches (title and tag matches first, then the newest) is ranked,
while the total and the kind and community facets count every match without ranking; tags
are counted over the pool, as the Whoosh backend counts its facets over its best matches.
Everything is decided in one statement: visibility, filters, matching, counting and ranking.

Semantics follow the Whoosh backend: any word matches, either the title, answers or body
(stemmed, english) or a tag (exactly), and relevance decides the order; a quoted phrase
must match its words in order within one field (never across two); a `-word` must not
match; facets count kind and community over the visible matches and tags over the pool of
the best ones; typeahead matches word starts of titles and people's names. Queries are
built only from our parsed words (search.query), each turned into its lexemes by to_tsquery
on the quoted word, never from what was typed.

One tsvector holds it all, so a query is a single GIN lookup: the title (english, weight
A), each tag as the exact lexeme "#name" (weight B; no english word analyses to that), a
gap of PHRASE_GAP positions, the answers (english, weight C), another gap, then the body
(english, weight D).

Relevance, computed for a bounded pool of matches: per word, ts_rank over the weighted
fields (title 1.0, tags 0.4, answers 0.2, body 0.1) times the word's BM25 idf (document
frequencies from the planner's statistics for common words, counted by the GIN index, at
most DF_CAP, for the others; each cached for a minute, as is the number of entries),
times a bonus for the share of the query's words the document has, plus a bonus for query
words found side by side. Bounded work: common words (in COMMON_SHARE of the entries or
more) do not add matches of their own when the query has a rarer word (they still count in
the ranking), and only RANK_POOL matches, those whose titles and tags hold the rarest
words, are ranked.

Differences from Whoosh: PostgreSQL's english stop-word list differs a little from ours, so
a word it drops is ignored as it is in the documents; the ranking reads ts_rank, not BM25F
over field lengths.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time
from time import monotonic
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from search.backends.base import Audience, Candidate, Candidates, SearchBackend, SearchUnavailable
from search.documents import Document, IndexEntry
from search.models import SearchEntry
from search.query import Filters, ParsedQuery, words_of

logger = logging.getLogger(__name__)

RANK_POOL = 400  # matches ranked per query (a ts_rank per word each)
DF_CAP = 5000  # documents counted per word missing from the statistics, at most
DF_SECONDS = 60.0  # document frequencies are cached this long per process
# A word in this share of the entries or more (at least COMMON_MIN, at most DF_CAP) is
# common: it adds no matches of its own when the query has a rarer word.
COMMON_SHARE = 0.03
COMMON_MIN = 100
COVERAGE_BONUS = 1.0  # all the query's words: (1 + COVERAGE_BONUS) times the score
PAIR_BONUS = 0.5  # per pair of query words side by side, times their mean idf
# ts_rank weights for D (body), C (answers), B (tags), A (title).
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
WRITE_BATCH = 100  # documents per INSERT statement (bodies are up to 100,000 characters)
SUGGEST_WORDS = 4
TAG_MARK = "#"  # tag lexemes are "#name": no english word analyses to that
PHRASE_GAP = 50  # positions between the title and the body (longer than any phrase)
TABLE = SearchEntry._meta.db_table

_UPSERT_ROW = (
    "(%s::text, %s::text, %s::text, %s::text, %s::text, %s::tsvector, %s::bigint, %s::boolean, "
    "%s::bigint, %s::timestamptz, %s::boolean, %s::text, %s::tsvector)"
)
_UPSERT = f"""
INSERT INTO {TABLE} (key, kind, title, body, tags, community_id, private, author_id, created,
                     answered, document, heading, title_words)
SELECT v.key, v.kind, v.title, v.body, v.tags, v.community_id, v.private, v.author_id,
       v.created, v.answered,
       setweight(to_tsvector('english', v.title), 'A') || v.tag_vector
           || setweight(to_tsvector('english', v.answers), 'C') || v.gap
           || setweight(to_tsvector('english', v.body), 'D'),
       setweight(to_tsvector('english', v.title), 'A') || v.tag_vector,
       to_tsvector('simple', v.title)
FROM (VALUES {{rows}}) AS v (key, kind, title, body, tags, tag_vector, community_id, private,
                             author_id, created, answered, answers, gap)
ON CONFLICT (key) DO UPDATE SET
    kind = EXCLUDED.kind, title = EXCLUDED.title, body = EXCLUDED.body, tags = EXCLUDED.tags,
    community_id = EXCLUDED.community_id, private = EXCLUDED.private,
    author_id = EXCLUDED.author_id, created = EXCLUDED.created, answered = EXCLUDED.answered,
    document = EXCLUDED.document, heading = EXCLUDED.heading, title_words = EXCLUDED.title_words
"""  # noqa: S608 (constants only; every value is a parameter)

# One statement: the matches (materialised once, as narrow rows), the pool ranked (per word:
# its ts_rank; per side-by-side pair: whether it is there) and scored, only the best `limit`
# of them returned, the counts of matches per kind and community (one grouping, summed into
# both facets by search(); the kinds' counts add up to the total) and the tag counts over the
# pool, whose rows are read again anyway. At 100,000 posts, counting tags over every match,
# and carrying them in the matches, cost 14 of a common word's 52 ms of database time (20,600
# matches) and 7 of a natural question's 37 (9,750); the tags of the best matches are the
# refinements worth offering.
# Tags are split in the select list, not by a lateral join: 5 of the 17 ms a common word's
# 20,000 matches spent counting tags at 100,000 posts. The score is computed here rather
# than from each row's ranks in Python (see _score): that cost 13 ms of CPU per natural
# question in the app process.
_SEARCH = f"""
WITH matches AS MATERIALIZED (
    SELECT e.id, e.kind, e.community_id, e.created, {{strong}} AS strong
    FROM {TABLE} e
    WHERE {{where}}
),
pool AS (
    SELECT id FROM matches ORDER BY strong DESC, created DESC NULLS LAST, id DESC
    LIMIT %s
),
-- Each pooled document read (and decompressed) once: every ts_rank and @@ below would
-- otherwise detoast it again.
pooled AS MATERIALIZED (
    SELECT e.key, e.created, e.id, e.tags, e.document || ''::tsvector AS document
    FROM {TABLE} e JOIN pool USING (id)
),
ranked AS MATERIALIZED (
    SELECT e.key, e.created, e.id, {{ranks}} AS r FROM pooled e
),
scored AS (
    SELECT e.key, e.created, e.id, ({{score}})::float8 AS score FROM ranked e
)
(SELECT 'hit', e.key, e.score, extract(epoch FROM e.created), e.id
 FROM scored e ORDER BY e.score DESC, e.created DESC NULLS LAST, e.id DESC LIMIT %s)
UNION ALL
SELECT 'kind community', kind, count(*)::float8, community_id, 0
FROM matches GROUP BY kind, community_id
UNION ALL
SELECT 'tags', tag, count(*)::float8, 0, 0
FROM (SELECT unnest(string_to_array(pooled.tags, ' ')) AS tag FROM pooled) AS listed
WHERE tag <> ''
GROUP BY tag
"""  # noqa: S608 (constants and our own clauses; every value is a parameter)

# The number of entries, then per word: its lexemes (as tsquery text), its english lexemes
# alone (for side by side pairs) and how many entries have it. A common word's count comes
# from the planner's statistics of the document column (the share of sampled rows holding
# each of its most common lexemes, kept by ANALYZE and autovacuum); only a word missing from
# them (or with a lexeme missing), so rarer than every lexeme listed there, is counted, at
# most DF_CAP. Counting common
# words capped every one of them at DF_CAP: all got the same idf, and the "rarest" one that
# decides the matches was picked at random (a word in 21,700 entries over one in 10,200).
_WORD_STATS = f"""
WITH entries AS ({{entries}}),
listed AS (
    SELECT s.most_common_elems::text::text[] AS lexemes, s.most_common_elem_freqs AS shares
    FROM pg_stats s
    WHERE s.schemaname = current_schema() AND s.tablename = '{TABLE}'
      AND s.attname = 'document'
)
SELECT entries.n, w.word,
       (to_tsquery('english', w.quoted) || w.tag::tsquery)::text,
       to_tsquery('english', w.quoted)::text,
       COALESCE(
           (SELECT CASE WHEN count(*) = count(share) THEN round(min(share) * entries.n) END
            FROM listed, unnest(tsvector_to_array(to_tsvector('english', w.word))) AS lexeme,
                 LATERAL (SELECT listed.shares[array_position(listed.lexemes, lexeme)])
                     AS s (share)),
           (SELECT count(*) FROM (
               SELECT 1 FROM {TABLE} e
               WHERE e.document @@ (to_tsquery('english', w.quoted) || w.tag::tsquery)
               LIMIT {DF_CAP}) AS found))
FROM entries
LEFT JOIN unnest(%s::text[], %s::text[], %s::text[]) AS w (word, quoted, tag) ON true
"""  # noqa: S608 (constants only; every value is a parameter)
# The number of entries: counted (a pass over the whole table, 15 ms of database CPU at
# 105,000 entries, most of a new word's statistics) only when the cached count has expired.
_COUNT_ENTRIES = f"SELECT count(*) AS n FROM {TABLE}"  # noqa: S608 (a constant)
_KNOWN_ENTRIES = "SELECT %s::bigint AS n"

_SUGGEST = f"""
SELECT e.key FROM {TABLE} e
WHERE (e.private = false OR e.community_id = ANY(%s::bigint[]))
  AND e.title_words @@ to_tsquery('simple', %s)
ORDER BY ts_rank(e.title_words, to_tsquery('simple', %s), 1) DESC, e.created DESC NULLS LAST,
         e.id DESC
LIMIT %s
"""  # noqa: S608 (constants only; every value is a parameter)

# A phrase: its words in this order. The title, the answers and the body are PHRASE_GAP
# positions apart in the document, so a phrase never runs from one into the next.
_PHRASE = "phraseto_tsquery('english', %s)"


@dataclass(frozen=True)
class _Word:
    word: str
    lexemes: str  # tsquery text: the word's english lexemes or its tag lexeme
    english: str  # tsquery text: its english lexemes alone ("" for a stop word)
    frequency: int  # entries that have it (estimated for common words)


_stats_lock = threading.Lock()
_stats: dict[str, tuple[float, _Word]] = {}
_entries: list[tuple[float, int]] = []


def _idf(frequency: int, total: int) -> float:
    """BM25's idf (Lucene's form: never negative)."""
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))


def _clean(text: str) -> str:
    return text.replace("\x00", " ")  # PostgreSQL text cannot hold NUL


def _quoted(lexeme: str) -> str:
    """A lexeme in tsvector/tsquery input syntax, taken literally."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tag_lexeme(tag: str) -> str:
    return _quoted(TAG_MARK + _clean(tag).strip().lower())


def _tag_names(document: Document) -> list[str]:
    names = (_clean(t).strip().lower() for t in document.tags)
    return list(dict.fromkeys(n for n in names if n and " " not in n))


def _tag_vector(names: list[str]) -> str:
    """The tags as exact lexemes of weight B, then a gap before the body."""
    lexemes = [f"{_quoted(TAG_MARK + name)}:1B" for name in names]
    return " ".join([*lexemes, f"{_quoted(TAG_MARK)}:{PHRASE_GAP}B"])


def _row(document: Document) -> list[Any]:
    names = _tag_names(document)
    return [
        document.key,
        document.kind,
        _clean(document.title),
        _clean(document.body),
        " ".join(names),
        _tag_vector(names),
        document.community_id or 0,
        document.private,
        document.author_id or 0,
        document.created,
        document.answered,
        _clean(document.answers),
        f"{_quoted(TAG_MARK)}:{PHRASE_GAP}C",  # a gap between the answers and the body
    ]


def _members(audience: Audience) -> list[int]:
    return sorted(audience.member_community_ids)


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _day_end(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def prefix_query(prefix: str) -> str:
    """to_tsquery text for 'every typed word starts a title word': our own words only
    (letters and digits), each quoted and marked as a prefix, AND-ed."""
    return " & ".join(f"{_quoted(w)}:*" for w in words_of(prefix)[:SUGGEST_WORDS])


def _pair_query(first: _Word, second: _Word) -> str:
    """tsquery text for two words side by side (one stop word between allowed, as
    PostgreSQL keeps stop words' positions); "" when either is a stop word to PostgreSQL.
    Built from the words' lexemes, read once with their statistics: to_tsquery in the
    statement ran again for every pooled row (it is not immutable)."""
    if not first.english or not second.english:
        return ""
    a, b = f"({first.english})", f"({second.english})"
    return f"({a} <-> {b}) | ({a} <2> {b})"


def _ranking(
    query: ParsedQuery, words: list[_Word], found: dict[str, _Word], idf: dict[str, float]
) -> tuple[str, list[Any], str, list[Any], str, list[Any]]:
    """The per-row ranking array (per word and phrase: its ts_rank; per adjacent pair: 1 if
    side by side), the pool order (the idf of the words in the title and tags) and the
    score computed from the array (see _score)."""
    if query.is_empty:  # filters only: the newest first
        return "ARRAY[1.0::float8]", [], "0", [], "1.0", []
    parts: list[str] = []
    params: list[Any] = []
    for word in words:
        parts.append("ts_rank(%s::float4[], e.document, %s::tsquery)")
        params += [RANK_WEIGHTS, word.lexemes]
    for phrase in query.phrases:
        parts.append(f"ts_rank(%s::float4[], e.document, {_PHRASE})")
        params += [RANK_WEIGHTS, " ".join(phrase)]
    pair_bonus: list[float] = []
    for first, second in query.adjacent:
        pair = _pair_query(found[first], found[second])
        if pair:
            parts.append("(e.document @@ %s::tsquery)::int")
            params.append(pair)
            pair_bonus.append(PAIR_BONUS * (idf.get(first, 1.0) + idf.get(second, 1.0)) / 2)
    ranks = "ARRAY[" + ", ".join(f"({p})::float8" for p in parts) + "]"
    strong_parts = ["0"]
    strong_params: list[Any] = []
    for word in words:
        strong_parts.append("%s::float8 * (e.heading @@ %s::tsquery)::int")
        strong_params += [idf[word.word], word.lexemes]
    for phrase in query.phrases:
        strong_parts.append(f"(e.heading @@ {_PHRASE})::int")
        strong_params.append(" ".join(phrase))
    weights = [idf[w.word] for w in words] + [1.0] * len(query.phrases)
    score, score_params = _score(weights, len(words), pair_bonus)
    return (
        ranks,
        params,
        "(" + " + ".join(strong_parts) + ")",
        strong_params,
        score,
        score_params,
    )


def _score(weights: list[float], word_count: int, pair_bonus: list[float]) -> tuple[str, list[Any]]:
    """A pooled row's relevance from its ranking array `e.r` (see _ranking): each word's
    and phrase's ts_rank times its weight (the word's idf), times a bonus for the share of
    the query's words the row has, plus a bonus per pair of words side by side."""
    params: list[Any] = []
    terms = []
    for number, weight in enumerate(weights, start=1):
        terms.append(f"%s::float8 * e.r[{number}]")
        params.append(weight)
    score = "(" + " + ".join(terms or ["0"]) + ")"
    if word_count:
        covered = " + ".join(f"(e.r[{n}] > 0)::int" for n in range(1, word_count + 1))
        score += f" * (1 + %s::float8 * ({covered}) / %s::float8)"
        params += [COVERAGE_BONUS, word_count]
    for number, bonus in enumerate(pair_bonus, start=len(weights) + 1):
        score += f" + %s::float8 * e.r[{number}]"
        params.append(bonus)
    return score, params


def _forget_statistics() -> None:
    with _stats_lock:
        _stats.clear()
        _entries.clear()


class PostgresBackend(SearchBackend):
    name = "postgres"

    @contextmanager
    def _database(self, problem: str) -> Iterator[Any]:
        """A cursor in a transaction (a savepoint inside the caller's): a failed statement
        rolls back only itself and becomes SearchUnavailable with `problem` for people."""
        if connection.vendor != "postgresql":
            raise SearchUnavailable(
                "PostgreSQL search is configured but the database is not PostgreSQL."
            )
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                yield cursor
        except DatabaseError as error:
            logger.error("postgres search failed: %r", error)
            raise SearchUnavailable(problem) from error

    # --- writing -------------------------------------------------------------------------
    def index(self, documents: list[Document]) -> None:
        latest = {d.key: d for d in documents}  # one row per key per statement
        if not latest:
            return
        unique = list(latest.values())
        _forget_statistics()
        problem = "The search index cannot be updated right now; it will be retried."
        with self._database(problem) as cursor:
            for start in range(0, len(unique), WRITE_BATCH):
                batch = unique[start : start + WRITE_BATCH]
                sql = _UPSERT.replace("{rows}", ", ".join([_UPSERT_ROW] * len(batch)))
                cursor.execute(sql, [value for d in batch for value in _row(d)])

    def bulk_index(self, batches: Iterable[list[Document]]) -> int:
        """A rebuild, then fresh planner statistics for the table: the common words'
        document frequencies are read from them (_WORD_STATS), and until autovacuum
        analyses the new rows every word would be counted again, capped at DF_CAP."""
        done = super().bulk_index(batches)
        with self._database("The search index was rebuilt but could not be analysed.") as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
        _forget_statistics()
        return done

    def remove(self, keys: list[str]) -> None:
        if not keys:
            return
        _forget_statistics()
        with self._database("The search index cannot be updated right now; it will be retried."):
            SearchEntry.objects.filter(key__in=keys).delete()

    def clear(self) -> None:
        _forget_statistics()
        with self._database("The search index cannot be emptied right now."):
            SearchEntry.objects.all().delete()

    # --- reading -------------------------------------------------------------------------
    def _words(self, cursor: Any, words: list[str]) -> tuple[dict[str, _Word], int]:
        """Each word's lexemes and document frequency, and the number of entries; cached
        for DF_SECONDS (forgotten when this process writes)."""
        now = monotonic()
        with _stats_lock:
            known = {w: found for w in words if (found := _stats.get(w)) and found[0] > now}
            total = _entries[0][1] if _entries and _entries[0][0] > now else None
        missing = [w for w in words if w not in known]
        if missing or total is None:
            counted = total is None
            if counted:
                sql, params = _WORD_STATS.replace("{entries}", _COUNT_ENTRIES), []
            else:
                sql, params = _WORD_STATS.replace("{entries}", _KNOWN_ENTRIES), [total]
            quoted = [_quoted(w) for w in missing]
            tags = [_quoted(TAG_MARK + w) for w in missing]
            cursor.execute(sql, [*params, missing, quoted, tags])
            for entries, word, lexemes, english, frequency in cursor.fetchall():
                total = int(entries)
                if word is not None:
                    found_word = _Word(word, lexemes, english or "", int(frequency))
                    known[word] = (now + DF_SECONDS, found_word)
            with _stats_lock:
                _stats.update({w: known[w] for w in missing if w in known})
                if counted:
                    _entries[:] = [(now + DF_SECONDS, total or 0)]
        return {w: found[1] for w, found in known.items()}, total or 0

    def _where(
        self,
        query: ParsedQuery,
        filters: Filters,
        audience: Audience,
        matching: list[_Word],
        excluded: list[_Word],
    ) -> tuple[str, list[Any]]:
        conditions = ["(e.private = false OR e.community_id = ANY(%s::bigint[]))"]
        params: list[Any] = [_members(audience)]
        if filters.kind:
            conditions.append("e.kind = %s")
            params.append(filters.kind)
        if filters.tag:
            conditions.append("e.document @@ %s::tsquery")
            params.append(tag_lexeme(filters.tag))
        if filters.community_id is not None:
            conditions.append("e.community_id = %s")
            params.append(filters.community_id)
        if filters.author_id is not None:
            conditions.append("e.author_id = %s")
            params.append(filters.author_id)
        if filters.answered is not None:
            conditions.append("(e.kind = 'question' AND e.answered = %s)")
            params.append(filters.answered)
        if filters.after:
            conditions.append("e.created >= %s")
            params.append(_day_start(filters.after))
        if filters.before:
            conditions.append("e.created <= %s")
            params.append(_day_end(filters.before))
        if matching:
            conditions.append("e.document @@ %s::tsquery")
            params.append(" | ".join(f"({w.lexemes})" for w in matching))
        for phrase in query.phrases:
            conditions.append(f"e.document @@ {_PHRASE}")
            params.append(" ".join(phrase))
        for word in excluded:
            conditions.append("NOT (e.document @@ %s::tsquery)")
            params.append(word.lexemes)
        return " AND ".join(conditions), params

    def search(
        self, query: ParsedQuery, filters: Filters, audience: Audience, *, limit: int
    ) -> Candidates:
        with self._database("Search failed for this query; try other words.") as cursor:
            found, total = self._words(cursor, [*query.words, *query.excluded])
            words = [found[w] for w in query.words]
            idf = {w.word: _idf(w.frequency, total) for w in words}
            # A common word adds no matches of its own when a rarer word can find them:
            # documents with only such words rank low, and listing them costs a pass
            # over much of the table. With a quoted phrase, the phrase decides what
            # matches and the words only rank.
            common = min(DF_CAP, max(COMMON_MIN, COMMON_SHARE * total))
            rare = [w for w in words if w.frequency < common]
            if not rare and words:
                rare = [min(words, key=lambda w: w.frequency)]
            if query.phrases:
                rare = []
            excluded = [found[w] for w in query.excluded]
            where, where_params = self._where(query, filters, audience, rare, excluded)
            ranks, rank_params, strong, strong_params, score, score_params = _ranking(
                query, words, found, idf
            )
            sql = _SEARCH.format(strong=strong, where=where, ranks=ranks, score=score)
            params = [
                *strong_params,
                *where_params,
                RANK_POOL,
                *rank_params,
                *score_params,
                max(0, limit),
            ]
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        scored: list[tuple[float, float, int, str]] = []
        facets: dict[str, dict[str, int]] = {"kind": {}, "community": {}, "tags": {}}
        kinds, communities, tags = facets["kind"], facets["community"], facets["tags"]
        for what, value, number, created, row_id in rows:
            if what == "hit":
                scored.append((float(number), created or 0.0, row_id, value))
            elif what == "tags":
                tags[value] = int(number)
            else:  # a kind in a community (the `created` column carries the community)
                kinds[value] = kinds.get(value, 0) + int(number)
                community = str(int(created))
                communities[community] = communities.get(community, 0) + int(number)
        scored.sort(reverse=True)
        hits = [Candidate(key=key, relevance=r) for r, _, _, key in scored]
        total_matches = sum(facets["kind"].values())
        return Candidates(hits=hits, total=total_matches, facets=facets)

    def suggest(self, prefix: str, audience: Audience, *, limit: int) -> list[str]:
        text = prefix_query(prefix)
        if not text:
            return []
        with self._database("Suggestions are unavailable right now.") as cursor:
            cursor.execute(_SUGGEST, [_members(audience), text, text, max(0, limit)])
            return [key for (key,) in cursor.fetchall()]

    def keys(self) -> Iterator[str]:
        with self._database("The search index cannot be read right now."):
            found = list(SearchEntry.objects.values_list("key", flat=True))
        yield from found

    def entries(self) -> Iterator[IndexEntry]:
        with self._database("The search index cannot be read right now."):
            rows = SearchEntry.objects.values_list("key", "community_id", "private")
            found = [IndexEntry(key, community, private) for key, community, private in rows]
        yield from found

    def count(self) -> int:
        with self._database(
            "The search index cannot be read. An administrator can check that migrations ran "
            "and rebuild it with `manage.py rebuild_index`."
        ):
            return SearchEntry.objects.count()
