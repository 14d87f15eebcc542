"""A short plain-text excerpt of stored (sanitised) HTML, for cards and lists.

Stripping the tags alone runs blocks together: "Pick one:Runner Arch Cost small x86 1 ..."
from a paragraph and a table. Here each block (paragraph, heading, list item, code block)
stays a separate sentence, and a table is not flattened: it is summed up by its header
and its size, "(table: Runner · Arch · Cost, 2 rows)", so the excerpt still reads."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.utils.text import Truncator

BLOCKS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "blockquote",
        "hr",
        "dl",
        "dt",
        "dd",
        "figure",
    ]
)
SPACES = re.compile(r"\s+")


class _Excerpt(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []  # finished blocks
        self.text: list[str] = []  # the block being read
        self.table_depth = 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":  # a line break inside a paragraph: the words stay apart
            self.handle_data(" ")
        elif tag == "table":
            self._end_block()
            self.table_depth += 1
            if self.table_depth == 1:
                self.rows = []
        elif self.table_depth:
            if tag == "tr" and self.table_depth == 1:
                self.rows.append([])
            elif tag in ("td", "th") and self.table_depth == 1:
                self.cell = []
        elif tag in BLOCKS:
            self._end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.table_depth:
            self.table_depth -= 1
            if not self.table_depth:
                self.parts.append(_table_summary(self.rows))
        elif self.table_depth:
            if tag in ("td", "th") and self.cell is not None and self.rows:
                self.rows[-1].append(_squash("".join(self.cell)))
                self.cell = None
        elif tag in BLOCKS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        if self.table_depth:
            if self.cell is not None:
                self.cell.append(data)
        else:
            self.text.append(data)

    def _end_block(self) -> None:
        text = _squash("".join(self.text))
        if text:
            self.parts.append(text)
        self.text = []

    def result(self) -> str:
        self.close()
        self._end_block()
        return " ".join(_as_sentence(part) for part in self.parts)


def _squash(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def _as_sentence(part: str) -> str:
    """Blocks read as separate sentences: one without closing punctuation gets a full stop
    ("Then tag it" then "Done" would otherwise read as "Then tag it Done")."""
    return part if part[-1] in ".!?:;…)" else part + "."


def _table_summary(rows: list[list[str]]) -> str:
    rows = [row for row in rows if any(row)]
    if not rows:
        return "(table)"
    header = " · ".join(cell for cell in rows[0] if cell)
    body = len(rows) - 1
    size = f"{body} row" if body == 1 else f"{body} rows"
    return f"(table: {header}, {size})" if body else f"(table: {header})"


def plain_excerpt(body_html: str, limit: int = 180) -> str:
    """At most `limit` characters of `body_html` as text (the template escapes it again)."""
    parser = _Excerpt()
    parser.feed(body_html)
    return Truncator(parser.result()).chars(limit)
