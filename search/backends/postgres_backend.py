"""The multi-server engine: PostgreSQL full-text search over the SearchEntry table.

Designed around what was measured (shared/facts): an insert is visible to every connection
at once, so there are no lock files, searchers or merges; ranking reads every row it ranks,
so only a bounded pool of matches (title and tag matches first, then the newest) is ranked,
while the total and the facets count every match without ranking. Everything is decided
in one statement: visibility, filters, matching, counting and ranking.

Semantics follow the Whoosh backend: every word must match, either the title or body
(stemmed, english) or a tag (exactly); a phrase matches its words in order within the title
or within the body (never across the two); facets count kind, community and tags over all
visible matches; typeahead matches word starts of titles and people's names. Queries are
built only from our parsed words (search.query), never from what was typed.

One tsvector holds it all, so a query is a single GIN lookup: the title (english, weight
A), each tag as the exact lexeme "#name" (weight B; no english word analyses to that), a
gap of PHRASE_GAP positions, then the body (english, weight D).

Differences from Whoosh: PostgreSQL's english stop-word list is longer than ours, so a
word like "very" or "other" is ignored as it is in the documents (a query of nothing else
finds nothing); a stop word inside a phrase keeps its place ("deploy the app" does not
match "deploy app"); ranking is ts_rank (title 1.0, tags 0.4, body 0.1), not BM25F.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from search.backends.base import Audience, Candidate, Candidates, SearchBackend, SearchUnavailable
from search.documents import Document, IndexEntry
from search.models import SearchEntry
from search.query import Filters, ParsedQuery, words_of

logger = logging.getLogger(__name__)

RANK_POOL = 2000  # matches ranked by ts_rank per query (about 4.5 µs each)
WRITE_BATCH = 100  # documents per INSERT statement (bodies are up to 100,000 characters)
SUGGEST_WORDS = 4
TAG_MARK = "#"  # tag lexemes are "#name": no english word analyses to that
PHRASE_GAP = 50  # positions between the title and the body (longer than any phrase)
TABLE = SearchEntry._meta.db_table

_UPSERT_ROW = (
    "(%s::text, %s::text, %s::text, %s::text, %s::text, %s::tsvector, %s::bigint, %s::boolean, "
    "%s::bigint, %s::timestamptz, %s::boolean)"
)
_UPSERT = f"""
INSERT INTO {TABLE} (key, kind, title, body, tags, community_id, private, author_id, created,
                     answered, document, heading, title_words)
SELECT v.key, v.kind, v.title, v.body, v.tags, v.community_id, v.private, v.author_id,
       v.created, v.answered,
       setweight(to_tsvector('english', v.title), 'A') || v.tag_vector
           || setweight(to_tsvector('english', v.body), 'D'),
       setweight(to_tsvector('english', v.title), 'A') || v.tag_vector,
       to_tsvector('simple', v.title)
FROM (VALUES {{rows}}) AS v (key, kind, title, body, tags, tag_vector, community_id, private,
                             author_id, created, answered)
ON CONFLICT (key) DO UPDATE SET
    kind = EXCLUDED.kind, title = EXCLUDED.title, body = EXCLUDED.body, tags = EXCLUDED.tags,
    community_id = EXCLUDED.community_id, private = EXCLUDED.private,
    author_id = EXCLUDED.author_id, created = EXCLUDED.created, answered = EXCLUDED.answered,
    document = EXCLUDED.document, heading = EXCLUDED.heading, title_words = EXCLUDED.title_words
"""  # noqa: S608 (constants only; every value is a parameter)

# One statement: the matches (materialised once), the ranked pool, the best `limit` of it
# in order, and the facet counts over every match (the kinds' counts add up to the total).
# Tags are split in the select list, not by a lateral join: 5 of the 17 ms a common word's
# 20,000 matches spent counting tags at 100,000 posts.
_SEARCH = f"""
WITH matches AS MATERIALIZED (
    SELECT e.id, e.kind, e.community_id, e.tags, e.created, {{strong}} AS strong
    FROM {TABLE} e
    WHERE {{where}}
),
pool AS (
    SELECT id FROM matches ORDER BY strong DESC, created DESC NULLS LAST, id DESC
    LIMIT {RANK_POOL}
),
ranked AS (
    SELECT e.key, {{rank}} AS rank, e.created, e.id FROM {TABLE} e JOIN pool USING (id)
),
hits AS (
    SELECT key, rank, row_number() OVER (ORDER BY rank DESC, created DESC NULLS LAST, id DESC) AS n
    FROM ranked ORDER BY n LIMIT %s
)
SELECT 'hit', key, rank::float8, n FROM hits
UNION ALL SELECT 'kind', kind, count(*), 0 FROM matches GROUP BY kind
UNION ALL SELECT 'community', community_id::text, count(*), 0 FROM matches GROUP BY community_id
UNION ALL
SELECT 'tags', tag, count(*), 0
FROM (SELECT unnest(string_to_array(matches.tags, ' ')) AS tag FROM matches) AS listed
WHERE tag <> ''
GROUP BY tag
"""  # noqa: S608 (constants and our own clauses; every value is a parameter)

_SUGGEST = f"""
SELECT e.key FROM {TABLE} e
WHERE (e.private = false OR e.community_id = ANY(%s::bigint[]))
  AND e.title_words @@ to_tsquery('simple', %s)
ORDER BY ts_rank(e.title_words, to_tsquery('simple', %s), 1) DESC, e.created DESC NULLS LAST,
         e.id DESC
LIMIT %s
"""  # noqa: S608 (constants only; every value is a parameter)

# A word matches the title or body (stemmed, english) or a tag exactly (its "#word" lexeme).
# A word the english configuration drops (its stop-word list is longer than ours) is
# ignored, as it is in the documents.
_WORD = (
    "(CASE WHEN numnode(plainto_tsquery('english', %s)) = 0 THEN ''::tsquery"
    " ELSE plainto_tsquery('english', %s) || %s::tsquery END)"
)
# A phrase: its words in this order. The title and the body are PHRASE_GAP positions apart
# in the document, so a phrase never runs from the end of one into the other.
_PHRASE = "phraseto_tsquery('english', %s)"


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


def _text_query(query: ParsedQuery, operator: str) -> tuple[str, list[Any]]:
    """One tsquery for the words and phrases, AND-ed (matching) or OR-ed (ranking)."""
    parts: list[str] = []
    params: list[Any] = []
    for word in query.words:
        parts.append(_WORD)
        params += [word, word, _quoted(TAG_MARK + word)]
    for phrase in query.phrases:
        parts.append(_PHRASE)
        params.append(" ".join(phrase))
    return "(" + f" {operator} ".join(parts) + ")", params


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
        problem = "The search index cannot be updated right now; it will be retried."
        with self._database(problem) as cursor:
            for start in range(0, len(unique), WRITE_BATCH):
                batch = unique[start : start + WRITE_BATCH]
                sql = _UPSERT.replace("{rows}", ", ".join([_UPSERT_ROW] * len(batch)))
                cursor.execute(sql, [value for d in batch for value in _row(d)])

    def remove(self, keys: list[str]) -> None:
        if not keys:
            return
        with self._database("The search index cannot be updated right now; it will be retried."):
            SearchEntry.objects.filter(key__in=keys).delete()

    def clear(self) -> None:
        with self._database("The search index cannot be emptied right now."):
            SearchEntry.objects.all().delete()

    # --- reading -------------------------------------------------------------------------
    def _where(
        self, query: ParsedQuery, filters: Filters, audience: Audience
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
        if not query.is_empty:
            every, every_params = _text_query(query, "&&")
            conditions.append(f"e.document @@ {every}")
            params += every_params
        return " AND ".join(conditions), params

    def search(
        self, query: ParsedQuery, filters: Filters, audience: Audience, *, limit: int
    ) -> Candidates:
        where, where_params = self._where(query, filters, audience)
        if query.is_empty:  # filters only: the newest first
            strong, strong_params = "false", []
            rank, rank_params = "1.0", []
        else:
            any_of, any_params = _text_query(query, "||")
            strong, strong_params = f"e.heading @@ {any_of}", any_params
            rank, rank_params = f"ts_rank(e.document, {any_of})", any_params
        sql = _SEARCH.format(strong=strong, where=where, rank=rank)
        params = [*strong_params, *where_params, *rank_params, max(0, limit)]
        with self._database("Search failed for this query; try other words.") as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        hits: list[tuple[int, Candidate]] = []
        facets: dict[str, dict[str, int]] = {"kind": {}, "community": {}, "tags": {}}
        for what, value, number, order in rows:
            if what == "hit":
                hits.append((order, Candidate(key=value, relevance=float(number))))
            else:
                facets[what][value] = int(number)
        hits.sort(key=lambda pair: pair[0])
        total = sum(facets["kind"].values())
        return Candidates(hits=[c for _, c in hits], total=total, facets=facets)

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
