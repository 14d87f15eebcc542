"""Views of posts, counted once per person and day."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from questions.models import Post, PostView
from questions.permissions import Viewer, check_sees_post

VIEW_CACHE_SECONDS = 24 * 3600


def record_view(*, post: Post, user: Viewer) -> bool:
    """Count a view of a post: once per signed-in person and day, never the author's own.
    Safe under concurrent requests: one INSERT ... ON CONFLICT DO NOTHING decides (no failed
    statement, so nothing is logged as an error on PostgreSQL), and view_count moves only
    when a row was really inserted. A repeat view the same day costs one cache read (the
    cache remembers counted views for the rest of the day, after commit). Returns whether
    the view was counted. Precondition: the person sees the post (nobody anonymous is
    counted: False)."""
    if not user.is_authenticated:
        return False
    check_sees_post(user, post)
    if user.pk == post.author_id:
        return False
    day = timezone.localdate()
    key = f"post-view:{post.pk}:{user.pk}:{day.isoformat()}"
    if cache.get(key):
        return False
    table = connection.ops.quote_name(PostView._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (post_id, user_id, day) VALUES (%s, %s, %s) "  # noqa: S608
                "ON CONFLICT (post_id, user_id, day) DO NOTHING",
                [post.pk, user.pk, connection.ops.adapt_datefield_value(day)],
            )
            counted = cursor.rowcount == 1
        if counted:
            Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + 1)
    transaction.on_commit(lambda: cache.set(key, True, VIEW_CACHE_SECONDS))
    return counted
