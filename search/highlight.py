"""Snippets with the matched words marked, the same for every backend."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh.lang import stemmer_for_language

# The stemmer the Whoosh index uses, so that marked words are the words that matched.
# Memoised: a results page stems every word of ten posts and their answers, the same few
# thousand words again and again (Snowball in pure Python costs about 20 µs a word).
# The index's analyzer takes `snowball` itself: its schema is pickled, and has a cache.
snowball = stemmer_for_language("en")
stem = lru_cache(maxsize=50_000)(snowball)

_WORD = re.compile(r"\w+", re.UNICODE)


def _stems(words: Iterable[str]) -> set[str]:
    return {stem(w.lower()) for w in words if w}


def _stem_lower(word: str) -> str:
    return stem(word.lower())


def matches(text: str, words: Iterable[str]) -> bool:
    """Whether any word of `text` matches the query (by stem); stops at the first."""
    wanted = _stems(words)
    return bool(wanted) and any(
        _stem_lower(match.group()) in wanted for match in _WORD.finditer(text)
    )


def mark(text: str, words: Iterable[str]) -> SafeString:
    """All of `text`, escaped, with words matching the query (by stem) in <mark>."""
    wanted = _stems(words)
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        if wanted and _stem_lower(match.group()) in wanted:
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308  (every piece is escaped above)


def snippet(text: str, words: Iterable[str], length: int = 240) -> SafeString:
    """A window of `text` around the first matched word, escaped and marked."""
    wanted = _stems(words)
    text = " ".join(text.split())
    start = 0
    if wanted:
        for match in _WORD.finditer(text):
            if _stem_lower(match.group()) in wanted:
                start = max(0, match.start() - length // 3)
                break
    end = min(len(text), start + length)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    window = text[start:end]
    marked = mark(window, words)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(escape(prefix) + marked + escape(suffix))  # noqa: S308
