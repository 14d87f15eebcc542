"""axe-core (vendored under tests/browser/vendor/) over every main page state, as an ordinary
person and as staff, with the @mention, tag and header suggestion lists open and after a
failed submit, in the light and the dark theme: any violation fails, with the rule, the
impact and the elements it names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from profiles.actions import set_theme
from questions import actions
from reports.catalog import CATALOG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def company(make_user, make_department, make_answer, make_draft, make_community) -> dict[str, Any]:
    engineering = make_department("Engineering")
    boss = make_user("boss", display_name="Alex Admin", is_staff=True, department=engineering)
    rita = make_user("rita", display_name="Rita Ramos", department=engineering)
    make_user("rico", display_name="Rico Rossi", department=engineering)
    question = actions.ask_question(
        author=rita,
        title="How do we sign release builds?",
        body="The signing step fails. @boss do you know?\n\n```\ngpg --detach-sign b.tar.gz\n```",
        tags=["release", "gpg"],
    )
    make_answer(post=question, author=boss, body="Use the hardware key.", accepted=True)
    draft = make_draft(author=rita, title="Release checklist", tags=["release"])
    make_community("Platform", owner=rita)
    return {"boss": boss, "rita": rita, "question": question, "draft": draft}


def _open(
    chromium: Any, live_server: Any, user: Any, width: int = 1280, device: str = "light"
) -> Any:
    """A signed-in browser context; `device` is the system's colour scheme it reports."""
    client = Client()
    client.force_login(user)
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=device)
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    # An init script runs outside the page's Content-Security-Policy, as axe must.
    context.add_init_script(path=str(AXE))
    return context


def _violations(page: Any, state: str) -> list[str]:
    found = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations.map(v => ({
            id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
          }));
        }"""
    )
    return [f"{state}: {v['id']} ({v['impact']}) at {v['nodes']}" for v in found]


def _pages(company: dict[str, Any]) -> list[str]:
    return [
        "/",
        "/?tab=all",
        "/?tab=unanswered",
        "/ask/",
        company["question"].get_absolute_url(),
        company["draft"].get_absolute_url(),
        "/drafts/new/",
        "/search/?q=release",
        "/search/?q=nothing+matches+this+zzzz",
        "/people/",
        "/people/?q=rita",
        "/people/boss/",
        "/people/me/edit/",
        "/communities/",
        "/c/platform/",
        "/tags/release/",
        "/standards/",
        "/notifications/",
        "/notifications/settings/",
    ]


def _staff_pages() -> list[str]:
    return [
        "/staff/people/",
        "/staff/people/rita/",
        "/staff/reports/",
        *[reverse(entry.url_name) for entry in CATALOG],
    ]


def _dark(company: dict[str, Any]) -> str:
    """Dark pages both ways they arise: rita follows a dark device, boss chose dark himself
    on a light one. Returns the scheme rita's device reports."""
    set_theme(user=company["boss"], theme="dark")
    return "dark"


def _theme_of(page: Any) -> str:
    """Which palette the page actually painted with (not merely which attribute it has)."""
    return str(page.evaluate("getComputedStyle(document.documentElement).colorScheme"))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_main_page_has_no_axe_violations(chromium, live_server, company, theme):
    device = _dark(company) if theme == "dark" else "light"
    found: list[str] = []
    for user, urls in [(company["rita"], _pages(company)), (company["boss"], _staff_pages())]:
        context = _open(chromium, live_server, user, device=device)
        page = context.new_page()
        for url in urls:
            assert page.goto(live_server.url + url).status == 200, url
            assert _theme_of(page) == theme, (user.username, url)
            found += _violations(page, f"{theme} {user.username} {url}")
        context.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_open_suggestion_lists_and_the_phone_menu_have_no_axe_violations(
    chromium, live_server, company, theme
):
    device = _dark(company) if theme == "dark" else "light"
    found: list[str] = []
    context = _open(chromium, live_server, company["rita"], device=device)
    page = context.new_page()

    page.goto(live_server.url + "/ask/")
    page.locator("#id_body").press_sequentially("Any idea @ri", delay=20)
    page.locator(".ac-list li", has_text="Rico Rossi").wait_for()
    found += _violations(page, "mention list open")

    page.locator("#id_tags").press_sequentially("rel", delay=20)
    page.locator(".ac-list li", has_text="release").wait_for()
    found += _violations(page, "tag list open")

    page.goto(live_server.url + "/")
    page.locator("#header-q").press_sequentially("release", delay=20)
    page.locator("#typeahead li").first.wait_for()
    found += _violations(page, "header suggestions open")

    page.goto(live_server.url + "/ask/")
    page.evaluate("document.querySelector('main form').noValidate = true")  # the server says no
    page.get_by_role("button", name="Ask your question").click()
    page.locator(".field-error").first.wait_for()
    found += _violations(page, "ask rejected")

    page.goto(live_server.url + "/")
    page.locator("main h1").click()
    page.keyboard.press("?")
    page.locator("dialog#shortcuts-help").wait_for()
    found += _violations(page, "shortcuts help open")
    assert _theme_of(page) == theme
    context.close()

    context = _open(chromium, live_server, company["boss"], width=390, device=device)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("details.nav-menu > summary").click()
    page.locator("details.user-menu > summary").click()
    found += _violations(page, "phone menus open")
    assert _theme_of(page) == theme
    context.close()
    assert not found, "\n".join([f"{theme} {line}" for line in found])


def test_tag_and_mention_suggestions_follow_the_combobox_pattern_by_keyboard(
    page_for, live_server, company
):
    actions.ask_question(
        author=company["boss"], title="Is gpg-agent cached?", body="", tags=["gpg-agent"]
    )
    page = page_for(company["rita"])
    page.goto(live_server.url + "/ask/")

    tags = page.locator("#id_tags")
    assert tags.get_attribute("role") == "combobox"
    assert tags.get_attribute("aria-expanded") == "false"
    tags.press_sequentially("gp", delay=20)
    listbox = page.locator("#" + tags.get_attribute("aria-controls"))
    options = listbox.locator("[role=option]")
    options.nth(1).wait_for()
    assert tags.get_attribute("aria-expanded") == "true"
    assert listbox.get_attribute("aria-label") == "Tag suggestions"
    labels = [text.split()[0] for text in options.all_inner_texts()]
    assert sorted(labels) == ["#gpg", "#gpg-agent"]

    def highlighted() -> str:
        active = page.locator("#" + tags.get_attribute("aria-activedescendant"))
        assert active.get_attribute("aria-selected") == "true"
        assert listbox.locator("[role=option][aria-selected=true]").count() == 1
        return active.inner_text().split()[0]

    assert highlighted() == labels[0]
    tags.press("ArrowDown")
    assert highlighted() == labels[1]
    tags.press("ArrowUp")
    assert highlighted() == labels[0]
    tags.press("ArrowDown")
    tags.press("Enter")
    assert tags.input_value() == labels[1].removeprefix("#") + ", "
    assert tags.get_attribute("aria-expanded") == "false"
    assert tags.get_attribute("aria-activedescendant") is None
    assert page.evaluate("document.activeElement.id") == "id_tags"

    body = page.locator("#id_body")
    body.press_sequentially("Thanks @ri", delay=20)
    mentions = page.locator("#" + body.get_attribute("aria-controls"))
    mentions.locator("[role=option]", has_text="Rico Rossi").wait_for()
    assert mentions.get_attribute("aria-label") == "People to mention"
    # The live region says how many, not who: the names are read as the options are walked.
    status = body.locator("xpath=..").get_by_role("status")
    shown = mentions.locator("[role=option]").count()
    noun = "person" if shown == 1 else "people"
    assert status.inner_text() == f"{shown} {noun} suggested, Up and Down to choose, Enter to pick"
    body.press("Escape")
    assert mentions.is_hidden()
    assert body.input_value() == "Thanks @ri"  # Escape closes the list and keeps the text
