"""Links between posts: which posts and answers of this site a post or answer links to.

Recorded when a post or answer is written or edited (questions.actions calls
record_item_links inside its transaction), so that the de facto standards can count how
often an item is referred to (reports.standards). The stored, sanitized HTML is read
rather than the Markdown, so Markdown links, autolinks and bare URLs all count.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils import timezone

from profiles.models import User
from questions.models import Answer, ItemLink, Post
from questions.permissions import visible_posts

HREF_RE = re.compile(r"""<a\s[^>]*?href=["']([^"']+)["']""", re.IGNORECASE)
POST_VIEWS = {"post", "post_short"}  # url names of a post's page (questions/urls.py)
ANSWER_FRAGMENT_RE = re.compile(r"^answer-(\d+)$")
MAX_LINKS = 50  # per post or answer: more is a list of links, not a recommendation


@dataclass(frozen=True)
class LinkTarget:
    post_id: int
    answer_id: int | None = None


def _is_this_site(host: str) -> bool:
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


def find_item_links(body_html: str) -> list[LinkTarget]:
    """Posts and answers of this site linked from `body_html`, in order, once each.

    A link counts when its path is a post's page (`/q/<pk>/` or `/q/<pk>/<slug>/`, as the
    URLconf resolves it, so `/q/<pk>/edit/` is not one) and it is
    relative or points at one of ALLOWED_HOSTS; `#answer-<pk>` makes it a link to that
    answer. Nothing is checked against the database here."""
    found: dict[LinkTarget, None] = {}
    for raw in HREF_RE.findall(body_html):
        parts = urlsplit(html.unescape(raw).strip())
        if parts.scheme not in ("", "http", "https"):
            continue
        if parts.netloc and not _is_this_site(parts.netloc):
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        if match.url_name not in POST_VIEWS:
            continue
        fragment = ANSWER_FRAGMENT_RE.match(parts.fragment)
        target = LinkTarget(int(match.kwargs["pk"]), int(fragment.group(1)) if fragment else None)
        found[target] = None
    return list(found)[:MAX_LINKS]


def record_item_links(
    *, writer: User, source_post: Post, source_answer: Answer | None = None, new: bool = False
) -> None:
    """Make the recorded links of a post (or of one of its answers) match its current HTML.

    Call inside the writing action's transaction, after the text is saved; `new` says the
    source was just created (so it has no links yet). Links to posts the writer cannot see,
    to missing or deleted items, within the same thread, and to the writer's own posts and
    answers are left out. Links that remain keep their first date."""
    body_html = source_answer.body_html if source_answer is not None else source_post.body_html
    found = find_item_links(body_html)
    if new and not found:
        return  # the common case costs no query
    wanted = _existing_targets(writer, source_post, found)
    current = ItemLink.objects.filter(source_post=source_post, source_answer=source_answer)
    have = {LinkTarget(link.target_post_id, link.target_answer_id): link for link in current}
    gone = [link.pk for target, link in have.items() if target not in wanted]
    if gone:
        ItemLink.objects.filter(pk__in=gone).delete()
    now = timezone.now()
    ItemLink.objects.bulk_create(
        [
            ItemLink(
                source_post=source_post,
                source_answer=source_answer,
                target_post_id=target.post_id,
                target_answer_id=target.answer_id,
                created_at=now,
            )
            for target in wanted
            if target not in have
        ]
    )


def _existing_targets(
    writer: User, source_post: Post, targets: list[LinkTarget]
) -> set[LinkTarget]:
    """The targets that exist, are alive, are visible to the writer, are in another thread
    and are somebody else's. A link to an answer of another post than the URL's counts as a
    link to the post."""
    post_ids = {t.post_id for t in targets} - {source_post.pk}
    if not post_ids:
        return set()
    posts = dict(visible_posts(writer).filter(pk__in=post_ids).values_list("pk", "author_id"))
    answer_ids = {t.answer_id for t in targets if t.answer_id is not None}
    answers: dict[int, tuple[int, int]] = {}
    if answer_ids:
        rows = Answer.objects.filter(pk__in=answer_ids, deleted_at__isnull=True)
        answers = {pk: (p, a) for pk, p, a in rows.values_list("pk", "post_id", "author_id")}
    kept: set[LinkTarget] = set()
    for target in targets:
        if target.post_id not in posts:
            continue
        answer = answers.get(target.answer_id) if target.answer_id is not None else None
        if answer is not None and answer[0] == target.post_id:
            if answer[1] != writer.pk:
                kept.add(target)
        elif posts[target.post_id] != writer.pk:
            kept.add(LinkTarget(target.post_id))
    return kept
