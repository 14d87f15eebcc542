"""Markdown for posts and answers: CommonMark, @mentions outside code, sanitized with nh3.

Rendering happens once, when a post is saved; pages show the stored HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

# A handle: word characters, dots, pluses and hyphens, not ending in punctuation, so that
# "thanks @maria." mentions "maria".
HANDLE_RE = re.compile(r"@([A-Za-z0-9_](?:[A-Za-z0-9_.+-]*[A-Za-z0-9_])?)")
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
}
# Table columns are aligned by class, not by a style attribute, which the
# Content-Security-Policy would block.
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
ALLOWED_ATTRIBUTE_VALUES = {"th": {"class": ALIGN_CLASSES}, "td": {"class": ALIGN_CLASSES}}
URL_SCHEMES = {"http", "https", "mailto"}


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    # "maria@example.com" is an address, not a mention.
    if state.pos > 0 and (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] in "_.+-"):
        return False
    match = HANDLE_RE.match(state.src, state.pos)
    if not match:
        return False
    handle = match.group(1)
    found: list[str] = state.env.setdefault("mentions", [])
    if handle.lower() not in (h.lower() for h in found):
        found.append(handle)
    targets: Mapping[str, str] = state.env.get("mention_urls", {})
    url = targets.get(handle.lower())
    if url is None:
        return False  # not a colleague: stays plain text
    if not silent:
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": url, "class": "mention"}
        text = state.push("text", "", 0)
        text.content = "@" + handle
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


def _align_by_class(state: StateCore) -> None:
    """Turn markdown-it's `style="text-align:right"` on table cells into `class="align-right"`."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", None)
            if isinstance(style, str) and style.startswith("text-align:"):
                token.attrs["class"] = "align-" + style.removeprefix("text-align:")


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    md.enable(["linkify", "table", "strikethrough"])
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    md.core.ruler.push("align_by_class", _align_by_class)
    return md


_MD = _build()


def find_mentions(text: str) -> list[str]:
    """Handles @mentioned in `text`, in order, once each, ignoring code spans and blocks."""
    env: dict[str, Any] = {}
    _MD.parse(text, env)
    return list(env.get("mentions", []))


def render_markdown(text: str, *, mention_urls: Mapping[str, str] | None = None) -> str:
    """Safe HTML for `text`. `mention_urls` maps lower-cased handles of real people to links."""
    env: dict[str, Any] = {"mention_urls": dict(mention_urls or {})}
    html = _MD.render(text, env)
    return sanitize_html(html)


def sanitize_html(html: str) -> str:
    # The sanitizer needs valid UTF-8: a lone surrogate (from a JSON body or an import, never
    # from a form) becomes "?" rather than an error.
    html = html.encode("utf-8", "replace").decode("utf-8")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
