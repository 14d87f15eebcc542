"""The report pages, for staff only: an index, five reports (each also as CSV) and the
risk report's handover button. Without JavaScript the date form reloads the page; with
htmx it swaps only the report's body."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from intranet.lib.http import AuthenticatedRequest
from reports import actions, risk
from reports.cache import cached_headlines, cached_report, report_key
from reports.catalog import BY_SLUG, CATALOG, Entry, all_headlines, cache_options
from reports.export import csv_response
from reports.forms import DateRangeForm
from reports.periods import last_days
from reports.permissions import staff_only

INDEX_DAYS = 30


@staff_only
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    period = last_days(INDEX_DAYS)
    figures = cached_headlines(period, lambda: all_headlines(period))
    entries = [(entry, figures[entry.slug]) for entry in CATALOG]
    return render(request, "reports/index.html", {"entries": entries, "period": period})


def _report(
    request: AuthenticatedRequest,
    entry: Entry,
    *,
    export: bool,
    options: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Parse the range, build the report, answer with the page, its body (htmx) or a CSV.
    A bad range re-renders the form with its errors: 400, or 200 for htmx, which swaps
    only successful responses."""
    export = export or request.GET.get("format") == "csv"
    form = DateRangeForm(
        request.GET, default=entry.default_range(), allow_future=entry.allow_future
    )
    context = {"entry": entry, "form": form, **(extra or {})}
    template = "reports/partials/page.html" if request.htmx else "reports/report.html"
    if not form.is_valid():
        if export:
            errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
            return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
        return render(request, template, context, status=200 if request.htmx else 400)
    options = options or {}
    key = report_key(entry.slug, form.range, request.user, cache_options(options))
    report = cached_report(key, lambda: entry.build(form.range, request.user, **options))
    if export:
        table = report.table(request.GET.get("table"))
        return csv_response(table, filename=report.filename(table))
    return render(request, template, context | {"report": report, "query": form.query()})


@staff_only
@require_GET
def report_page(request: AuthenticatedRequest, slug: str, export: bool = False) -> HttpResponse:
    """Every report but the risk one (see risk_page)."""
    return _report(request, BY_SLUG[slug], export=export)


@staff_only
@require_GET
def risk_page(request: AuthenticatedRequest, export: bool = False) -> HttpResponse:
    """The risk report, with an optional what-if person (?person=<username>)."""
    username = request.GET.get("person", "").strip().lstrip("@")
    what_if = risk.find_person(username) if username else None
    if username and what_if is None:
        messages.error(request, f"No current colleague has the handle @{username}.")
    extra = {"pickable": risk.pickable_people(), "picked": username}
    return _report(
        request, BY_SLUG[risk.SLUG], export=export, options={"what_if": what_if}, extra=extra
    )


@staff_only
@require_POST
def risk_handover(request: AuthenticatedRequest, username: str) -> HttpResponse:
    """Ask a person (leaving, or picked as a what-if) and their suggested successors to hand
    over the tags at risk: profiles.actions.ask_for_handover, through reports.actions."""
    person = risk.find_person(username)
    if person is None:
        raise Http404("No such colleague.")
    try:
        outcome = actions.request_handover(by=request.user, person=person)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        (messages.success if outcome.ok else messages.warning)(request, outcome.message)
    back = request.POST.get("next", "")
    if not back.startswith(reverse("reports:risk")):
        back = reverse("reports:risk")
    return redirect(back)


@staff_only
@require_POST
def refresh(request: AuthenticatedRequest) -> HttpResponse:
    """Rebuild the reports from the current data, then back to the page it was asked from."""
    actions.refresh_reports(by=request.user)
    messages.success(request, "The reports were rebuilt from the current data.")
    back = request.POST.get("next", "")
    if not back.startswith(reverse("reports:index")):
        back = reverse("reports:index")
    return redirect(back)
