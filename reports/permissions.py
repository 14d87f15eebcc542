"""Who may read the reports: staff only. Anyone else gets 404, as for anything hidden
(LoginRequiredMiddleware sends anonymous visitors to sign in before a view runs).

What a staff member sees of private communities: every number counts everything (staff are
the company's trusted admins, and a count reveals no content), but an item's title and link
from a private community are shown only to members of that community; others read
"An item in a private community". Likewise a tag used only inside private communities the
reader is not in is not named.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from taggit.models import Tag

from profiles.models import User
from questions.models import Community, Membership, TaggedPost
from questions.permissions import seen_through
from reports.tables import Link

View = TypeVar("View", bound=Callable[..., HttpResponse])
PRIVATE_ITEM = "An item in a private community"


def can_view_reports(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def staff_only(view: View) -> View:
    """Decorate a report view: 404 for everyone but active staff."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_reports(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


class ItemTitles:
    """Links to posts as one viewer may see them (two queries, then none per item)."""

    def __init__(self, viewer: User) -> None:
        self.private = set(
            Community.objects.filter(visibility=Community.Visibility.PRIVATE).values_list(
                "pk", flat=True
            )
        )
        self.member_of = set(
            Membership.objects.filter(user=viewer, community_id__in=self.private).values_list(
                "community_id", flat=True
            )
        )

    def may_see(self, community_id: int | None) -> bool:
        return (
            community_id is None
            or community_id not in self.private
            or (community_id in self.member_of)
        )

    def link(self, *, title: str, url: str, community_id: int | None) -> Link:
        if not self.may_see(community_id):
            return Link(PRIVATE_ITEM)
        return Link(title, url)


def tag_names(viewer: User, ids: list[int]) -> dict[int, str]:
    """ "#name" for each tag of `ids` the viewer may know (on at least one post they can
    see, as questions.permissions.visible_tags decides for autocomplete), else "Private tag
    <id>" (two queries; each tag's check stops at its first visible post)."""
    on_a_visible_post = TaggedPost.objects.filter(tag_id=OuterRef("pk")).filter(
        seen_through("content_object__", viewer)
    )
    rows = (
        Tag.objects.filter(pk__in=ids)
        .annotate(seen=Exists(on_a_visible_post))
        .values_list("pk", "name", "seen")
    )
    return {pk: f"#{name}" if seen else f"Private tag {pk}" for pk, name, seen in rows}
