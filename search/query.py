"""Our query language: free text and quoted phrases, nothing else.

What people type is never handed to an engine's own parser: field syntax, wildcards and
operators are read as plain words, so nothing typed can reach a field the UI does not
offer (communities, authors) or expand into thousands of terms. Filters come from the UI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

MAX_QUERY = 500
MAX_TERMS = 12
MAX_PHRASES = 3

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
# Common English words carry no meaning for matching (the engines drop them too).
_STOP_TEXT = (
    "a an and are as at be but by can do does for from how i if in into is it no not of "
    "on or our so such that the their then there these they this to was we what when "
    "where which who why will with you"
)
STOP_WORDS = frozenset(_STOP_TEXT.split(" "))


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    words: tuple[str, ...] = ()  # every word must match (after the engine's analysis)
    phrases: tuple[tuple[str, ...], ...] = ()  # words in this order
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.phrases

    @property
    def all_words(self) -> tuple[str, ...]:
        return self.words + tuple(w for p in self.phrases for w in p)


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def parse(text: str) -> ParsedQuery:
    """Read a typed query. Never fails: anything unusable is dropped, and `truncated` says
    when the query was cut to MAX_QUERY characters or MAX_TERMS words."""
    text = (text or "").replace("\x00", " ")
    truncated = len(text) > MAX_QUERY
    text = text[:MAX_QUERY]
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for phrase, bare in _TOKEN.findall(text):
        if bare:
            for word in words_of(bare):
                if word not in STOP_WORDS and word not in words:
                    words.append(word)
        else:
            found = tuple(words_of(phrase))
            if len(found) > 1 and len(phrases) < MAX_PHRASES:
                phrases.append(found[:MAX_TERMS])
            elif len(found) == 1 and found[0] not in words:
                words.append(found[0])
    if len(words) > MAX_TERMS:
        words, truncated = words[:MAX_TERMS], True
    return ParsedQuery(
        raw=text.strip(), words=tuple(words), phrases=tuple(phrases), truncated=truncated
    )


@dataclass
class Filters:
    """What the search page's controls can narrow by. Visibility is not a filter: the
    backends always apply it."""

    kind: str = ""  # question | status | draft | person
    tag: str = ""
    community_id: int | None = None
    author_id: int | None = None
    after: date | None = None
    before: date | None = None
    answered: bool | None = None
    extra: dict[str, str] = field(default_factory=dict)
