"""Our query language: the words of a question, quoted phrases and `-word`, nothing else.

What people type is never handed to an engine's own parser: field syntax, wildcards and
operators are read as plain words, so nothing typed can reach a field the UI does not
offer (communities, authors) or expand into thousands of terms. Filters come from the UI.

People type whole questions ("I'd like to add new styles to my Google docs, how?"), so the
bare words are not all required: the engines match any of them and rank by relevance
(search.backends). Only explicit operators restrict: a quoted phrase must appear, a
`-word` must not.

Words are runs of letters and digits, the same runs the indexes are built from, so an
apostrophe splits a word: "Gmail's" gives "gmail" and "s", "don't" gives "don" and "t",
"I'd" gives "i" and "d". The fragments are stop words, as are the contractions people
write without the apostrophe ("dont", "doesnt"), so none of them ever has to match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

MAX_QUERY = 500
MAX_TERMS = 12
MAX_PHRASES = 3
MAX_EXCLUDED = 5

# A quoted phrase (maybe with a leading "-", maybe unterminated), or a run of non-spaces.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD_PATTERN = r"\w+"
_WORD = re.compile(WORD_PATTERN, re.UNICODE)

# English words too common to say what a question is about: the usual function words
# (pronouns, articles, auxiliaries, prepositions, conjunctions, question words), the
# fragments an apostrophe leaves ("don't" -> "don" + "t") and contractions typed without
# one. About the size of the lists Lucene's and NLTK's English analyzers use. The index is
# built with the same list, so a change needs `manage.py rebuild_index`.
_STOP_TEXT = """
a about above after again against all am an and any are as at be because been before being
below between both but by can cannot could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same shall she should since so some such than that the their theirs
them themselves then there these they this those through to too under until up us very was
we were what when where whether which while who whom whose why will with would you your
yours yourself yourselves
s t d ll m re ve o y don doesn didn isn aren wasn weren hasn haven hadn won wouldn shouldn
couldn mustn needn shan mightn ain
dont doesnt didnt isnt arent wasnt werent hasnt havent hadnt wont wouldnt shouldnt couldnt
cant youre youve theyre thats whats
may might must also anyone someone something anything please thanks
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    # The distinct meaningful words, in the order typed: any of them matches.
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()  # words in this order: each must match
    excluded: tuple[str, ...] = ()  # `-word`: documents with it are left out
    # Meaningful words typed side by side (stop words between them skipped, as in the
    # index): a document with them side by side ranks higher.
    adjacent: tuple[tuple[str, str], ...] = ()
    truncated: bool = False
    # Words were typed but every one of them was a stop word.
    only_stop_words: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.phrases

    @property
    def all_words(self) -> tuple[str, ...]:
        return self.words + tuple(w for p in self.phrases for w in p if w not in self.words)


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def meaningful(text: str) -> list[str]:
    """The words of `text` that are not stop words, in order, repeats kept."""
    return [w for w in words_of(text) if w not in STOP_WORDS]


def parse(text: str) -> ParsedQuery:
    """Read a typed query. Never fails: anything unusable is dropped, and `truncated` says
    when the query was cut to MAX_QUERY characters or MAX_TERMS words."""
    text = (text or "").replace("\x00", " ")
    truncated = len(text) > MAX_QUERY
    text = text[:MAX_QUERY]
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    sequence: list[str] = []  # meaningful bare words in order, for `adjacent`
    typed = False

    def exclude(found: list[str]) -> None:
        for word in found[:1]:
            if word not in excluded and len(excluded) < MAX_EXCLUDED:
                excluded.append(word)

    for negated, phrase, bare in _TOKEN.findall(text):
        if bare:
            if bare.startswith("-") and len(bare) > 1:
                # "-word" leaves documents with that word out; "--" and other punctuation
                # after the dash is nothing.
                exclude(meaningful(bare[1:]))
                continue
            found = words_of(bare)
            typed = typed or bool(found)
            for word in found:
                if word in STOP_WORDS:
                    continue
                sequence.append(word)
                if word not in words:
                    words.append(word)
        else:
            found = meaningful(phrase)
            typed = typed or bool(words_of(phrase))
            if negated:
                exclude(found)
            elif len(found) > 1 and len(phrases) < MAX_PHRASES:
                phrases.append(tuple(found[:MAX_TERMS]))
            elif len(found) == 1 and found[0] not in words:
                words.append(found[0])
            sequence.append("")  # a phrase breaks adjacency of the bare words around it
    if len(words) > MAX_TERMS:
        words, truncated = words[:MAX_TERMS], True
    kept = set(words)
    adjacent: list[tuple[str, str]] = []
    for first, second in zip(sequence, sequence[1:], strict=False):
        pair = (first, second)
        if first in kept and second in kept and first != second and pair not in adjacent:
            adjacent.append(pair)
    return ParsedQuery(
        raw=text.strip(),
        words=tuple(words),
        phrases=tuple(phrases),
        excluded=tuple(w for w in excluded if w not in kept),
        adjacent=tuple(adjacent),
        truncated=truncated,
        only_stop_words=typed and not words and not phrases,
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
