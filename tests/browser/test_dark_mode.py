"""Dark mode: the device's setting by default, the person's own choice over it, painted by the
server (no JavaScript, no flash), and a focus ring of at least 3:1 in the dark too."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from profiles.actions import set_theme
from tests.browser.test_accessibility import AXE, _violations
from tests.browser.test_keyboard import _contrast, _rgb

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(chromium: Any, live_server: Any, user: Any, *, device: str, js: bool = True) -> Any:
    client = Client()
    client.force_login(user)
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme=device, java_script_enabled=js
    )
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


def _painted(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => { const body = getComputedStyle(document.body);
          return {scheme: getComputedStyle(document.documentElement).colorScheme,
                  background: body.backgroundColor, text: body.color}; }"""
    )


def _is_dark(painted: dict[str, Any]) -> bool:
    """Dark text on a light page, or light text on a dark one, judged by luminance order."""
    background, text = _rgb(painted["background"]), _rgb(painted["text"])
    return sum(background) < sum(text)


@pytest.mark.parametrize(
    ("choice", "device", "dark"),
    [
        ("system", "light", False),
        ("system", "dark", True),
        ("light", "dark", False),
        ("dark", "light", True),
    ],
)
def test_the_page_follows_the_device_unless_the_person_chose(
    chromium, live_server, make_user, choice, device, dark
):
    rita = make_user("rita")
    set_theme(user=rita, theme=choice)
    context = _open(chromium, live_server, rita, device=device)
    page = context.new_page()
    page.goto(live_server.url + "/")
    painted = _painted(page)
    assert _is_dark(painted) is dark, painted
    assert painted["scheme"] == ("dark" if dark else "light")  # form controls and scrollbars
    assert _contrast(_rgb(painted["text"]), _rgb(painted["background"])) >= 7
    context.close()


def test_a_chosen_dark_theme_needs_no_javascript(chromium, live_server, make_user):
    rita = make_user("rita")
    set_theme(user=rita, theme="dark")
    context = _open(chromium, live_server, rita, device="light", js=False)
    page = context.new_page()
    page.goto(live_server.url + "/people/")
    assert _is_dark(_painted(page))
    # Without JavaScript there are no shortcuts, so their help is not offered either.
    assert not page.locator("footer").get_by_role("button", name="Keyboard shortcuts").is_visible()
    context.close()


def test_the_theme_is_chosen_in_the_settings_by_keyboard(chromium, live_server, make_user):
    rita = make_user("rita")
    context = _open(chromium, live_server, rita, device="light")
    page = context.new_page()
    page.goto(live_server.url + "/people/me/edit/")
    assert not _is_dark(_painted(page))
    dark = page.get_by_role("radio", name="Dark")
    dark.focus()
    page.keyboard.press("Space")
    assert dark.is_checked()
    page.get_by_role("button", name="Save theme").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/people/me/edit/#appearance")
    assert "Your colour theme is saved." in page.locator(".messages").inner_text()
    assert _is_dark(_painted(page))
    assert page.get_by_role("radio", name="Dark").is_checked()
    context.close()


def test_focus_ring_has_three_to_one_contrast_in_the_dark(chromium, live_server, make_user):
    rita = make_user("rita")
    context = _open(chromium, live_server, rita, device="dark")
    page = context.new_page()
    page.goto(live_server.url + "/ask/")
    page.keyboard.press("Tab")  # keyboard modality
    backgrounds = page.evaluate(
        """() => [getComputedStyle(document.body).backgroundColor,
                  getComputedStyle(document.querySelector('.card')).backgroundColor,
                  getComputedStyle(document.querySelector('.site-header')).backgroundColor]"""
    )
    assert _is_dark(_painted(page))
    for selector in [".main-nav a", ".form-actions .button-primary", "#id_title", "#header-q"]:
        page.locator(selector).first.focus()
        ring = page.evaluate(
            """(selector) => { const s = getComputedStyle(document.querySelector(selector));
              return {style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                      color: s.outlineColor}; }""",
            selector,
        )
        assert ring["style"] != "none" and ring["width"] >= 2, (selector, ring)
        for background in backgrounds:
            ratio = _contrast(_rgb(ring["color"]), _rgb(background))
            assert ratio >= 3, (selector, ring, background, ratio)
    context.close()


def test_signed_out_pages_follow_a_dark_device_with_no_axe_violations(chromium, live_server, db):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    found: list[str] = []
    for url in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        assert page.goto(live_server.url + url).status == 200, url
        assert _is_dark(_painted(page)), url
        found += _violations(page, f"dark signed out {url}")
    context.close()
    assert not found, "\n".join(found)
