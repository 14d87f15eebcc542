"""Signing in, signing up and editing a profile in a real browser."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, email, password=TEST_PASSWORD):
    page.goto(base_url + "/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_sign_in_lands_on_home(page, live_server, make_user):
    make_user("maria", email="maria@northwind.example", display_name="Maria Lopez")
    sign_in(page, live_server.url, "maria@northwind.example")
    page.get_by_role("heading", name="Work out loud, Maria Lopez").wait_for()
    assert page.url == live_server.url + "/"
    assert page.get_by_role("navigation", name="Main").is_visible()
    # The stylesheet really applied: the header is a white bar, not unstyled text.
    header_bg = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
    assert header_bg == "rgb(255, 255, 255)"


def test_wrong_password_says_so_and_keeps_the_address(page, live_server, make_user):
    make_user("maria", email="maria@northwind.example")
    sign_in(page, live_server.url, "maria@northwind.example", password="wrong-password")
    page.get_by_text("The email address and/or password you specified are not correct.").wait_for()
    assert page.get_by_label("Email").input_value() == "maria@northwind.example"


def test_signup_from_foreign_domain_is_refused(page, live_server, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["northwind.example"]
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Email").fill("rita@gmail.com")
    page.get_by_label("Your name").fill("Rita Ramos")
    page.locator("#id_password1").fill("a-Long-and-unusual-pass-42")
    page.locator("#id_password2").fill("a-Long-and-unusual-pass-42")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_text(
        "Sign-up is limited to company e-mail addresses (@northwind.example)"
    ).wait_for()
    assert page.get_by_label("Your name").input_value() == "Rita Ramos"


def test_profile_edit_with_htmx_shows_errors_in_place_then_saves(
    page, live_server, make_user, make_department
):
    make_department("Platform")
    make_user("maria", email="maria@northwind.example", display_name="Maria Lopez")
    sign_in(page, live_server.url, "maria@northwind.example")
    page.get_by_role("heading", name="Work out loud, Maria Lopez").wait_for()
    page.goto(live_server.url + "/people/me/edit/")
    page.get_by_label("Name").fill("")
    page.get_by_label("Job title").fill("Head of Platform")
    page.evaluate("document.querySelector('#id_display_name').removeAttribute('required')")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Please give the name colleagues know you by.").wait_for()
    assert page.get_by_label("Job title").input_value() == "Head of Platform"
    page.get_by_label("Name").fill("María López")
    page.get_by_label("Department").select_option(label="Platform")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_role("heading", name="María López").wait_for()
    assert page.url == live_server.url + "/people/maria/"
    assert page.get_by_text("Your profile is saved.").is_visible()
