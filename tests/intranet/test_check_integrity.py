"""`manage.py check_integrity`: denormalised values and the search index against the rows,
reported with stored and actual values, a non-zero exit status, and --repair."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intranet.lib.integrity import all_checks, run_checks
from profiles.models import User
from questions import actions
from questions.models import Answer, Community, DraftVersion, Post, TaggedPost
from search import integrity as search_integrity
from search.backend import get_backend, reset_backends
from search.documents import Document, IndexEntry, post_key
from search.service import search

pytestmark = pytest.mark.django_db

NOT_POSTGRES = "the PostgreSQL backend needs a PostgreSQL test database (set DATABASE_URL)"


@pytest.fixture(params=["whoosh", "postgres"])
def search_backend(request, settings) -> str:
    """The configured search backend: Whoosh always, PostgreSQL on a PostgreSQL database."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip(NOT_POSTGRES)
    settings.SEARCH_BACKEND = request.param
    reset_backends()
    get_backend().clear()  # an empty index, as a rebuild starts
    return request.param


@dataclass
class World:
    asker: User
    helper: User
    outsider: User
    question: Post
    accepted: Answer
    deleted_answer: Answer
    draft: Post
    first_version: DraftVersion
    second_version: DraftVersion
    shared: Post  # in a community that is open for now


@pytest.fixture
def world(
    make_user, make_question, make_draft, make_community, django_capture_on_commit_callbacks
) -> World:
    """A small, consistent world written through the actions, indexed as it was written."""
    with django_capture_on_commit_callbacks(execute=True):
        asker, helper, fan, reader = (make_user(n) for n in ("asker", "helper", "fan", "reader"))
        outsider = make_user("outsider")
        question = make_question(author=asker, title="How are releases signed?", tags=["ci"])
        accepted = actions.post_answer(post=question, author=helper, body="With the HSM.")
        actions.post_answer(post=question, author=fan, body="Ask ops.")
        deleted_answer = actions.post_answer(post=question, author=reader, body="No idea.")
        actions.delete_answer(answer=deleted_answer, by=reader)
        actions.accept_answer(post=question, answer=accepted, by=asker)
        for person in (fan, reader):
            actions.set_like(user=person, answer=accepted, liked=True)
            actions.record_view(post=question, user=person)
        actions.set_like(user=helper, post=question, liked=True)
        draft = make_draft(author=asker, title="Signing runbook", tags=["ci", "security"])
        first_version = draft.current_version
        second_version = actions.upload_version(
            post=draft, uploader=asker, file=io.BytesIO(b"# Runbook v2\n"), filename="r.md"
        )
        actions.record_download(version=first_version, user=helper)
        for person in (fan, reader):
            actions.record_download(version=second_version, user=person)
        actions.post_answer(post=draft, author=fan, body="Step 3 is unclear.")
        team = make_community("Release team", owner=helper)
        shared = make_question(author=helper, title="Who holds the HSM keys?", community=team)
        gone = make_question(author=asker, title="An old question")
        actions.delete_post(post=gone, by=asker)
    return World(
        asker=asker,
        helper=helper,
        outsider=outsider,
        question=question,
        accepted=accepted,
        deleted_answer=deleted_answer,
        draft=draft,
        first_version=first_version,
        second_version=second_version,
        shared=shared,
    )


def check_integrity(*args: str) -> tuple[int, str]:
    """Run the command; (exit status, what it printed)."""
    out = io.StringIO()
    try:
        call_command("check_integrity", *args, stdout=out, stderr=io.StringIO(), no_color=True)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def test_a_consistent_world_passes_every_check_and_exits_zero(search_backend, world):
    status, out = check_integrity()
    assert status == 0, out
    names = [check.name for check in all_checks()]
    for name in names:
        assert f"{name} (" in out
    assert out.count(": OK\n") == len(names)
    assert f"All {len(names)} checks agree" in out


# --- Counters and derived fields, each corrupted behind the actions' back ----------------


@dataclass
class Corrupted:
    line: str  # how the report shows it
    read: Callable[[], object]  # the stored value now
    repaired: object  # what the repair must set


@dataclass
class Corruption:
    check: str
    apply: Callable[[World], Corrupted]

    def __str__(self) -> str:
        return self.apply.__name__


def iso(value) -> str:
    return value.isoformat(sep=" ")


def post_field(pk: int, field: str) -> Callable[[], object]:
    return lambda: Post.objects.values_list(field, flat=True).get(pk=pk)


def set_answer_count(world: World) -> Corrupted:
    pk = world.question.pk
    Post.objects.filter(pk=pk).update(answer_count=7)
    # The deleted answer is not counted.
    return Corrupted(f"post {pk}: stored 7, actual 2", post_field(pk, "answer_count"), 2)


def set_post_likes(world: World) -> Corrupted:
    pk = world.question.pk
    Post.objects.filter(pk=pk).update(like_count=0)
    return Corrupted(f"post {pk}: stored 0, actual 1", post_field(pk, "like_count"), 1)


def set_answer_likes(world: World) -> Corrupted:
    pk = world.accepted.pk
    Answer.objects.filter(pk=pk).update(like_count=5)
    return Corrupted(
        f"answer {pk}: stored 5, actual 2",
        lambda: Answer.objects.values_list("like_count", flat=True).get(pk=pk),
        2,
    )


def set_draft_downloads(world: World) -> Corrupted:
    pk = world.draft.pk
    Post.objects.filter(pk=pk).update(download_count=F("download_count") + 4)
    return Corrupted(f"post {pk}: stored 7, actual 3", post_field(pk, "download_count"), 3)


def set_version_downloads(world: World) -> Corrupted:
    pk = world.second_version.pk
    DraftVersion.objects.filter(pk=pk).update(download_count=0)
    return Corrupted(
        f"draft version {pk}: stored 0, actual 2",
        lambda: DraftVersion.objects.values_list("download_count", flat=True).get(pk=pk),
        2,
    )


def set_views(world: World) -> Corrupted:
    pk = world.question.pk
    Post.objects.filter(pk=pk).update(view_count=40)
    return Corrupted(f"post {pk}: stored 40, actual 2", post_field(pk, "view_count"), 2)


def accept_a_deleted_answer(world: World) -> Corrupted:
    pk, answer = world.question.pk, world.deleted_answer.pk
    Post.objects.filter(pk=pk).update(accepted_answer=answer)
    return Corrupted(
        f"post {pk}: stored answer {answer} (deleted), actual none",
        post_field(pk, "accepted_answer"),
        None,
    )


def accept_another_posts_answer(world: World) -> Corrupted:
    pk, answer = world.shared.pk, world.accepted.pk
    Post.objects.filter(pk=pk).update(accepted_answer=answer)
    return Corrupted(
        f"post {pk}: stored answer {answer} (of post {world.question.pk}), actual none",
        post_field(pk, "accepted_answer"),
        None,
    )


def point_at_the_first_version(world: World) -> Corrupted:
    pk, first, second = world.draft.pk, world.first_version.pk, world.second_version.pk
    Post.objects.filter(pk=pk).update(current_version=first)
    return Corrupted(
        f"post {pk}: stored draft version {first}, actual draft version {second} (number 2)",
        post_field(pk, "current_version"),
        second,
    )


def age_the_last_activity(world: World) -> Corrupted:
    pk = world.question.pk
    newest = Answer.objects.filter(post=pk).latest("created_at").created_at
    stale = world.question.created_at - timedelta(days=1)
    Post.objects.filter(pk=pk).update(last_activity_at=stale)
    return Corrupted(
        f"post {pk}: stored {iso(stale)}, actual {iso(newest)}",
        post_field(pk, "last_activity_at"),
        newest,
    )


def age_a_tag_copy(world: World) -> Corrupted:
    pk = world.draft.pk
    real = Post.objects.get(pk=pk).last_activity_at
    stale = real - timedelta(hours=3)
    rows = TaggedPost.objects.filter(content_object=pk, tag__name="security")
    rows.update(last_activity_at=stale)
    return Corrupted(
        f"post {pk} #security: stored {iso(stale)}, actual {iso(real)}",
        lambda: rows.values_list("last_activity_at", flat=True).get(),
        real,
    )


CORRUPTIONS = [
    Corruption("Post.answer_count", set_answer_count),
    Corruption("Post.like_count", set_post_likes),
    Corruption("Answer.like_count", set_answer_likes),
    Corruption("Post.download_count", set_draft_downloads),
    Corruption("DraftVersion.download_count", set_version_downloads),
    Corruption("Post.view_count", set_views),
    Corruption("Post.accepted_answer", accept_a_deleted_answer),
    Corruption("Post.accepted_answer", accept_another_posts_answer),
    Corruption("Post.current_version", point_at_the_first_version),
    Corruption("Post.last_activity_at", age_the_last_activity),
    Corruption("TaggedPost.last_activity_at", age_a_tag_copy),
]


def test_every_database_check_has_a_corruption_test():
    database_checks = {check.name for check in all_checks() if check.in_database}
    assert {c.check for c in CORRUPTIONS} == database_checks


@pytest.mark.parametrize("corruption", CORRUPTIONS, ids=str)
def test_a_corrupted_value_is_reported_with_both_values_and_repaired(
    search_backend, world, corruption
):
    corrupted = corruption.apply(world)
    status, out = check_integrity()
    assert status == 1
    assert f"{corruption.check} (" in out
    assert corrupted.line in out, out

    status, out = check_integrity("--repair")
    assert status == 0, out
    assert f"Repaired {corruption.check}: " in out
    assert "Everything repaired." in out
    assert corrupted.read() == corrupted.repaired
    assert check_integrity()[0] == 0


def test_a_repair_changes_only_what_was_wrong(world):
    Post.objects.filter(pk=world.question.pk).update(like_count=9)
    before = list(Post.objects.order_by("pk").values_list("pk", "like_count", "answer_count"))
    status, out = check_integrity("--repair")
    assert status == 0
    assert "Repaired Post.like_count: 1 object." in out
    after = list(Post.objects.order_by("pk").values_list("pk", "like_count", "answer_count"))
    changed = [row for row, old in zip(after, before, strict=True) if row != old]
    assert changed == [(world.question.pk, 1, 2)]


# --- The search index ------------------------------------------------------------------


def found_by(person: User, text: str) -> list[int]:
    return [result.post.pk for result in search(person, text).results if result.post]


def indexed_keys() -> set[str]:
    return {entry.key for entry in get_backend().entries()}


def test_stray_and_missing_documents_are_reported_and_repaired(search_backend, world):
    # Deleted and removed behind the actions' back: the index does not hear of either.
    Post.objects.filter(pk=world.shared.pk).update(deleted_at=timezone.now())
    get_backend().remove([post_key(world.draft.pk)])
    ghost = Document(key="post:999999", kind="question", title="Ghost", body="")
    junk = Document(key="junk:x", kind="question", title="Junk", body="")
    get_backend().index([ghost, junk])

    status, out = check_integrity()
    assert status == 1
    assert "Search index: missing documents (" in out
    assert f"search document post:{world.draft.pk}: stored not indexed, actual live post" in out
    assert f"search document post:{world.shared.pk}: stored indexed, actual deleted post" in out
    assert "search document post:999999: stored indexed, actual no such post" in out
    assert "search document junk:x: stored indexed, actual not a document key" in out

    status, out = check_integrity("--repair")
    assert status == 0, out
    assert "Repaired Search index: missing documents: 1 object." in out
    assert "Repaired Search index: stray documents: 3 objects." in out
    keys = indexed_keys()
    assert post_key(world.draft.pk) in keys
    assert not keys & {post_key(world.shared.pk), "post:999999", "junk:x"}
    assert check_integrity()[0] == 0


def test_a_community_turned_private_behind_the_index_is_reported_and_repaired(
    search_backend, world
):
    community = world.shared.community
    Community.objects.filter(pk=community.pk).update(visibility=Community.Visibility.PRIVATE)
    key = post_key(world.shared.pk)

    # The index is stale (it would match the post for the outsider), but the search service
    # filters what it reads back by who may see it, so the stale document shows nothing.
    assert world.shared.pk not in found_by(world.outsider, "HSM keys")

    status, out = check_integrity()
    assert status == 1
    assert (
        f"search document {key}: stored community {community.pk}, public, "
        f"actual community {community.pk}, private"
    ) in out

    status, out = check_integrity("--repair")
    assert status == 0, out
    assert IndexEntry(key, community.pk, True) in set(get_backend().entries())
    assert world.shared.pk not in found_by(world.outsider, "HSM keys")
    assert found_by(world.helper, "HSM keys")[0] == world.shared.pk  # a member


def test_a_meaning_vector_behind_its_post_is_reported_and_repaired(search_backend, world):
    from search import meaning
    from search.backends.base import Audience
    from search.models import DocumentVector

    community = world.shared.community
    Community.objects.filter(pk=community.pk).update(visibility=Community.Visibility.PRIVATE)
    key = post_key(world.shared.pk)
    DocumentVector.objects.filter(key=post_key(world.question.pk)).delete()
    outsider = Audience(world.outsider.pk, frozenset())
    assert key in dict(meaning.similar_keys("HSM keys", outsider, limit=10))  # the leak

    status, out = check_integrity()
    assert status == 1
    assert f"meaning vector post:{world.question.pk}: stored none, actual live post" in out
    assert (
        f"meaning vector {key}: stored community {community.pk}, public, "
        f"actual community {community.pk}, private"
    ) in out

    status, out = check_integrity("--repair")
    assert status == 0, out
    assert "Repaired Search by meaning: vectors: 2 objects." in out
    assert key not in dict(meaning.similar_keys("HSM keys", outsider, limit=10))
    assert DocumentVector.objects.filter(key=post_key(world.question.pk)).exists()


def test_a_key_indexed_twice_is_reported_and_repaired(search_backend, world):
    key = post_key(world.question.pk)
    copy = Document(key=key, kind="question", title=world.question.title, body="")
    get_backend().bulk_index([[copy]])  # adds without replacing, as into a cleared index
    if search_backend == "postgres":  # one row per key: a second copy cannot exist
        assert check_integrity()[0] == 0
        return
    status, out = check_integrity()
    assert status == 1
    assert f"search document {key}: stored 2 copies, actual 1 copy" in out
    status, out = check_integrity("--repair")
    assert status == 0, out
    assert [e.key for e in get_backend().entries()].count(key) == 1


def test_a_mostly_empty_index_suggests_a_rebuild(search_backend, world, monkeypatch):
    monkeypatch.setattr(search_integrity, "REBUILD_ABOVE", 2)
    get_backend().remove([post_key(world.question.pk)])
    status, out = check_integrity()
    assert status == 1 and "rebuild_index" not in out  # one missing of many
    get_backend().clear()
    status, out = check_integrity()
    assert status == 1
    assert "`manage.py rebuild_index` rebuilds the whole index faster than --repair." in out


def test_an_index_that_cannot_be_read_fails_the_check_with_what_to_do(settings, world, tmp_path):
    settings.SEARCH_BACKEND = "whoosh"
    settings.SEARCH_INDEX_DIR = tmp_path / "never-built"
    reset_backends()
    status, out = check_integrity("--repair")
    assert status == 1
    assert "Search index: missing documents (" in out
    assert "failed: The search index has not been built yet" in out
    assert "rebuild_index" in out
    assert "Post.like_count (likes of the post): OK" in out


# --- Cost ------------------------------------------------------------------------------


def test_the_checks_cost_a_fixed_number_of_queries(
    search_backend,
    world,
    make_user,
    make_question,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    # Two per counter (stored, counted), one or two per other check, three for what the
    # index should hold, one for the meaning vectors; reading the PostgreSQL index adds a
    # savepoint around its query.
    with django_assert_max_num_queries({"whoosh": 22, "postgres": 25}[search_backend]):
        outcomes = run_checks(all_checks())
    assert all(o.ok for o in outcomes)
    with CaptureQueriesContext(connection) as small:
        run_checks(all_checks())
    with django_capture_on_commit_callbacks(execute=True):
        for person in [make_user() for _ in range(3)]:
            question = make_question(author=person, tags=["ci", "more"])
            answer = actions.post_answer(post=question, author=world.helper, body="Yes.")
            actions.set_like(user=world.asker, answer=answer, liked=True)
            actions.set_like(user=world.asker, post=question, liked=True)
    with CaptureQueriesContext(connection) as larger:
        outcomes = run_checks(all_checks())
    assert all(o.ok for o in outcomes)
    assert len(larger) == len(small)
