"""Cached HTML of feed cards and answers.

A card or an answer is rendered once per object, time zone, language and reader's variant
(own, liked, saved, may accept, may edit, and why a card is in one's feed), and kept in the
"fragments" cache together with a fingerprint of every value it was rendered from, as the
page read them just now: the object's own fields (counts included), its author and their
profile, community, file version, tags and badges. A page whose rows give the same
fingerprint reuses the HTML; any difference (an edit, a like, a new tag, a departure, a
renamed or private community) renders it again. A question page's answers are
fingerprinted from their rows as the database returns them (answer_rows: one query, no
model instance) and kept in one entry per page. So no action has to invalidate anything,
and the cache never decides what is shown: every page still reads its rows through the
access helpers (visible_posts, get_post_for_user), and only their HTML comes from the cache.

Dates are absolute, in the reader's time zone (intranet.lib.dates), so they are cached
with the HTML: the key holds the zone. What differs per request is filled in at a marker:
the CSRF token of the buttons' forms. The cache
lives in each process's memory (settings.CACHES["fragments"]); if it fails or is cleared,
pages are only rendered in full again.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache
from typing import Any, cast

from django.core.cache import caches
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.forms import Form
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

from profiles.models import Profile, User
from questions.models import Answer, DraftVersion, Post, Standard

CACHE_ALIAS = "fragments"
TIMEOUT = 24 * 60 * 60

# Fields the cached templates never read that change often (activity, views) or must not
# be copied around (password): left out of fingerprints, so that a view does not render
# a card again. tests/questions/test_fragments.py checks that they do not change the HTML.
UNREAD_FIELDS = frozenset({"password", "last_login", "view_count", "last_activity_at"})
# Attributes views set on objects: for one reader (part of the variant instead), or lists
# of rows fingerprinted on their own (badges).
NOT_FIELDS = frozenset({"liked", "saved", "can_edit", "standard_badges"})

# Variants of one answer a page's entry keeps (a reader, an author, a liker, the asker...),
# so that an entry holds at most this many copies of an answer's HTML.
VARIANTS_PER_ANSWER = 4
# A question page's entry: the fingerprint of all its answers, and each answer's own with
# the HTML of its variants.
AnswersEntry = tuple[bytes, dict[int, tuple[bytes, dict[str, str]]]]

# Markers filled in per request. Derived from SECRET_KEY, so that nobody can write one into
# a post, and the same in every process. Plain letters and digits: they survive escaping.
_TOKEN = salted_hmac("outloud.fragments", "marker").hexdigest()[:20]
CSRF_MARK = f"csrf{_TOKEN}"


def _fields(obj: Model | None) -> tuple[Any, ...]:
    if obj is None:
        return ()
    return tuple(
        value
        for name, value in vars(obj).items()
        if name[0] != "_" and name not in UNREAD_FIELDS and name not in NOT_FIELDS
    )


def _badges(obj: Any) -> tuple[Any, ...]:
    return tuple((_fields(row), _fields(row.tag)) for row in getattr(obj, "standard_badges", ()))


def _person(user: Model) -> tuple[Any, ...]:
    return (_fields(user), _fields(user._state.fields_cache.get("profile")))


def card_fingerprint(post: Any) -> tuple[Any, ...]:
    """Everything a post card reads of the post and its rows."""
    related = post._state.fields_cache
    return (
        _fields(post),
        _person(post.author),
        _fields(related.get("community")),
        _fields(related.get("current_version")),
        tuple(_fields(tag) for tag in post.tags.all()),
        _badges(post),
    )


def answer_fingerprint(answer: Any, post: Any) -> tuple[Any, ...]:
    """Everything an answer reads of itself, its rows and its question."""
    return (
        _fields(answer),
        _person(answer.author),
        _fields(answer._state.fields_cache.get("version")),
        _badges(answer),
        post.pk,
        post.accepted_answer_id,
        post.current_version_id,
    )


def _digest(state: tuple[Any, ...]) -> bytes:
    return hashlib.blake2b(pickle.dumps(state, protocol=5), digest_size=16).digest()


def _scoped(key: str) -> str:
    """`key` for the page's time zone and language, which cached HTML is rendered in."""
    return f"{key}:{timezone.get_current_timezone_name()}:{translation.get_language()}"


def cached_html(key: str, state: tuple[Any, ...], render: Callable[[], str]) -> str:
    """The HTML cached under `key` if it was rendered from `state`, else rendered anew."""
    key = _scoped(key)
    digest = _digest(state)
    store = caches[CACHE_ALIAS]
    held = store.get(key)
    if held is not None and held[0] == digest:
        return str(held[1])
    html = render()
    store.set(key, (digest, html), TIMEOUT)
    return html


def _render(template: str, **context: Any) -> str:
    return get_template(template).render({**context, "csrf_token": CSRF_MARK})


def _fill(html: str, context: Context) -> SafeString:
    return mark_safe(html.replace(CSRF_MARK, str(context.get("csrf_token", ""))))  # noqa: S308


def post_card(context: Context, item: Any) -> SafeString:
    """A feed card (questions/partials/post_card_shared.html) for the page's reader."""
    post = item.post
    own = post.author_id == context["user"].pk
    liked = item.liked and not own
    # Why the card is in this reader's feed is part of the variant: few readers' reasons
    # differ for one post ("Tagged #ops, which you follow"). The key holds a checksum of
    # them, the fingerprint the reasons themselves.
    reasons = tuple(item.reasons)
    checksum = zlib.crc32("\n".join(reasons).encode())
    html = cached_html(
        f"card:{post.pk}:{int(own)}{int(liked)}:{checksum:x}",
        (card_fingerprint(post), reasons),
        lambda: _render(
            "questions/partials/post_card_shared.html",
            post=post,
            own=own,
            liked=liked,
            reasons=reasons,
        ),
    )
    return _fill(html, context)


def answer(context: Context, answer: Any) -> SafeString:
    """An answer (questions/partials/answer_shared.html) for the page's reader."""
    return _fill(
        _answer_html(answer, context["post"], context["user"].pk, bool(context.get("can_accept"))),
        context,
    )


def answers(context: Context, answers: Sequence[AnswerRow]) -> SafeString:
    """Every answer of a question page (rows of answer_rows, in the page's order), each as
    `answer` renders it, from one cache entry per page (and zone and language) that holds
    each answer's fingerprint and its variants' HTML. A page whose answers are all there
    reads one entry and builds no Answer instance: 55 answers cost 4.0 ms of CPU (their
    instances, fingerprints and 55 entries), and now 0.8 (0.4 reading the rows). An
    answer whose row changed (edit, like, author renamed, departed or anonymised, badge,
    acceptance) or whose variant is new is rendered from the row just read, and the entry
    written again."""
    post, reader, can_accept = context["post"], context["user"].pk, bool(context.get("can_accept"))
    key = _scoped(f"answers:{post.pk}")
    store = caches[CACHE_ALIAS]
    shared = (post.pk, post.accepted_answer_id, post.current_version_id)
    states = [(row.values, _badges(row)) for row in answers]
    # One fingerprint of the whole page first: when nothing changed, each answer's own is
    # the one held (hashing 55 rows one by one cost half of this function).
    page = _digest((shared, states))
    held_page, held = cast(AnswersEntry, store.get(key) or (b"", {}))
    kept: dict[int, tuple[bytes, dict[str, str]]] = {}
    pieces: list[str | None] = []
    missing: list[tuple[int, AnswerRow, dict[str, bool]]] = []
    for row, state in zip(answers, states, strict=True):
        known, variants = held.get(row.pk, (b"", {}))
        digest = known if known and held_page == page else _digest((state, shared))
        if known != digest:
            variants = {}
        kept[row.pk] = (digest, variants)
        flags = _answer_flags(row, reader, can_accept)
        pieces.append(variants.get(_variant(flags)))
        if pieces[-1] is None:
            missing.append((len(pieces) - 1, row, flags))
    if missing:
        built = answers_from_rows(post, [row for _, row, _ in missing])
        for (at, row, flags), answer in zip(missing, built, strict=True):
            answer.standard_badges = row.standard_badges  # type: ignore[attr-defined]
            html = _render(
                "questions/partials/answer_shared.html", answer=answer, post=post, **flags
            )
            variants = kept[row.pk][1]
            if len(variants) >= VARIANTS_PER_ANSWER:
                del variants[next(iter(variants))]  # the oldest
            variants[_variant(flags)] = pieces[at] = html
    if missing or held_page != page:
        # Only this page's answers: deleted ones and old fingerprints leave the entry.
        store.set(key, (page, kept), TIMEOUT)
    return _fill("\n".join(piece or "" for piece in pieces), context)


def _answer_flags(answer: Any, reader: int, can_accept: bool) -> dict[str, bool]:
    """The reader's variant of an answer: what its shared template reads of the reader."""
    own = answer.author_id == reader
    return {
        "own": own,
        "liked": bool(getattr(answer, "liked", False)) and not own,
        "saved": bool(getattr(answer, "saved", False)),
        "can_accept": can_accept,
        "can_edit": bool(getattr(answer, "can_edit", False)),
    }


def _variant(flags: dict[str, bool]) -> str:
    return "".join(str(int(value)) for value in flags.values())


def _answer_html(answer: Any, post: Any, reader: int, can_accept: bool) -> str:
    flags = _answer_flags(answer, reader, can_accept)
    return cached_html(
        f"answer:{answer.pk}:{_variant(flags)}",
        answer_fingerprint(answer, post),
        lambda: _render("questions/partials/answer_shared.html", answer=answer, post=post, **flags),
    )


def clear() -> None:
    """Forget every fragment (tests; a deploy restarts the processes that hold them)."""
    caches[CACHE_ALIAS].clear()


def form_fingerprint(form: Form) -> tuple[Any, ...]:
    """What an unbound form's fields render from: initial values, widget attributes and
    choices (a model choice field's query runs here, once)."""
    state: list[Any] = [type(form).__qualname__, form.prefix, form.auto_id]
    for name, field in form.fields.items():
        choices = getattr(field, "choices", None)
        if choices is not None:
            # Read once (not list(): it would COUNT first); the rendering after a miss uses
            # this list instead of querying again.
            field.choices = choices = [choice for choice in choices]  # type: ignore[attr-defined]
        state.append(
            (
                name,
                form.get_initial_for_field(field, name),
                sorted(field.widget.attrs.items()),
                None if choices is None else [(str(v), str(label)) for v, label in choices],
            )
        )
    return tuple(state)


def form_fields(
    form: Form, *, markdown_preview: Any = None, post: Post | None = None
) -> SafeString:
    """partials/fields.html for `form`, cached while it is unbound and shows no preview (a
    blank compose box, a question page's answer box). `post`: the page's post, whose id the
    away notice sends (profiles/partials/away_box.html reads nothing else of it)."""
    if form.is_bound or markdown_preview:
        context = {"form": form, "markdown_preview": markdown_preview, "post": post}
        return mark_safe(get_template("partials/fields.html").render(context))  # noqa: S308
    html = cached_html(
        f"form:{type(form).__qualname__}:{post.pk if post else ''}",
        form_fingerprint(form),
        lambda: get_template("partials/fields.html").render({"form": form, "post": post}),
    )
    return mark_safe(html)  # noqa: S308 (the template's own output)


# --- The question page's answers, read as rows ------------------------------------------


@dataclass(eq=False)
class AnswerRow:
    """One answer of a question page as answer_rows read it: every column of the answer,
    its author (but UNREAD_FIELDS), their profile and the draft version it is about, as the
    database returned them; and what the view sets on it for the page's reader."""

    values: tuple[Any, ...]
    pk: int
    author_id: int
    version_id: int | None
    liked: bool = False
    saved: bool = False
    can_edit: bool = False
    standard_badges: list[Standard] = dataclass_field(default_factory=list)


# An id no post has: the SQL of answer_rows is compiled once with it, then run with a post's.
_ANY_POST = -7_301_947


def _columns(model: type[Model], prefix: str) -> list[str]:
    return [
        prefix + f.attname for f in model._meta.concrete_fields if f.attname not in UNREAD_FIELDS
    ]


@cache
def _answer_columns() -> tuple[tuple[str, ...], tuple[int, int, int, int]]:
    """The columns of answer_rows, and where the author's, the profile's and the version's
    start (and all end)."""
    parts = [
        _columns(Answer, ""),
        _columns(User, "author__"),
        _columns(Profile, "author__profile__"),
        _columns(DraftVersion, "version__"),
    ]
    user_at, profile_at, version_at = (sum(map(len, parts[:i])) for i in (1, 2, 3))
    names = tuple(name for part in parts for name in part)
    return names, (user_at, profile_at, version_at, len(names))


def _answer_values(post_id: int) -> QuerySet[Answer, tuple[Any, ...]]:
    return (
        Answer.objects.filter(post_id=post_id, deleted_at__isnull=True)
        .order_by("created_at", "id")
        .values_list(*_answer_columns()[0])
    )


@cache
def _answer_rows_sql(alias: str, vendor: str) -> str:
    """The SQL of answer_rows on a database, made by the ORM once a process: building a
    query of some sixty columns cost more than running it (1.2 ms against 0.4)."""
    sql, params = _answer_values(_ANY_POST).query.get_compiler(using=alias).as_sql()
    if list(params) != [_ANY_POST]:
        raise RuntimeError(f"unexpected parameters in the answers' SQL: {params!r}")
    return str(sql)


def answer_rows(post: Post) -> list[AnswerRow]:
    """The post's answers that are not deleted, oldest first, as raw rows (one query, no
    model instance). Precondition: the reader may see the post (get_post_for_user)."""
    alias = router.db_for_read(Answer)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(_answer_rows_sql(alias, connection.vendor), [post.pk])
        rows = cursor.fetchall()
    names = _answer_columns()[0]
    pk, author, version = names.index("id"), names.index("author_id"), names.index("version_id")
    return [
        AnswerRow(values=tuple(row), pk=row[pk], author_id=row[author], version_id=row[version])
        for row in rows
    ]


def answers_from_rows(post: Post, rows: Sequence[AnswerRow]) -> list[Answer]:
    """Answers of `rows` with their author, profile and version, built from the values
    already read (through the ORM's converters, no query), so that the HTML cached under a
    row's fingerprint is always the HTML of that row, even if the answer changed since."""
    alias = router.db_for_read(Answer)
    compiler = _answer_values(post.pk).query.get_compiler(using=alias)
    compiler.setup_query()
    converted = compiler.results_iter(results=[[row.values for row in rows]])
    names, (user_at, profile_at, version_at, end) = _answer_columns()
    attnames = [name.rsplit("__", 1)[-1] for name in names]

    def build(model: type[Model], values: Sequence[Any], start: int, stop: int) -> Any:
        return model.from_db(alias, attnames[start:stop], values[start:stop])

    built = []
    for values in converted:
        answer = build(Answer, values, 0, user_at)
        author = build(User, values, user_at, profile_at)
        profile = build(Profile, values, profile_at, version_at)
        version = build(DraftVersion, values, version_at, end)
        # As select_related leaves them: None where the row has no profile or version.
        author._state.fields_cache["profile"] = profile if profile.pk is not None else None
        answer._state.fields_cache["author"] = author
        answer._state.fields_cache["version"] = version if version.pk is not None else None
        answer._state.fields_cache["post"] = post
        built.append(answer)
    return built
