"""Posts (status updates, questions, drafts), answers, likes, mentions, bookmarks, communities,
and drafts' file versions and downloads.

Content never cascades from a person: authors are PROTECTed, posts are soft-deleted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase


class Community(models.Model):
    class Visibility(models.TextChoices):
        OPEN = "open", "Open: anyone can join"
        PRIVATE = "private", "Private: members only, invited by owners"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community", kwargs={"slug": self.slug})

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="one_membership_per_person")
        ]
        indexes = [models.Index(fields=["user", "community"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.role})"


class TaggedPost(TaggedItemBase):
    """A direct foreign key instead of taggit's generic relation: tag filters join cheaply.

    `last_activity_at` copies the post's, so that a tag page reads its newest posts straight
    from the (tag, last_activity_at) index instead of sorting every post with the tag.
    questions.actions keeps it in step (see touch_posts).
    """

    content_object: models.ForeignKey[Post, Post] = models.ForeignKey(
        "Post", on_delete=models.CASCADE, related_name="tagged"
    )
    last_activity_at = models.DateTimeField(default=timezone.now)  # type: ignore[var-annotated]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tag_once_per_post")
        ]
        indexes = [
            models.Index(fields=["tag", "content_object"]),
            models.Index(
                fields=["tag", "-last_activity_at", "-content_object"], name="tagged_activity"
            ),
        ]


class PostQuerySet(models.QuerySet["Post"]):
    def alive(self) -> PostQuerySet:
        return self.filter(deleted_at__isnull=True)

    def questions(self) -> PostQuerySet:
        return self.filter(kind=Post.Kind.QUESTION)

    def unanswered(self) -> PostQuerySet:
        return self.filter(kind=Post.Kind.QUESTION, answer_count=0)


class Post(models.Model):  # type: ignore[django-manager-missing]
    class Kind(models.TextChoices):
        STATUS = "status", "Status update"
        QUESTION = "question", "Question"
        DRAFT = "draft", "Draft"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    tags = TaggableManager(through=TaggedPost, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    accepted_answer = models.ForeignKey(
        "Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    # Drafts only: asking for feedback until the author marks the draft final; the newest
    # version (denormalised so that feeds read it in their one query); distinct person-days
    # of downloads over all versions.
    feedback_wanted = models.BooleanField(default=False)
    current_version = models.ForeignKey(
        "DraftVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    download_count = models.PositiveIntegerField(default=0)
    # Distinct person-days of views by signed-in colleagues other than the author (PostView).
    view_count = models.PositiveIntegerField(default=0)
    # VADER compound score of the title and body, -1 (negative) to 1 (positive); null until
    # computed (intranet.lib.sentiment; set by the actions, `manage.py compute_sentiment`
    # backfills).
    sentiment = models.FloatField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["-last_activity_at", "-id"], name="post_activity"),
            # Covering (every column the feed's source queries read), so SQLite need not visit
            # the table for each of a person's posts; see questions.feeds.Network.sources.
            models.Index(
                fields=["community", "-last_activity_at", "-id", "deleted_at"],
                name="post_community_activity",
            ),
            models.Index(
                fields=["author", "-last_activity_at", "-id", "community", "deleted_at"],
                name="post_author_activity",
            ),
            models.Index(
                fields=["kind", "answer_count", "-last_activity_at"], name="post_unanswered"
            ),
            # Reports read what was written in a date range.
            models.Index(fields=["created_at"], name="post_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="question") | ~Q(title=""), name="question_has_title"
            ),
            models.CheckConstraint(
                condition=~Q(kind="draft") | ~Q(title=""), name="draft_has_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:60]

    def get_absolute_url(self) -> str:
        return self._absolute_url

    @cached_property
    def _absolute_url(self) -> str:
        # Cached per instance: a feed card links to its post several times.
        slug = slugify(self.title)[:60] or "post"
        return reverse("post", kwargs={"pk": self.pk, "slug": slug})

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION

    @property
    def is_draft(self) -> bool:
        return self.kind == self.Kind.DRAFT

    @property
    def is_answered(self) -> bool:
        return self.answer_count > 0

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def display_title(self) -> str:
        return self.title or (self.body[:80] + ("…" if len(self.body) > 80 else ""))


class Answer(models.Model):
    """An answer to a question, a reply to a status update, or feedback on a draft."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="answers"
    )
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    # Feedback on a draft is about one of its versions.
    version = models.ForeignKey(
        "DraftVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    sentiment = models.FloatField(null=True, blank=True)  # as Post.sentiment

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["post", "created_at"], name="answer_post_created"),
            models.Index(fields=["created_at"], name="answer_created"),  # reports' ranges
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk} to {self.post_id}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#answer-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def _one_target() -> Q:
    return Q(post__isnull=False, answer__isnull=True) | Q(post__isnull=True, answer__isnull=False)


class Like(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="likes"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="likes"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="likes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="like_created")]  # reports' ranges
        constraints = [
            models.CheckConstraint(condition=_one_target(), name="like_has_one_target"),
            models.UniqueConstraint(
                fields=["user", "post"], condition=Q(post__isnull=False), name="like_post_once"
            ),
            models.UniqueConstraint(
                fields=["user", "answer"],
                condition=Q(answer__isnull=False),
                name="like_answer_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.post_id or self.answer_id}"


class Mention(models.Model):
    """Someone @mentioned in a post (or in one of its answers). Puts the post on their board."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=Q(answer__isnull=True),
                name="mention_in_post_once",
            ),
            models.UniqueConstraint(
                fields=["answer", "user"],
                condition=Q(answer__isnull=False),
                name="mention_in_answer_once",
            ),
        ]
        indexes = [models.Index(fields=["user", "post"], name="mention_user_post")]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.post_id}"


class Bookmark(models.Model):
    """A saved post or answer. Public by default ("default to openness"), private on request."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks"
    )
    is_private = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=_one_target(), name="bookmark_has_one_target"),
            models.UniqueConstraint(
                fields=["user", "post"], condition=Q(post__isnull=False), name="bookmark_post_once"
            ),
            models.UniqueConstraint(
                fields=["user", "answer"],
                condition=Q(answer__isnull=False),
                name="bookmark_answer_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.post_id or self.answer_id}"


def draft_file_name(instance: DraftVersion, filename: str) -> str:
    """A generated storage name: never the uploader's filename (that is kept for display)."""
    token = uuid.uuid4().hex
    return f"drafts/{token[:2]}/{token}{instance.extension}"


class DraftVersion(models.Model):
    """One uploaded file of a draft. Versions are kept; the newest is the post's current one."""

    class Text(models.TextChoices):
        PENDING = "pending", "Text extraction pending"
        DONE = "done", "Text extracted"
        FAILED = "failed", "Text could not be extracted"
        NONE = "none", "No text (image)"

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=draft_file_name, max_length=200)
    filename = models.CharField(max_length=255, help_text="The uploader's name, made safe.")
    file_type = models.CharField(max_length=10)  # a key of questions.files.FILE_TYPES
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="draft_versions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    change_note = models.CharField(max_length=500, blank=True)
    download_count = models.PositiveIntegerField(default=0)  # distinct person-days
    text = models.TextField(blank=True, editable=False)
    text_status = models.CharField(max_length=10, choices=Text.choices, default=Text.PENDING)
    text_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="version_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.filename} v{self.number}"

    @property
    def extension(self) -> str:
        from questions.files import FILE_TYPES

        return FILE_TYPES[self.file_type].extensions[0]

    @property
    def is_image(self) -> bool:
        from questions.files import FILE_TYPES

        return FILE_TYPES[self.file_type].inline

    def get_download_url(self) -> str:
        return reverse("draft_download", kwargs={"pk": self.pk})


class VersionDownload(models.Model):
    """Someone downloaded a version on a day: counted once per person and day."""

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user", "day"], name="version_download_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} downloaded version {self.version_id} on {self.day}"


class DraftDownload(models.Model):
    """Someone downloaded any version of a draft on a day: the draft's distinct downloaders."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="draft_downloads"
    )
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "day"], name="draft_download_once")
        ]
        indexes = [models.Index(fields=["user", "post"], name="draft_download_user")]

    def __str__(self) -> str:
        return f"{self.user_id} downloaded draft {self.post_id} on {self.day}"


class PostView(models.Model):
    """A signed-in colleague (not the author) opened a post on a day: counted once per person
    and day, like downloads. The reports read who still uses what; Post.view_count is the
    denormalised total (see questions.actions.record_view)."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "day"], name="post_view_once")
        ]
        # Reports read views by day (trends) and by post (most used items).
        indexes = [models.Index(fields=["day", "post"], name="post_view_day")]

    def __str__(self) -> str:
        return f"{self.user_id} viewed {self.post_id} on {self.day}"


# --- De facto standards (computed by reports.standards, shown by questions.standards) ----


class ItemLink(models.Model):
    """A post or answer that links to another post or answer of this site (`/q/<pk>/...`,
    `#answer-<pk>`), recorded when the source is written or edited (questions.links).

    Links within one thread and to one's own writing are not recorded. There is no unique
    constraint (NULL answers would need four partial ones): the sync deletes and inserts in
    one transaction, and the standards count distinct source posts, so a rare duplicate
    from concurrent edits changes nothing."""

    source_post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="links_out")
    source_answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="links_out"
    )
    target_post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="links_in")
    target_answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="links_in"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["source_post", "source_answer"], name="itemlink_source"),
            models.Index(fields=["target_post", "target_answer"], name="itemlink_target"),
        ]

    def __str__(self) -> str:
        source = f"{self.source_post_id}/{self.source_answer_id or '-'}"
        return f"{source} links to {self.target_post_id}/{self.target_answer_id or '-'}"


class StandingSnapshot(models.Model):
    """One day's standing of an item (a post, or an answer when `answer` is set) in a tag.

    Only each tag's top few (and its fastest riser) are kept, for a limited number of days:
    enough to tell sustained leadership and to draw a trend."""

    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    supporters = models.PositiveIntegerField()
    departments = models.PositiveIntegerField()
    communities = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day", "rank"], name="snapshot_day_rank"),
            models.Index(fields=["tag", "post", "day"], name="snapshot_tag_post_day"),
        ]

    def __str__(self) -> str:
        item = f"{self.post_id}/{self.answer_id or '-'}"
        return f"#{self.tag_id} {item} rank {self.rank} on {self.day}"


class StandardQuerySet(models.QuerySet["Standard"]):
    def shown(self) -> StandardQuerySet:
        """Rows worth a badge or a listing whose item still exists (the next recompute
        removes rows of deleted items; until then they are hidden here)."""
        return self.filter(
            Q(answer__isnull=True) | Q(answer__deleted_at__isnull=True),
            post__deleted_at__isnull=True,
        )

    def badges(self) -> StandardQuerySet:
        """Standard and emerging rows, in the order their badges group them (badge_key)."""
        return (
            self.shown()
            .filter(status__in=[Standard.Status.STANDARD, Standard.Status.EMERGING])
            .order_by("-status", "post_id", "answer_id", "tag__name")
        )


ItemKey = tuple[int, int]  # a standing's item: (post id, answer id or 0 for the post itself)


class Standard(models.Model):
    """The current standing of a notable item in a tag: the de facto standard, the fastest
    riser, a strong contender, or a former standard. Written only by recompute_standards;
    `evidence` holds the numbers shown as reasons (see questions.standards.reasons)."""

    class Status(models.TextChoices):
        STANDARD = "standard", "De facto standard"
        EMERGING = "emerging", "Emerging"
        CONTENDER = "contender", "Contender"
        FORMER = "former", "Former standard"

    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="standings")
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="standings"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    since = models.DateField(help_text="The day it got its current status.")
    led_since = models.DateField(
        null=True, blank=True, help_text="First day of its current run at rank 1, if leading."
    )
    competing = models.BooleanField(
        default=False, help_text="One of the tag's top two, close to each other."
    )
    evidence = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = StandardQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "post"], condition=Q(answer__isnull=True), name="standard_post_once"
            ),
            models.UniqueConstraint(
                fields=["tag", "answer"],
                condition=Q(answer__isnull=False),
                name="standard_answer_once",
            ),
        ]
        indexes = [models.Index(fields=["tag", "status"], name="standard_tag_status")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} in #{self.tag_id}: {self.post_id}/{self.answer_id}"

    @property
    def item_key(self) -> ItemKey:
        return (self.post_id, self.answer_id or 0)

    @property
    def is_standard(self) -> bool:
        return self.status == self.Status.STANDARD

    @property
    def is_emerging(self) -> bool:
        return self.status == self.Status.EMERGING

    @property
    def badge_key(self) -> str:
        """Rows of one item with one status share a badge ("... in #a, #b")."""
        return f"{self.status}:{self.post_id}:{self.answer_id or 0}"

    @property
    def reasons(self) -> list[str]:
        """The evidence in words ("12 people in 4 departments", "liked by 9"...)."""
        # Within this app, not across apps: questions.standards reads these models, so
        # importing it at the top of this module would be a cycle.
        from questions.standards import reasons

        return reasons(self.evidence)
