"""Which URLs a hook may point at.

Only http and https. Private addresses (10/8, 192.168/16, localhost...) are where an
intranet's own tools live, so staff hooks may use them; a community owner's hook may only
reach public addresses, so that configuring a hook is no way to make the server call
internal services on someone's behalf. The address is checked when the hook is saved and
again at every delivery (a name may resolve elsewhere later).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


def url_problem(url: str, *, private_allowed: bool) -> str | None:
    """Why a hook may not post to `url`, or None if it may."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "This is not a valid URL."
    if parts.scheme not in ("http", "https"):
        return "Only http:// and https:// addresses can receive webhooks."
    if not parts.hostname:
        return "The address has no host name."
    if parts.username or parts.password:
        return "Put credentials in the receiving service's URL path or query, not before @."
    if private_allowed:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return f"The host name {parts.hostname} cannot be resolved."
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return (
                "This address is on a private network; only staff can set up webhooks "
                "to private addresses."
            )
    return None
