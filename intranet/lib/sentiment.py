"""Sentiment of what people write: VADER's compound score, from -1 (negative) to 1 (positive).

VADER is a lexicon and rules, shipped inside the vaderSentiment package: nothing is
downloaded at run time and scoring a post costs well under a millisecond. It reads plain
English prose, so Markdown, HTML, code, links and @handles are stripped first, and only the
first MAX_CHARS characters of what is left are scored (a long post's opening sets its tone,
and the cost stays bounded).

Plain text processing, below every app: questions stores a score with each post and answer
as it is written, the reports average the stored scores.
"""

from __future__ import annotations

import re

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

MAX_INPUT = 25_000  # characters read at all (a body is at most 20,000)
MAX_CHARS = 5_000  # characters of plain text scored

# Loading the lexicon takes ~15 ms: once per process.
_analyzer = SentimentIntensityAnalyzer()

_FENCED = re.compile(r"^(```|~~~).*?(^\1|\Z)", re.S | re.M)
_INDENTED = re.compile(r"^(?: {4}|\t).*$", re.M)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]{0,500}>")
_URL = re.compile(r"\bhttps?://\S+")
_MENTION = re.compile(r"(?<![\w@])@[\w.-]+")
_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)|[*_~]{1,3}", re.M)
_ENTITY = re.compile(r"&(?:[a-z]+|#\d+);", re.I)
_SPACE = re.compile(r"\s+")


def plain_text(markdown: str) -> str:
    """The prose of a Markdown (or HTML) text, without code, markup, links' targets,
    URLs and @handles, whitespace collapsed, at most MAX_CHARS characters."""
    text = markdown[:MAX_INPUT]
    text = _FENCED.sub(" ", text)
    text = _INDENTED.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _MARKUP.sub("", text)
    text = _ENTITY.sub(" ", text)
    return _SPACE.sub(" ", text).strip()[:MAX_CHARS]


def score(text: str) -> float:
    """The compound sentiment of `text` (Markdown or HTML allowed), -1..1, 0 for no prose."""
    prose = plain_text(text)
    if not prose:
        return 0.0
    return round(float(_analyzer.polarity_scores(prose)["compound"]), 4)


def score_post(title: str, body: str) -> float:
    """A post's sentiment: its title and body read as one text."""
    return score(f"{title}.\n\n{body}" if title else body)
