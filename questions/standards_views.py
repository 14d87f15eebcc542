"""The company-wide Standards page. (Its own module, beside views.py, so that the de facto
standards stay in one place; the tag and post pages only include their parts.)"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from intranet.lib.http import AuthenticatedRequest
from questions import standards
from questions.standards import standards_overview


@require_GET
def standards_page(request: AuthenticatedRequest) -> HttpResponse:
    """Each tag's de facto standard, competing and emerging items, with their evidence and
    trend, as far as the viewer may see them. With htmx, only the list (for paging)."""
    page, sections = standards_overview(request.user, page=request.GET.get("page"))
    context = {
        "page": page,
        "sections": sections,
        "sustained_days": standards.THRESHOLDS.sustained_days,
        "min_people": standards.THRESHOLDS.min_people,
        "min_departments": standards.THRESHOLDS.min_departments,
        "min_reuse": standards.THRESHOLDS.min_reuse,
    }
    if request.htmx:
        return render(request, "questions/partials/standards_list.html", context)
    return render(request, "questions/standards.html", context)
