"""A database from before notifications became their own app migrates forward without
losing a row: the models moved (profiles 0013, notifications 0001), their tables did not."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification, NotificationPreference
from tests.support.migrations import leaves_before

# The first migration of the move: profiles' models leave its state.
THE_MOVE = ("profiles", "0013_notifications_move_out")


def leaves_before_the_move(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """The leaf nodes of the last main with notifications in profiles (migrating profiles
    back unapplies notifications 0001, and any later move, which depend on it)."""
    return leaves_before(executor, THE_MOVE)


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_through_the_new_models() -> None:
    executor = MigrationExecutor(connection)
    before = leaves_before_the_move(executor)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    applied = MigrationExecutor(connection).loader.applied_migrations
    assert ("notifications", "0001_initial") not in applied
    user = old.get_model("profiles", "User")
    rita = user.objects.create(username="rita", email="rita@example.com")
    maria = user.objects.create(username="maria", email="maria@example.com")
    post = old.get_model("questions", "Post").objects.create(
        kind="question", author=rita, title="Where are the build logs?", body="@maria?"
    )
    old_notification = old.get_model("profiles", "Notification")
    written = old_notification.objects.create(
        recipient=maria, actor=rita, verb="mentioned", post=post, in_app=True
    )
    old.get_model("profiles", "NotificationPreference").objects.create(
        user=maria, verb="answered", in_app=False, email=True
    )
    content_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="profiles", model="notification"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    row = Notification.objects.select_related("post", "actor").get(pk=written.pk)
    assert row.actor is not None and row.post is not None
    assert (row.recipient_id, row.actor.username, row.verb) == (maria.pk, "rita", "mentioned")
    assert row.post.title == "Where are the build logs?"
    assert row.read_at is None and row.in_app
    assert list(Notification.objects.filter(recipient_id=maria.pk).seen_by_recipient()) == [row]
    preference = NotificationPreference.objects.get(user_id=maria.pk)
    assert (preference.verb, preference.in_app, preference.email) == ("answered", False, True)
    # Its content type moved with it (permissions and anything else naming it follow).
    assert ContentType.objects.get_for_model(Notification).pk == content_type.pk
    # New rows go on in the same table, after the old ones.
    newer = Notification.objects.create(recipient_id=maria.pk, verb="followed")
    assert newer.pk > written.pk
