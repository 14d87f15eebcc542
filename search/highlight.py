"""Snippets with the matched words marked, the same for every backend."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh.lang import stemmer_for_language

# The stemmer the Whoosh index uses, so that marked words are the words that matched.
stem = stemmer_for_language("en")

_WORD = re.compile(r"\w+", re.UNICODE)


def _stems(words: Iterable[str]) -> set[str]:
    return {stem(w.lower()) for w in words if w}


def mark(text: str, words: Iterable[str]) -> SafeString:
    """All of `text`, escaped, with words matching the query (by stem) in <mark>."""
    wanted = _stems(words)
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        if wanted and stem(match.group().lower()) in wanted:
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
            if stem(match.group().lower()) in wanted:
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
