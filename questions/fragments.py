"""Cached HTML of feed cards and answers.

A card or an answer is rendered once per object, time zone, language and reader's variant
(own, liked, saved, may accept, may edit, and why a card is in one's feed), and kept in the
"fragments" cache together with a fingerprint of every value it was rendered from, as the
page read them just now: the object's own fields (counts included), its author and their
profile, community, file version, tags and badges. A page whose rows give the same
fingerprint reuses the HTML; any difference (an edit, a like, a new tag, a departure, a
renamed or private community) renders it again. So no action has to invalidate anything,
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
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import caches
from django.db.models import Model
from django.forms import Form
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

CACHE_ALIAS = "fragments"
TIMEOUT = 24 * 60 * 60

# Fields the cached templates never read that change often (activity, views) or must not
# be copied around (password): left out of fingerprints, so that a view does not render
# a card again. tests/questions/test_fragments.py checks that they do not change the HTML.
UNREAD_FIELDS = frozenset({"password", "last_login", "view_count", "last_activity_at"})
# Attributes views set on objects: for one reader (part of the variant instead), or lists
# of rows fingerprinted on their own (badges).
NOT_FIELDS = frozenset({"liked", "saved", "can_edit", "standard_badges"})

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


def _badges(obj: Model) -> tuple[Any, ...]:
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


def cached_html(key: str, state: tuple[Any, ...], render: Callable[[], str]) -> str:
    """The HTML cached under `key` if it was rendered from `state`, else rendered anew."""
    key = f"{key}:{timezone.get_current_timezone_name()}:{translation.get_language()}"
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


def answers(context: Context, answers: Iterable[Any]) -> SafeString:
    """Every answer of a page, as `answer` renders each: one call for a page's forty or
    fifty, where a loop of includes spent about as much on its own steps as on the cached
    HTML."""
    post, reader, can_accept = context["post"], context["user"].pk, bool(context.get("can_accept"))
    return _fill("\n".join(_answer_html(a, post, reader, can_accept) for a in answers), context)


def _answer_html(answer: Any, post: Any, reader: int, can_accept: bool) -> str:
    own = answer.author_id == reader
    flags = {
        "own": own,
        "liked": bool(getattr(answer, "liked", False)) and not own,
        "saved": bool(getattr(answer, "saved", False)),
        "can_accept": can_accept,
        "can_edit": bool(getattr(answer, "can_edit", False)),
    }
    return cached_html(
        f"answer:{answer.pk}:{''.join(str(int(v)) for v in flags.values())}",
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


def form_fields(form: Form, *, markdown_preview: Any = None) -> SafeString:
    """partials/fields.html for `form`, cached while it is unbound and shows no preview (a
    blank compose box)."""
    if form.is_bound or markdown_preview:
        context = {"form": form, "markdown_preview": markdown_preview}
        return mark_safe(get_template("partials/fields.html").render(context))  # noqa: S308
    html = cached_html(
        f"form:{type(form).__qualname__}",
        form_fingerprint(form),
        lambda: get_template("partials/fields.html").render({"form": form}),
    )
    return mark_safe(html)  # noqa: S308 (the template's own output)
