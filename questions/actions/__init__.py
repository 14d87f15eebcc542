"""Writes about posts, answers, likes, bookmarks, communities and drafts' files.

Every function validates its domain rules, writes in one transaction and returns what it
wrote. Rule violations raise django.core.exceptions.ValidationError with a message meant
for the person who typed the input.

Every function that takes an acting person checks first, here and not only in the views,
that this person may do it (questions.permissions' check_* helpers): NotVisible (a 404)
when they may not see the post or community, NotAllowed (a 403) when they see it but may
not change it, or may do nothing at all (anonymous, a former colleague). Nothing is written
or notified then.

One module a topic (posts, answers, mentions, likes, bookmarks, communities, drafts,
viewing, moderation); everything is re-exported here, so callers import from
questions.actions.
"""

from __future__ import annotations

from questions.actions.answers import (
    accept_answer,
    check_edit_answer,
    delete_answer,
    edit_answer,
    post_answer,
)
from questions.actions.bookmarks import set_bookmark, set_bookmark_privacy
from questions.actions.communities import (
    add_member,
    create_community,
    join_community,
    leave_community,
    set_community_visibility,
)
from questions.actions.drafts import (
    MAX_CHANGE_NOTE,
    record_download,
    set_feedback_wanted,
    share_draft,
    upload_version,
)
from questions.actions.likes import set_like
from questions.actions.mentions import (
    MAX_MENTIONS,
    RenderedText,
    find_mentioned_people,
    render_with_mentions,
)
from questions.actions.posts import (
    MAX_BODY,
    MAX_STATUS,
    MAX_TITLE,
    PostEdit,
    ask_question,
    check_edit_post,
    delete_post,
    edit_post,
    post_status,
    sync_tag_activity,
)
from questions.actions.viewing import VIEW_CACHE_SECONDS, record_view

__all__ = [
    "MAX_BODY",
    "MAX_CHANGE_NOTE",
    "MAX_MENTIONS",
    "MAX_STATUS",
    "MAX_TITLE",
    "PostEdit",
    "RenderedText",
    "VIEW_CACHE_SECONDS",
    "accept_answer",
    "add_member",
    "ask_question",
    "check_edit_answer",
    "check_edit_post",
    "create_community",
    "delete_answer",
    "delete_post",
    "edit_answer",
    "edit_post",
    "find_mentioned_people",
    "join_community",
    "leave_community",
    "post_answer",
    "post_status",
    "record_download",
    "record_view",
    "render_with_mentions",
    "set_bookmark",
    "set_bookmark_privacy",
    "set_community_visibility",
    "set_feedback_wanted",
    "set_like",
    "share_draft",
    "sync_tag_activity",
    "upload_version",
]
