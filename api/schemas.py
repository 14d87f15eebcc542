"""The API's request and response shapes. Request bodies forbid unknown fields: a typo in a
field name is an error, not a silently ignored value."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

# An id as the database can hold it (a bigger number is a 422, not a failed query).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Strict(Schema):
    """Unknown fields are refused, and so is a NUL character in any text (PostgreSQL cannot
    store one; the site's forms refuse it too)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("Null characters are not allowed.")
        return value


# --- Requests -------------------------------------------------------------------------
class AskIn(Strict):
    title: str = Field(max_length=1000)
    body: str = Field(default="", max_length=100_000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    community: str | None = Field(default=None, description="A community's slug.")


class StatusIn(Strict):
    body: str = Field(max_length=100_000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    community: str | None = None


class PostEditIn(Strict):
    """Only the fields sent change."""

    title: str | None = Field(default=None, max_length=1000)
    body: str | None = Field(default=None, max_length=100_000)
    tags: list[str] | None = Field(default=None, max_length=20)


class AnswerIn(Strict):
    body: str = Field(max_length=100_000)


class AcceptIn(Strict):
    answer_id: Id | None = Field(description="The answer to accept; null accepts none.")


class ReadIn(Strict):
    ids: list[Id] | None = Field(
        default=None, max_length=1000, description="Notifications to mark read; null: all."
    )


# --- Responses ------------------------------------------------------------------------
class PersonRef(Schema):
    username: str
    display_name: str
    former: bool


class CommunityRef(Schema):
    slug: str
    name: str
    private: bool


class PostOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    body_html: str
    url: str
    author: PersonRef
    community: CommunityRef | None
    tags: list[str]
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime
    answer_count: int
    like_count: int
    accepted_answer_id: int | None


class PostPage(Schema):
    items: list[PostOut]
    next: str | None


class AnswerOut(Schema):
    id: int
    post_id: int
    body: str
    body_html: str
    author: PersonRef
    created_at: datetime
    edited_at: datetime | None
    like_count: int
    accepted: bool


class AnswerPage(Schema):
    items: list[AnswerOut]
    next: str | None


class LikeOut(Schema):
    liked: bool
    like_count: int


class SearchResultOut(Schema):
    kind: str
    url: str
    title: str  # plain text
    title_html: str  # escaped HTML, the matched words in <mark> as on the search page
    snippet: str  # plain text
    snippet_html: str
    reasons: list[str]
    score: float
    post_id: int | None
    username: str | None
    former: bool


class SearchOut(Schema):
    total: int
    items: list[SearchResultOut]
    next: str | None
    notice: str
    error: str


class SimilarOut(Schema):
    post_id: int
    title: str
    url: str
    accepted: bool
    first_line: str


class TagOut(Schema):
    name: str
    slug: str
    uses: int


class TagPage(Schema):
    items: list[TagOut]
    next: str | None


class TopicOut(Schema):
    tag: str
    score: float
    summary: str


class ProfileOut(Schema):
    username: str
    display_name: str
    title: str
    department: str | None
    location: str
    former: bool
    away_until: str | None
    url: str


class ProfilePage(Schema):
    items: list[ProfileOut]
    next: str | None


class NotificationOut(Schema):
    id: int
    prev: int | None
    verb: str
    text: str
    url: str
    created: datetime
    read: bool


class NotificationPage(Schema):
    items: list[NotificationOut]
    next: str | None
    last_id: int | None = Field(description="With last_id: the newest id now delivered.")
    more: bool = Field(description="With last_id: more are waiting; ask again from last_id.")
    unread: int


class ReadOut(Schema):
    marked: int
    unread: int


class VersionOut(Schema):
    id: int
    number: int
    filename: str
    file_type: str
    size: int
    sha256: str
    uploaded_by: PersonRef
    created_at: datetime
    change_note: str
    download_count: int
    download_url: str


class DraftOut(Schema):
    post: PostOut
    feedback_wanted: bool
    download_count: int
    current_version_id: int | None
    versions: list[VersionOut]
