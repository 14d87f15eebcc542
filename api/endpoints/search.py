"""Search (the search page's service: same ranking, same reasons), similar questions and
tags."""

from __future__ import annotations

import html
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.html import strip_tags
from ninja import Query, Router
from pydantic import Field
from taggit.models import Tag

from api.auth import caller
from api.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    decode,
    decode_page_number,
    encode,
    encode_page_number,
)
from api.problems import BadCursor
from api.schemas import SearchOut, SimilarOut, Strict, TagPage
from profiles.models import User
from questions.models import TaggedPost
from questions.permissions import Viewer, get_community_for_user, seen_through
from search import service
from search.query import MAX_QUERY, Filters

router = Router(tags=["search"])


class SearchParams(Strict):
    q: str = Field(default="", max_length=MAX_QUERY * 4)
    kind: str | None = Field(default=None, pattern="^(question|status|draft|person)$")
    tag: str | None = Field(default=None, max_length=100)
    author: str | None = Field(default=None, max_length=150, description="A username.")
    community: str | None = Field(default=None, description="A community's slug.")
    answered: bool | None = None
    network: bool = Field(default=True, description="Boost posts from your network.")
    cursor: str | None = None


@router.get("/search", response=SearchOut, summary="Search, as the search page does")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Ranked results with the reasons the page shows; `next` pages through them."""
    user = caller(request)
    author_id = None
    if params.author:
        handle = params.author.strip().lstrip("@")
        author_id = (
            User.objects.filter(username__iexact=handle).values_list("pk", flat=True).first()
        )
        if author_id is None:
            author_id = 0  # nobody: no results, as for any author with no posts
    community_id = None
    if params.community:
        community_id = get_community_for_user(user, params.community).pk
    filters = Filters(
        kind=params.kind or "",
        tag=(params.tag or "").strip().lstrip("#").lower(),
        community_id=community_id,
        author_id=author_id,
        answered=params.answered,
    )
    number = decode_page_number("search", params.cursor)
    page = service.search(user, params.q, filters, page=number, network=params.network)
    items = [
        {
            "kind": r.kind,
            "url": request.build_absolute_uri(r.url),
            "title": _plain(r.title),
            "title_html": str(r.title),
            "snippet": _plain(r.snippet),
            "snippet_html": str(r.snippet),
            "reasons": r.reasons,
            "score": r.score,
            "post_id": r.post.pk if r.post is not None else None,
            "username": r.person.username if r.person is not None else None,
            "former": r.former,
        }
        for r in page.results
    ]
    return {
        "total": page.total,
        "items": items,
        "next": encode_page_number("search", number + 1) if page.has_next else None,
        "notice": page.notice,
        "error": page.error,
    }


def _plain(highlighted: object) -> str:
    """The text of a highlighted fragment (the page's <mark>s and entities undone)."""
    return html.unescape(strip_tags(str(highlighted)))


@router.get("/similar", response=list[SimilarOut], summary="Questions like a title")
def similar(request: HttpRequest, title: str = Query(..., max_length=400)) -> list[dict[str, Any]]:
    """Past questions like the one being typed, as the ask form suggests them."""
    user = caller(request)
    return [
        {
            "post_id": s.post.pk,
            "title": s.post.title,
            "url": request.build_absolute_uri(s.post.get_absolute_url()),
            "accepted": s.post.accepted_answer_id is not None,
            "first_line": s.first_line,
        }
        for s in service.similar_questions(user, title)
    ]


class TagParams(Strict):
    q: str = Field(default="", max_length=100, description="Tags starting with this.")
    cursor: str | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get("/tags", response=TagPage, summary="Tags you can see, by name")
def tags(request: HttpRequest, params: Query[TagParams]) -> dict[str, Any]:
    """Each with how many posts you may see carry it; a private community's own tag is
    listed only to its members."""
    user = caller(request)
    names = Tag.objects.all()
    if params.q:
        names = names.filter(name__istartswith=params.q.strip().lstrip("#"))
    position = decode("tags", params.cursor)
    if position is not None:
        if len(position) != 2 or not isinstance(position[0], str):
            raise BadCursor
        names = names.filter(Q(name__gt=position[0]) | Q(name=position[0], pk__gt=position[1]))
    names = names.order_by("name", "pk")
    # Counting every tag's visible posts costs a scan of all tagged items; count only the
    # tags of this page, a batch at a time, skipping those visibility hides.
    page: list[Tag] = []
    start, batch = 0, params.limit + 1
    while len(page) <= params.limit:
        ids = list(names.values_list("pk", flat=True)[start : start + batch])
        if not ids:
            break
        counted = {t.pk: t for t in tags_with_visible_uses(user, ids)}
        page += [counted[pk] for pk in ids if pk in counted]
        start += batch
    after = None
    if len(page) > params.limit:
        page = page[: params.limit]
        after = encode("tags", page[-1].name, page[-1].pk)
    items = [{"name": t.name, "slug": t.slug, "uses": t.uses} for t in page]
    return {"items": items, "next": after}


def tags_with_visible_uses(user: Viewer, ids: list[int]) -> list[Tag]:
    """The tags of `ids` that questions.permissions.visible_tags lets `user` know, each with
    `uses` as it counts them: the posts `user` may see that carry it; a tag only on posts
    they cannot see is left out, a tag on no post at all stays.

    The same rule as visible_tags, counted per tag rather than by one grouped join: PostgreSQL
    does not carry the tag ids of a grouped join over to the tagged items, so it read all of
    them (156,000 at 100,000 posts) to count a page's few thousand; a count per tag reads
    only that tag's items from the (tag, post) index. tests/api/test_reading.py holds both
    counts equal."""
    if not user.is_authenticated:
        return []
    items = TaggedPost.objects.filter(tag_id=OuterRef("pk")).order_by()
    seen = items.filter(seen_through("content_object__", user))
    uses = seen.values("tag_id").annotate(n=Count("pk")).values("n")
    rows = Tag.objects.filter(pk__in=ids).annotate(
        uses=Coalesce(Subquery(uses, output_field=IntegerField()), 0), tagged=Exists(items)
    )
    # Filtered here, not in SQL: a WHERE on `uses` would run its count a second time.
    return [tag for tag in rows if tag.uses > 0 or not tag.tagged]
