"""Feeds and boards: which posts a person sees, newest activity first, and why.

"Your friends are your filter": the network feed holds posts by people I follow, posts that
mention people I follow, posts in my communities and followed tags, and posts that mention
me. Every list starts from permissions.visible_posts, so private communities never leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.dateparse import parse_datetime
from taggit.models import Tag

from profiles.models import Follow, User
from questions.models import (
    Like,
    Membership,
    Mention,
    Post,
    PostQuerySet,
    Standard,
    TaggedPost,
)
from questions.permissions import visible_posts

PAGE_SIZE = 20
TABS = {
    "network": "My network",
    "all": "All company",
    "unanswered": "Unanswered questions",
    "mytags": "Questions in my tags",
}
DEFAULT_TAB = "network"


@dataclass
class FeedItem:
    post: Post
    reasons: list[str] = field(default_factory=list)
    liked: bool = False


@dataclass
class FeedPage:
    items: list[FeedItem]
    next_cursor: str | None


class Network:
    """What one person follows, loaded once per request."""

    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def _follows(self) -> tuple[set[int], set[int]]:
        """The people and the tags followed, read in one query."""
        people: set[int] = set()
        tags: set[int] = set()
        for user_id, tag_id in Follow.objects.filter(follower=self.user).values_list(
            "user_id", "tag_id"
        ):
            if user_id is not None:
                people.add(user_id)
            if tag_id is not None:
                tags.add(tag_id)
        return people, tags

    @property
    def followed_user_ids(self) -> set[int]:
        return self._follows[0]

    @property
    def followed_tag_ids(self) -> set[int]:
        return self._follows[1]

    @cached_property
    def community_ids(self) -> set[int]:
        return set(Membership.objects.filter(user=self.user).values_list("community_id", flat=True))

    def candidates(self, visible: PostQuerySet, cursor: str | None) -> PostQuerySet:
        """The network feed's next page lies among these posts.

        Each reason a post is in the feed (followed people, communities, mentions, followed
        tags) gives its newest PAGE_SIZE + 1 visible posts before the cursor, each from an
        index; the page is then chosen among them. Exact: a post on the page is among the
        newest PAGE_SIZE + 1 of a reason it has. Id lists are literal, not subqueries, so that
        SQLite and PostgreSQL both drive each query from its index."""
        people = sorted(self.followed_user_ids | {self.user.pk})
        ids = set(newest_recent_first(visible.filter(author_id__in=people), cursor))
        ids.update(newest_ids(visible.filter(community_id__in=sorted(self.community_ids)), cursor))
        ids.update(newest_ids(visible.filter(mentions__user_id__in=people).distinct(), cursor))
        ids.update(self._tagged_candidates(visible, cursor))
        return Post.objects.filter(id__in=ids)

    def _tagged_candidates(self, visible: PostQuerySet, cursor: str | None) -> list[int]:
        return newest_in_tags(visible, sorted(self.followed_tag_ids), cursor)

    def reasons(self, post: Post) -> list[str]:
        reasons: list[str] = []
        mentioned = [m.user for m in post.mentions.all()]
        if any(u.pk == self.user.pk for u in mentioned):
            reasons.append("You were mentioned")
        if post.author_id == self.user.pk:
            reasons.append("Your post")
        elif post.author_id in self.followed_user_ids:
            reasons.append(f"{post.author.profile.display_name}, whom you follow, posted")
        for person in mentioned:
            if person.pk in self.followed_user_ids and person.pk != post.author_id:
                reasons.append(f"{person.profile.display_name}, whom you follow, was mentioned")
        if post.community_id in self.community_ids and post.community is not None:
            reasons.append(f"In {post.community.name}, a community you joined")
        for tag in post.tags.all():
            if tag.pk in self.followed_tag_ids:
                reasons.append(f"Tagged #{tag.name}, which you follow")
        return reasons


def with_card_data(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Everything a post card shows, in a constant number of queries."""
    return posts.select_related("author__profile", "community", "current_version").prefetch_related(
        # Tags: see prefetch_tags, called on the page once it is read.
        Prefetch("mentions", queryset=Mention.objects.select_related("user__profile")),
        # "De facto standard in #x" badges of the post or one of its answers.
        Prefetch(
            "standings",
            queryset=Standard.objects.badges().select_related("tag"),
            to_attr="standard_badges",
        ),
    )


def prefetch_tags(posts: list[Post]) -> None:
    """Read the posts' tags in one query and keep them where `post.tags.all()` finds them.

    django-taggit's prefetch (prefetch_related("tags")) builds a new filtered queryset for
    every post only to hold its result: about a tenth of a feed page's query work. Here
    each post holds a copy of one unfiltered queryset with its tags as the result."""
    if not posts:
        return
    tags: dict[int, list[Tag]] = {post.pk: [] for post in posts}
    rows = TaggedPost.objects.filter(content_object_id__in=tags).select_related("tag")
    for row in rows.order_by("id"):
        tags[row.content_object_id].append(row.tag)
    unfiltered = Tag.objects.all()
    for post in posts:
        held = unfiltered.all()
        held._result_cache = tags[post.pk]
        held._prefetch_done = True
        # The name django-taggit's manager looks up: the field's name.
        post.__dict__.setdefault("_prefetched_objects_cache", {})["tags"] = held


def encode_cursor(post: Post) -> str:
    return f"{post.last_activity_at.isoformat()}_{post.pk}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor or "_" not in cursor:
        return None
    when, _, pk = cursor.rpartition("_")
    moment = parse_datetime(when.replace(" ", "+"))
    if moment is None or not pk.isdigit():
        return None
    return moment, int(pk)


def before_cursor(
    rows: QuerySet[Any],
    cursor: str | None,
    *,
    field: str = "last_activity_at",
    id_field: str = "id",
) -> QuerySet[Any]:
    """Rows older than the cursor, by (field, id_field)."""
    after = decode_cursor(cursor)
    if after is None:
        return rows
    moment, pk = after
    return rows.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, f"{id_field}__lt": pk}))


def newest_ids(
    rows: QuerySet[Any],
    cursor: str | None,
    *,
    field: str = "last_activity_at",
    id_field: str = "id",
    limit: int = PAGE_SIZE + 1,
) -> list[int]:
    """Ids of the newest `limit` rows before the cursor, newest first."""
    ordered = before_cursor(rows, cursor, field=field, id_field=id_field)
    ordered = ordered.order_by(f"-{field}", f"-{id_field}")
    return list(ordered.values_list(id_field, flat=True)[:limit])


# The network feed first looks for followed people's posts among this many of the newest
# posts (everyone's) before the cursor; see newest_recent_first.
RECENT_WINDOW = 2000


def newest_recent_first(rows: PostQuerySet, cursor: str | None) -> list[int]:
    """newest_ids(rows, cursor), looked for first among the RECENT_WINDOW newest posts.

    Posts by a hundred followed people are read from the (author, activity) index and
    sorted: all of them (20,000 at 100,000 posts, 4.7 ms of SQLite) for 21 kept. Bounded
    below by the activity time of the RECENT_WINDOW-th newest post, each person's range is
    short. Exact: every post at or after that time is in the bounded query, so if it finds
    a full page, no older post could have been on it; otherwise the unbounded query runs."""
    newest = before_cursor(Post.objects.all(), cursor).order_by("-last_activity_at", "-id")
    floor = list(
        newest.values_list("last_activity_at", flat=True)[RECENT_WINDOW - 1 : RECENT_WINDOW]
    )
    if floor:
        found = newest_ids(rows.filter(last_activity_at__gte=floor[0]), cursor)
        if len(found) == PAGE_SIZE + 1:
            return found
    return newest_ids(rows, cursor)


def paginate(posts: QuerySet[Post], cursor: str | None) -> tuple[list[Post], str | None]:
    """Keyset pagination on (last_activity_at, id): stable while new posts arrive."""
    ordered = before_cursor(posts, cursor).order_by("-last_activity_at", "-id")
    page = list(ordered[: PAGE_SIZE + 1])
    next_cursor = encode_cursor(page[PAGE_SIZE - 1]) if len(page) > PAGE_SIZE else None
    return page[:PAGE_SIZE], next_cursor


# Up to this many followed tags, each is read on its own from the (tag, activity) index.
MAX_TAGS_READ_APART = 10


def newest_in_tags(visible: PostQuerySet, tag_ids: list[int], cursor: str | None) -> list[int]:
    """Ids of the newest PAGE_SIZE + 1 of `visible` with any of the tags, before the cursor.

    Each tag's own newest visible posts are exact (one query each, walking the tag's
    activity index as a tag page does), so the newest of their union are too, however many
    posts the reader cannot see crowd one tag. A single query over all the tags would sort
    every post they carry (25 ms of SQLite at 100,000 posts for two popular tags); it is
    kept for people who follow many tags."""
    if not tag_ids:
        return []
    if len(tag_ids) > MAX_TAGS_READ_APART:
        exact = visible.filter(tagged__tag_id__in=tag_ids).distinct()
        return newest_ids(exact, cursor, field="tagged__last_activity_at")
    newest: dict[int, tuple[datetime, int]] = {}
    for tag_id in tag_ids:
        rows = before_cursor(
            visible.filter(tagged__tag_id=tag_id), cursor, field="tagged__last_activity_at"
        )
        ordered = rows.order_by("-tagged__last_activity_at", "-id")
        for pk, moment in ordered.values_list("id", "tagged__last_activity_at")[: PAGE_SIZE + 1]:
            newest[pk] = (moment, pk)
    return sorted(newest, key=newest.__getitem__, reverse=True)[: PAGE_SIZE + 1]


def liked_post_ids(user: User, posts: list[Post]) -> set[int]:
    if not posts:
        return set()
    return set(
        Like.objects.filter(user=user, post_id__in=[p.pk for p in posts]).values_list(
            "post_id", flat=True
        )
    )


def build_page(
    user: User, posts: QuerySet[Post], cursor: str | None, network: Network | None = None
) -> FeedPage:
    network = network or Network(user)
    page, next_cursor = paginate(with_card_data(posts), cursor)
    prefetch_tags(page)
    liked = liked_post_ids(user, page)
    items = [FeedItem(post=p, reasons=network.reasons(p), liked=p.pk in liked) for p in page]
    return FeedPage(items=items, next_cursor=next_cursor)


def home_feed(user: User, *, tab: str, cursor: str | None = None) -> FeedPage:
    posts: PostQuerySet = visible_posts(user)
    if tab == "network":
        network = Network(user)
        return build_page(user, network.candidates(posts, cursor), cursor, network)
    elif tab == "unanswered":
        posts = posts.unanswered()
    elif tab == "mytags":
        network = Network(user)  # its followed tags also give the cards' reasons
        ids = newest_in_tags(posts.questions(), sorted(network.followed_tag_ids), cursor)
        return build_page(user, Post.objects.filter(id__in=ids), cursor, network)
    return build_page(user, posts, cursor)


def board(viewer: User, person: User, *, cursor: str | None = None) -> FeedPage:
    """A person's board: their posts and the posts that mention them, as `viewer` may see."""
    posts = visible_posts(viewer).filter(
        Q(author=person) | Q(id__in=Mention.objects.filter(user=person).values("post_id"))
    )
    return build_page(viewer, posts, cursor)


def tag_feed(viewer: User, tag_id: int, *, cursor: str | None = None) -> FeedPage:
    """Newest posts with a tag, read in order from the (tag, last_activity_at) index."""
    tagged = visible_posts(viewer).filter(tagged__tag_id=tag_id)
    ids = newest_ids(tagged, cursor, field="tagged__last_activity_at")
    return build_page(viewer, Post.objects.filter(id__in=ids), None)


def community_feed(viewer: User, community_id: int, *, cursor: str | None = None) -> FeedPage:
    return build_page(viewer, visible_posts(viewer).filter(community_id=community_id), cursor)
