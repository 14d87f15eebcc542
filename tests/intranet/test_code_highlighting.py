"""Code blocks are coloured on the server by Pygments, through the same sanitizer as the
rest of a post, with colours from static/css/code.css that stay readable light and dark."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from pygments.style import Style  # type: ignore[import-untyped]

from intranet.lib.code_style import DarkCode, LightCode, stylesheet
from intranet.lib.markdown import render_markdown, sanitize_html
from tests.security.test_sanitizer import audit

CODE_CSS = Path(settings.BASE_DIR) / "static" / "css" / "code.css"


def test_a_fenced_block_with_a_known_language_is_coloured_by_token():
    html = render_markdown("```python\nimport os\ndef run():  # go\n    return 1\n```")
    assert html.startswith('<pre class="highlight"><code class="language-python">')
    assert '<span class="kn">import</span>' in html
    assert '<span class="nf">run</span>' in html
    assert '<span class="c1"># go</span>' in html
    assert "style=" not in html  # the Content-Security-Policy forbids inline styles


def test_an_unknown_language_or_an_indented_block_stays_plain_but_escaped():
    unknown = render_markdown("```klingon\n<b>qapla'</b>\n```")
    assert "<span" not in unknown
    assert "&lt;b&gt;qapla'&lt;/b&gt;" in unknown
    assert unknown.startswith('<pre class="highlight"><code class="language-klingon">')
    indented = render_markdown("Text\n\n    <i>x</i> = 1\n")
    assert '<pre class="highlight"><code>&lt;i&gt;x&lt;/i&gt; = 1' in indented


def test_a_language_name_cannot_break_out_of_its_attribute():
    html = render_markdown('```x"><script>alert(1)</script>\ncode\n```')
    assert "<script" not in html
    assert '<pre class="highlight"><code>code' in html


@pytest.mark.parametrize("language", ["html", "js", "python", "unknown", ""])
def test_script_inside_a_code_block_is_shown_as_text_never_run(language):
    text = f"```{language}\n<script>alert(1)</script><img src=x onerror=alert(1)>\n```"
    html = render_markdown(text)
    assert audit(html) == [], html
    assert "<script" not in html and "<img" not in html
    shown = re.sub(r"<[^>]+>", "", html)  # the text a reader sees
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown


def test_the_sanitizer_keeps_only_token_classes_on_spans_and_the_block_class_on_pre():
    dirty = (
        '<pre class="highlight evil" style="color:red"><span class="k mention" onclick="x()">'
        'a</span><span class="nf" style="background:url(javascript:x)">b</span></pre>'
        '<span class="admin">c</span>'
    )
    clean = sanitize_html(dirty)
    assert clean.startswith(
        '<pre class="highlight"><span class="k">a</span><span class="nf">b</span></pre>'
    )
    assert "admin" not in clean and clean.endswith(">c</span>")


def test_a_very_long_block_is_shown_plain():
    code = "x = 1\n" * 5_000
    html = render_markdown(f"```python\n{code}```")
    assert "<span" not in html and html.count("x = 1") == 5_000


def test_the_served_stylesheet_is_the_generated_one():
    assert CODE_CSS.read_text() == stylesheet(), (
        "regenerate: python -m intranet.lib.code_style > static/css/code.css"
    )


def test_dark_colours_apply_for_the_system_setting_and_the_personal_choice():
    css = stylesheet()
    dark_block = css[css.index("@media (prefers-color-scheme: dark)") :]
    assert ":root:not([data-theme=light]) .prose pre.highlight .k" in dark_block
    assert "[data-theme=dark] .prose pre.highlight .k" in dark_block


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_helper_matches_known_pairs():
    assert round(_contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(_contrast("#777777", "#ffffff"), 2) == 4.48


@pytest.mark.parametrize("style", [LightCode, DarkCode])
def test_every_token_colour_reaches_aa_contrast_on_its_background(style: type[Style]):
    background = style.background_color
    colours = {style.foreground} | {f"#{s['color']}" for _, s in style if s["color"]}
    assert len(colours) >= 7
    for colour in colours:
        assert _contrast(colour, background) >= 4.5, (style.__name__, colour)
