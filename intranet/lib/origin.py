"""Which pages may open our websockets: only our own, by scheme, host and port.

Channels' AllowedHostsOriginValidator compares the Origin's host name with ALLOWED_HOSTS
and ignores its scheme and port, so a page served by anything else on the same host (another
port on a developer's machine, an internal tool on the intranet's host name) could open a
socket with the visitor's cookies. A socket is accepted when its Origin is exactly the
origin of the page that asks (the scheme this site is served over, and the Host header it
was reached by, itself one of ALLOWED_HOSTS), or one of CSRF_TRUSTED_ORIGINS: the same rule
Django's CSRF check applies to forms.
"""

from __future__ import annotations

from typing import Any

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

Scope = dict[str, Any]


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return ""


def _trusted(origin: str) -> bool:
    """CSRF_TRUSTED_ORIGINS, wildcard subdomains ("https://*.example.com") included."""
    scheme, _, netloc = origin.partition("://")
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        trusted_scheme, _, pattern = trusted.lower().partition("://")
        if trusted_scheme != scheme:
            continue
        # "*.example.com" is Django's wildcard; is_same_domain reads it as ".example.com".
        if pattern == netloc or (pattern.startswith("*") and is_same_domain(netloc, pattern[1:])):
            return True
    return False


def origin_allowed(scope: Scope) -> bool:
    origin = _header(scope, b"origin").lower().rstrip("/")
    if not origin or origin == "null":
        return False
    if _trusted(origin):
        return True
    host = _header(scope, b"host").lower()
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    secure = scope.get("scheme") == "wss" or settings.HTTPS
    return origin == f"{'https' if secure else 'http'}://{host}"


class SameOriginSockets:
    """ASGI middleware: websockets from any other origin are refused before the app sees them
    (HTTP passes through; Django's CSRF check covers forms)."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
