"""Mails the site sends: links built from SITE_URL, one subject prefix, a text and an HTML
part, one-click unsubscribe headers (RFC 8058), and SMTP failures turned into one exception.

Commands have no request to take the host from, and a request's host is whatever the proxy
passed on: every link in a mail is SITE_URL plus a path, so that it opens the same site
whoever or whatever sent the mail.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import linebreaks, urlize

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The mail server refused, could not be reached, or did not answer in EMAIL_TIMEOUT."""


def absolute_url(location: str, *, site_url: str = "") -> str:
    """SITE_URL (or `site_url`, a command's --base-url) followed by the path, query and
    fragment of `location` (a path, or a full URL whose scheme and host are replaced)."""
    parts = urlsplit(location)
    base = (site_url or settings.SITE_URL).rstrip("/")
    return base + urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def subject_line(subject: str) -> str:
    """The subject with the site's prefix ("[Outloud] ..."), never twice."""
    prefix = settings.EMAIL_SUBJECT_PREFIX
    subject = " ".join(subject.split())
    return subject if subject.startswith(prefix.strip()) else prefix + subject


def compose(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe_url: str = "",
) -> EmailMultiAlternatives:
    """A mail from `template`.txt and `template`.html. With `unsubscribe_url`, mail clients
    offer a one-click "unsubscribe" that POSTs to it (List-Unsubscribe-Post, RFC 8058)."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    headers = {}
    if unsubscribe_url:
        context["unsubscribe_url"] = unsubscribe_url
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject_line(subject),
        render_to_string(f"{template}.txt", context),
        to=[to],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def send(message: EmailMultiAlternatives) -> None:
    """Send one mail; a refused, unreachable or silent server raises MailNotSent with the
    reason in words."""
    try:
        message.send()
    except OSError as error:  # smtplib's errors, refused connections and timeouts
        raise MailNotSent(describe(error)) from error


def describe(error: BaseException) -> str:
    # smtplib reports a read that timed out as a disconnection "...: timed out".
    if isinstance(error, TimeoutError) or str(error).endswith("timed out"):
        return f"the mail server did not answer within {settings.EMAIL_TIMEOUT} s"
    if isinstance(error, ConnectionRefusedError):
        return "the mail server refused the connection"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def text_to_html(text: str) -> str:
    """An HTML part for a mail written as text: paragraphs kept, links clickable."""
    return (
        '<!DOCTYPE html><html lang="en"><body style="font-family: system-ui, sans-serif;">'
        + linebreaks(urlize(text, autoescape=True), autoescape=False)
        + "</body></html>"
    )


# What a page that failed to send its mail tells the person, by the page's URL name.
NOT_SENT_CONSEQUENCES = {
    "account_signup": "Your account was not created: sign up again in a few minutes.",
    "account_reset_password": "Your password is unchanged: ask for the reset again in a few "
    "minutes.",
}
RETRY_SECONDS = 60


class MailFailureMiddleware:
    """A page whose mail could not be sent (sign-up, password reset, address confirmation)
    says so with a 503 instead of a 500; the mail server's address stays in the log."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, MailNotSent):
            return None
        logger.error("mail not sent from %s: %s", request.path, exception)
        match = request.resolver_match
        consequence = NOT_SENT_CONSEQUENCES.get((match and match.url_name) or "", "")
        response = render(
            request, "intranet/mail_not_sent.html", {"consequence": consequence}, status=503
        )
        response["Retry-After"] = str(RETRY_SECONDS)
        return response
