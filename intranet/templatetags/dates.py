"""`{% load dates %}`: `{{ post.created_at|when }}` shows a date or time the one way the site
does (see intranet.lib.dates), as `<time>` with the full absolute time on hover;
`{{ value|when_text }}` is the same text without markup, for plain-text e-mails."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from intranet.lib.dates import describe

register = template.Library()


@register.filter
def when(value: date | datetime | None) -> SafeString | str:
    if not isinstance(value, date):
        return ""
    moment = describe(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', moment.iso, moment.title, moment.text
    )


@register.filter
def when_text(value: date | datetime | None) -> str:
    if not isinstance(value, date):
        return ""
    return describe(value).text
