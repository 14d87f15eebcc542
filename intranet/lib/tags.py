"""Tag names: what people type ("#Kubernetes, ci/cd") becomes a clean, bounded list. Pure
text rules, shared by the posts (questions.tagging) and the topics people declare or hand over."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

MAX_TAGS = 5
MAX_TAG_LENGTH = 40
# Letters of any script, digits and + # . -; starting with a letter or digit.
TAG_RE = re.compile(r"^[^\W_][\w+#.-]*$")


def clean_tag_names(raw: str | list[str]) -> list[str]:
    """Lower-cased, de-duplicated tag names; ValidationError naming any that are not allowed."""
    words = raw if isinstance(raw, list) else re.split(r"[,\s]+", raw)
    names: list[str] = []
    bad: list[str] = []
    for word in words:
        name = word.strip().lstrip("#").lower()
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH or not TAG_RE.match(name):
            bad.append(word.strip())
        elif name not in names:
            names.append(name)
    if bad:
        shown = ", ".join(repr(b[:MAX_TAG_LENGTH]) for b in bad[:5])
        raise ValidationError(
            f"Tags may use letters, digits and + # . - only"
            f" (no spaces or slashes), up to {MAX_TAG_LENGTH} characters, "
            f"starting with a letter or digit. Not allowed: {shown}.",
            code="bad_tag",
        )
    if len(names) > MAX_TAGS:
        raise ValidationError(f"Use at most {MAX_TAGS} tags.", code="too_many_tags")
    return names
