"""{% post_card item %}, {% answer_card answer %} and {% answer_cards answers %}: cached
shared HTML, per-reader parts filled in (questions.fragments)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from questions import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def post_card(context: template.Context, item: Any) -> SafeString:
    return fragments.post_card(context, item)


@register.simple_tag(takes_context=True)
def answer_card(context: template.Context, answer: Any) -> SafeString:
    return fragments.answer(context, answer)


@register.simple_tag(takes_context=True)
def answer_cards(context: template.Context, answers: Any) -> SafeString:
    """Every answer of a question page, as answer_card renders each."""
    return fragments.answers(context, answers)


@register.simple_tag(takes_context=True)
def form_fields(context: template.Context, form: Any, post: Any = None) -> SafeString:
    """partials/fields.html for a form; a blank one comes from the fragments cache. A
    Markdown preview on the page is shown under its field (and is never cached); `post`,
    on a post's page, is the post the form answers."""
    return fragments.form_fields(form, markdown_preview=context.get("markdown_preview"), post=post)
