"""Tag names of posts: the rules live in intranet.lib.tags, shared with the topics people
declare (profiles), which sit below the posts."""

from __future__ import annotations

from intranet.lib.tags import MAX_TAG_LENGTH, MAX_TAGS, TAG_RE, clean_tag_names

__all__ = ["MAX_TAGS", "MAX_TAG_LENGTH", "TAG_RE", "clean_tag_names"]
