"""The derived values of posts, answers and drafts, and how to recompute them from their rows
(`manage.py check_integrity`; the machinery is intranet.lib.integrity).

The actions keep these in step as they write; rows written around the actions (bulk
loads, `QuerySet.update()`, hand edits, a crash between two statements) can leave them
behind. Counters, each equal to a count of rows:

* Post.answer_count: the post's answers that are not deleted;
* Post.like_count, Answer.like_count: their Like rows;
* Post.download_count: the draft's DraftDownload rows (distinct person-days, any version);
* DraftVersion.download_count: the version's VersionDownload rows;
* Post.view_count: the post's PostView rows (distinct person-days).

Pointers and times:

* Post.accepted_answer: an answer of the post itself, not deleted, and only on a question
  (deleting an answer withdraws its acceptance);
* Post.current_version: the draft's highest-numbered version (none without versions);
* Post.last_activity_at: never older than the post or its newest answer, deleted or not (a
  new version raises it too, but a moment before the version's own timestamp, so versions
  give no exact bound to check);
* TaggedPost.last_activity_at: a copy of its post's (tag pages read it).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from intranet.lib.integrity import Check, CountedField, Mismatch, batches, label
from questions.actions import sync_tag_activity
from questions.models import (
    Answer,
    DraftDownload,
    DraftVersion,
    Like,
    Post,
    PostView,
    TaggedPost,
    VersionDownload,
)
from search.indexing import reindex_posts


def _reindex(post_ids: list[int]) -> None:
    """Search documents show whether a question is answered and a draft's current text."""
    reindex_posts(*post_ids)


COUNTERS = (
    CountedField(
        Post,
        "answer_count",
        rows=Answer,
        via="post",
        where=Q(deleted_at__isnull=True),
        description="answers of the post that are not deleted",
        then=_reindex,
    ),
    CountedField(
        Post,
        "like_count",
        rows=Like,
        via="post",
        where=Q(post__isnull=False),
        description="likes of the post",
    ),
    CountedField(
        Answer,
        "like_count",
        rows=Like,
        via="answer",
        where=Q(answer__isnull=False),
        description="likes of the answer",
    ),
    CountedField(
        Post,
        "download_count",
        rows=DraftDownload,
        via="post",
        description="person-days of downloads of the draft",
    ),
    CountedField(
        DraftVersion,
        "download_count",
        rows=VersionDownload,
        via="version",
        description="person-days of downloads of the version",
    ),
    CountedField(
        Post,
        "view_count",
        rows=PostView,
        via="post",
        description="person-days of views of the post",
    ),
)


class AcceptedAnswer(Check):
    name = "Post.accepted_answer"
    description = "an answer of the post itself, not deleted, on a question"

    def _wrong(self) -> QuerySet[Post]:
        return Post.objects.filter(accepted_answer__isnull=False).filter(
            ~Q(kind=Post.Kind.QUESTION)
            | Q(accepted_answer__deleted_at__isnull=False)
            | ~Q(accepted_answer__post_id=F("pk"))
        )

    def find(self) -> list[Mismatch]:
        rows = (
            self._wrong()
            .order_by("pk")
            .values_list(
                "pk",
                "kind",
                "accepted_answer_id",
                "accepted_answer__post_id",
                "accepted_answer__deleted_at",
            )
        )
        found = []
        for pk, kind, answer_id, answer_post_id, deleted_at in rows:
            problems = []
            if answer_post_id != pk:
                problems.append(f"of post {answer_post_id}")
            if deleted_at is not None:
                problems.append("deleted")
            if kind != Post.Kind.QUESTION:
                problems.append(f"on a {kind} post")
            stored = f"answer {answer_id} ({', '.join(problems)})"
            found.append(Mismatch(label(Post, pk), stored, None, target=pk))
        return found

    def repair(self, mismatches: list[Mismatch]) -> int:
        changed = 0
        for chunk in batches([m.target for m in mismatches]):
            changed += self._wrong().filter(pk__in=chunk).update(accepted_answer=None)
        return changed


def _newest_versions() -> QuerySet[DraftVersion]:
    """Each draft's highest-numbered version (one row per draft, from the unique index)."""
    later = DraftVersion.objects.filter(post=OuterRef("post"), number__gt=OuterRef("number"))
    return DraftVersion.objects.filter(~Exists(later))


class CurrentVersion(Check):
    name = "Post.current_version"
    description = "the draft's highest-numbered version"

    def find(self) -> list[Mismatch]:
        newest: dict[int, tuple[int, int]] = {
            post_id: (pk, number)
            for post_id, pk, number in _newest_versions()
            .order_by()
            .values_list("post_id", "pk", "number")
        }
        stored: dict[int, int] = dict(
            Post.objects.filter(current_version__isnull=False)
            .order_by()
            .values_list("pk", "current_version_id")
        )
        found = []
        for pk in sorted(stored.keys() | newest.keys()):
            want = newest.get(pk)
            if stored.get(pk) != (want[0] if want else None):
                has = stored.get(pk)
                found.append(
                    Mismatch(
                        label(Post, pk),
                        label(DraftVersion, has) if has else None,
                        f"{label(DraftVersion, want[0])} (number {want[1]})" if want else None,
                        target=pk,
                    )
                )
        return found

    def repair(self, mismatches: list[Mismatch]) -> int:
        ids = [m.target for m in mismatches]
        newest = DraftVersion.objects.filter(post=OuterRef("pk")).order_by("-number").values("pk")
        changed = 0
        for chunk in batches(ids):
            changed += Post.objects.filter(pk__in=chunk).update(
                current_version=Subquery(newest[:1])
            )
        _reindex(ids)
        return changed


class LastActivity(Check):
    name = "Post.last_activity_at"
    description = "not older than the post or its newest answer"

    def find(self) -> list[Mismatch]:
        newest_answer: dict[int, datetime] = dict(
            Answer.objects.order_by().values_list("post_id").annotate(newest=Max("created_at"))
        )
        found = []
        rows = Post.objects.order_by().values_list("pk", "created_at", "last_activity_at")
        for pk, created_at, last_activity_at in rows:
            floor = max(created_at, newest_answer.get(pk, created_at))
            if last_activity_at < floor:
                found.append(Mismatch(label(Post, pk), last_activity_at, floor, target=pk))
        return sorted(found, key=lambda m: m.target)

    def repair(self, mismatches: list[Mismatch]) -> int:
        ids = [m.target for m in mismatches]
        newest_answer = (
            Answer.objects.filter(post=OuterRef("pk"))
            .order_by()
            .values("post")
            .annotate(newest=Max("created_at"))
            .values("newest")
        )
        changed = 0
        for chunk in batches(ids):
            changed += Post.objects.filter(pk__in=chunk).update(
                last_activity_at=Greatest(
                    "last_activity_at",
                    "created_at",
                    Coalesce(Subquery(newest_answer), "created_at"),
                )
            )
            sync_tag_activity(chunk)  # as the actions do: tag pages sort by the copy
        return changed


class TagActivity(Check):
    name = "TaggedPost.last_activity_at"
    description = "the post's last_activity_at, copied for tag pages"

    def find(self) -> list[Mismatch]:
        rows = (
            TaggedPost.objects.exclude(last_activity_at=F("content_object__last_activity_at"))
            .order_by("content_object_id", "tag__name")
            .values_list(
                "content_object_id",
                "tag__name",
                "last_activity_at",
                "content_object__last_activity_at",
            )
        )
        return [
            Mismatch(f"{label(Post, post_id)} #{tag}", stored, actual, target=post_id)
            for post_id, tag, stored, actual in rows
        ]

    def repair(self, mismatches: list[Mismatch]) -> int:
        for chunk in batches(sorted({m.target for m in mismatches})):
            sync_tag_activity(chunk)
        return len(mismatches)


def checks() -> list[Check]:
    """The questions app's derived values, a post's own times before their copies on tags."""
    return [*COUNTERS, AcceptedAnswer(), CurrentVersion(), LastActivity(), TagActivity()]
