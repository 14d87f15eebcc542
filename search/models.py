"""What search records about its use: result and suggestion clicks.

A click on a duplicate suggestion while asking is a "deflection": the asker found an
earlier answer instead of asking again. The reports count both.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class SearchClick(models.Model):
    class Source(models.TextChoices):
        RESULTS = "results", "Search results"
        TYPEAHEAD = "typeahead", "Typeahead"
        SIMILAR = "similar", "Similar question while asking"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(
        "questions.Post", on_delete=models.PROTECT, related_name="search_clicks"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["source", "created_at"], name="search_click_when")]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.post_id} from {self.source}"


class SearchEntry(models.Model):
    """One document of the PostgreSQL full-text backend (search.backends.postgres_backend).

    A cache of the database like the Whoosh directory: rebuilt by `manage.py rebuild_index`,
    hence plain ids instead of foreign keys. The portable columns exist on every database;
    only PostgreSQL fills the tsvector columns and carries their GIN indexes (migration
    0002), so the embedded SQLite configuration migrates the same way and never uses them.
    """

    key = models.CharField(max_length=40, unique=True)  # "post:12", "person:7"
    kind = models.CharField(max_length=10)
    title = models.TextField()
    body = models.TextField(blank=True)
    tags = models.TextField(blank=True)  # lower-cased tag names separated by single spaces
    community_id = models.BigIntegerField(default=0)  # 0: no community
    private = models.BooleanField(default=False)
    author_id = models.BigIntegerField(default=0)
    created = models.DateTimeField(null=True, blank=True)
    answered = models.BooleanField(default=False)
    # english: title weight A, tags B, body D (matching and ranking).
    document = SearchVectorField(null=True, editable=False)
    # english: title A, tags B (small; decides which matches are ranked first).
    heading = SearchVectorField(null=True, editable=False)
    # simple (no stemming, no stop words): title word starts for typeahead.
    title_words = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name_plural = "search entries"
        indexes = [models.Index(fields=["-created"], name="search_entry_newest")]

    def __str__(self) -> str:
        return self.key


class DocumentVector(models.Model):
    """The meaning of one search document as a word-embedding vector (search.meaning).

    A cache of the database like SearchEntry, hence plain ids. Every process keeps all live
    vectors in memory and reads only the rows changed since its last read (by `updated`), so
    a removed document keeps its row with an empty vector: the removal reaches every process.
    """

    key = models.CharField(max_length=40, unique=True)  # "post:12"
    vector = models.BinaryField(blank=True)  # float16, little-endian; empty: removed
    community_id = models.BigIntegerField(default=0)  # 0: no community
    private = models.BooleanField(default=False)
    updated = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["updated"], name="document_vector_updated")]

    def __str__(self) -> str:
        return self.key
