"""Markdown for posts and answers: CommonMark, @mentions outside code, code blocks highlighted
with Pygments, sanitized with nh3.

Rendering happens once, when a post is saved; pages show the stored HTML. The preview shown
while typing goes through the same `render_markdown`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments import highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.token import STANDARD_TYPES  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

# A handle: word characters, dots, pluses and hyphens, not ending in punctuation, so that
# "thanks @maria." mentions "maria".
HANDLE_RE = re.compile(r"@([A-Za-z0-9_](?:[A-Za-z0-9_.+-]*[A-Za-z0-9_])?)")
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
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
# Highlighted code: Pygments' short token classes on spans (colours in static/css/code.css,
# never a style attribute), and the block's own class on <pre>.
CODE_BLOCK_CLASS = "highlight"
TOKEN_CLASSES = {name for name in STANDARD_TYPES.values() if name}
ALLOWED_CLASSES = {"span": TOKEN_CLASSES, "pre": {CODE_BLOCK_CLASS}}
# Past this size a block is shown plain: highlighting is a nicety, not worth a slow save.
MAX_HIGHLIGHT_CHARS = 20_000
_FORMATTER = HtmlFormatter(nowrap=True)
LANGUAGE_RE = re.compile(r"[A-Za-z0-9_+#.-]{1,40}")


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


def highlight_code(code: str, language: str) -> str:
    """`code` as HTML spans coloured for `language`; plain (escaped) text when the language
    is unknown, missing or the block is too long."""
    if language and len(code) <= MAX_HIGHLIGHT_CHARS:
        try:
            lexer = get_lexer_by_name(language, stripnl=False)
        except ClassNotFound:
            pass
        else:
            return highlight(code, lexer, _FORMATTER)
    return escapeHtml(code)


def _code_block_html(code: str, language: str) -> str:
    language_class = f' class="language-{escapeHtml(language)}"' if language else ""
    return (
        f'<pre class="{CODE_BLOCK_CLASS}"><code{language_class}>'
        f"{highlight_code(code, language)}</code></pre>\n"
    )


def _render_fence(
    self: Any, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    words = token.info.split(maxsplit=1)
    language = words[0] if words and LANGUAGE_RE.fullmatch(words[0]) else ""
    return _code_block_html(token.content, language)


def _render_code_block(
    self: Any, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return _code_block_html(tokens[idx].content, "")


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    md.enable(["linkify", "table", "strikethrough"])
    # Fenced and indented blocks look alike; fenced ones with a known language are coloured.
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("code_block", _render_code_block)
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
        allowed_classes=ALLOWED_CLASSES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
