"""A database from before the nudges moved to the insights migrates forward without losing
a row: the model moved (profiles 0014, reports 0002), its table did not."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from reports.models import Nudge
from tests.support.migrations import leaves_before

# The first migration of the move: Nudge leaves profiles' state.
THE_MOVE = ("profiles", "0014_nudge_move_out")


def leaves_before_the_move(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """The leaf nodes of the last main with the nudges in profiles (migrating profiles back
    unapplies reports 0002, which depends on it)."""
    return leaves_before(executor, THE_MOVE)


@pytest.mark.django_db(transaction=True)
def test_nudges_written_before_the_move_are_read_through_the_new_model() -> None:
    executor = MigrationExecutor(connection)
    before = leaves_before_the_move(executor)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    applied = MigrationExecutor(connection).loader.applied_migrations
    assert ("reports", "0002_nudge") not in applied
    assert ("profiles", "0014_nudge_move_out") not in applied
    user = old.get_model("profiles", "User")
    rita = user.objects.create(username="rita", email="rita@example.com")
    maria = user.objects.create(username="maria", email="maria@example.com")
    post = old.get_model("questions", "Post").objects.create(
        kind="question", author=rita, title="Where are the build logs?", body="Anyone?"
    )
    written = old.get_model("profiles", "Nudge").objects.create(post=post, user=maria)
    content_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="profiles", model="nudge"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    row = Nudge.objects.select_related("post", "user").get(pk=written.pk)
    assert (row.user.username, row.post.title) == ("maria", "Where are the build logs?")
    assert row.created_at == written.created_at
    assert list(Nudge.objects.filter(user_id=maria.pk)) == [row]
    # Its content type moved with it (permissions and anything else naming it follow).
    assert ContentType.objects.get_for_model(Nudge).pk == content_type.pk
    # The constraint came along with the table: once per question and person.
    with pytest.raises(IntegrityError), transaction.atomic():
        Nudge.objects.create(post_id=post.pk, user_id=maria.pk)
    # New rows go on in the same table, after the old ones.
    newer = Nudge.objects.create(post_id=post.pk, user_id=rita.pk)
    assert newer.pk > written.pk
