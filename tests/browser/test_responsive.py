"""Every main page reflows on a phone (WCAG 1.4.10): at 320 and 390 CSS pixels nothing scrolls
sideways, the navigation collapses into a menu that opens without JavaScript, and on a laptop
the header of a staff member with a long name stays on one row."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from questions import actions
from questions.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Maximiliana Wolfeschlegelstein-Hausenberger"
# Screenshots to look at by eye: set SCREENSHOT_DIR to keep them.
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR", "")


@pytest.fixture
def company(make_user, make_department, make_answer, make_draft) -> dict[str, Any]:
    """A small company: a staff member with a long name, a colleague, an answered question
    with a long unbroken line of code, and a draft."""
    engineering = make_department("Engineering")
    boss = make_user(
        "boss", display_name=LONG_NAME, is_staff=True, title="Head of Knowledge Management"
    )
    rita = make_user("rita", display_name="Rita Ramos", department=engineering)
    question = actions.ask_question(
        author=rita,
        title="How do we sign release builds for the internal distribution channel?",
        body="We run `gpg --detach-sign --armor --local-user release@northwind.example "
        "build/outloud-2026.12.07-linux-x86_64.tar.gz` and it fails. @boss any idea?",
        tags=["release-engineering", "gpg"],
    )
    make_answer(post=question, author=boss, body="Use the hardware key, see the wiki.")
    draft = make_draft(author=rita, title="Release checklist", tags=["release-engineering"])
    return {"boss": boss, "rita": rita, "question": question, "draft": draft}


def _pages(company: dict[str, Any]) -> list[str]:
    question: Post = company["question"]
    draft: Post = company["draft"]
    return [
        "/",
        "/?tab=all",
        "/ask/",
        question.get_absolute_url(),
        draft.get_absolute_url(),
        "/drafts/new/",
        "/search/?q=release+builds",
        "/people/",
        "/people/rita/",
        "/people/me/edit/",
        "/communities/",
        "/tags/release-engineering/",
        "/standards/",
        "/notifications/",
        "/notifications/settings/",
    ]


def _context(
    chromium: Any, live_server: Any, user: Any, width: int, height: int, **options: Any
) -> Any:
    client = Client()
    client.force_login(user)
    context = chromium.new_context(viewport={"width": width, "height": height}, **options)
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
    return context


def _overflow(page: Any) -> dict[str, Any]:
    """The document's width against the viewport's, and the elements sticking out on the right
    (leaving out what is inside a region that scrolls on its own)."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          const wide = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.width && box.right > width + 1 && !el.closest('[tabindex="0"][role=region]')) {
              wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.right)}`);
            }
          }
          return {scroll: document.documentElement.scrollWidth, inner: width,
                  wide: wide.slice(0, 5)};
        }"""
    )


def _shoot(page: Any, name: str) -> None:
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=False)


def _staff_urls() -> list[str]:
    from django.urls import reverse

    from reports.catalog import CATALOG

    urls = [reverse(entry.url_name) for entry in CATALOG]
    assert len(urls) == 5
    return ["/staff/people/", "/staff/people/rita/", "/staff/reports/", *urls]


@pytest.mark.parametrize("width", [320, 390])
def test_every_main_page_fits_a_phone_without_sideways_scrolling(
    chromium, live_server, company, width
):
    wrong: list[str] = []
    for user, urls in [
        (company["rita"], _pages(company)),
        (company["boss"], ["/", *_staff_urls()]),
    ]:
        context = _context(chromium, live_server, user, width, 800)
        page = context.new_page()
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            measured = _overflow(page)
            assert measured["inner"] == width
            if measured["scroll"] > measured["inner"]:
                wrong.append(f"{user.username} {url}: {measured}")
            if width == 390:
                _shoot(page, f"390-{user.username}-{url.strip('/').replace('/', '_') or 'home'}")
        context.close()
    assert not wrong, "\n".join(wrong)


def test_phone_navigation_is_a_menu_that_opens_without_javascript(chromium, live_server, company):
    context = _context(chromium, live_server, company["rita"], 320, 700, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    people = page.get_by_role("navigation", name="Main").get_by_role("link", name="People")
    assert not people.is_visible()  # folded away until asked for
    menu = page.locator("details.nav-menu > summary")
    assert menu.is_visible()
    assert menu.inner_text().strip() == "Menu"
    menu.click()
    _shoot(page, "320-menu-open")
    assert people.is_visible()
    box = people.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    people.click()
    page.wait_for_url(live_server.url + "/people/")
    assert page.get_by_role("heading", level=1).first.is_visible()
    context.close()


def test_desktop_shows_the_navigation_without_a_menu(page_for, live_server, company):
    page = page_for(company["rita"])
    page.goto(live_server.url + "/")
    assert not page.locator("details.nav-menu > summary").is_visible()
    nav = page.get_by_role("navigation", name="Main")
    for name in ["Home", "Ask", "Share a draft", "Communities", "People", "Standards"]:
        assert nav.get_by_role("link", name=name, exact=True).is_visible(), name


@pytest.mark.parametrize("name", [LONG_NAME, "Maximilian Alexander Featherstonehaugh-Smythe"])
@pytest.mark.parametrize("width", [1041, 1141, 1280, 1366])
def test_staff_header_with_a_long_name_stays_on_one_row(
    chromium, live_server, company, make_user, width, name
):
    staff = company["boss"]
    if name != LONG_NAME:
        staff = make_user("maximilian", display_name=name, is_staff=True)
    context = _context(chromium, live_server, staff, width, 900)
    page = context.new_page()
    page.goto(live_server.url + "/")
    _shoot(page, f"{width}-{staff.username}-home")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 72, header
    tops = page.evaluate(
        """() => [...document.querySelectorAll(
              '.brand, .main-nav a, .header-search input, .bell, .user-menu summary')]
            .filter(el => el.getClientRects().length)
            .map(el => Math.round(el.getBoundingClientRect().top + el.offsetHeight / 2))"""
    )
    assert len(tops) >= 10
    assert max(tops) - min(tops) <= 6, tops
    if width > 1140:  # narrower windows reach search through the navigation's Search link
        search = page.locator("#header-q").bounding_box()
        assert search["width"] >= 240, search  # comfortably wide, not a 150 px sliver
        # ...wide enough to show its whole placeholder
        fits = page.evaluate(
            """() => { const input = document.querySelector('#header-q');
                const style = getComputedStyle(input);
                const ctx = document.createElement('canvas').getContext('2d');
                ctx.font = `${style.fontSize} ${style.fontFamily}`;
                const room = input.clientWidth - parseFloat(style.paddingLeft)
                  - parseFloat(style.paddingRight);
                return ctx.measureText(input.placeholder).width <= room; }"""
        )
        assert fits
    assert _overflow(page)["scroll"] <= width
    context.close()
