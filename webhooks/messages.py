"""What a delivery says, built at each attempt from the event's ids, with the eyes of the
hook's owner: None when they may no longer see it (a post deleted, or moved out of their
sight since the event), so that a payload never carries what its owner could not read.

Three shapes: plain JSON for the company's own services, Slack's `{"text": ...}` and a
Microsoft Teams Adaptive Card, so that a channel can receive "New question in #release: ..."
with a link and nothing else to set up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse

from intranet.lib import domain_events as events
from profiles.models import User
from profiles.permissions import is_people_staff
from questions.models import Answer, DraftVersion, Post
from questions.permissions import can_view_post, is_community_owner
from webhooks.models import Delivery, Webhook


class NotForThisOwner(Exception):  # noqa: N818  (a refusal, not an error of the program)
    """The hook's owner may not see what the event is about (any more): nothing is sent."""


@dataclass
class Message:
    """What happened, as the hook's owner may know it."""

    headline: str  # "New question in #release"
    title: str
    url: str
    author: str
    fields: dict[str, Any] = field(default_factory=dict)  # the JSON format's own keys


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def display_name(user: User) -> str:
    profile = getattr(user, "profile", None)
    return profile.display_name if profile is not None and profile.display_name else user.username


def check_owner(hook: Webhook) -> User:
    """The hook's owner, if the hook may still speak for them: a current colleague who is
    still staff (a staff hook) or still an owner of the community (a community hook)."""
    owner = User.objects.select_related("profile").get(pk=hook.owner_id)
    if owner.is_former:
        raise NotForThisOwner("The hook's owner has left; the hook is stopped.")
    if hook.community_id is None and not is_people_staff(owner):
        raise NotForThisOwner("The hook's owner is no longer staff.")
    if hook.community is not None and not is_community_owner(owner, hook.community):
        raise NotForThisOwner("The hook's owner no longer owns the community.")
    return owner


def _visible_post(owner: User, hook: Webhook, post_id: int) -> Post:
    post = Post.objects.select_related("community", "author__profile").filter(pk=post_id).first()
    if post is None or not can_view_post(owner, post):
        raise NotForThisOwner("The hook's owner cannot see this post (any more).")
    if hook.community_id is not None and post.community_id != hook.community_id:
        raise NotForThisOwner("The post is no longer in the hook's community.")
    return post


def _where(hook: Webhook, post: Post, tags: list[str]) -> str:
    if hook.tag:
        return f" in #{hook.tag}"
    if post.community is not None:
        return f" in {post.community.name}"
    return f" in #{tags[0]}" if tags else ""


def build(delivery: Delivery, hook: Webhook) -> Message:
    """The delivery's message as the hook's owner may see it now; NotForThisOwner if not."""
    owner = check_owner(hook)
    data = delivery.payload
    event = delivery.event
    base: dict[str, Any] = {
        "event": event,
        "delivery_id": delivery.pk,
        "occurred_at": data.get("occurred_at"),
    }
    if event == events.PERSON_DEPARTED:
        person = User.objects.select_related("profile").filter(pk=data["user_id"]).first()
        if person is None:
            raise NotForThisOwner("The person's account no longer exists.")
        name = display_name(person)
        url = absolute(reverse("person", kwargs={"username": person.username}))
        return Message(
            headline=f"{name} has left the company",
            title=name,
            url=url,
            author=name,
            fields={**base, "user_id": person.pk, "name": name, "url": url},
        )
    post = _visible_post(owner, hook, data["post_id"])
    tags = sorted(post.tags.names())
    kind = post.get_kind_display().lower()
    url = absolute(post.get_absolute_url())
    author = display_name(post.author)
    ids: dict[str, Any] = {"post_id": post.pk}
    if event in (events.ANSWER_POSTED, events.ANSWER_ACCEPTED):
        answer = (
            Answer.objects.select_related("author__profile")
            .filter(pk=data["answer_id"], post=post, deleted_at__isnull=True)
            .first()
        )
        if answer is None:
            raise NotForThisOwner("The answer was deleted.")
        url = f"{url}#answer-{answer.pk}"
        author = display_name(answer.author)
        ids["answer_id"] = answer.pk
        what = "New answer" if event == events.ANSWER_POSTED else "Answer accepted"
        headline = f"{what} by {author}"
    elif event in (events.DRAFT_SHARED, events.DRAFT_VERSION_SHARED):
        version = (
            DraftVersion.objects.select_related("uploaded_by__profile")
            .filter(pk=data["version_id"], post=post)
            .first()
        )
        if version is None:
            raise NotForThisOwner("The version no longer exists.")
        author = display_name(version.uploaded_by)
        ids.update(version_id=version.pk, version_number=version.number)
        if event == events.DRAFT_SHARED:
            headline = f"New draft{_where(hook, post, tags)}, feedback welcome"
        else:
            headline = f"Version {version.number} of a draft by {author}"
    else:
        headline = f"New {kind}{_where(hook, post, tags)}"
    return Message(
        headline=headline,
        title=post.display_title,
        url=url,
        author=author,
        fields={
            **base,
            **ids,
            "kind": post.kind,
            "title": post.display_title,
            "url": url,
            "author": author,
            "tags": tags,
            "community": post.community.slug if post.community is not None else None,
        },
    )


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn: these three are control characters in links and mentions.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(message: Message, format: str) -> dict[str, Any]:
    """The request body for the hook's format."""
    if format == Webhook.Format.SLACK:
        link = f"<{message.url}|{_slack_escape(message.title)}>"
        return {"text": f"{_slack_escape(message.headline)}: {link}"}
    if format == Webhook.Format.TEAMS:
        # An Adaptive Card in a message envelope: what both a Teams Workflows webhook and the
        # older incoming-webhook connectors accept.
        card = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": [
                {"type": "TextBlock", "text": message.headline, "weight": "Bolder", "wrap": True},
                {"type": "TextBlock", "text": message.title, "wrap": True},
            ],
            "actions": [{"type": "Action.OpenUrl", "title": "Open in Outloud", "url": message.url}],
        }
        return {
            "type": "message",
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
            ],
        }
    return message.fields
