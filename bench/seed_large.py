"""Seed a large, realistic database for benchmarks (feeds, search, post pages).

    .venv/bin/python -m bench.seed_large --posts 100000 --answers 300000 --people 5000

Writes against whatever DATABASE_URL / VAR_DIR the environment gives, migrating first if
needed. Benchmarks reuse it with `from bench.seed_large import seed`.

Rows are generated in Python from one seeded Random and written with bulk_create, one chunk
of posts (with their answers, tags, likes and mentions) per transaction. Denormalised
counters (answer_count, like_count, accepted_answer, last_activity_at) are computed before
the insert, so they match the rows without a second pass. Post and answer ids are assigned
here rather than by the database, so a post can point at its accepted answer in the same
INSERT (both databases check these foreign keys at commit); the PostgreSQL sequences are
moved past them at the end. Run it against a database nobody else is writing to.

Bypassing the actions is deliberate and limited to this module: going through them costs
about 10 ms a post, hours at this size.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from tqdm import tqdm

from demo import people as profiles_demo
from intranet.lib.markdown import render_markdown
from profiles.models import Follow, User
from questions.models import Answer, Community, Like, Membership, Mention, Post, TaggedPost

SEED = 20261125
DAYS = 730  # posts spread over two years, newest last
CHUNK = 2_000  # posts (plus their answers, likes...) per transaction
BATCH = 1_000  # rows per INSERT; SQLite lowers it to fit its 999-parameter limit
QUESTION_SHARE = 0.6
UNANSWERED_SHARE = 0.08  # of questions
ACCEPTED_SHARE = 0.55  # of answered questions
MENTION_SHARE = 0.15  # of posts; answers mention someone a third as often
POST_LIKES_MEAN = 2.0
ANSWER_LIKES_MEAN = 0.6
FOLLOWS_MEAN = 15
ANSWER_GAP_SECONDS = 6 * 3600  # mean delay between a post and each following answer
PARAGRAPH_POOL = 4_000

COMMUNITIES = [
    ("Platform", False),
    ("Release engineering", False),
    ("Sales enablement", False),
    ("Support & escalations", False),
    ("Data & analytics", False),
    ("Frontend guild", False),
    ("Security champions", False),
    ("Design system", False),
    ("Mobile", False),
    ("Search quality", False),
    ("Finance questions", False),
    ("People & culture", False),
    ("Berlin office", False),
    ("London office", False),
    ("New joiners", False),
    ("Book club", False),
    ("Leadership", True),
    ("Project Falcon (M&A)", True),
    ("Board preparation", True),
    ("Reorganisation planning", True),
]

BASE_TAGS = (
    "kubernetes", "release", "onboarding", "expenses", "security", "ci", "postgresql",
    "incident", "design-review", "customer-escalation", "search", "frontend", "observability",
    "on-call", "sales", "pricing", "finance", "hr", "documentation", "performance", "docker",
    "kafka", "api", "testing", "accessibility", "legal", "gdpr", "travel", "office",
    "recruiting", "mobile", "ios", "android", "python", "django", "react", "typescript",
    "terraform", "aws", "gcp", "azure", "networking", "vpn", "sso", "okrs", "strategy",
    "roadmap", "planning", "metrics", "analytics", "dbt", "looker", "data-quality",
    "migrations", "tech-debt", "feature-flags", "i18n", "ux", "research", "brand", "marketing",
    "content", "seo", "partnerships", "support", "billing", "invoicing", "payments",
    "procurement", "compliance", "soc2", "iso27001", "privacy", "contracts", "benefits",
    "parental-leave", "learning", "mentoring", "performance-review", "interviewing",
    "hackathon", "wellbeing", "remote-work", "facilities", "it", "laptops", "monitoring",
    "alerting", "grafana", "sentry", "pagerduty", "helm", "argocd", "vault", "cost", "finops",
    "capacity", "load-testing", "caching", "redis", "cdn", "dns", "tls", "certificates",
    "signing", "supply-chain", "sbom", "licensing", "open-source", "architecture",
    "design-docs", "postmortem", "runbooks", "automation", "scripting", "git", "code-review",
    "pairing", "estimates",
)  # fmt: skip
TAG_AREAS = (
    "api", "auth", "billing", "search", "mobile", "web", "data", "infra", "payments",
    "reporting", "checkout", "admin", "exports", "imports", "notifications", "sync",
    "scheduler", "gateway", "ledger", "catalog",
)  # fmt: skip
TAG_ASPECTS = (
    "performance", "bugs", "design", "migration", "roadmap", "testing", "docs", "security",
    "release", "onboarding", "metrics", "incidents", "cost", "ux", "oncall", "refactoring",
    "accessibility", "localization", "deprecation", "rollout",
)  # fmt: skip
TAG_COUNT = 500

SYSTEMS = (
    "the billing service", "the search index", "the release pipeline", "the payments API",
    "the mobile app", "the data warehouse", "the auth gateway", "the CI runners",
    "the staging cluster", "the customer portal", "the export job", "the notification service",
    "the feature flag service", "the reporting dashboard", "the onboarding flow",
    "the expense tool", "the VPN", "the design system", "the pricing page", "the HR portal",
    "the support inbox", "the Kafka cluster", "the Postgres primary", "the Redis cache",
    "the CDN", "the SSO login", "the audit log", "the invoice run",
)  # fmt: skip
ACTIONS = (
    "migrate", "upgrade", "monitor", "roll back", "document", "load-test", "secure", "scale",
    "deprecate", "debug", "benchmark", "back up", "rotate the keys of", "hand over", "review",
    "estimate the cost of",
)  # fmt: skip
CONTEXTS = (
    "in production", "on staging", "during the release freeze", "before the Q4 launch",
    "for EU customers", "for a new joiner", "without downtime", "on a Friday afternoon",
    "after the reorg", "across time zones", "for the audit", "in the Berlin office",
    "for enterprise accounts", "while on call", "at month end",
)  # fmt: skip
PROBLEMS = (
    "intermittent timeouts", "a memory leak", "slow queries", "flaky tests",
    "duplicate invoices", "missing receipts", "certificate expiry warnings",
    "permission errors", "high consumer lag", "stale search results", "a spike in 502s",
    "broken links", "confusing copy", "long review cycles", "too many alerts",
    "a disk filling up", "login loops", "rate limiting",
)  # fmt: skip
TOOLS = (
    "kubectl", "Terraform", "Grafana", "pgbouncer", "cosign", "Helm", "Argo CD",
    "the expense tool", "Figma", "Jira", "Salesforce", "Looker", "dbt", "Sentry", "PagerDuty",
    "GitHub Actions", "Vault", "Playwright",
)  # fmt: skip
TEAMS = (
    "Platform", "Payments", "Search", "Mobile", "Data", "Support", "Sales", "Finance", "Legal",
    "People", "Design", "Security", "Growth", "Release",
)  # fmt: skip
EVENTS = (
    "last deploy", "base image bump", "migration on Monday", "certificate rotation",
    "config change", "traffic spike", "holiday freeze", "vendor outage", "pricing launch",
    "office move",
)  # fmt: skip
PERIODS = ("week", "sprint", "month")
DONE = ("migrated", "upgraded", "documented", "rebuilt", "load-tested", "reviewed")
OUTCOMES = (
    "it only worked on my machine", "the error moved somewhere else",
    "the numbers still don't add up", "nobody seems to own that part", "it timed out again",
    "the docs are out of date", "it needs an approval I don't have",
)  # fmt: skip
COMMANDS = (
    "kubectl rollout status deploy/api", "terraform plan", "make test", "helm upgrade api",
    "cosign verify", "psql -c 'select 1'", "dbt run --select finance",
)  # fmt: skip


@dataclass
class World:
    """Who and what posts can refer to, with the Zipf-ish weights used to pick them."""

    user_ids: list[int]
    usernames: dict[int, str]
    author_weights: list[float]  # cumulative, over user_ids: a few people post a lot
    tag_ids: list[int]
    tag_weights: list[float]  # cumulative, over tag_ids: a few tags are everywhere
    open_ids: list[int]
    open_weights: list[float]
    private_members: dict[int, list[int]]  # private community id -> member user ids


def zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    """Cumulative weights 1/rank**exponent, for random.choices(cum_weights=...)."""
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, count + 1)))


class Texts:
    """Titles and Markdown bodies from a vocabulary of workplace topics.

    Rendering every body with render_markdown costs about 0.3 ms (measured: roughly two
    minutes for 400,000 bodies). Instead a pool of paragraphs is rendered once with the real
    renderer and bodies are joined from it: block-level Markdown separated by blank lines
    renders paragraph by paragraph, so the stored HTML is what the app would produce. Only
    the small "cc @someone" paragraphs are rendered per post.
    """

    def __init__(self, rng: random.Random, usernames: dict[int, str]) -> None:
        self.rng = rng
        self.usernames = usernames
        self.person_urls: dict[int, str] = {}
        self.paragraphs = [self._paragraph() for _ in range(PARAGRAPH_POOL)]
        self.rendered = [render_markdown(p) for p in self.paragraphs]

    def _sentence(self) -> str:
        c = self.rng.choice
        n = self.rng.randint(2, 40)
        return c(
            (
                f"We are seeing {c(PROBLEMS)} in {c(SYSTEMS)} since the {c(EVENTS)}.",
                f"I tried {c(TOOLS)} but {c(OUTCOMES)}.",
                f"The {c(TEAMS)} team {c(DONE)} {c(SYSTEMS)} last {c(PERIODS)}.",
                f"Is there a runbook for {c(PROBLEMS)} in {c(SYSTEMS)}?",
                f"Happy to pair on this {c(CONTEXTS)}.",
                f"My guess is that {c(SYSTEMS)} and {c(SYSTEMS)} disagree about time zones.",
                f"This blocks the {c(TEAMS)} team {c(CONTEXTS)}.",
                f"The dashboard shows {c(PROBLEMS)} for about {n}% of requests.",
                f"Last quarter we fixed something similar by restarting {c(SYSTEMS)}, "
                "which is not a real fix.",
                f"Could someone from {c(TEAMS)} take a look?",
                "I wrote down what I found so far; corrections welcome.",
                f"We should {c(ACTIONS)} {c(SYSTEMS)} {c(CONTEXTS)} instead.",
                f"It looks like {c(TOOLS)} caches the old value for {n} minutes.",
                f"Short answer: {c(ACTIONS)} {c(SYSTEMS)} first, then check {c(TOOLS)}.",
                "The ticket has the full logs and a timeline.",
                "Thanks, this saved me a day.",
                f"**Update:** {c(PROBLEMS)} went away after the {c(EVENTS)}.",
                f"See the `{c(TOOLS).lower().replace(' ', '-')}` docs, section {n}.",
            )
        )

    def _paragraph(self) -> str:
        roll = self.rng.random()
        if roll < 0.1:
            return "\n".join(f"- {self._sentence()}" for _ in range(self.rng.randint(2, 4)))
        if roll < 0.15:
            command = self.rng.choice(COMMANDS)
            problem = self.rng.choice(PROBLEMS)
            return f"```\n$ {command}\nerror: {problem} after {self.rng.randint(2, 90)} s\n```"
        return " ".join(self._sentence() for _ in range(self.rng.randint(1, 3)))

    def title(self) -> str:
        c = self.rng.choice
        return c(
            (
                f"How do we {c(ACTIONS)} {c(SYSTEMS)} {c(CONTEXTS)}?",
                f"Why does {c(SYSTEMS)} show {c(PROBLEMS)} {c(CONTEXTS)}?",
                f"Who owns {c(SYSTEMS)} {c(CONTEXTS)}?",
                f"Is there a runbook for {c(PROBLEMS)} in {c(SYSTEMS)}?",
                f"What's the best way to {c(ACTIONS)} {c(SYSTEMS)} with {c(TOOLS)}?",
                f"{c(TOOLS)}: {c(PROBLEMS)} after the {c(EVENTS)}",
                f"Anyone else seeing {c(PROBLEMS)} since the {c(EVENTS)}?",
                f"Can the {c(TEAMS)} team help with {c(PROBLEMS)} in {c(SYSTEMS)}?",
                f"How long does it take to {c(ACTIONS)} {c(SYSTEMS)}?",
            )
        )

    def body(self, paragraphs: int, mentioned: Sequence[int]) -> tuple[str, str]:
        """(Markdown, HTML) of `paragraphs` pooled paragraphs plus a line mentioning people."""
        picks = [self.rng.randrange(PARAGRAPH_POOL) for _ in range(paragraphs)]
        texts = [self.paragraphs[i] for i in picks]
        htmls = [self.rendered[i] for i in picks]
        if mentioned:
            line = "cc " + " ".join("@" + self.usernames[u] for u in mentioned)
            urls = {self.usernames[u].lower(): self.person_url(u) for u in mentioned}
            texts.append(line)
            htmls.append(render_markdown(line, mention_urls=urls))
        return "\n\n".join(texts), "".join(htmls)

    def person_url(self, user_id: int) -> str:
        if user_id not in self.person_urls:
            username = self.usernames[user_id]
            self.person_urls[user_id] = reverse("person", kwargs={"username": username})
        return self.person_urls[user_id]


def ensure_people(people: int, *, progress: bool) -> int:
    already = User.objects.count()
    with tqdm(
        total=max(0, people - len(profiles_demo.CORE_PEOPLE)),
        desc="People",
        unit="person",
        disable=not progress,
    ) as bar:
        profiles_demo.seed(people=people, progress=bar.update)
    return User.objects.count() - already


def ensure_tags() -> list[int]:
    """TAG_COUNT tag ids, the realistic names first: they get the highest Zipf weights."""
    names = list(dict.fromkeys(BASE_TAGS))
    names += [f"{area}-{aspect}" for aspect in TAG_ASPECTS for area in TAG_AREAS]
    names = names[:TAG_COUNT]
    existing = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
    Tag.objects.bulk_create(
        [Tag(name=n, slug=slugify(n)) for n in names if n not in existing],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
    return [ids[n] for n in names if n in ids]


def ensure_communities(rng: random.Random, user_ids: list[int]) -> tuple[list[int], list[int]]:
    """(open ids, private ids), creating what is missing, owned by someone random."""
    open_ids: list[int] = []
    private_ids: list[int] = []
    for name, private in COMMUNITIES:
        community, _ = Community.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "visibility": Community.Visibility.PRIVATE
                if private
                else Community.Visibility.OPEN,
                "created_by_id": rng.choice(user_ids),
            },
        )
        Membership.objects.get_or_create(
            community=community,
            user_id=community.created_by_id,
            defaults={"role": Membership.Role.OWNER},
        )
        (private_ids if community.is_private else open_ids).append(community.pk)
    return open_ids, private_ids


def seed_memberships(
    rng: random.Random, user_ids: list[int], open_ids: list[int], private_ids: list[int]
) -> int:
    """People join a few open communities (the big ones more often); private ones get ~2%."""
    before = Membership.objects.count()
    open_weights = zipf_weights(len(open_ids))
    rows = []
    for user_id in user_ids:
        joined = rng.choices(open_ids, cum_weights=open_weights, k=rng.choice((0, 1, 1, 2, 3, 4)))
        rows += [Membership(community_id=c, user_id=user_id) for c in set(joined)]
    for community_id in private_ids:
        size = min(len(user_ids), max(5, len(user_ids) // 50))
        rows += [
            Membership(community_id=community_id, user_id=u) for u in rng.sample(user_ids, size)
        ]
    with transaction.atomic():
        Membership.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return Membership.objects.count() - before


def load_world(rng: random.Random, *, progress: bool) -> tuple[World, dict[str, int]]:
    users = list(User.objects.filter(is_active=True).order_by("id").values_list("id", "username"))
    user_ids = [u for u, _ in users]
    authors = user_ids[:]
    rng.shuffle(authors)  # who posts most is random, not the oldest accounts
    tag_ids = ensure_tags()
    open_ids, private_ids = ensure_communities(rng, user_ids)
    memberships = seed_memberships(rng, user_ids, open_ids, private_ids)
    members: dict[int, list[int]] = {c: [] for c in private_ids}
    for community_id, user_id in Membership.objects.filter(
        community_id__in=private_ids
    ).values_list("community_id", "user_id"):
        members[community_id].append(user_id)
    world = World(
        user_ids=authors,
        usernames=dict(users),
        author_weights=zipf_weights(len(authors), 0.8),
        tag_ids=tag_ids,
        tag_weights=zipf_weights(len(tag_ids), 1.0),
        open_ids=open_ids,
        open_weights=zipf_weights(len(open_ids), 0.7),
        private_members=members,
    )
    follows = seed_follows(rng, world, progress=progress)
    return world, {
        "tags": len(tag_ids),
        "communities": len(open_ids) + len(private_ids),
        "memberships created": memberships,
        "follows created": follows,
    }


def seed_follows(rng: random.Random, world: World, *, progress: bool) -> int:
    """Everyone follows some colleagues (popular posters more often) and a few tags."""
    before = Follow.objects.count()
    step = 1_000
    with tqdm(
        total=len(world.user_ids), desc="Follows", unit="person", disable=not progress
    ) as bar:
        for start in range(0, len(world.user_ids), step):
            rows = []
            for follower in world.user_ids[start : start + step]:
                wanted = min(int(rng.expovariate(1 / FOLLOWS_MEAN)), 300)
                people = set(
                    rng.choices(world.user_ids, cum_weights=world.author_weights, k=wanted)
                )
                people.discard(follower)
                rows += [Follow(follower_id=follower, user_id=u) for u in people]
                tags = rng.choices(
                    world.tag_ids, cum_weights=world.tag_weights, k=rng.choice((0, 1, 2, 3, 5))
                )
                rows += [Follow(follower_id=follower, tag_id=t) for t in set(tags)]
            with transaction.atomic():
                Follow.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
            bar.update(min(step, len(world.user_ids) - start))
    return Follow.objects.count() - before


class PostWriter:
    """Generates posts chunk by chunk with everything that hangs off them."""

    def __init__(self, rng: random.Random, world: World, now: datetime) -> None:
        self.rng = rng
        self.world = world
        self.now = now
        self.texts = Texts(rng, world.usernames)
        self.next_post_id = (Post.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.next_answer_id = (Answer.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.counts = dict.fromkeys(("posts", "answers", "likes", "mentions", "tagged posts"), 0)

    def author(self) -> int:
        w = self.world
        return self.rng.choices(w.user_ids, cum_weights=w.author_weights)[0]

    def someone_else(self, audience: list[int] | None, not_this: int) -> int:
        while True:
            person = self.rng.choice(audience) if audience else self.author()
            if person != not_this or (audience is not None and len(audience) == 1):
                return person

    def likers(self, audience: list[int] | None, author: int, mean: float) -> list[int]:
        pool = audience or self.world.user_ids
        wanted = min(int(self.rng.expovariate(1 / mean)), len(pool) - 1)
        if wanted <= 0:
            return []
        return [u for u in self.rng.sample(pool, wanted + 1) if u != author][:wanted]

    def mentions(self, audience: list[int] | None, author: int, share: float) -> list[int]:
        if self.rng.random() >= share:
            return []
        pool = audience or self.world.user_ids
        people = {self.rng.choice(pool) for _ in range(self.rng.choice((1, 1, 2)))}
        people.discard(author)
        return sorted(people)

    def later(self, moment: datetime, mean_seconds: float) -> datetime:
        return min(moment + timedelta(seconds=self.rng.expovariate(1 / mean_seconds)), self.now)

    def plan(self, count: int, answers: int) -> tuple[list[bool], list[int | None], list[int]]:
        """Per post: is it a question, its community, and how many answers it gets."""
        rng, w = self.rng, self.world
        private_ids = list(w.private_members)
        questions = [rng.random() < QUESTION_SHARE for _ in range(count)]
        communities: list[int | None] = []
        for _ in range(count):
            roll = rng.random()
            if roll < 0.05 and private_ids:
                communities.append(rng.choice(private_ids))
            elif roll < 0.5 and w.open_ids:
                communities.append(rng.choices(w.open_ids, cum_weights=w.open_weights)[0])
            else:
                communities.append(None)
        weights = [
            0.0
            if rng.random() < (UNANSWERED_SHARE if q else 0.5)
            else rng.expovariate(1.0) * (1.0 if q else 0.4)
            for q in questions
        ]
        per_post = [0] * count
        if answers and any(weights):
            cumulative = list(itertools.accumulate(weights))
            for index in rng.choices(range(count), cum_weights=cumulative, k=answers):
                per_post[index] += 1
        return questions, communities, per_post

    def write(self, count: int, answers: int, bar: tqdm[Any]) -> dict[str, int]:
        questions, communities, per_post = self.plan(count, answers)
        span = timedelta(days=DAYS).total_seconds()
        start = self.now - timedelta(days=DAYS)
        for first in range(0, count, CHUNK):
            last = min(count, first + CHUNK)
            rows: dict[str, list[Any]] = {"posts": [], "answers": [], "tagged": [], "likes": []}
            rows["mentions"] = []
            for i in range(first, last):
                created = start + timedelta(seconds=span * (i + self.rng.random()) / count)
                self.post(rows, questions[i], communities[i], per_post[i], created)
            with transaction.atomic():
                Post.objects.bulk_create(rows["posts"], batch_size=BATCH)
                Answer.objects.bulk_create(rows["answers"], batch_size=BATCH)
                TaggedPost.objects.bulk_create(rows["tagged"], batch_size=BATCH)
                Like.objects.bulk_create(rows["likes"], batch_size=BATCH)
                Mention.objects.bulk_create(rows["mentions"], batch_size=BATCH)
            self.counts["posts"] += len(rows["posts"])
            self.counts["answers"] += len(rows["answers"])
            self.counts["tagged posts"] += len(rows["tagged"])
            self.counts["likes"] += len(rows["likes"])
            self.counts["mentions"] += len(rows["mentions"])
            bar.update(last - first)
        return self.counts

    def post(
        self,
        rows: dict[str, list[Any]],
        is_question: bool,
        community_id: int | None,
        answer_count: int,
        created: datetime,
    ) -> None:
        rng, texts = self.rng, self.texts
        audience = self.world.private_members.get(community_id) if community_id else None
        author = rng.choice(audience) if audience else self.author()
        post_id = self.next_post_id
        self.next_post_id += 1

        mentioned = self.mentions(audience, author, MENTION_SHARE)
        paragraphs = rng.randint(1, 3) if is_question else 1
        body, body_html = texts.body(paragraphs, mentioned)
        rows["mentions"] += [
            Mention(post_id=post_id, user_id=u, created_at=created) for u in mentioned
        ]

        latest = created
        answer_ids: list[int] = []
        for _ in range(answer_count):
            answer_id = self.next_answer_id
            self.next_answer_id += 1
            answer_ids.append(answer_id)
            latest = self.later(latest, ANSWER_GAP_SECONDS)
            answerer = self.someone_else(audience, author)
            in_answer = self.mentions(audience, answerer, MENTION_SHARE / 3)
            text, html = texts.body(rng.randint(1, 2), in_answer)
            likers = self.likers(audience, answerer, ANSWER_LIKES_MEAN)
            rows["answers"].append(
                Answer(
                    id=answer_id,
                    post_id=post_id,
                    author_id=answerer,
                    body=text,
                    body_html=html,
                    created_at=latest,
                    like_count=len(likers),
                )
            )
            rows["likes"] += [
                Like(user_id=u, answer_id=answer_id, created_at=self.later(latest, 3600))
                for u in likers
            ]
            rows["mentions"] += [
                Mention(post_id=post_id, answer_id=answer_id, user_id=u, created_at=latest)
                for u in in_answer
            ]

        accepted = None
        if is_question and answer_ids and rng.random() < ACCEPTED_SHARE:
            accepted = rng.choice(answer_ids)
        likers = self.likers(audience, author, POST_LIKES_MEAN)
        rows["likes"] += [
            Like(user_id=u, post_id=post_id, created_at=self.later(created, 86_400)) for u in likers
        ]
        tag_count = rng.choice((1, 1, 2, 2, 3, 4) if is_question else (0, 0, 1, 2))
        tags = set(rng.choices(self.world.tag_ids, cum_weights=self.world.tag_weights, k=tag_count))
        rows["tagged"] += [
            TaggedPost(content_object_id=post_id, tag_id=t, last_activity_at=latest) for t in tags
        ]
        rows["posts"].append(
            Post(
                id=post_id,
                kind=Post.Kind.QUESTION if is_question else Post.Kind.STATUS,
                author_id=author,
                title=texts.title() if is_question else "",
                body=body,
                body_html=body_html,
                community_id=community_id,
                created_at=created,
                last_activity_at=latest,
                accepted_answer_id=accepted,
                answer_count=answer_count,
                like_count=len(likers),
            )
        )


def reset_sequences() -> None:
    """Move PostgreSQL's id sequences past the ids assigned here (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Post, Answer])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyze() -> None:
    """Refresh planner statistics so benchmarks see the query plans production would."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def seed(
    *, posts: int, answers: int, people: int, progress: bool = True, random_seed: int = SEED
) -> dict[str, int]:
    """Top the database up to `posts` posts (with answers in proportion) and `people` people.

    Does nothing to posts when there are already `posts` or more. Counts of what exists or
    was created are returned; the same arguments give the same data on an empty database.
    """
    rng = random.Random(random_seed)  # benchmark data, not secrets
    created_people = ensure_people(people, progress=progress)
    existing = Post.objects.count()
    counts = {"people": User.objects.count(), "people created": created_people}
    if existing >= posts:
        return counts | {"posts": existing, "posts created": 0, "answers created": 0}
    wanted_posts = posts - existing
    wanted_answers = round(answers * wanted_posts / posts)
    world, world_counts = load_world(rng, progress=progress)
    writer = PostWriter(rng, world, timezone.now())
    with tqdm(total=wanted_posts, desc="Posts", unit="post", disable=not progress) as bar:
        written = writer.write(wanted_posts, wanted_answers, bar)
    reset_sequences()
    analyze()
    return (
        counts
        | world_counts
        | {"posts": Post.objects.count()}
        | {f"{what} created": n for what, n in written.items()}
    )


def migrate_if_needed() -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed_large",
        description="Seed a large benchmark database (DATABASE_URL, or SQLite in VAR_DIR).",
    )
    parser.add_argument("--posts", type=int, default=100_000, help="posts in total")
    parser.add_argument("--answers", type=int, default=300_000, help="answers in total")
    parser.add_argument("--people", type=int, default=5_000, help="people in total")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    if min(args.posts, args.answers, args.people) < 0:
        parser.error("sizes must be 0 or more")
    database = connection.settings_dict
    print(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
    started = time.perf_counter()
    migrate_if_needed()
    counts = seed(
        posts=args.posts, answers=args.answers, people=args.people, progress=not args.no_progress
    )
    elapsed = time.perf_counter() - started
    if counts["posts created"] == 0:
        print(f"Already {counts['posts']:,} posts (asked for {args.posts:,}): nothing to add.")
    print(", ".join(f"{n:,} {what}" for what, n in counts.items()))
    print(f"Elapsed: {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
