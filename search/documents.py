"""What the search index holds, built from the database (the source of truth).

A document per post (a question with its answers, a status update with its replies, a
draft with the text of its current version) and per person. Only what matching, filtering,
visibility and facets need is indexed; peer signals (likes, downloads, acceptances) are
read live from the database when results are ranked, so a like needs no re-indexing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from profiles.expertise import expertise_tags
from profiles.models import User
from search import providers

PERSON = "person"
KINDS = ("question", "status", "draft", PERSON)
KIND_LABELS = {
    "question": "Questions",
    "status": "Status updates",
    "draft": "Drafts",
    PERSON: "People",
}
MAX_BODY_CHARS = 100_000


@dataclass
class Document:
    key: str  # "post:12" or "person:7"
    kind: str
    title: str
    body: str
    tags: list[str] = field(default_factory=list)
    community_id: int = 0  # 0: no community
    private: bool = False  # in a private community: members only
    author_id: int = 0
    author_name: str = ""
    created: datetime | None = None
    last_activity: datetime | None = None
    answered: bool = False
    # A question's answers (a status update's replies, a draft's comments): their own
    # field, weighted between the title and the body, accepted answer first.
    answers: str = ""

    @property
    def pk(self) -> int:
        return int(self.key.split(":", 1)[1])


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """A document as far as visibility goes: its key, its community (0: none) and whether
    only that community's members may find it. Integrity checks compare the index's entries
    with expected_entries()."""

    key: str
    community_id: int = 0
    private: bool = False


def post_key(pk: int) -> str:
    return f"post:{pk}"


def person_key(pk: int) -> str:
    return f"person:{pk}"


def split_key(key: str) -> tuple[str, int]:
    kind, pk = key.split(":", 1)
    return kind, int(pk)


@dataclass
class PostText:
    """What is embedded for one post (search.meaning)."""

    key: str
    title: str
    text: str
    community_id: int = 0
    private: bool = False


def post_documents(post_ids: Iterable[int]) -> tuple[list[Document], list[str]]:
    """Documents for these posts, and the keys of those that must leave the index (deleted
    or gone)."""
    ids = list(set(post_ids))
    documents = providers.posts().documents(ids)
    found = {d.key for d in documents}
    return documents, [post_key(pk) for pk in ids if post_key(pk) not in found]


def person_tags(user_ids: list[int], per_person: int = 5) -> dict[int, list[str]]:
    """Earned expertise first (strongest first), then declared topics, then, for room
    left, what the person writes and answers about most."""
    tags = expertise_tags(user_ids, per_person)
    for user_id, written in providers.posts().written_tags(user_ids, per_person).items():
        mine = tags.setdefault(user_id, [])
        mine.extend(t for t in written if t not in mine)
        del mine[per_person:]
    return tags


def person_documents(user_ids: Iterable[int]) -> tuple[list[Document], list[str]]:
    ids = list(set(user_ids))
    people = User.objects.filter(pk__in=ids).select_related("profile__department")
    tags = person_tags(ids)
    documents = []
    for person in people:
        profile = person.profile
        department = profile.department.name if profile.department else ""
        documents.append(
            Document(
                key=person_key(person.pk),
                kind=PERSON,
                title=f"{profile.display_name} @{person.username}",
                body=" · ".join(p for p in (profile.title, department, profile.location) if p),
                tags=tags.get(person.pk, []),
                author_id=person.pk,
                author_name=profile.display_name,
                created=person.date_joined,
                last_activity=person.date_joined,
            )
        )
    found = {d.key for d in documents}
    return documents, [person_key(pk) for pk in ids if person_key(pk) not in found]


def _id_batches(queryset: QuerySet[Any], batch: int) -> Iterator[list[int]]:
    last = 0
    while True:
        chunk = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def all_document_keys(batch: int = 500) -> Iterator[list[str]]:
    """Every key the index should hold, in batches (for rebuilds and integrity checks)."""
    for ids in _id_batches(providers.posts().live_posts(), batch):
        yield [post_key(pk) for pk in ids]
    for ids in _id_batches(User.objects.all(), batch):
        yield [person_key(pk) for pk in ids]


def expected_entries() -> dict[str, IndexEntry]:
    """Every document the index should hold, by key, with the visibility post_documents and
    person_documents give it; three queries whatever the number of rows."""
    entries = {}
    for pk, community_id, private in providers.posts().live_post_places():
        key = post_key(pk)
        entries[key] = IndexEntry(key, community_id, private)
    for pk in User.objects.order_by().values_list("pk", flat=True):
        key = person_key(pk)
        entries[key] = IndexEntry(key)
    return entries


def count_documents() -> int:
    return providers.posts().live_posts().count() + User.objects.count()


def documents_for_keys(keys: Iterable[str]) -> tuple[list[Document], list[str]]:
    posts: list[int] = []
    people: list[int] = []
    for key in keys:
        kind, pk = split_key(key)
        (people if kind == PERSON else posts).append(pk)
    documents, gone = post_documents(posts) if posts else ([], [])
    if people:
        more, more_gone = person_documents(people)
        documents += more
        gone += more_gone
    return documents, gone
