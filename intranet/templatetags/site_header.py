"""`{% load site_header %}{% site_header %}`: base.html's header, rendered once per process for
each set of values it shows and then reused.

Every page paid for the header in full: some thirty URL reversals (the navigation twice, the
account menu) and their conditions, about a third of the CPU time of rendering a page
around an empty body. What it shows depends on a handful of values (the reader's name,
initials, staff flag and unread count, the page's URL name, the site's name and whether
passwords exist) and on nothing else, so the HTML is kept in this process's memory under
exactly those values, together with what reversing URLs depends on (the URL configuration
and the script prefix). A changed name, count or page gives another key: nothing has to be
invalidated, and an entry can never show one person what was rendered for another, since
the key holds everything the template reads. The sign-out form's CSRF token is different
for each request and filled in at a marker.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

TEMPLATE = "partials/site_header.html"
# Filled in with the request's CSRF token. Derived from SECRET_KEY, so that nobody can put
# one in their name; plain letters and digits, so that escaping leaves it as it is.
CSRF_MARK = "csrf" + salted_hmac("outloud.site_header", "marker").hexdigest()[:20]
_MARKED_INPUT = CsrfTokenNode().render(template.Context({"csrf_token": CSRF_MARK}))
# Distinct headers kept: a few per active person (unread counts, pages with a highlighted
# link), some 4 KB each.
MAX_HEADERS = 4096


@lru_cache(maxsize=MAX_HEADERS)
def _render(key: tuple[Any, ...], values: tuple[tuple[str, Any], ...]) -> str:
    """The header for `values`; `key` (URL configuration, script prefix) only keeps
    headers whose links were reversed differently apart."""
    return get_template(TEMPLATE).render({**dict(values), "csrf_token": CSRF_MARK})


def header_values(context: template.Context) -> tuple[tuple[str, Any], ...]:
    """Everything partials/site_header.html reads, from the page's context."""
    values: dict[str, Any] = {
        "site_name": context.get("site_name", settings.SITE_NAME),
        "sso_only": bool(context.get("sso_only", settings.SSO_ONLY)),
        "authenticated": False,
    }
    user = context.get("user")
    if user is not None and user.is_authenticated:
        request = context.get("request")
        match = getattr(request, "resolver_match", None)
        url_name = match.url_name if match is not None else None
        profile = getattr(user, "profile", None)  # None: no profile yet
        values.update(
            authenticated=True,
            username=user.username,
            is_staff=bool(user.is_staff),
            display_name=profile.display_name if profile is not None else "",
            initials=profile.initials if profile is not None else "",
            unread=context.get("unread_notifications"),
            url_name=url_name,
            on_own_board=url_name == "person"
            and match is not None
            and match.kwargs.get("username") == user.username,
        )
    return tuple(sorted(values.items()))


@register.simple_tag(takes_context=True)
def site_header(context: template.Context) -> SafeString:
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    html = _render(key, header_values(context))
    # Exactly what {% csrf_token %} would have written here for this request.
    return mark_safe(html.replace(_MARKED_INPUT, CsrfTokenNode().render(context)))  # noqa: S308
