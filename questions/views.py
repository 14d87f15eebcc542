"""Pages for posts, answers, likes, bookmarks, tags and communities.

Each view: parse the form, fetch through permissions, call an action, render or redirect.
With htmx the same URL answers with a partial; everything works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from taggit.models import Tag

from intranet.lib import ratelimit
from intranet.lib.http import AuthenticatedRequest
from profiles.actions import ensure_profile, set_follow_tag
from profiles.expertise import experts_for_tag
from profiles.models import Profile
from questions import actions, feeds, fragments, standards
from questions.availability import warn_away_mentions
from questions.files import FILE_TYPES
from questions.first_day import first_day
from questions.forms import (
    AddMemberForm,
    AnswerForm,
    CommunityForm,
    ComposeForm,
    DraftCommentForm,
    DraftForm,
    EditPostForm,
    QuestionForm,
    VersionForm,
)
from questions.fragments import AnswerRow
from questions.models import Answer, Bookmark, DraftVersion, Like, Membership, Post
from questions.permissions import (
    can_accept_answer,
    can_edit_answer,
    can_edit_post,
    get_answer_for_user,
    get_community_for_user,
    get_post_for_user,
    is_community_owner,
    visible_communities,
    visible_tags,
)
from questions.uploads import upload_errors


def _apply(form: Form, error: ValidationError) -> None:
    """Show an action's ValidationError on the form, on its field where it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _throttle(
    request: AuthenticatedRequest, form: Form, *actions: str
) -> ratelimit.Throttled | None:
    """Count the write about to happen against the person's rate limits; over one, say so on
    the form (which keeps what they typed) and return the verdict for the 429."""
    for action in actions:
        if verdict := ratelimit.throttle(user=request.user, action=action):
            form.add_error(None, verdict.message)
            return verdict
    return None


def _with_status(response: HttpResponse, verdict: ratelimit.Throttled | None) -> HttpResponse:
    return ratelimit.too_many_requests(response, verdict) if verdict else response


def _feed_response(
    request: AuthenticatedRequest, page: feeds.FeedPage, context: dict[str, Any], template: str
) -> HttpResponse:
    context = {**context, "page": page}
    if request.htmx and request.GET.get("after"):
        return render(request, "questions/partials/feed_page.html", context)
    return render(request, template, context)


def _preview(request: AuthenticatedRequest) -> dict[str, str] | None:
    """The Preview button pressed (JavaScript off: it submits the form itself): the typed
    body rendered as posting would render it, else None. Nothing is saved."""
    if request.method != "POST" or "preview" not in request.POST:
        return None
    return _render_preview(request.POST.get("body", ""))


def _render_preview(body: str) -> dict[str, str]:
    if not body.strip():
        return {"error": "Nothing to preview yet: write something first."}
    if len(body) > actions.MAX_BODY:
        return {"error": f"Keep this under {actions.MAX_BODY:,} characters (it has {len(body):,})."}
    try:
        return {"html": actions.render_with_mentions(body).html}
    except ValidationError as error:
        return {"error": " ".join(error.messages)}


def _as_typed(request: AuthenticatedRequest) -> dict[str, Any]:
    """What was typed, as a form's initial values: a previewed form shows it without the
    errors a half-written post would have."""
    return request.POST.dict()


@require_POST
def markdown_preview(request: AuthenticatedRequest) -> HttpResponse:
    """The preview box alone, for htmx (the body of any compose, answer or edit form)."""
    return render(
        request,
        "questions/partials/markdown_preview.html",
        {"markdown_preview": _render_preview(request.POST.get("body", ""))},
    )


def _own_profile(request: AuthenticatedRequest) -> Profile:
    """The signed-in person's profile with its department, cached on request.user so the
    header and the page share one query (the one profiles.timezones made, when it did)."""
    profile = request.user._state.fields_cache.get("profile")
    if profile is None:
        profile = Profile.objects.select_related("department").filter(user=request.user).first()
    profile = profile or ensure_profile(user=request.user)
    request.user.profile = profile
    return profile


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    tab = request.GET.get("tab", feeds.DEFAULT_TAB)
    if tab not in feeds.TABS:
        tab = feeds.DEFAULT_TAB
    # What the reader follows and joined: read once for the feed, its reasons and the side.
    network = feeds.Network(request.user)
    page = feeds.home_feed(request.user, tab=tab, cursor=request.GET.get("after"), network=network)
    profile = _own_profile(request)
    context = {
        "profile": profile,
        "tab": tab,
        "tabs": feeds.TABS,
        "compose": ComposeForm(user=request.user),
        "my_communities": network.communities[:10],
        "followed_tags": network.followed_tags[:15],
    }
    # A newcomer's network feed is empty or holds only their own posts: suggest whom and
    # what to follow (asked only then, so a busy feed costs no query more).
    own_only = all(item.post.author_id == request.user.pk for item in page.items)
    if tab == "network" and not request.GET.get("after") and own_only:
        context["first_day"] = first_day(request.user, profile, feed_empty=not page.items)
    return _feed_response(request, page, context, "questions/home.html")


@require_POST
def compose(request: AuthenticatedRequest) -> HttpResponse:
    """The home page's compose box: a status update or a quick question."""
    preview = _preview(request)
    if preview:
        form = ComposeForm(initial=_as_typed(request), user=request.user)
    else:
        form = ComposeForm(request.POST, user=request.user)
    verdict = None
    if not preview and form.is_valid() and not (verdict := _throttle(request, form, "post")):
        data = form.cleaned_data
        try:
            if data["kind"] == Post.Kind.QUESTION:
                post = actions.ask_question(
                    author=request.user,
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"],
                    community=data["community"],
                )
            else:
                post = actions.post_status(
                    author=request.user,
                    body=data["body"],
                    tags=data["tags"],
                    community=data["community"],
                )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, "Posted.")
            warn_away_mentions(request, post=post)
            return redirect(post.get_absolute_url())
    if not preview:
        messages.error(request, "Your post was not saved: see the message below the box.")
    page = feeds.home_feed(request.user, tab=feeds.DEFAULT_TAB)
    context = {
        "profile": request.user.profile,
        "tab": feeds.DEFAULT_TAB,
        "tabs": feeds.TABS,
        "compose": form,
        "markdown_preview": preview,
    }
    status = 200 if preview else 400
    response = render(request, "questions/home.html", {**context, "page": page}, status=status)
    return _with_status(response, verdict)


@require_http_methods(["GET", "POST"])
def ask(request: AuthenticatedRequest) -> HttpResponse:
    preview = _preview(request)
    form = QuestionForm(
        None if preview else request.POST or None,
        user=request.user,
        initial=_as_typed(request) if preview else {"community": request.GET.get("community")},
    )
    verdict = None
    if (
        not preview
        and request.method == "POST"
        and form.is_valid()
        and not (verdict := _throttle(request, form, "post"))
    ):
        data = form.cleaned_data
        try:
            post = actions.ask_question(
                author=request.user,
                title=data["title"],
                body=data["body"],
                tags=data["tags"],
                community=data["community"],
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            warn_away_mentions(request, post=post)
            return redirect(post.get_absolute_url())
    response = render(
        request,
        "questions/ask.html",
        {"form": form, "markdown_preview": preview},
        status=400 if form.errors else 200,
    )
    return _with_status(response, verdict)


@require_GET
def post_detail(request: AuthenticatedRequest, pk: int, slug: str = "") -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if slug != post.get_absolute_url().rstrip("/").rsplit("/", 1)[-1]:
        return HttpResponseRedirect(post.get_absolute_url())
    actions.record_view(post=post, user=request.user)
    return render(request, "questions/post_detail.html", _post_context(request, post))


def _answer_form(post: Post, data: Any = None) -> AnswerForm:
    return DraftCommentForm(data, post=post) if post.is_draft else AnswerForm(data)


PREVIEW_CHARS = 3_000


def _marked(
    rows: QuerySet[Like] | QuerySet[Bookmark], post: Post, answers: list[AnswerRow]
) -> set[Post | AnswerRow]:
    """Which of the post and its answers the reader's likes (or bookmarks) `rows` mark, in
    one query."""
    by_answer = {answer.pk: answer for answer in answers}
    marked: set[Post | AnswerRow] = set()
    mine = rows.filter(Q(post=post) | Q(answer__in=list(by_answer)))
    for answer_id in mine.values_list("answer_id", flat=True):
        marked.add(post if answer_id is None else by_answer[answer_id])
    return marked


def _post_context(
    request: AuthenticatedRequest,
    post: Post,
    answer_form: AnswerForm | None = None,
    version_form: VersionForm | None = None,
) -> dict[str, Any]:
    answer_form = answer_form or _answer_form(post)
    # Rows, not instances: the answers' HTML is cached under their fingerprint.
    answers = fragments.answer_rows(post)
    liked = _marked(Like.objects.filter(user=request.user), post, answers)
    saved = _marked(Bookmark.objects.filter(user=request.user), post, answers)
    for answer in answers:
        answer.liked = answer in liked
        answer.saved = answer in saved
        answer.can_edit = can_edit_answer(request.user, answer)
    if post.accepted_answer_id:
        answers.sort(key=lambda a: a.pk != post.accepted_answer_id)
    draft: dict[str, Any] = {}
    if post.is_draft:
        versions = list(post.versions.select_related("uploaded_by__profile"))
        comments_per_version: dict[int | None, int] = {}
        for answer in answers:
            comments_per_version[answer.version_id] = (
                comments_per_version.get(answer.version_id, 0) + 1
            )
        for version in versions:
            version.comment_count = comments_per_version.get(version.pk, 0)  # type: ignore[attr-defined]
        current = versions[0] if versions else None
        draft = {
            "versions": versions,
            "current": current,
            "preview": current.text[:PREVIEW_CHARS] if current else "",
            "preview_cut": bool(current and len(current.text) > PREVIEW_CHARS),
            "version_form": version_form
            or (VersionForm() if can_edit_post(request.user, post) else None),
        }
    return {
        **draft,
        "post": post,
        "tags": list(post.tags.all()),
        "mentioned": [
            m.user
            for m in post.mentions.filter(answer__isnull=True).select_related("user__profile")
        ],
        "answers": answers,
        "post_badges": standards.attach_badges(post, answers),
        "answer_form": answer_form,
        "liked": post in liked,
        "saved": post in saved,
        "can_edit": can_edit_post(request.user, post),
        "can_accept": can_accept_answer(request.user, post),
    }


@require_POST
def answer_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if preview := _preview(request):
        form = _answer_form(post)
        form.initial = _as_typed(request)
        context = {**_post_context(request, post, form), "markdown_preview": preview}
        return render(request, "questions/post_detail.html", context)
    form = _answer_form(post, request.POST)
    verdict = None
    if form.is_valid() and not (verdict := _throttle(request, form, "post")):
        try:
            answer = actions.post_answer(
                post=post,
                author=request.user,
                body=form.cleaned_data["body"],
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            warn_away_mentions(request, post=post, answer=answer)
            return redirect(answer.get_absolute_url())
    context = _post_context(request, post, form)
    return _with_status(render(request, "questions/post_detail.html", context, status=400), verdict)


@require_GET
def answer_card(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One answer as the question page shows it, for pages that learn of it live."""
    answer = get_answer_for_user(request.user, pk)
    post = answer.post
    answer.liked = Like.objects.filter(user=request.user, answer=answer).exists()  # type: ignore[attr-defined]
    answer.saved = Bookmark.objects.filter(user=request.user, answer=answer).exists()  # type: ignore[attr-defined]
    answer.can_edit = can_edit_answer(request.user, answer)  # type: ignore[attr-defined]
    standards.attach_badges(post, [answer])
    context = {"answer": answer, "post": post, "can_accept": can_accept_answer(request.user, post)}
    return render(request, "questions/partials/answer.html", context)


@require_POST
def accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if not can_accept_answer(request.user, post):
        raise Http404("No such post.")
    answer_id = request.POST.get("answer", "")
    answer = get_answer_for_user(request.user, int(answer_id)) if answer_id.isdigit() else None
    try:
        actions.accept_answer(post=post, answer=answer, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(post.get_absolute_url())


def _toggle_response(
    request: AuthenticatedRequest, template: str, context: dict[str, Any], fallback: str
) -> HttpResponse:
    if request.htmx:
        return render(request, template, context)
    return redirect(fallback)


def _targets(target: Post | Answer) -> dict[str, Any]:
    """The post= / answer= keyword arguments the actions take for `target`."""
    if isinstance(target, Post):
        return {"post": target, "answer": None}
    return {"post": None, "answer": target}


def _like(request: AuthenticatedRequest, target: Post | Answer, url: str) -> HttpResponse:
    liked = request.POST.get("liked") != "0"
    if verdict := ratelimit.throttle(user=request.user, action="like"):
        if not request.htmx:
            return ratelimit.render_throttled(request, verdict, back_url=target.get_absolute_url())
        # The button as it was (the click did nothing), saying why.
        context = {"url": url, "liked": not liked, "count": target.like_count}
        response = render(
            request, "questions/partials/like_button.html", {**context, "error": verdict.message}
        )
        return ratelimit.too_many_requests(response, verdict)
    try:
        count = actions.set_like(user=request.user, liked=liked, **_targets(target))
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=400)
        messages.error(request, " ".join(error.messages))
        return redirect(target.get_absolute_url())
    context = {"url": url, "liked": liked, "count": count}
    return _toggle_response(
        request, "questions/partials/like_button.html", context, target.get_absolute_url()
    )


def _bookmark(request: AuthenticatedRequest, target: Post | Answer, url: str) -> HttpResponse:
    saved = request.POST.get("saved") != "0"
    actions.set_bookmark(user=request.user, saved=saved, **_targets(target))
    context = {"url": url, "saved": saved}
    return _toggle_response(
        request, "questions/partials/bookmark_button.html", context, target.get_absolute_url()
    )


@require_POST
def like_post(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _like(request, get_post_for_user(request.user, pk), reverse("like_post", args=[pk]))


@require_POST
def like_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    answer = get_answer_for_user(request.user, pk)
    return _like(request, answer, reverse("like_answer", args=[pk]))


@require_POST
def bookmark_post(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    return _bookmark(request, post, reverse("bookmark_post", args=[pk]))


@require_POST
def bookmark_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    answer = get_answer_for_user(request.user, pk)
    return _bookmark(request, answer, reverse("bookmark_answer", args=[pk]))


@require_POST
def bookmark_privacy(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    bookmark = get_object_or_404(Bookmark, pk=pk, user=request.user)
    actions.set_bookmark_privacy(
        by=request.user, bookmark=bookmark, is_private=request.POST.get("private") == "1"
    )
    return redirect(reverse("person", args=[request.user.username]) + "#bookmarks")


@require_http_methods(["GET", "POST"])
def post_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if not can_edit_post(request.user, post):
        raise Http404("No such post.")
    initial = {
        "title": post.title,
        "body": post.body,
        "tags": ", ".join(t.name for t in post.tags.all()),
    }
    preview = _preview(request)
    if preview:
        form = EditPostForm(initial=_as_typed(request))
    else:
        form = EditPostForm(request.POST or None, initial=initial)
    if not preview and request.method == "POST" and form.is_valid():
        try:
            actions.edit_post(post=post, editor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(post.get_absolute_url())
    return render(
        request,
        "questions/post_edit.html",
        {"form": form, "post": post, "markdown_preview": preview},
        status=400 if form.errors else 200,
    )


@require_POST
def post_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if not can_edit_post(request.user, post):
        raise Http404("No such post.")
    actions.delete_post(post=post, by=request.user)
    messages.success(request, "The post was deleted.")
    return HttpResponseClientRedirect(reverse("home")) if request.htmx else redirect("home")


@require_http_methods(["GET", "POST"])
def answer_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    answer = get_answer_for_user(request.user, pk)
    if not can_edit_answer(request.user, answer):
        raise Http404("No such answer.")
    preview = _preview(request)
    if preview:
        form = AnswerForm(initial=_as_typed(request))
    else:
        form = AnswerForm(request.POST or None, initial={"body": answer.body})
    if not preview and request.method == "POST" and form.is_valid():
        try:
            actions.edit_answer(answer=answer, editor=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            _apply(form, error)
        else:
            return redirect(answer.get_absolute_url())
    return render(
        request,
        "questions/answer_edit.html",
        {"form": form, "answer": answer, "markdown_preview": preview},
        status=400 if form.errors else 200,
    )


@require_POST
def answer_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    answer = get_answer_for_user(request.user, pk)
    if not can_edit_answer(request.user, answer):
        raise Http404("No such answer.")
    actions.delete_answer(answer=answer, by=request.user)
    messages.success(request, "The answer was deleted.")
    return redirect(answer.post.get_absolute_url())


TAG_PAGE_EXPERTS = 5


@require_GET
def tag_page(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    network = feeds.Network(request.user)
    page = feeds.tag_feed(request.user, tag.pk, cursor=request.GET.get("after"), network=network)
    context: dict[str, Any] = {"tag": tag}
    if not (request.htmx and request.GET.get("after")):  # later pages are feed cards only
        context["following"] = tag.pk in network.followed_tag_ids
        # The strongest few; "Everyone who knows about #x" links to the directory.
        context["experts"] = experts_for_tag(tag, limit=TAG_PAGE_EXPERTS)
        context["standing"] = standards.standards_for_tag(request.user, tag.pk)
    return _feed_response(request, page, context, "questions/tag.html")


@require_POST
def tag_follow(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    following = request.POST.get("following") != "0"
    set_follow_tag(follower=request.user, tag=tag, following=following)
    context = {
        "url": reverse("tag_follow", args=[tag.slug]),
        "following": following,
        "what": f"#{tag.name}",
    }
    return _toggle_response(
        request, "questions/partials/follow_button.html", context, reverse("tag", args=[tag.slug])
    )


@require_GET
def tag_suggest(request: AuthenticatedRequest) -> JsonResponse:
    """Existing tags starting with `q`, most used first, for the tag autocomplete."""
    prefix = request.GET.get("q", "").strip().lstrip("#").lower()[:40]
    if not prefix:
        return JsonResponse({"results": []})
    tags = visible_tags(request.user).filter(name__startswith=prefix).order_by("-uses", "name")[:8]
    return JsonResponse(
        {
            "results": [
                {"value": t.name, "label": f"#{t.name}", "detail": f"{t.uses} posts"} for t in tags
            ]
        }
    )


@require_http_methods(["GET", "POST"])
def communities(request: AuthenticatedRequest) -> HttpResponse:
    form = CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = actions.create_community(creator=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            return redirect(community.get_absolute_url())
    listed = (
        visible_communities(request.user)
        .annotate(members=Count("memberships", distinct=True))
        .order_by("name")
    )
    mine = set(Membership.objects.filter(user=request.user).values_list("community_id", flat=True))
    return render(
        request,
        "questions/communities.html",
        {"communities": listed, "mine": mine, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def community_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    community = get_community_for_user(request.user, slug)
    page = feeds.community_feed(request.user, community.pk, cursor=request.GET.get("after"))
    members = (
        Membership.objects.filter(community=community)
        .select_related("user__profile")
        .order_by("-role", "user__profile__display_name")
    )
    context = {
        "community": community,
        "members": members[:50],
        "member_count": members.count(),
        "is_member": members.filter(user=request.user).exists(),
        "is_owner": is_community_owner(request.user, community),
        "add_form": AddMemberForm(),
    }
    return _feed_response(request, page, context, "questions/community.html")


@require_POST
def community_membership(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    community = get_community_for_user(request.user, slug)
    try:
        if request.POST.get("join") == "1":
            actions.join_community(user=request.user, community=community)
            messages.success(request, f"You joined {community.name}.")
        else:
            actions.leave_community(user=request.user, community=community)
            messages.success(request, f"You left {community.name}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(community.get_absolute_url())


@require_POST
def community_add_member(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    community = get_community_for_user(request.user, slug)
    if not is_community_owner(request.user, community):
        raise Http404("No such community.")
    form = AddMemberForm(request.POST)
    if form.is_valid():
        actions.add_member(by=request.user, community=community, user=form.cleaned_data["username"])
        messages.success(request, f"@{form.cleaned_data['username'].username} is now a member.")
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("username", [])))
    return redirect(community.get_absolute_url())


# --- Drafts ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def share_draft(request: AuthenticatedRequest) -> HttpResponse:
    """Share a half-finished document and say what feedback you want."""
    form = DraftForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        upload_errors=upload_errors(request),
        initial={"community": request.GET.get("community")},
    )
    verdict = None
    if (
        request.method == "POST"
        and form.is_valid()
        and not (verdict := _throttle(request, form, "post", "upload"))
    ):
        data = form.cleaned_data
        try:
            post = actions.share_draft(
                author=request.user,
                title=data["title"],
                body=data["body"],
                file=data["file"],
                filename=data["file"].name,
                tags=data["tags"],
                community=data["community"],
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, "Your draft is shared. Feedback will show up here.")
            return redirect(post.get_absolute_url())
    if request.method == "POST":
        messages.error(request, "Your draft was not shared: see the messages below.")
    response = render(
        request, "questions/draft_new.html", {"form": form}, status=400 if form.errors else 200
    )
    return _with_status(response, verdict)


@require_POST
def draft_version_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if not post.is_draft or not can_edit_post(request.user, post):
        raise Http404("No such draft.")
    form = VersionForm(request.POST, request.FILES, upload_errors=upload_errors(request))
    verdict = None
    if form.is_valid() and not (verdict := _throttle(request, form, "upload")):
        upload = form.cleaned_data["file"]
        try:
            version = actions.upload_version(
                post=post,
                uploader=request.user,
                file=upload,
                filename=upload.name,
                change_note=form.cleaned_data["change_note"],
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"Version {version.number} is shared.")
            return redirect(post.get_absolute_url() + "#versions")
    messages.error(request, "The new version was not uploaded: see the message below.")
    context = _post_context(request, post, version_form=form)
    return _with_status(render(request, "questions/post_detail.html", context, status=400), verdict)


@require_POST
def draft_feedback(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if not post.is_draft or not can_edit_post(request.user, post):
        raise Http404("No such draft.")
    wanted = request.POST.get("wanted") == "1"
    actions.set_feedback_wanted(post=post, by=request.user, wanted=wanted)
    messages.success(
        request, "Marked as asking for feedback again." if wanted else "Marked final. Thank you!"
    )
    return redirect(post.get_absolute_url())


def _version_for_user(request: AuthenticatedRequest, pk: int) -> DraftVersion:
    """A version whose draft the user may see, else 404 (private drafts stay unguessable)."""
    version = get_object_or_404(DraftVersion.objects.select_related("post"), pk=pk)
    get_post_for_user(request.user, version.post_id)
    return version


def _file_response(version: DraftVersion, *, inline: bool) -> FileResponse:
    file_type = FILE_TYPES[version.file_type]
    try:
        handle = version.file.open("rb")
    except OSError as error:
        raise Http404("The file is missing from storage.") from error
    response = FileResponse(
        handle,
        as_attachment=not (inline and file_type.inline),
        filename=version.filename,
        content_type=file_type.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


@require_GET
def draft_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """Download a version: counted once per person and day; always an attachment."""
    version = _version_for_user(request, pk)
    actions.record_download(version=version, user=request.user)
    return _file_response(version, inline=False)


@require_GET
def draft_view(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """Show an image version inline (the draft page's preview); not counted as a download.
    Anything that is not a raster image is served as an attachment."""
    version = _version_for_user(request, pk)
    return _file_response(version, inline=True)
