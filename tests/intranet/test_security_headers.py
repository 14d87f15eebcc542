"""Every page carries the Content-Security-Policy and the other security headers, nothing
on a page needs an inline script, style or handler, and production settings pass the
deploy checks."""

from __future__ import annotations

import re
import runpy
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import Client, override_settings
from django.urls import reverse

from intranet.lib.markdown import render_markdown
from reports.catalog import CATALOG

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x7Qm2vL9pR4tW8zB1nC6yH5jD0fG3sA" * 2
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "intranet.example.com",
    "SITE_URL": "https://intranet.example.com",
    "SIGNUP_EMAIL_DOMAINS": "example.com",  # open sign-up is a deploy warning
}
EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
OTHER_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def policy_of(response: Any) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


class InlineCode(HTMLParser):
    """Collects what the policy blocks: inline scripts and styles, event-handler attributes,
    htmx's eval-based hx-on, and javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and not named.get("src") and named.get("type") not in DATA_SCRIPT_TYPES:
            self.found.append(f"inline <script> {attrs}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            text = (value or "").strip().lower()
            if name.startswith(("on", "hx-on", "data-hx-on")) or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            if text.startswith("javascript:") or (
                name in {"hx-vals", "hx-headers"} and text.startswith("js:")
            ):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture
def pages(make_user, make_question, make_answer, client_for, django_capture_on_commit_callbacks):
    """(client, path) for each kind of page: the feed, a question with a table, search and its
    typeahead, reports, the admin, and allauth's pages."""
    maria = make_user("maria", is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):  # indexed for search
        question = make_question(author=maria, title="How do we rotate VPN keys?", tags=["vpn"])
        body = "| step | who |\n|:--|--:|\n| 1 | ops |"
        make_answer(post=question, author=make_user(), body=body)
    signed_in, anonymous = client_for(maria), Client()
    report = next(entry for entry in CATALOG if entry.slug != "risk")
    return {
        "home": (signed_in, "/"),
        "question": (signed_in, question.get_absolute_url()),
        "search": (signed_in, "/search/?q=vpn"),
        "typeahead": (signed_in, "/search/suggest/?q=vpn"),
        "reports": (signed_in, reverse("reports:index")),
        "report": (signed_in, reverse(report.url_name)),
        "admin": (signed_in, "/admin/"),
        "admin_change": (signed_in, reverse("admin:questions_post_change", args=[question.pk])),
        "email": (signed_in, "/accounts/email/"),
        "admin_login": (anonymous, "/admin/login/"),
        "login": (anonymous, "/accounts/login/"),
    }


PAGES = [
    "home",
    "question",
    "search",
    "typeahead",
    "reports",
    "report",
    "admin",
    "admin_change",
    "email",
    "admin_login",
    "login",
]


@pytest.mark.parametrize("name", PAGES)
def test_page_has_the_content_security_policy_and_security_headers(pages, name):
    client, path = pages[name]
    response = client.get(path, headers={"HX-Request": "true"} if name == "typeahead" else {})
    assert response.status_code == 200
    assert policy_of(response) == EXPECTED_POLICY
    for header, value in OTHER_HEADERS.items():
        assert response.headers.get(header) == value, header


@pytest.mark.parametrize("name", PAGES)
def test_page_needs_no_inline_script_style_or_handler(pages, name):
    client, path = pages[name]
    response = client.get(path, headers={"HX-Request": "true"} if name == "typeahead" else {})
    assert inline_code(response.content.decode()) == []


def test_the_checker_sees_what_the_policy_would_block():
    html = (
        '<script>alert(1)</script><script type="application/json">{}</script>'
        '<a href=" JavaScript:go()">x</a><button onclick="go()" hx-on:click="go()">y</button>'
        "<p style=\"color:red\"></p><div hx-vals='js:{a: 1}'></div><style>p{}</style>"
    )
    assert len(inline_code(html)) == 7


COMMENTS = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
BLOCKED_IN_TEMPLATES = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>|<style\b|\son[a-z]+\s*=|"
    r"\sstyle\s*=|hx-on|javascript:",
    re.I,
)


def test_no_template_relies_on_inline_code():
    """Catches what a page test may not render (an error branch, a rare partial). E-mails
    are not pages: mail clients need their inline styles."""
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        if "email" in template.relative_to(ROOT / "templates").parts:
            continue
        text = COMMENTS.sub("", template.read_text())
        found += [f"{template.name}: {m.group(0)}" for m in BLOCKED_IN_TEMPLATES.finditer(text)]
    assert found == []


def test_markdown_tables_align_by_class_not_inline_style():
    html = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert "style=" not in html
    assert html.count('class="align-left"') == 2
    assert html.count('class="align-center"') == 2
    assert html.count('class="align-right"') == 2


def test_file_downloads_keep_their_own_stricter_policy(make_user, make_draft, client_for):
    author = make_user()
    draft = make_draft(author=author)
    version = draft.versions.get()
    response = client_for(author).get(reverse("draft_download", args=[version.pk]))
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


# --- Settings, as the settings module reads them from the environment -----------------------

# Read by intranet/settings.py and possibly set where the tests run.
SECURITY_VARIABLES = [
    "DEBUG",
    "HTTPS",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "OIDC_CLIENT_ID",
    "OIDC_SERVER_URL",
    "CSP_IMG_SRC",
]
# Settings that cannot be swapped in a running process (and that no deploy check reads).
FIXED_IN_PROCESS = {"INSTALLED_APPS", "DATABASES", "CACHES", "CHANNEL_LAYERS", "TASKS", "LOGGING"}


def load_settings(monkeypatch, tmp_path, **env: str) -> dict[str, Any]:
    for name in SECURITY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(ROOT / "intranet" / "settings.py"))
    return {name: value for name, value in namespace.items() if name.isupper()}


def deploy_check_ids(loaded: dict[str, Any]) -> list[str]:
    swappable = {k: v for k, v in loaded.items() if k not in FIXED_IN_PROCESS}
    with override_settings(**swappable):
        return sorted(message.id or "" for message in run_checks(include_deployment_checks=True))


def test_production_settings_pass_the_deploy_checks(monkeypatch, tmp_path):
    production = load_settings(monkeypatch, tmp_path, **PRODUCTION_ENV)
    assert production["DEBUG"] is False
    assert production["HTTPS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert deploy_check_ids(production) == []


def test_local_http_settings_have_no_https_only_behaviour(monkeypatch, tmp_path):
    """`make run` serves plain http: secure cookies or a redirect to https would lock everyone
    out. The deploy check says so, which also shows it can fail."""
    local = load_settings(monkeypatch, tmp_path)
    assert local["DEBUG"] is True
    assert local["HTTPS"] is False
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        assert not local.get(name, False), name
    assert not local.get("SECURE_HSTS_SECONDS", 0)
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= set(
        deploy_check_ids(local)
    )


def test_single_sign_on_provider_may_receive_the_sign_in_form_redirect(monkeypatch, tmp_path):
    env = {"OIDC_CLIENT_ID": "intranet", "OIDC_SERVER_URL": "https://sso.example.com/realms/x"}
    loaded = load_settings(monkeypatch, tmp_path, **env)
    directives = loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["form-action"] == ["'self'", "https://sso.example.com"]
    assert directives["script-src"] == ["'self'"]
