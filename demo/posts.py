"""Demo content for `manage.py seed_demo`: communities, questions, status updates, answers,
and drafts (files shared for feedback, see demo.drafts) with their versions.

Everything is written through questions.actions and profiles.actions, so mentions, counters
and rendered HTML are the real thing. Only timestamps are moved afterwards (with update(),
spread over the last DAYS days) so the feed looks lived-in rather than created a second ago.
Drafts' versions are slotted in among the other posts in time order, so that each version's
comments come before the next version, which answers them; downloads move to the days after
their version, and each draft's distinct person-days of downloads are counted again.

Deterministic (seeded Randoms; drafts have their own) and idempotent: if any demo person has
already posted, the content is left as it is, so a database someone is using is never mixed
with a second copy.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from taggit.models import Tag

from demo.communities import COMMUNITIES
from demo.datafiles import read, records
from demo.drafts import DRAFTS
from demo.people import CORE_PEOPLE, DEMO_DOMAIN
from intranet.lib.tasks import wait_for_tasks
from notifications.models import Notification
from profiles.actions import set_follow_person, set_follow_tag
from profiles.models import User
from questions.actions import (
    accept_answer,
    add_member,
    ask_question,
    create_community,
    join_community,
    post_answer,
    post_status,
    record_download,
    set_bookmark,
    set_feedback_wanted,
    set_like,
    share_draft,
    sync_tag_activity,
    upload_version,
)
from questions.models import (
    Answer,
    Community,
    DraftDownload,
    DraftVersion,
    Like,
    Mention,
    Post,
    VersionDownload,
)
from questions.tasks import extract_version_text

SEED = 20261124
DAYS = 90
UNANSWERED_SHARE = 0.07  # a handful of questions stay open, for the "Unanswered" tab

Progress = Callable[[int], object]


@dataclass(frozen=True)
class QuestionIdea:
    """A question; {placeholders} are filled per copy, so `repeat` copies differ."""

    title: str
    body: str
    tags: tuple[str, ...]
    answers: tuple[str, ...]
    askers: tuple[str, ...] = ()
    experts: tuple[str, ...] = ()
    community: str | None = None
    repeat: int = 1


@dataclass(frozen=True)
class StatusIdea:
    body: str
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    community: str | None = None
    replies: tuple[str, ...] = ()
    repeat: int = 1


_DATA = read("posts")
# {placeholders} in titles and bodies are filled from these, per copy of a repeated idea.
FILLS: dict[str, Sequence[str]] = _DATA["fills"]
QUESTIONS = records(QuestionIdea, _DATA["questions"])
STATUSES = records(StatusIdea, _DATA["statuses"])
GENERIC_ANSWERS: tuple[str, ...] = tuple(_DATA["generic_answers"])
GENERIC_REPLIES: tuple[str, ...] = tuple(_DATA["generic_replies"])
TAG_FOLLOWS: dict[str, list[str]] = _DATA["tag_follows"]

PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")


@dataclass
class _Seeded:
    """What was written for one post (or one version of a draft), kept to move its
    timestamps afterwards."""

    post: Post
    answers: list[Answer] = field(default_factory=list)
    version: DraftVersion | None = None  # a draft's version; answers are comments on it
    notified: list[int] = field(default_factory=list)  # its "new version" notifications


@dataclass(frozen=True)
class _DraftStep:
    """Version `number` of DRAFTS[draft]: number 1 shares the draft, later ones upload."""

    draft: int
    number: int


PlanItem = tuple[QuestionIdea | StatusIdea, int] | _DraftStep


def _fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


class _Writer:
    def __init__(self, people: dict[str, User], progress: Progress) -> None:
        self.rng = random.Random(SEED)  # noqa: S311  (demo data, not secrets)
        # Drafts draw from their own Random: the questions and statuses stay as they were.
        self.draft_rng = random.Random(SEED + 1)  # noqa: S311
        self.people = people
        self.progress = progress
        self.communities: dict[str, Community] = {}
        self.members: dict[str, list[str]] = {}
        self.seeded: list[_Seeded] = []
        self.used: set[str] = set()  # titles and status bodies written so far
        self.drafts: dict[int, Post] = {}  # index in DRAFTS -> its post
        self.download_counts: dict[int, set[int]] = {}  # per draft: its versions' counts
        self.counts = {
            "communities created": 0,
            "posts created": 0,
            "answers created": 0,
            "likes created": 0,
            "follows created": 0,
            "bookmarks created": 0,
            "drafts created": 0,
            "draft versions created": 0,
            "downloads recorded": 0,
        }

    # --- helpers ----------------------------------------------------------------------

    def audience(self, community: str | None) -> list[str]:
        """Usernames who can see a post in `community` (members only when it is private)."""
        if community is not None and community in self.members:
            return self.members[community]
        return list(self.people)

    def pick(self, preferred: Sequence[str], audience: Sequence[str], *, exclude: str) -> str:
        choices = [u for u in preferred if u in audience and u != exclude]
        if not choices or self.rng.random() < 0.25:
            choices = [u for u in audience if u != exclude]
        return self.rng.choice(choices)

    def values(
        self, *, mention_from: Sequence[str], audience: Sequence[str], author: str
    ) -> dict[str, str]:
        rng = self.rng
        values = {key: rng.choice(options) for key, options in FILLS.items()}
        values["version"] = f"{rng.randint(3, 5)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}"
        values["mention"] = "@" + self.pick(mention_from, audience, exclude=author)
        return values

    def fresh_values(
        self, text: str, *, mention_from: Sequence[str], audience: Sequence[str], author: str
    ) -> dict[str, str] | None:
        """Fill-ins that make `text` differ from every earlier copy; None if none found."""
        for _attempt in range(10):
            values = self.values(mention_from=mention_from, audience=audience, author=author)
            if _fill(text, values) not in self.used:
                self.used.add(_fill(text, values))
                return values
        return None

    # --- steps -----------------------------------------------------------------------

    def communities_and_members(self) -> None:
        for spec in COMMUNITIES:
            owner = self.people[spec.owner]
            community = Community.objects.filter(name=spec.name).first()
            if community is None:
                community = create_community(
                    creator=owner,
                    name=spec.name,
                    description=spec.description,
                    visibility="private" if spec.private else "open",
                )
                self.counts["communities created"] += 1
            for username in spec.members:
                if spec.private:
                    add_member(by=owner, community=community, user=self.people[username])
                else:
                    join_community(user=self.people[username], community=community)
            self.communities[spec.name] = community
            if spec.private:
                self.members[spec.name] = [spec.owner, *spec.members]

    def plan(self) -> list[tuple[QuestionIdea | StatusIdea, int]]:
        """Every (idea, copy) to write, shuffled so topics interleave in the feed."""
        ideas: list[QuestionIdea | StatusIdea] = [*QUESTIONS, *STATUSES]
        planned = [(idea, copy) for idea in ideas for copy in range(idea.repeat)]
        self.rng.shuffle(planned)
        return planned

    def timeline(self, planned: list[tuple[QuestionIdea | StatusIdea, int]]) -> list[PlanItem]:
        """The planned posts with every draft version slotted in among them.

        Posts are dated in the order they are written (see spread_timestamps), so a slot is
        a point in time: each draft's last version lands in the latter half of the period,
        its earlier versions a few days apart before it.
        """
        rng, n = self.draft_rng, len(planned)
        keyed: list[tuple[float, PlanItem]] = [(float(i), item) for i, item in enumerate(planned)]
        for index, idea in enumerate(DRAFTS):
            at = rng.uniform(0.5, 0.97) * n
            for number in range(len(idea.versions), 0, -1):
                keyed.append((at, _DraftStep(index, number)))
                at -= rng.uniform(0.035, 0.09) * n  # some 3 to 8 days between versions
        keyed.sort(key=lambda pair: pair[0])
        return [item for _key, item in keyed]

    def question(self, idea: QuestionIdea) -> _Seeded | None:
        audience = self.audience(idea.community)
        asker = self.pick(idea.askers, audience, exclude="")
        values = self.fresh_values(
            idea.title, mention_from=idea.experts, audience=audience, author=asker
        )
        if values is None:
            return None
        post = ask_question(
            author=self.people[asker],
            title=_fill(idea.title, values),
            body=_fill(idea.body, values),
            tags=list(idea.tags),
            community=self.communities.get(idea.community or ""),
        )
        seeded = _Seeded(post)
        if self.rng.random() < UNANSWERED_SHARE:
            return seeded
        texts = list(idea.answers) + [self.rng.choice(GENERIC_ANSWERS)]
        wanted = min(len(texts), self.rng.choice((1, 2, 2, 2, 3, 3, 4)))
        answerers: list[str] = []
        for text in texts[:wanted]:
            author = self.pick(idea.experts, audience, exclude=asker)
            if author in answerers:  # prefer a different colleague for each answer
                author = self.pick((), audience, exclude=asker)
            answerers.append(author)
            values["mention"] = "@" + self.pick(idea.experts, audience, exclude=author)
            answer = post_answer(
                post=post, author=self.people[author], body=_fill(text, values).strip()
            )
            seeded.answers.append(answer)
        if self.rng.random() < 0.6:
            # The asker usually accepts the first, most direct answer.
            chosen = seeded.answers[0 if self.rng.random() < 0.7 else -1]
            accept_answer(post=post, answer=chosen, by=self.people[asker])
        return seeded

    def status(self, idea: StatusIdea) -> _Seeded | None:
        audience = self.audience(idea.community)
        author = self.pick(idea.authors, audience, exclude="")
        values = self.fresh_values(
            idea.body, mention_from=audience, audience=audience, author=author
        )
        if values is None:
            return None
        post = post_status(
            author=self.people[author],
            body=_fill(idea.body, values),
            tags=list(idea.tags),
            community=self.communities.get(idea.community or ""),
        )
        seeded = _Seeded(post)
        replies = list(idea.replies) + list(GENERIC_REPLIES)
        for _ in range(self.rng.choice((0, 0, 1, 1, 2, 3))):
            replier = self.pick((), audience, exclude=author)
            values["mention"] = "@" + self.pick((), audience, exclude=replier)
            text = _fill(self.rng.choice(replies), values)
            seeded.answers.append(post_answer(post=post, author=self.people[replier], body=text))
        return seeded

    def draft_step(self, step: _DraftStep) -> _Seeded:
        """Share a draft or upload its next version; then the colleagues' comments on that
        version and their downloads of it (and, with the last version, likes)."""
        idea = DRAFTS[step.draft]
        spec = idea.versions[step.number - 1]
        author = self.people[idea.author]
        file = io.BytesIO(spec.build())
        notified: list[int] = []
        if step.number == 1:
            post = share_draft(
                author=author,
                title=idea.title,
                body=idea.body,
                file=file,
                filename=spec.filename,
                tags=list(idea.tags),
                community=self.communities.get(idea.community or ""),
            )
            self.drafts[step.draft] = post
            self.counts["drafts created"] += 1
        else:
            post = self.drafts[step.draft]
            before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
            upload_version(
                post=post,
                uploader=author,
                file=file,
                filename=spec.filename,
                change_note=spec.change_note,
            )
            notified = list(
                Notification.objects.filter(
                    pk__gt=before, post=post, verb=Notification.Verb.NEW_VERSION
                ).values_list("pk", flat=True)
            )
        version = post.current_version
        assert version is not None  # noqa: S101  (share_draft and upload_version set it)
        self.counts["draft versions created"] += 1
        seeded = _Seeded(post, version=version, notified=notified)
        for username, body in spec.comments:
            comment = post_answer(
                post=post, author=self.people[username], body=body, version=version
            )
            seeded.answers.append(comment)
        audience = self.audience(idea.community)
        self.draft_downloads(step, version, [u for u, _body in spec.comments], audience)
        last = step.number == len(idea.versions)
        self.draft_likes(seeded, audience, with_post=last)
        if last and idea.final:
            set_feedback_wanted(post=post, by=author, wanted=False)
        return seeded

    def draft_downloads(
        self, step: _DraftStep, version: DraftVersion, readers: list[str], audience: list[str]
    ) -> None:
        """Who downloaded this version: its commenters, and a few more who only read it. The
        number differs from the draft's other versions."""
        rng, author = self.draft_rng, DRAFTS[step.draft].author
        readers = [u for u in dict.fromkeys(readers) if u != author]
        others = [u for u in audience if u != author and u not in readers]
        used = self.download_counts.setdefault(step.draft, set())
        wanted = len(readers) + rng.randint(1, 5)
        while wanted in used and wanted < len(readers) + len(others):
            wanted += 1
        wanted = min(wanted, len(readers) + len(others))
        used.add(wanted)
        for username in readers + rng.sample(others, wanted - len(readers)):
            if record_download(version=version, user=self.people[username]):
                self.counts["downloads recorded"] += 1

    def draft_likes(self, seeded: _Seeded, audience: list[str], *, with_post: bool) -> None:
        """Likes on a version's comments (often from the author, as thanks) and, once the
        draft has its last version, on the draft itself."""
        rng, post = self.draft_rng, seeded.post
        for answer in seeded.answers:
            likers = [u for u in audience if self.people[u].pk != answer.author_id]
            chosen = rng.sample(likers, min(len(likers), rng.randint(0, 2)))
            thanks = post.author.username
            if thanks in likers and thanks not in chosen and rng.random() < 0.6:
                chosen.append(thanks)
            for username in chosen:
                set_like(user=self.people[username], answer=answer, liked=True)
                self.counts["likes created"] += 1
        if with_post:
            likers = [u for u in audience if self.people[u].pk != post.author_id]
            for username in rng.sample(likers, min(len(likers), rng.randint(2, 7))):
                set_like(user=self.people[username], post=post, liked=True)
                self.counts["likes created"] += 1

    def likes(self, seeded: _Seeded, community: str | None) -> None:
        audience = self.audience(community)
        targets: list[tuple[Post | None, Answer | None, int]] = [
            (seeded.post, None, seeded.post.author_id)
        ]
        targets += [(None, a, a.author_id) for a in seeded.answers]
        for post, answer, author_id in targets:
            likers = [u for u in audience if self.people[u].pk != author_id]
            most = 7 if post is not None else 4
            for username in self.rng.sample(likers, min(len(likers), self.rng.randint(0, most))):
                set_like(user=self.people[username], post=post, answer=answer, liked=True)
                self.counts["likes created"] += 1

    def follows_and_bookmarks(self) -> None:
        usernames = list(self.people)
        for username, person in self.people.items():
            others = [u for u in usernames if u != username]
            for other in self.rng.sample(others, self.rng.randint(3, 6)):
                set_follow_person(follower=person, person=self.people[other], following=True)
                self.counts["follows created"] += 1
            for tag in Tag.objects.filter(name__in=TAG_FOLLOWS.get(username, ())):
                set_follow_tag(follower=person, tag=tag, following=True)
                self.counts["follows created"] += 1
        questions = [s.post for s in self.seeded if s.post.is_question and s.answers]
        for username in ("maria", "ken", "aisha", "carlos", "yuki", "lucas"):
            visible = [
                p
                for p in questions
                if p.community_id is None or not self.communities_private(p.community_id)
            ]
            for post in self.rng.sample(visible, min(len(visible), 3)):
                set_bookmark(user=self.people[username], post=post, saved=True)
                self.counts["bookmarks created"] += 1

    def communities_private(self, community_id: int) -> bool:
        return any(c.pk == community_id and c.is_private for c in self.communities.values())

    def spread_timestamps(self, now: datetime) -> None:
        """Spread posts over the last DAYS days, answers after their post; oldest first.

        A draft's versions are dated like posts of their own; comments on a version come
        after it and before the next one."""
        span = timedelta(days=DAYS).total_seconds()
        offsets = sorted((self.rng.random() for _ in self.seeded), reverse=True)
        times = [now - timedelta(seconds=span * offset + 3600) for offset in offsets]
        # Until when each entry's answers may come: a draft version's comments end before
        # the draft's next version.
        until: list[datetime] = []
        next_version: dict[int, datetime] = {}
        for seeded, created in zip(reversed(self.seeded), reversed(times), strict=True):
            until.append(next_version.get(seeded.post.pk, now))
            if seeded.version is not None:
                next_version[seeded.post.pk] = created
        until.reverse()
        for seeded, created, limit in zip(self.seeded, times, until, strict=True):
            version = seeded.version
            latest = created
            mean = 300 if version is None else 900  # a document takes longer to read
            for answer in seeded.answers:
                delay = timedelta(minutes=self.rng.expovariate(1 / mean) + 5)
                latest = max(created, min(latest + delay, limit - timedelta(minutes=2)))
                Answer.objects.filter(pk=answer.pk).update(created_at=latest)
                Like.objects.filter(answer=answer).update(created_at=latest)
                Mention.objects.filter(answer=answer).update(created_at=latest)
            if version is not None:
                DraftVersion.objects.filter(pk=version.pk).update(created_at=created)
                Notification.objects.filter(pk__in=seeded.notified).update(created_at=created)
            if version is None or version.number == 1:
                Post.objects.filter(pk=seeded.post.pk).update(
                    created_at=created, last_activity_at=latest
                )
                Mention.objects.filter(post=seeded.post, answer=None).update(created_at=created)
            else:
                Post.objects.filter(pk=seeded.post.pk).update(last_activity_at=latest)
            Like.objects.filter(post=seeded.post).update(created_at=latest)
        self.date_downloads(now)
        sync_tag_activity(s.post.pk for s in self.seeded)

    def date_downloads(self, now: datetime) -> None:
        """Move each version's downloads to days between its upload and the next version
        (most people download within a day or two), then count each draft's distinct
        person-days again, as record_download would have on those days."""
        rng = self.draft_rng
        for post in self.drafts.values():
            versions = list(
                DraftVersion.objects.filter(post=post)
                .order_by("number")
                .values_list("pk", "created_at")
            )
            ends = [created for _pk, created in versions[1:]] + [now]
            for (pk, created), end in zip(versions, ends, strict=True):
                first, last = timezone.localdate(created), timezone.localdate(end)
                for download in VersionDownload.objects.filter(version_id=pk).order_by("pk"):
                    later = min((last - first).days, int(rng.expovariate(1 / 1.5)))
                    VersionDownload.objects.filter(pk=download.pk).update(
                        day=first + timedelta(days=later)
                    )
            person_days = sorted(
                set(
                    VersionDownload.objects.filter(version__post=post).values_list("user_id", "day")
                )
            )
            DraftDownload.objects.filter(post=post).delete()
            DraftDownload.objects.bulk_create(
                [DraftDownload(post=post, user_id=user_id, day=day) for user_id, day in person_days]
            )
            Post.objects.filter(pk=post.pk).update(download_count=len(person_days))

    def run(self) -> dict[str, int]:
        self.communities_and_members()
        for item in self.timeline(self.plan()):
            if isinstance(item, _DraftStep):
                step = self.draft_step(item)
                if item.number == 1:
                    self.progress(1)
                    self.counts["posts created"] += 1
                self.seeded.append(step)
                self.counts["answers created"] += len(step.answers)
                continue
            idea, _copy = item
            seeded = self.question(idea) if isinstance(idea, QuestionIdea) else self.status(idea)
            self.progress(1)
            if seeded is None:  # no distinct wording left for another copy
                continue
            self.likes(seeded, idea.community)
            self.seeded.append(seeded)
            self.counts["posts created"] += 1
            self.counts["answers created"] += len(seeded.answers)
        self.follows_and_bookmarks()
        self.spread_timestamps(timezone.now())
        settle_notifications()
        return self.counts


UNREAD_LEFT = 5


def settle_notifications() -> None:
    """Date the demo's notifications like what caused them, and leave only each person's
    newest few unread, so the bell shows what a returning colleague would see. (Notices of a
    draft's new version were dated with the version, in spread_timestamps.)"""
    Notification.objects.filter(answer__isnull=False).update(
        created_at=Subquery(Answer.objects.filter(pk=OuterRef("answer_id")).values("created_at"))
    )
    Notification.objects.filter(answer__isnull=True, post__isnull=False).exclude(
        verb=Notification.Verb.NEW_VERSION
    ).update(created_at=Subquery(Post.objects.filter(pk=OuterRef("post_id")).values("created_at")))
    now = timezone.now()
    # order_by(): the model's default ordering would make DISTINCT one row per notification.
    recipients = Notification.objects.order_by().values_list("recipient_id", flat=True)
    for user_id in recipients.distinct():
        keep = Notification.objects.filter(recipient_id=user_id).order_by("-created_at", "-pk")
        newest = list(keep.values_list("pk", flat=True)[:UNREAD_LEFT])
        keep.exclude(pk__in=newest).update(read_at=now)


def demo_people() -> dict[str, User]:
    usernames = [p.username for p in CORE_PEOPLE]
    found = User.objects.filter(username__in=usernames, email__endswith=f"@{DEMO_DOMAIN}")
    return {u.username: u for u in sorted(found, key=lambda u: usernames.index(u.username))}


def can_seed(people: dict[str, User]) -> bool:
    """All core people exist and none of them has posted yet (the idempotency key)."""
    return (
        len(people) == len(CORE_PEOPLE)
        and not Post.objects.filter(author__in=people.values()).exists()
    )


def pending_posts() -> int:
    """How many posts seed() would write now (for a progress bar)."""
    if not can_seed(demo_people()):
        return 0
    return sum(q.repeat for q in QUESTIONS) + sum(s.repeat for s in STATUSES) + len(DRAFTS)


def seed(*, progress: Progress = lambda n: None) -> dict[str, int]:
    """Write the demo communities and conversations once; returns what was created.

    Precondition: demo.people.seed ran (the core people exist). Skips everything when any
    demo person has already posted, so a second run (or a database in use) is left alone.
    """
    people = demo_people()
    writer = _Writer(people, progress)
    if not can_seed(people):
        return {what: 0 for what in writer.counts}
    with transaction.atomic():
        counts = writer.run()
    finish_text_extraction([s.version.pk for s in writer.seeded if s.version is not None])
    return counts


def finish_text_extraction(version_ids: Sequence[int]) -> None:
    """Have the drafts' text (preview and search) ready before seed_demo exits.

    Committing enqueued one extraction task per version. The default backend runs them on
    a background thread: wait for it, so that no work is left running when the command
    exits. Whatever is still pending (the database backend's queue, or a caller's outer
    transaction that has not committed, as in tests) is extracted here, inline; a worker
    that runs the queued task later only writes the same result again.
    """
    wait_for_tasks()
    pending = DraftVersion.objects.filter(pk__in=version_ids, text_status=DraftVersion.Text.PENDING)
    for pk in pending.values_list("pk", flat=True):
        extract_version_text.call(pk)
    # wait_for_tasks() waits for the tasks enqueued before the call; an extraction enqueues
    # its draft's reindexing when it commits, so a second round waits for those too.
    wait_for_tasks()
