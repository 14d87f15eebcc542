"""The demo drafts' files: templates rendered per version, and what the drafts build from them."""

from __future__ import annotations

import io

import pytest

from demo.communities import COMMUNITIES
from demo.documents import blocks, render
from demo.drafts import DRAFTS
from demo.people import CORE_PEOPLE
from questions.extract import extract_text
from questions.files import file_type_for

TEMPLATE = """\
# Draft v{version}
Everyone reads this.
::: v1
Only the first version says this.
:::
::: v2+
From the second version on.
:::
::: v1-2
Until the second version.
:::
"""


def test_fenced_lines_belong_to_their_versions_only():
    assert render(TEMPLATE, 1) == (
        "# Draft v1\nEveryone reads this.\nOnly the first version says this.\n"
        "Until the second version.\n"
    )
    assert render(TEMPLATE, 2) == (
        "# Draft v2\nEveryone reads this.\nFrom the second version on.\nUntil the second version.\n"
    )
    assert render(TEMPLATE, 3) == "# Draft v3\nEveryone reads this.\nFrom the second version on.\n"


@pytest.mark.parametrize(
    "template",
    ["::: v1\nnever closed\n", "::: v1\n::: v2\nnested\n:::\n:::\n", "closed twice\n:::\n"],
)
def test_a_fence_left_open_or_nested_is_an_error(template):
    with pytest.raises(ValueError, match="fence"):
        render(template, 1)


def test_wrapped_lines_join_into_one_paragraph_or_item():
    found = blocks(
        "# Risks\n\nA paragraph\nwrapped.\n\n- an item\n  wrapped\n  - deeper\n1. a step\n\n"
        "| Do | Why |\n|---|---|\n| this | that |\n"
    )
    assert [(b.kind, b.text, b.level) for b in found] == [
        ("heading", "Risks", 1),
        ("paragraph", "A paragraph wrapped.", 0),
        ("bullet", "an item wrapped", 0),
        ("bullet", "deeper", 1),
        ("numbered", "a step", 0),
        ("table", "", 0),
    ]
    assert found[-1].rows == [("Do", "Why"), ("this", "that")]


def test_every_demo_draft_version_is_a_valid_file_that_differs_from_the_one_before():
    for draft in DRAFTS:
        before: bytes | str | None = None
        for version in draft.versions:
            content = version.build()
            file_type = file_type_for(version.filename, io.BytesIO(content))
            # Office files carry the time they were written: compare their text instead.
            text = extract_text(io.BytesIO(content), file_type)
            now = content if text is None else text
            assert now != before, f"{draft.title}: {version.filename} did not change"
            before = now


def test_every_person_and_community_a_draft_names_is_in_the_demo_company():
    # A misspelt community would share a private draft with everyone.
    people = {person.username for person in CORE_PEOPLE}
    communities = {community.name for community in COMMUNITIES}
    for draft in DRAFTS:
        assert draft.author in people
        assert draft.community is None or draft.community in communities
        for version in draft.versions:
            assert {username for username, _text in version.comments} <= people
