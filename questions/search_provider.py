"""What search learns about posts, answers and communities (search.providers.PostProvider).

Registered by QuestionsConfig.ready(): search indexes, filters and ranks posts without
importing this app. Access goes through questions.permissions, as everywhere else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Prefetch, QuerySet

from profiles.models import User
from questions import permissions
from questions.models import Answer, Community, Like, Post, PostQuerySet
from search.documents import MAX_BODY_CHARS, Document, PostText, post_key
from search.providers import SignalTables


class QuestionsPostProvider:
    def documents(self, post_ids: list[int]) -> list[Document]:
        """A question with its answers (accepted first), a status update with its replies, a
        draft with the text of its current version. Two queries and one for their tags."""
        posts = (
            Post.objects.filter(pk__in=post_ids, deleted_at__isnull=True)
            .select_related("author__profile", "community", "current_version")
            .prefetch_related(
                "tags",  # type: ignore[misc]
                Prefetch(
                    "answers",
                    queryset=Answer.objects.filter(deleted_at__isnull=True)
                    .order_by("created_at", "pk")
                    .only("post_id", "body"),
                    to_attr="live_answers",
                ),
            )
        )
        documents = []
        for post in posts:
            parts = [post.body]
            accepted = post.accepted_answer_id
            live: list[Answer] = post.live_answers  # type: ignore[attr-defined]
            live = [a for a in live if a.pk == accepted] + [a for a in live if a.pk != accepted]
            if post.is_draft and post.current_version is not None:
                parts.append(post.current_version.filename)
                parts.append(post.current_version.text)
            community = post.community
            documents.append(
                Document(
                    key=post_key(post.pk),
                    kind=post.kind,
                    title=post.title,
                    body="\n".join(parts)[:MAX_BODY_CHARS],
                    answers="\n".join(a.body for a in live)[:MAX_BODY_CHARS],
                    tags=sorted(t.name for t in post.tags.all()),
                    community_id=community.pk if community else 0,
                    private=bool(community and community.is_private),
                    author_id=post.author_id,
                    author_name=post.author.profile.display_name,
                    created=post.created_at,
                    last_activity=post.last_activity_at,
                    answered=post.answer_count > 0,
                )
            )
        return documents

    def texts(self, post_ids: list[int], max_chars: int) -> list[PostText]:
        """Two queries (posts with their community and draft version, their live answers)."""
        posts = (
            Post.objects.filter(pk__in=post_ids, deleted_at__isnull=True)
            .select_related("community", "current_version")
            .only(
                "pk",
                "title",
                "body",
                "kind",
                "accepted_answer_id",
                "community__visibility",
                "current_version__text",
            )
            .prefetch_related(
                Prefetch(
                    "answers",
                    queryset=Answer.objects.filter(deleted_at__isnull=True)
                    .only("pk", "post_id", "body", "like_count")
                    .order_by("-like_count", "pk"),
                    to_attr="live_answers",
                )
            )
        )
        found = []
        for post in posts:
            answers = post.live_answers  # type: ignore[attr-defined]
            # The accepted answer first, then the most liked: what the thread concluded.
            answers.sort(key=lambda a: a.pk != post.accepted_answer_id)
            parts = [post.body, *(a.body for a in answers)]
            if post.is_draft and post.current_version is not None:
                parts.insert(1, post.current_version.text)
            community = post.community
            found.append(
                PostText(
                    key=post_key(post.pk),
                    title=post.title,
                    text="\n".join(p for p in parts if p)[:max_chars],
                    community_id=community.pk if community else 0,
                    private=bool(community and community.is_private),
                )
            )
        return found

    def written_tags(self, user_ids: list[int], per_person: int) -> dict[int, list[str]]:
        counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        asked = (
            Post.objects.filter(author_id__in=user_ids, deleted_at__isnull=True)
            .values_list("author_id", "tags__name")
            .annotate(n=Count("pk"))
        )
        answered = (
            Answer.objects.filter(author_id__in=user_ids, deleted_at__isnull=True)
            .values_list("author_id", "post__tags__name")
            .annotate(n=Count("pk"))
        )
        for user_id, tag, n in [*asked, *answered]:
            if tag:
                counts[user_id][tag] += n
        return {
            user_id: [
                t for t, _ in sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:per_person]
            ]
            for user_id, tags in counts.items()
        }

    def live_posts(self) -> PostQuerySet:
        return Post.objects.alive()

    def live_post_places(self) -> Iterable[tuple[int, int, bool]]:
        """Two queries whatever the number of posts."""
        private = set(
            Community.objects.filter(visibility=Community.Visibility.PRIVATE).values_list(
                "pk", flat=True
            )
        )
        for pk, community_id in Post.objects.alive().order_by().values_list("pk", "community_id"):
            yield pk, community_id or 0, community_id in private

    def deleted_post_ids(self) -> set[int]:
        return set(Post.objects.filter(deleted_at__isnull=False).values_list("pk", flat=True))

    def member_community_ids(self, user: User) -> Iterable[int]:
        return permissions.member_community_ids(user)

    def visible_posts(self, user: User) -> PostQuerySet:
        return permissions.visible_posts(user)

    def get_post_for_user(self, user: User, pk: int) -> Post:
        return permissions.get_post_for_user(user, pk)

    def visible_communities(self, user: User) -> QuerySet[Community]:
        return permissions.visible_communities(user)

    def live_answers(self, post_ids: list[int]) -> QuerySet[Answer]:
        return Answer.objects.filter(post_id__in=post_ids, deleted_at__isnull=True)

    def community_names(self, community_ids: Iterable[int]) -> dict[int, str]:
        return dict(Community.objects.filter(pk__in=community_ids).values_list("pk", "name"))

    def signal_tables(self) -> SignalTables:
        return SignalTables(Post._meta.db_table, Answer._meta.db_table, Like._meta.db_table)
