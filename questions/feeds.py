"""Feeds and boards: which posts a person sees, newest activity first, and why.

"Your friends are your filter": the network feed holds posts by people I follow, posts that
mention people I follow, posts in my communities and followed tags, and posts that mention
me. Every list starts from permissions.visible_posts, so private communities never leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from typing import Any

from django.db import connections, router
from django.db.models import F, Q, QuerySet, Subquery
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from taggit.models import Tag

from profiles.models import Follow, User
from questions.models import (
    Community,
    Like,
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

# A post's activity time as its tagged rows hold it (a copy), read along their (tag,
# activity) index; with the tag, a condition of before_cursor's `where`.
TAGGED_ACTIVITY = "tagged__last_activity_at"


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
    """What one person follows and the communities they joined, loaded once per request:
    the feeds' sources and reasons and the home page's side panels all read it."""

    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def _follows(self) -> tuple[set[int], dict[int, Tag]]:
        """The people and the tags followed, read in one query."""
        people: set[int] = set()
        tags: dict[int, Tag] = {}
        rows = Follow.objects.filter(follower=self.user)
        for user_id, tag_id, name, slug in rows.values_list(
            "user_id", "tag_id", "tag__name", "tag__slug"
        ):
            if user_id is not None:
                people.add(user_id)
            if tag_id is not None:
                tags[tag_id] = Tag.from_db(rows.db, ["id", "name", "slug"], [tag_id, name, slug])
        return people, tags

    @property
    def followed_user_ids(self) -> set[int]:
        return self._follows[0]

    @cached_property
    def followed_tag_ids(self) -> set[int]:
        return set(self._follows[1])

    @property
    def followed_tags(self) -> list[Tag]:
        """The tags followed, by name."""
        return sorted(self._follows[1].values(), key=lambda tag: tag.name)

    @cached_property
    def communities(self) -> list[Community]:
        """The communities joined, by name (Community's order)."""
        return list(Community.objects.filter(memberships__user=self.user))

    @cached_property
    def community_ids(self) -> set[int]:
        return {community.pk for community in self.communities}

    def candidates(self, visible: PostQuerySet, cursor: str | None) -> list[int]:
        """The network feed's next page: the ids of the newest PAGE_SIZE + 1 posts of its
        reasons, newest first.

        Each reason a post is in the feed (followed people, communities, followed tags,
        mentions) gives its newest PAGE_SIZE + 1 visible posts before the cursor, each from an
        index, with their activity times; the newest PAGE_SIZE + 1 of them all make the page.
        Exact: a post on the page is among the newest PAGE_SIZE + 1 of a reason it has. Id
        lists are literal, not subqueries, so that SQLite and PostgreSQL both drive each
        query from its index."""
        people = sorted(self.followed_user_ids | {self.user.pk})
        authored, recent = newest_recent_first(visible.filter(author_id__in=people), cursor)
        found = dict(authored)
        if self.community_ids:
            found.update(
                newest_keys(visible.filter(community_id__in=sorted(self.community_ids)), cursor)
            )
        # Once the page is full, tags and mentions need only the posts active since its
        # oldest; read so when that time lies in the recent window (followed people's page
        # came from it), so that the range they walk is short.
        found.update(
            self._tagged_candidates(visible, cursor, since=_page_floor(found, recent=recent))
        )
        found.update(
            newest_mentioning(visible, people, cursor, since=_page_floor(found, recent=recent))
        )
        return _newest_of(found)

    def _tagged_candidates(
        self, visible: PostQuerySet, cursor: str | None, *, since: datetime | None
    ) -> dict[int, datetime]:
        """The followed tags' newest posts. Once the other reasons fill a page (`since`:
        its oldest), only posts active since then can join it: all of those of every
        followed tag are read in one query along the tags' activity index (a short range
        each), instead of one exact query per tag."""
        tag_ids = sorted(self.followed_tag_ids)
        if since is None or not tag_ids:
            return newest_in_tags_keys(visible, tag_ids, cursor)
        recent = Q(tagged__tag_id__in=tag_ids, tagged__last_activity_at__gte=since)
        return newest_keys(visible.distinct(), cursor, field=TAGGED_ACTIVITY, where=recent)

    def reasons(self, post: Post, mentioned: list[tuple[int, str]]) -> list[str]:
        """Why `post` is in this person's feed; `mentioned`: the (id, name) of each person
        it mentions (mentioned_people)."""
        reasons: list[str] = []
        if any(pk == self.user.pk for pk, _name in mentioned):
            reasons.append("You were mentioned")
        if post.author_id == self.user.pk:
            reasons.append("Your post")
        elif post.author_id in self.followed_user_ids:
            reasons.append(f"{post.author.profile.display_name}, whom you follow, posted")
        # A person mentioned in the post and again in its answers is one reason, not two.
        for pk, name in dict(mentioned).items():
            if pk in self.followed_user_ids and pk != post.author_id:
                reasons.append(f"{name}, whom you follow, was mentioned")
        if post.community_id in self.community_ids and post.community is not None:
            reasons.append(f"In {post.community.name}, a community you joined")
        for tag in post.tags.all():
            if tag.pk in self.followed_tag_ids:
                reasons.append(f"Tagged #{tag.name}, which you follow")
        return reasons


def with_card_data(posts: QuerySet[Post]) -> QuerySet[Post]:
    """The rows a post card shows one of: author, community, file version. Its lists of rows
    (tags, badges) are read once the page is: prefetch_tags, prefetch_badges."""
    return posts.select_related("author__profile", "community", "current_version")


@dataclass
class CardRows:
    """What a page's cards and reasons read besides the posts (card_rows)."""

    mentioned: dict[int, list[tuple[int, str]]]
    liked: set[int]


# card_rows' parts, each compiled by the ORM with SENTINEL ids: (kind, queryset, how many
# text columns it lacks). Each part's columns: post id, a person's or a tag's id, the row's
# own id (the order kept), then up to two texts.
_TAGGED, _MENTIONED, _LIKED, _BADGED = range(4)
_SENTINEL_READER = -2_000_003


def _sentinel_ids(slots: int) -> list[int]:
    return list(range(-1_000_001, -1_000_001 - slots, -1))


def _card_parts(post_ids: list[int], reader_id: int) -> list[tuple[int, QuerySet[Any], int]]:
    return [
        (
            _TAGGED,
            TaggedPost.objects.filter(content_object_id__in=post_ids).values_list(
                "content_object_id", "tag_id", "id", "tag__name", "tag__slug"
            ),
            0,
        ),
        (
            _MENTIONED,
            Mention.objects.filter(post_id__in=post_ids).values_list(
                "post_id", "user_id", "id", "user__profile__display_name"
            ),
            1,
        ),
        (
            _LIKED,
            Like.objects.filter(user_id=reader_id, post_id__in=post_ids).values_list(
                "post_id", "user_id", "id"
            ),
            2,
        ),
        (
            _BADGED,
            Standard.objects.badges()
            .filter(post_id__in=post_ids)
            .values_list("post_id", "tag_id", "id"),
            2,
        ),
    ]


@cache
def _card_rows_sql(
    alias: str, vendor: str, slots: int
) -> tuple[str, tuple[int | None, ...], tuple[Any, ...]]:
    """card_rows' SQL for `slots` post ids, made by the ORM once a process (building its
    four queries cost more than running them), and where its parameters go: for each, the
    index of the post id it takes, -1 for the reader, or None for a constant kept as the
    ORM made it (a status)."""
    ids = _sentinel_ids(slots)
    parts, params = [], []
    for kind, rows, missing in _card_parts(ids, _SENTINEL_READER):
        sql, part_params = rows.order_by().query.get_compiler(using=alias).as_sql()
        texts = ", NULL" * missing
        # Only the ORM's SQL and literals of this module: every value is a parameter.
        parts.append(f"SELECT {kind}, part.*{texts} FROM ({sql}) part")  # noqa: S608
        params.extend(part_params)
    return " UNION ALL ".join(parts), *_sentinel_slots(params, ids)


def _padded(ids: list[int]) -> list[int]:
    """`ids` filling PAGE_SIZE + 1 slots at least, so that a query compiled once serves
    every page: the last id again fills the others (IN ignores repeats)."""
    return ids + [ids[-1]] * (PAGE_SIZE + 1 - len(ids))


def _bind(
    where: tuple[int | None, ...], constants: tuple[Any, ...], ids: list[int], reader_id: int
) -> list[Any]:
    """The parameters of SQL compiled with sentinels (_card_rows_sql, _card_posts_sql)."""
    return [
        constant if at is None else reader_id if at < 0 else ids[at]
        for at, constant in zip(where, constants, strict=True)
    ]


def _sentinel_slots(params: Any, ids: list[int]) -> tuple[tuple[int | None, ...], tuple[Any, ...]]:
    """Where a query compiled with sentinel `ids` (and reader) takes each parameter: see
    _card_rows_sql."""
    slot = {pk: at for at, pk in enumerate(ids)} | {_SENTINEL_READER: -1}
    where = tuple(slot.get(value) if isinstance(value, int) else None for value in params)
    return where, tuple(params)


@cache
def _card_posts_sql(alias: str, vendor: str, slots: int) -> tuple[str, Any, Any, Any]:
    """card_posts' SQL for `slots` ids, made by the ORM once a process, where its
    parameters go (_sentinel_slots), its compiler (which converts the rows read) and how a
    post and its related rows are built from a row, as Django's model iterable does."""
    ids = _sentinel_ids(slots)
    posts = with_card_data(Post.objects.filter(id__in=ids)).order_by("-last_activity_at", "-id")
    compiler = posts.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    where, constants = _sentinel_slots(params, ids)
    if sorted(at for at in where if at is not None) != list(range(slots)):
        raise RuntimeError(f"unexpected parameters in the cards' SQL: {params!r}")
    fields = compiler.klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [column[0].target.attname for column in compiler.select[start:end]]
    populators = get_related_populators(compiler.klass_info, compiler.select, alias)
    return str(sql), (where, constants), compiler, (start, end, init_list, populators)


def card_posts(ids: list[int], cursor: str | None) -> list[Post]:
    """The posts of `ids` (at most a page's and one more, chosen by a feed's access-checked
    queries) before the cursor, newest activity first, with what their cards show
    (with_card_data): one query whose SQL the ORM compiles once a process. Building and
    compiling it cost about 2 ms a page, six times running it."""
    if not ids:
        return []
    alias = router.db_for_read(Post)
    connection = connections[alias]
    padded = _padded(ids)
    sql, (where, constants), compiler, built = _card_posts_sql(
        alias, connection.vendor, len(padded)
    )
    start, end, init_list, populators = built
    with connection.cursor() as db_cursor:
        db_cursor.execute(sql, _bind(where, constants, padded, 0))
        rows = db_cursor.fetchall()
    posts = []
    for row in compiler.results_iter(results=[rows]):
        post = Post.from_db(alias, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, post)
        posts.append(post)
    after = decode_cursor(cursor)
    if after is None:
        return posts
    # As before_cursor: the ids were chosen before the cursor, but a post may have been
    # active since (a naive time is read in the default zone, as the ORM reads it).
    moment, pk = after
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return [post for post in posts if (post.last_activity_at, post.pk) < (moment, pk)]


def card_rows(reader: User, posts: list[Post]) -> CardRows:
    """Read in one query what the cards of `posts` show beyond their rows (at most a page's;
    not limited, but one SQL is kept per number of posts above PAGE_SIZE): each post's tags
    (kept where `post.tags.all()` finds them, as prefetch_tags does), its "De facto standard
    in #x" badges (`post.standard_badges`, read in a second query only when there are
    some), the people it mentions, and whether the reader liked it. Five queries were
    built by the ORM for this, about 3 ms of a feed page, and 1 ms more with PostgreSQL."""
    tags: dict[int, list[Tag]] = {post.pk: [] for post in posts}
    found = CardRows(mentioned={pk: [] for pk in tags}, liked=set())
    badged: list[int] = []
    if posts:
        alias = router.db_for_read(Post)
        padded = _padded(list(tags))
        connection = connections[alias]
        sql, where, constants = _card_rows_sql(alias, connection.vendor, len(padded))
        params = _bind(where, constants, padded, reader.pk)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = sorted(cursor.fetchall(), key=lambda row: (row[0], row[3]))
        # One Tag per tag, shared by the posts that carry it.
        shared: dict[int, Tag] = {}
        for kind, post_id, other_id, row_id, text, slug in rows:
            if kind == _TAGGED:
                tag = shared.get(other_id)
                if tag is None:
                    tag = shared[other_id] = Tag.from_db(
                        alias, ["id", "name", "slug"], [other_id, text, slug]
                    )
                tags[post_id].append(tag)
            elif kind == _MENTIONED:
                found.mentioned[post_id].append((other_id, text))
            elif kind == _LIKED:
                found.liked.add(post_id)
            else:
                badged.append(row_id)
    _hold_tags(posts, tags)
    badges: dict[int, list[Standard]] = {pk: [] for pk in tags}
    if badged:
        # In badges()'s order, which the cards group them by.
        for row in Standard.objects.badges().filter(id__in=badged).select_related("tag"):
            badges[row.post_id].append(row)
    for post in posts:
        post.standard_badges = badges[post.pk]  # type: ignore[attr-defined]
    return found


def prefetch_tags(posts: list[Post]) -> None:
    """Read the posts' tags in one query and keep them where `post.tags.all()` finds them.

    django-taggit's prefetch (prefetch_related("tags")) builds a new filtered queryset for
    every post only to hold its result: about a tenth of a feed page's query work. Here
    each post holds a copy of one unfiltered queryset with its tags as the result."""
    if not posts:
        return
    tags: dict[int, list[Tag]] = {post.pk: [] for post in posts}
    # Plain values and one Tag per tag, shared by the posts that carry it: a tagged row
    # and a tag instance for each of a page's fifty tags cost 0.3 ms more.
    shared: dict[int, Tag] = {}
    rows = TaggedPost.objects.filter(content_object_id__in=tags).order_by("id")
    for post_id, tag_id, name, slug in rows.values_list(
        "content_object_id", "tag_id", "tag__name", "tag__slug"
    ):
        tag = shared.get(tag_id)
        if tag is None:
            tag = shared[tag_id] = Tag.from_db(
                rows.db, ["id", "name", "slug"], [tag_id, name, slug]
            )
        tags[post_id].append(tag)
    _hold_tags(posts, tags)


def _hold_tags(posts: list[Post], tags: dict[int, list[Tag]]) -> None:
    """Keep each post's `tags` where `post.tags.all()` finds them."""
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
    where: Q | None = None,
) -> QuerySet[Any]:
    """Rows older than the cursor, by (field, id_field), and meeting `where` if given.

    `where` is applied in the same filter() as the cursor: where `field` lies across a
    relation with many rows (a post's tagged rows), both then read the same row, where a
    second filter() would join the table again, repeat each post once per tag it carries
    and fill the page with copies."""
    condition = where if where is not None else Q()
    after = decode_cursor(cursor)
    if after is not None:
        moment, pk = after
        condition &= Q(**{f"{field}__lt": moment}) | Q(**{field: moment, f"{id_field}__lt": pk})
    return rows.filter(condition) if condition else rows


def newest_keys(
    rows: QuerySet[Any],
    cursor: str | None,
    *,
    field: str = "last_activity_at",
    id_field: str = "id",
    where: Q | None = None,
    limit: int = PAGE_SIZE + 1,
) -> dict[int, datetime]:
    """The newest `limit` rows before the cursor (and meeting `where`: see before_cursor) as
    {id: activity time}, newest first."""
    ordered = before_cursor(rows, cursor, field=field, id_field=id_field, where=where)
    ordered = ordered.order_by(f"-{field}", f"-{id_field}")
    return dict(ordered.values_list(id_field, field)[:limit])


def _newest_of(found: dict[int, datetime], limit: int = PAGE_SIZE + 1) -> list[int]:
    """The ids of the newest `limit` of `found` ({id: activity time}), newest first."""
    return sorted(found, key=lambda pk: (found[pk], pk), reverse=True)[:limit]


def _page_floor(found: dict[int, datetime], *, recent: bool) -> datetime | None:
    """The activity time of the (PAGE_SIZE + 1)-th newest of `found`, if it holds as many: no
    post older than that can be on the page they make. None unless `recent` (that time is
    known to lie among the RECENT_WINDOW newest posts)."""
    if not recent or len(found) <= PAGE_SIZE:
        return None
    return found[_newest_of(found)[-1]]


def newest_mentioning(
    visible: PostQuerySet, people: list[int], cursor: str | None, *, since: datetime | None
) -> dict[int, datetime]:
    """newest_keys of the visible posts that mention any of `people`, active `since` then.

    Read from the mentions, all of a hundred people's posts that mention them are looked up
    to be sorted by activity (849 posts at 100,000, 2.3 ms of SQLite for 21 kept). When the
    feed's other reasons already fill a page, no older post can join it: the posts active
    since then (the newest hundred or so) are read from the activity index instead, each
    tested against the mentioned posts' ids. `id + 0` keeps SQLite from looking up every
    mentioned post by its id instead of walking that short range."""
    if since is None:
        return newest_keys(visible.filter(mentions__user_id__in=people).distinct(), cursor)
    mentioned = Mention.objects.filter(user_id__in=people).values("post_id")
    recent = visible.filter(last_activity_at__gte=since)
    return newest_keys(recent.alias(probe=F("id") + 0).filter(probe__in=mentioned), cursor)


# The network feed first looks for followed people's posts among this many of the newest
# posts (everyone's) before the cursor; see newest_recent_first.
RECENT_WINDOW = 2000


def newest_recent_first(rows: PostQuerySet, cursor: str | None) -> tuple[dict[int, datetime], bool]:
    """newest_keys(rows, cursor), looked for first among the RECENT_WINDOW newest posts, and
    whether they were all found there.

    Posts by a hundred followed people are read from the (author, activity) index and
    sorted: all of them (20,000 at 100,000 posts, 4.7 ms of SQLite) for 21 kept. Bounded
    below by the activity time of the RECENT_WINDOW-th newest post, each person's range is
    short. Exact: every post at or after that time is in the bounded query, so if it finds
    a full page, no older post could have been on it; otherwise the unbounded query runs."""
    newest = before_cursor(Post.objects.all(), cursor).order_by("-last_activity_at", "-id")
    # The floor as a subquery, run once by both SQLite and PostgreSQL: one round trip. With
    # fewer posts than the window it is NULL and the bounded query finds nothing.
    floor = Subquery(newest.values("last_activity_at")[RECENT_WINDOW - 1 : RECENT_WINDOW])
    found = newest_keys(rows.filter(last_activity_at__gte=floor), cursor)
    if len(found) == PAGE_SIZE + 1:
        return found, True
    return newest_keys(rows, cursor), False


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
    return list(newest_in_tags_keys(visible, tag_ids, cursor))


def newest_in_tags_keys(
    visible: PostQuerySet, tag_ids: list[int], cursor: str | None
) -> dict[int, datetime]:
    """newest_in_tags as {id: activity time}, newest first."""
    if not tag_ids:
        return {}
    if len(tag_ids) > MAX_TAGS_READ_APART:
        tagged = Q(tagged__tag_id__in=tag_ids)
        return newest_keys(visible.distinct(), cursor, field=TAGGED_ACTIVITY, where=tagged)
    newest: dict[int, datetime] = {}
    for tag_id in tag_ids:
        tagged = Q(tagged__tag_id=tag_id)
        newest.update(newest_keys(visible, cursor, field=TAGGED_ACTIVITY, where=tagged))
    return {pk: newest[pk] for pk in _newest_of(newest)}


def build_page(
    user: User,
    posts: QuerySet[Post] | list[int],
    cursor: str | None,
    network: Network | None = None,
) -> FeedPage:
    """A feed page of `posts`: a query, or the ids of the page's posts and the next one."""
    network = network or Network(user)
    if isinstance(posts, list):
        page = card_posts(posts, cursor)
        next_cursor = encode_cursor(page[PAGE_SIZE - 1]) if len(page) > PAGE_SIZE else None
        page = page[:PAGE_SIZE]
    else:
        page, next_cursor = paginate(with_card_data(posts), cursor)
    rows = card_rows(user, page)
    items = [
        FeedItem(post=p, reasons=network.reasons(p, rows.mentioned[p.pk]), liked=p.pk in rows.liked)
        for p in page
    ]
    return FeedPage(items=items, next_cursor=next_cursor)


def home_feed(
    user: User, *, tab: str, cursor: str | None = None, network: Network | None = None
) -> FeedPage:
    """A page of one of the home feed's tabs; `network`: the reader's, if the page has it."""
    network = network or Network(user)
    posts: PostQuerySet = visible_posts(user)
    if tab == "network":
        return build_page(user, network.candidates(posts, cursor), cursor, network)
    elif tab == "unanswered":
        posts = posts.unanswered()
    elif tab == "mytags":
        ids = newest_in_tags(posts.questions(), sorted(network.followed_tag_ids), cursor)
        return build_page(user, ids, cursor, network)
    return build_page(user, posts, cursor, network)


def board(viewer: User, person: User, *, cursor: str | None = None) -> FeedPage:
    """A person's board: their posts and the posts that mention them, as `viewer` may see."""
    posts = visible_posts(viewer).filter(
        Q(author=person) | Q(id__in=Mention.objects.filter(user=person).values("post_id"))
    )
    return build_page(viewer, posts, cursor)


def tag_feed(
    viewer: User, tag_id: int, *, cursor: str | None = None, network: Network | None = None
) -> FeedPage:
    """Newest posts with a tag, read in order from the (tag, last_activity_at) index."""
    tagged = Q(tagged__tag_id=tag_id)
    ids = list(newest_keys(visible_posts(viewer), cursor, field=TAGGED_ACTIVITY, where=tagged))
    return build_page(viewer, ids, None, network)


def community_feed(viewer: User, community_id: int, *, cursor: str | None = None) -> FeedPage:
    return build_page(viewer, visible_posts(viewer).filter(community_id=community_id), cursor)
