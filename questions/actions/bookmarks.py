"""Bookmarks: posts and answers saved, shown on one's board or kept private."""

from __future__ import annotations

from intranet.lib.access import NotVisible
from profiles.models import User
from profiles.permissions import require_colleague
from questions.models import Answer, Bookmark, Post
from questions.permissions import check_sees_answer, check_sees_post


def set_bookmark(
    *, user: User, post: Post | None = None, answer: Answer | None = None, saved: bool
) -> Bookmark | None:
    """Save (or unsave) a post or answer. New bookmarks are public; see set_bookmark_privacy.
    Saving needs seeing the post or answer; unsaving one's own bookmark does not (the post
    may have become invisible since)."""
    if (post is None) == (answer is None):
        raise ValueError("bookmark exactly one of post or answer")
    require_colleague(user)
    if not saved:
        Bookmark.objects.filter(user=user, post=post, answer=answer).delete()
        return None
    if answer is not None:
        check_sees_answer(user, answer)
    elif post is not None:
        check_sees_post(user, post)
    bookmark, _ = Bookmark.objects.get_or_create(user=user, post=post, answer=answer)
    return bookmark


def set_bookmark_privacy(*, by: User, bookmark: Bookmark, is_private: bool) -> Bookmark:
    """Show a bookmark on one's board or keep it to oneself. Precondition: `by` owns it
    (NotVisible otherwise: other people's private bookmarks are not admitted to exist)."""
    require_colleague(by)
    if bookmark.user_id != by.pk:
        raise NotVisible("No such bookmark.")
    bookmark.is_private = is_private
    bookmark.save(update_fields=["is_private"])
    return bookmark
