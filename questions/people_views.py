"""The pages about people that show or check posts: a person's board, the @mention
autocomplete and the away notice under a compose box.

They live with the posts because they read them (the board's feed and bookmarks, who may
be mentioned in a community, the tags and community of the post being written); their
URLs stay under /people/ (questions/people_urls.py). The people's own pages (the
directory, editing one's profile) are in profiles.views.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import dateformat
from django.views.decorators.http import require_GET
from taggit.models import Tag

from intranet.lib.http import AuthenticatedRequest
from profiles.availability import AWAY_DATE_FORMAT
from profiles.expertise import declared_topics, top_topics
from profiles.models import Follow, Profile, current_q
from profiles.permissions import can_edit_profile, get_profile_for_user
from questions import feeds
from questions.actions import MAX_BODY, find_mentioned_people
from questions.availability import away_notice
from questions.models import Bookmark, Community
from questions.permissions import (
    can_view_post,
    get_community_by_id_for_user,
    get_post_for_user,
    mentionable_q,
    visible_communities,
)
from questions.tagging import clean_tag_names


@require_GET
def person(request: AuthenticatedRequest, username: str) -> HttpResponse:
    """A person's board: who they are, their posts and the posts that mention them."""
    profile = get_profile_for_user(request.user, username)
    page = feeds.board(request.user, profile.user, cursor=request.GET.get("after"))
    if request.htmx and request.GET.get("after"):
        return render(request, "questions/partials/feed_page.html", {"page": page})
    bookmarks = Bookmark.objects.filter(user=profile.user).select_related(
        "post__community", "answer__post__community"
    )
    if profile.user_id != request.user.pk:
        bookmarks = bookmarks.filter(is_private=False)
    shown = [b for b in bookmarks[:30] if can_view_post(request.user, b.post or b.answer.post)]  # type: ignore[union-attr]
    context = {
        "profile": profile,
        "can_edit": can_edit_profile(request.user, profile),
        "page": page,
        "bookmarks": shown,
        "following": Follow.objects.filter(follower=request.user, user=profile.user).exists(),
        "follower_count": Follow.objects.filter(user=profile.user).count(),
        "topics": top_topics(profile.user),
        "declared": declared_topics(profile.user),
    }
    return render(request, "profiles/person.html", context)


@require_GET
def suggest_people(request: AuthenticatedRequest) -> JsonResponse:
    """Colleagues whose handle or name starts with `q`, for @mention autocomplete.

    Composing in a private community suggests only its members, so that nobody is invited
    to a conversation they cannot see.
    """
    q = request.GET.get("q", "").strip().lstrip("@")[:50]
    if not q:
        return JsonResponse({"results": []})
    people = Profile.objects.filter(current_q(via="user__")).filter(
        Q(user__username__istartswith=q)
        | Q(display_name__istartswith=q)
        | Q(display_name__icontains=f" {q}")
    )
    community_id = request.GET.get("community", "")
    if community_id.isdigit():
        community = get_community_by_id_for_user(request.user, int(community_id))
        people = people.filter(mentionable_q(community, via="user__"))
    people = people.select_related("user", "department").order_by("display_name")[:8]
    results = [
        {
            "value": p.user.username,
            "label": p.display_name,
            "detail": " · ".join(
                x
                for x in [
                    f"@{p.user.username}",
                    p.title,
                    p.department.name if p.department else "",
                    f"away until {dateformat.format(p.away_until, AWAY_DATE_FORMAT)}"
                    if p.is_away and p.away_until
                    else "",
                ]
                if x
            ),
            "initials": p.initials,
            "away": p.is_away,
        }
        for p in people
    ]
    return JsonResponse({"results": results})


@require_GET
def away_notice_view(request: AuthenticatedRequest) -> HttpResponse:
    """While someone types a post: who of the people they @mention is away, and available
    colleagues who know about its tags. From the text (`body`, `tags`, `community`), or for
    an answer from its question (`post`)."""
    mentioned = find_mentioned_people(request.GET.get("body", "")[:MAX_BODY])
    notice = None
    if any(person.profile.is_away for person in mentioned):  # most keystrokes end here
        tags, community, exclude = _post_setting(request)
        notice = away_notice(
            author=request.user,
            mentioned=mentioned,
            tags=tags,
            community=community,
            also_exclude=exclude,
        )
    template = "profiles/partials/away_notice.html" if request.htmx else "profiles/away_notice.html"
    return render(request, template, {"notice": notice})


def _post_setting(request: AuthenticatedRequest) -> tuple[list[Tag], Community | None, set[int]]:
    """The tags and community of the post being written, and who not to suggest besides
    the writer: from the form's fields, or for an answer from its question (404 if hidden)."""
    post_id = request.GET.get("post", "")
    if post_id.isdigit():
        post = get_post_for_user(request.user, int(post_id))
        return list(post.tags.all()), post.community, {post.author_id}
    tags = list(Tag.objects.filter(name__in=_tag_names(request.GET.get("tags", ""))))
    community_id = request.GET.get("community", "")
    community = (
        visible_communities(request.user).filter(pk=community_id).first()
        if community_id.isdigit()
        else None
    )
    return tags, community, set()


def _tag_names(raw: str) -> list[str]:
    try:
        return clean_tag_names(raw[:300])
    except ValidationError:
        return []  # half-typed tags: suggest without them rather than fail
