"""Searching: the engine finds candidates by text; we rank them with peer signals read live
from the database and, unless turned off, the searcher's network; every result says why.

An author's departure never lowers a rank: nothing below depends on whether the author is
still here. Visibility is applied by the engine inside the query (search.backends), so
counts, facets and pages never include what the searcher may not see.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from profiles.models import Follow, User
from search import providers
from search.backend import get_backend
from search.backends.base import Audience, Candidate, SearchUnavailable
from search.documents import KIND_LABELS, PERSON, split_key
from search.highlight import mark, matches, snippet
from search.query import Filters, ParsedQuery, parse

if TYPE_CHECKING:
    from questions.models import Answer, Post

PAGE_SIZE = 10
CANDIDATES = 200  # re-ranked by signals; further pages follow text relevance
MAX_PAGE = 50
SIMILAR_SHOWN = 5  # similar questions shown at most
SIMILAR_POOL = 20  # questions read by relevance for the similar-questions box
# A similar question is shown when its relevance is at least this share of the best one's:
# any word matches, so a question sharing one common word with the title is a candidate
# but not an answer.
SIMILAR_SHARE = 0.35
SIMILAR_BAND = 0.1  # within one band of shares, answered questions go first
# Hybrid ranking: a result's relevance is (1 - MEANING_WEIGHT) times its text relevance
# (as a share of the best text match) plus MEANING_WEIGHT times its closeness in meaning
# (cosine, as a share of the closest); MEANING_POOL posts closest in meaning join the
# text's candidates.
MEANING_WEIGHT = 0.5
MEANING_POOL = 50
# A post no word of the query matched joins only if it is about as close in meaning as the
# closest one: every post has some cosine with any query, and the page must not fill up
# with the merely unrelated.
MEANING_ALONE_SHARE = 0.85
# And only above a cosine that unrelated text does not reach: a relative share alone let
# the one post of a small index answer any query at all ("Silva", a name nobody has any
# more, found a question about signing builds). With the model's 128 leading dimensions,
# single unrelated words reach 0.1-0.22 with questions, and questions about other things in
# the same field 0.2 at the median; people's rephrasings of a question reach 0.35 or more
# in 99 cases of 100 (StackFAQ, measured on the whole distribution, not per thread).
MEANING_ALONE_FLOOR = 0.3


@dataclass
class Result:
    kind: str
    url: str
    title: SafeString
    snippet: SafeString
    reasons: list[str]
    score: float
    post: Post | None = None
    tags: list[str] = field(default_factory=list)  # the post's tag names
    person: User | None = None
    former: bool = False  # the post's author (or the person) is a former colleague
    # The accepted answer's author, when they are a former colleague: their answer is what
    # a reader came for, so it says whose knowledge it is, as the question's author does.
    answer_by_former: str = ""


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchPage:
    query: ParsedQuery
    filters: Filters
    network: bool
    results: list[Result] = field(default_factory=list)
    total: int = 0
    page: int = 1
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    error: str = ""
    notice: str = ""

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, math.ceil(self.total / PAGE_SIZE)))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def audience_for(user: User) -> Audience:
    return Audience(
        user_id=user.pk,
        member_community_ids=frozenset(providers.posts().member_community_ids(user)),
    )


@dataclass
class _Signals:
    likes: int = 0
    accepted: bool = False
    downloads: int = 0
    by_followed: bool = False
    liked_by_followed: int = 0
    created: datetime | None = None


def _id_list(ids: list[int]) -> tuple[str, list[int] | str]:
    """An SQL membership test for a list of ids as one parameter, whatever its length: the
    ORM's `IN (%s, %s, …)` with 200 ids cost more to build and to convert than the query
    took to run."""
    if connection.vendor == "postgresql":
        return "= ANY(%s::bigint[])", list(ids)
    return "IN (SELECT value FROM json_each(%s))", json.dumps(list(ids))


def _liker_column() -> str:
    """The liker's column as the likes-by-followed statement tests it. SQLite, seeing
    "user_id IN (the people followed)" beside the answer, looked each like up by the
    (user, answer) unique index: every answer of 200 posts times every person followed,
    19 ms of CPU per search page for someone following 100 people. The unary plus keeps
    it off that index, so likes are read by post or answer and then tested against the
    follows (0.4 ms, the same rows). PostgreSQL's planner hashes the follows by itself."""
    return "+l.user_id" if connection.vendor == "sqlite" else "l.user_id"


def _answer_likes(answer: str, like: str) -> str:
    """The likes of answers, `a` (the answers) beside `l` (their likes), as the
    likes-by-followed statement joins them. PostgreSQL, misjudging how many of the likes
    table's rows 200 posts' answers reach, merge-joined them: a walk of 70,000 entries of
    the likes' answer index, 37 of the 40 ms the statement took for a common word at
    100,000 posts. Looked up answer by answer (the fence, OFFSET 0, keeps the planner from
    flattening the lateral join back into that plan) it takes 3."""
    if connection.vendor == "postgresql":
        return (
            f"{answer} a CROSS JOIN LATERAL (SELECT l.user_id FROM {like} l"  # noqa: S608
            " WHERE l.answer_id = a.id OFFSET 0) AS l"
        )
    return f"{like} l JOIN {answer} a ON a.id = l.answer_id"  # table names only


def _post_signals(user: User, post_ids: list[int], network: bool) -> dict[int, _Signals]:
    """Peer signals for posts, in one statement (two with the network: the people followed
    who liked each post or one of its answers)."""
    signals: dict[int, _Signals] = defaultdict(_Signals)
    if not post_ids:
        return signals
    post, answer, like = providers.posts().signal_tables()
    follow = Follow._meta.db_table
    among, ids = _id_list(post_ids)
    followed = (
        f"(SELECT f.user_id FROM {follow} f"  # noqa: S608 (a table name; the id is a parameter)
        " WHERE f.follower_id = %s AND f.user_id IS NOT NULL)"
    )
    by_followed = f"p.author_id IN {followed}" if network else "0 = 1"
    rows_sql = f"""
        SELECT p.id, p.like_count + COALESCE((
                   SELECT SUM(a.like_count) FROM {answer} a
                   WHERE a.post_id = p.id AND a.deleted_at IS NULL), 0),
               p.accepted_answer_id IS NOT NULL, p.download_count, p.created_at,
               CASE WHEN {by_followed} THEN 1 ELSE 0 END
        FROM {post} p WHERE p.id {among}
    """  # noqa: S608 (table names and fixed clauses; every value is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(rows_sql, [*([user.pk] if network else []), ids])
        for pk, likes, accepted, downloads, created, followed_author in cursor.fetchall():
            s = signals[pk]
            s.likes, s.accepted, s.downloads = int(likes or 0), bool(accepted), downloads
            s.by_followed = bool(followed_author)
            s.created = _aware(created)
        if network:
            # Post likes and answer likes apart, then as one set per post: one condition
            # "post in … or answer's post in …" joined answers for every like by the people
            # followed.
            liker = _liker_column()
            cursor.execute(
                f"""
                SELECT l.post_id, l.user_id FROM {like} l
                WHERE l.post_id {among} AND {liker} IN {followed}
                UNION
                SELECT a.post_id, l.user_id FROM {_answer_likes(answer, like)}
                WHERE a.post_id {among} AND {liker} IN {followed}
                """,  # noqa: S608 (as above)
                [ids, user.pk, ids, user.pk],
            )
            likers: dict[int, int] = defaultdict(int)
            for post_id, _liker in cursor.fetchall():
                likers[post_id] += 1
            for pk, count in likers.items():
                signals[pk].liked_by_followed = count
    return signals


def _aware(value: datetime | str | None) -> datetime | None:
    """A timestamp read by raw SQL as the ORM reads it: SQLite hands back naive UTC (or
    text, for an expression)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    return value


def _score(relevance: float, s: _Signals, age_days: float, network: bool) -> float:
    peer = (
        0.45 * s.accepted
        + 0.18 * math.log2(1 + s.likes)
        + 0.18 * math.log2(1 + s.downloads)
        + 0.25 * math.exp(-age_days / 180)
    )
    if network:
        peer += 0.35 * s.by_followed + 0.2 * min(3, s.liked_by_followed)
    return relevance * (1 + peer)


def _reasons(s: _Signals, network: bool) -> list[str]:
    reasons = []
    if s.accepted:
        reasons.append("accepted answer")
    if s.likes:
        reasons.append(f"{s.likes} like{'s' if s.likes != 1 else ''}")
    if s.downloads:
        reasons.append(f"downloaded by {s.downloads}")
    if network and s.by_followed:
        reasons.append("by someone you follow")
    if network and s.liked_by_followed:
        n = s.liked_by_followed
        reasons.append(f"liked by {n} {'person' if n == 1 else 'people'} you follow")
    return reasons


def _rank(
    user: User, hits: list[Candidate], network: bool, signals: dict[int, _Signals]
) -> list[tuple[Candidate, float]]:
    """Order hits by relevance blended with peer signals (read into `signals`, which the
    page's results reuse)."""
    post_ids = [split_key(h.key)[1] for h in hits if not h.key.startswith(PERSON)]
    if post_ids:
        signals.update(_post_signals(user, post_ids, network))
    now = timezone.now()
    top = max((h.relevance for h in hits), default=1.0) or 1.0
    ranked = []
    for hit in hits:
        kind, pk = split_key(hit.key)
        relevance = hit.relevance / top
        if kind == PERSON:
            ranked.append((hit, relevance * 1.2))
            continue
        found = signals.get(pk, _Signals())
        age = (now - found.created).total_seconds() / 86400 if found.created else 365.0
        ranked.append((hit, _score(relevance, found, age, network)))
    ranked.sort(key=lambda pair: -pair[1])
    return ranked


# What a result shows of a post, its author, its accepted answer and its draft's text:
# seven joined models with every column (the rendered body, profiles' settings) and a
# prefetch of the tags through the tag manager took 6.9 of the 12 ms of CPU a page of ten
# posts cost; these columns and the tag names as plain rows, 3.5.
_RESULT_FIELDS = (
    "kind",
    "title",
    "body",
    "created_at",
    "author__is_active",
    "author__username",
    "author__profile__display_name",
    "author__profile__departed_at",
    "community__name",
    "current_version__text",
    "accepted_answer__body",
    "accepted_answer__author__is_active",
    "accepted_answer__author__username",
    "accepted_answer__author__profile__display_name",
    "accepted_answer__author__profile__departed_at",
)


def _post_results(
    user: User,
    scored: list[tuple[Candidate, float]],
    words: tuple[str, ...],
    network: bool,
    signals: dict[int, _Signals],
) -> dict[str, Result]:
    ids = [split_key(c.key)[1] for c, _ in scored]
    if not ids:  # a page of people only: building the empty queries cost ~5 ms
        return {}
    visible = providers.posts().visible_posts(user)
    posts = {
        p.pk: p
        # The visibility rule again on what the index returned, so that a stale document
        # (a community made private since) can never show a post the searcher may not see.
        for p in visible.filter(pk__in=ids)
        .select_related(
            "author__profile",
            "community",
            "current_version",
            "accepted_answer__author__profile",
        )
        .only(*_RESULT_FIELDS)
    }
    tags = _tag_names(visible.model, list(posts))
    answers: dict[int, list[str]] = defaultdict(list)
    for post_id, body in (
        providers.posts()
        .live_answers(ids)
        .order_by("-like_count", "created_at")
        .values_list("post_id", "body")
    ):
        answers[post_id].append(body)
    missing = [pk for pk in ids if pk not in signals]  # pages past the ranked candidates
    if missing:
        signals.update(_post_signals(user, missing, network))
    results = {}
    for candidate, score in scored:
        post = posts.get(split_key(candidate.key)[1])
        if post is None:  # deleted or hidden from the searcher since it was indexed
            continue
        texts = [post.body]
        if post.accepted_answer is not None:
            texts.insert(0, post.accepted_answer.body)
        texts += answers[post.pk]
        if post.is_draft and post.current_version is not None:
            texts.append(post.current_version.text)
        matching = next((t for t in texts if matches(t, words)), texts[0] if texts else "")
        results[candidate.key] = Result(
            kind=post.kind,
            url=reverse("search_open", args=[post.pk]) + "?from=results",
            title=mark(post.display_title, words),
            snippet=snippet(matching, words),
            reasons=_reasons(signals[post.pk], network),
            score=score,
            post=post,
            tags=tags.get(post.pk, []),
            former=post.author.is_former,
            answer_by_former=_former_name(post.accepted_answer),
        )
    return results


def _tag_names(model: type[Post], post_ids: list[int]) -> dict[int, list[str]]:
    """Each post's tag names in the order they were put on it, as the feed's cards show
    them (questions.feeds.prefetch_tags reads the same rows): one query of plain values."""
    names: dict[int, list[str]] = defaultdict(list)
    tagged = model.tags.through.objects.filter(content_object_id__in=post_ids).order_by("id")
    for post_id, name in tagged.values_list("content_object_id", "tag__name"):
        names[post_id].append(name)
    return names


def _former_name(answer: Answer | None) -> str:
    if answer is None or not answer.author.is_former:
        return ""
    return answer.author.profile.display_name


def _person_results(
    scored: list[tuple[Candidate, float]], words: tuple[str, ...]
) -> dict[str, Result]:
    ids = [split_key(c.key)[1] for c, _ in scored]
    if not ids:
        return {}
    people = {
        u.pk: u for u in User.objects.filter(pk__in=ids).select_related("profile__department")
    }
    results = {}
    for candidate, score in scored:
        person = people.get(split_key(candidate.key)[1])
        if person is None:
            continue
        profile = person.profile
        details = " · ".join(
            p
            for p in (
                profile.title,
                profile.department.name if profile.department else "",
                profile.location,
            )
            if p
        )
        results[candidate.key] = Result(
            kind=PERSON,
            url=reverse("person", args=[person.username]),
            title=mark(f"{profile.display_name} (@{person.username})", words),
            snippet=mark(details, words),
            reasons=[],
            score=score,
            person=person,
            former=person.is_former,
        )
    return results


def _facets(raw: dict[str, dict[str, int]], filters: Filters) -> dict[str, list[FacetValue]]:
    kinds = [
        FacetValue(k, KIND_LABELS[k], raw.get("kind", {}).get(k, 0))
        for k in KIND_LABELS
        if raw.get("kind", {}).get(k)
    ]
    community_counts = {
        int(k): v for k, v in raw.get("community", {}).items() if k.isdigit() and int(k)
    }
    names = providers.posts().community_names(community_counts)
    communities = sorted(
        (FacetValue(str(pk), names[pk], n) for pk, n in community_counts.items() if pk in names),
        key=lambda f: (-f.count, f.label),
    )[:10]
    # The 12 most used of often hundreds of tags: picked before any FacetValue is made
    # (the same order as sorting them all, label "#tag" ordering as the tag does).
    tags = [
        FacetValue(t, f"#{t}", n)
        for t, n in heapq.nsmallest(
            12, raw.get("tags", {}).items(), key=lambda pair: (-pair[1], f"#{pair[0]}")
        )
    ]
    return {"kind": kinds, "community": communities, "tag": tags}


def _blend(
    text_hits: list[Candidate], close: list[tuple[str, float]], *, weight: float = MEANING_WEIGHT
) -> tuple[list[Candidate], set[str]]:
    """Text candidates and candidates close in meaning as one list by hybrid relevance
    (see MEANING_WEIGHT), best first, and the keys found by meaning alone."""
    if not close:
        return text_hits, set()
    best_text = max((h.relevance for h in text_hits), default=0.0) or 1.0
    best_meaning = max(score for _, score in close)
    if best_meaning <= 0:
        return text_hits, set()
    text = {h.key: h.relevance / best_text for h in text_hits}
    meaning = {
        key: score / best_meaning
        for key, score in close
        if score > 0
        and (key in text or score >= max(MEANING_ALONE_SHARE * best_meaning, MEANING_ALONE_FLOOR))
    }
    keys = list(dict.fromkeys([*text, *meaning]))
    blended = [
        Candidate(key, (1 - weight) * text.get(key, 0.0) + weight * meaning.get(key, 0.0))
        for key in keys
    ]
    blended.sort(key=lambda c: -c.relevance)  # stable: text order among equals
    return [c for c in blended if c.relevance > 0], set(meaning) - set(text)


def _close_in_meaning(
    query: ParsedQuery, audience: Audience, *, limit: int
) -> list[tuple[str, float]]:
    """Posts closest in meaning to what was typed (visibility applied by search.meaning);
    [] when the model or the vectors are unavailable."""
    from search import meaning

    return meaning.similar_keys(query.raw, audience, limit=limit)


def _nothing_found(query: ParsedQuery, filters: Filters) -> str:
    """What to try when no word of the query is in anything the person may see."""
    if query.phrases or query.excluded or filters != Filters():
        return (
            "Nothing matches all of that. Try fewer quoted phrases, fewer “-word” "
            "exclusions or fewer filters."
        )
    shown = ", ".join(f"“{w}”" for w in query.words[:5])
    return (
        f"No post, answer or person you can see mentions {shown}. Check the spelling, try "
        "another word for the same thing, or ask it as a question: colleagues who know "
        "will see it."
    )


def search(
    user: User, text: str, filters: Filters | None = None, *, page: int = 1, network: bool = True
) -> SearchPage:
    """One page of results for `user`. Never raises for bad input or a broken index: the
    page carries a message instead."""
    query = parse(text)
    filters = filters or Filters()
    page = max(1, min(MAX_PAGE, page))
    result = SearchPage(query=query, filters=filters, network=network, page=page)
    if query.truncated:
        result.notice = "Your search was long, so only its first words were used."
    if query.is_empty and not (filters.tag or filters.kind or filters.author_id):
        if query.only_stop_words:
            result.notice = (
                "Those are all very common words (like “how”, “the” or “my”), which search "
                "leaves out: add a word that says what you are looking for."
            )
        elif query.raw:
            result.notice = "Type a word or two to search for: symbols alone find nothing."
        return result
    audience = audience_for(user)
    limit = max(CANDIDATES, page * PAGE_SIZE)
    try:
        found = get_backend().search(query, filters, audience, limit=limit)
    except SearchUnavailable as problem:
        result.error = str(problem)
        return result
    hits, by_meaning = found.hits, set[str]()
    # Meaning joins plain searches only: it knows no filters, phrases or exclusions.
    if query.words and not (query.phrases or query.excluded or filters != Filters()):
        close = _close_in_meaning(query, audience, limit=MEANING_POOL)
        hits, by_meaning = _blend(found.hits, close)
    result.total = found.total + len(by_meaning)
    if not result.total and not query.is_empty:
        result.notice = _nothing_found(query, filters)
    result.facets = _facets(found.facets, filters)
    signals: dict[int, _Signals] = {}
    if page * PAGE_SIZE <= CANDIDATES:
        ranked = _rank(user, hits[:CANDIDATES], network, signals)
    else:
        ranked = [(h, h.relevance) for h in hits]
    chosen = ranked[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    people = [pair for pair in chosen if pair[0].key.startswith(PERSON)]
    posts = [pair for pair in chosen if not pair[0].key.startswith(PERSON)]
    words = query.all_words
    built = {
        **_post_results(user, posts, words, network, signals),
        **_person_results(people, words),
    }
    for key in by_meaning & built.keys():
        built[key].reasons.insert(0, "similar in meaning")
    result.results = [built[c.key] for c, _ in chosen if c.key in built]
    return result


@dataclass
class Suggestion:
    label: str
    detail: str
    url: str
    kind: str


def suggest(user: User, prefix: str, *, limit: int = 8) -> list[Suggestion]:
    """Typeahead: titles and people whose words start with what was typed."""
    prefix = prefix.strip()[:60]
    if len(prefix) < 2:
        return []
    try:
        keys = get_backend().suggest(prefix, audience_for(user), limit=limit)
    except SearchUnavailable:
        return []
    post_ids = [pk for kind, pk in map(split_key, keys) if kind != PERSON]
    user_ids = [pk for kind, pk in map(split_key, keys) if kind == PERSON]
    posts = {p.pk: p for p in providers.posts().visible_posts(user).filter(pk__in=post_ids)}
    people = {u.pk: u for u in User.objects.filter(pk__in=user_ids).select_related("profile")}
    out = []
    for kind, pk in map(split_key, keys):
        if kind == PERSON and pk in people:
            person = people[pk]
            out.append(
                Suggestion(
                    person.profile.display_name,
                    f"@{person.username}" + (" · former colleague" if person.is_former else ""),
                    reverse("person", args=[person.username]),
                    PERSON,
                )
            )
        elif pk in posts:
            post = posts[pk]
            out.append(
                Suggestion(
                    post.display_title,
                    post.get_kind_display(),
                    reverse("search_open", args=[pk]) + "?from=typeahead",
                    post.kind,
                )
            )
    return out


@dataclass
class Similar:
    post: Post
    first_line: str
    url: str


def similar_questions(user: User, title: str, *, limit: int = SIMILAR_SHOWN) -> list[Similar]:
    """Past questions like the one being typed, each with the first line of its accepted
    (or best) answer.

    The same relevance as the search page (any word, title above answers above body, with
    coverage and side-by-side bonuses), over questions only. Shown: those scoring at least
    SIMILAR_SHARE of the best, at most `limit`; answered ones go first only among
    equally relevant ones (scores within SIMILAR_BAND of the best's score of each other)."""
    query = parse(title)
    if len(query.words) < 2:
        return []
    audience = audience_for(user)
    try:
        found = get_backend().search(query, Filters(kind="question"), audience, limit=SIMILAR_POOL)
    except SearchUnavailable:
        return []
    hits, _ = _blend(found.hits, _close_in_meaning(query, audience, limit=SIMILAR_POOL))
    if not hits:
        return []
    best = max(hit.relevance for hit in hits) or 1.0
    close = [(hit.key, hit.relevance / best) for hit in hits]
    close = [(key, share) for key, share in close if share >= SIMILAR_SHARE]
    ids = [split_key(k)[1] for k, _ in close]
    posts = {
        p.pk: p
        for p in providers.posts()
        .visible_posts(user)
        .filter(pk__in=ids, kind="question")
        .select_related("accepted_answer")
    }
    answers: dict[int, str] = {}
    for post_id, body in (
        providers.posts()
        .live_answers(ids)
        .order_by("post_id", "-like_count", "created_at")
        .values_list("post_id", "body")
    ):
        answers.setdefault(post_id, body)
    ranked: list[tuple[float, Similar]] = []
    for key, share in close:
        post = posts.get(split_key(key)[1])
        if post is None:
            continue
        answer = post.accepted_answer.body if post.accepted_answer else answers.get(post.pk, "")
        first = next((line.strip() for line in answer.splitlines() if line.strip()), "")
        similar = Similar(
            post=post,
            first_line=first[:160] + ("…" if len(first) > 160 else ""),
            url=reverse("search_open", args=[post.pk]) + "?from=similar",
        )
        ranked.append((share, similar))
    # Equally relevant: the same band of the share of the best score. Within a band,
    # accepted answers first, then answered, then by relevance (sort is stable).
    ranked.sort(
        key=lambda pair: (
            -math.floor(pair[0] / SIMILAR_BAND + 1e-9),
            not pair[1].post.accepted_answer_id,
            not pair[1].post.answer_count,
        )
    )
    return [similar for _, similar in ranked[:limit]]
