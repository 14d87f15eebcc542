"""The search page, header typeahead, duplicate suggestions while asking, and result clicks."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from intranet.lib.http import AuthenticatedRequest
from profiles.models import User
from search import providers, service
from search.documents import KIND_LABELS
from search.models import SearchClick
from search.query import MAX_QUERY, Filters


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def _filters(request: AuthenticatedRequest) -> tuple[Filters, list[str]]:
    """Filters from the page's controls; values that do not parse are ignored, and said."""
    get = request.GET
    ignored = []
    kind = get.get("type", "")
    if kind and kind not in KIND_LABELS:
        ignored.append("type")
        kind = ""
    answered = {"yes": True, "no": False}.get(get.get("answered", ""))
    author = None
    if get.get("person"):
        handle = get["person"].strip().lstrip("@")[:150]
        author = User.objects.filter(username__iexact=handle).values_list("pk", flat=True).first()
        if author is None:
            ignored.append("person")
    after, before = _date(get.get("after", "")), _date(get.get("before", ""))
    if get.get("after") and after is None:
        ignored.append("after")
    if get.get("before") and before is None:
        ignored.append("before")
    return (
        Filters(
            kind=kind,
            tag=get.get("tag", "").strip().lstrip("#").lower()[:100],
            community_id=_int(get.get("community", "")),
            author_id=author,
            after=after,
            before=before,
            answered=answered,
        ),
        ignored,
    )


@require_GET
def search_page(request: AuthenticatedRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    filters, ignored = _filters(request)
    network = request.GET.get("network", "1") != "0"
    page_number = _int(request.GET.get("page", "1")) or 1
    page = service.search(request.user, text, filters, page=page_number, network=network)
    params = {k: v for k, v in request.GET.items() if k != "page" and v}

    def link(**changes: str) -> str:
        merged = {**params, **changes}
        return "?" + urlencode({k: v for k, v in merged.items() if v})

    groups = []
    for name, param, title, clear in (
        ("kind", "type", "Type", "Any type"),
        ("tag", "tag", "Tags", "Any tag"),
        ("community", "community", "Communities", "All communities"),
    ):
        values = page.facets.get(name, [])
        if values:
            groups.append(
                {
                    "title": title,
                    "items": [
                        (f.label, f.count, link(**{param: f.value}), params.get(param) == f.value)
                        for f in values
                    ],
                    "clear": link(**{param: ""}) if params.get(param) else "",
                    "clear_label": clear,
                }
            )
    context = {
        "page": page,
        "text": text[:MAX_QUERY],
        "max_query": MAX_QUERY,
        "ignored": ignored,
        "params": params,
        "kind_labels": KIND_LABELS,
        "communities": providers.posts().visible_communities(request.user).order_by("name"),
        "facet_groups": groups,
        "first_number": (page.page - 1) * service.PAGE_SIZE + 1,
        "searched": bool(text.strip() or filters.tag or filters.kind or filters.author_id),
        "links": {
            "next": link(page=str(page.page + 1)),
            "previous": link(page=str(page.page - 1)),
            "network": link(network="0" if network else "1"),
        },
    }
    if request.htmx and request.GET.get("partial") == "results":
        return render(request, "search/partials/results.html", context)
    return render(request, "search/search.html", context, status=503 if page.error else 200)


@require_GET
def suggest(request: AuthenticatedRequest) -> HttpResponse:
    """The header box's typeahead (htmx): a short list of links."""
    text = request.GET.get("q", "")
    suggestions = service.suggest(request.user, text)
    return render(
        request, "search/partials/suggest.html", {"suggestions": suggestions, "text": text[:100]}
    )


@require_GET
def similar(request: AuthenticatedRequest) -> HttpResponse:
    """Earlier questions like the title being typed (the ask and compose forms, htmx)."""
    title = request.GET.get("title", "")[:200]
    found = service.similar_questions(request.user, title)
    return render(request, "search/partials/similar.html", {"similar": found})


@require_GET
def open_result(request: AuthenticatedRequest, pk: int) -> HttpResponseRedirect:
    """Count a click on a result or suggestion, then go to the post (404 if not visible)."""
    post = providers.posts().get_post_for_user(request.user, pk)
    source = request.GET.get("from", "")
    if source in SearchClick.Source.values:
        SearchClick.objects.create(user=request.user, post=post, source=source)
    return HttpResponseRedirect(post.get_absolute_url())
