"""The staff people pages (/staff/people/): leaving dates, departures, returns and
anonymisation, with each person's log. Staff only; everyone else gets a 404, as if the
pages did not exist. Every action works without JavaScript; with htmx the search swaps the
results in place."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.lib.http import AuthenticatedRequest
from profiles.actions import (
    anonymise_person,
    anonymous_name,
    mark_departed,
    mark_returned,
    set_leaving_date,
)
from profiles.departures import (
    LOG_DATE_FORMAT,
    content_counts,
    departed_people,
    describe_counts,
    is_overdue,
    leaving_people,
    log_lines,
    matching_people,
)
from profiles.forms import AnonymiseForm, LeavingDateForm, StaffPeopleSearchForm
from profiles.models import Profile
from profiles.permissions import get_person_for_staff, require_people_staff

LIST_LIMIT = 100  # per section; the search finds anyone beyond
MATCH_LIMIT = 30

View = Callable[..., HttpResponse]


def staff_only(view: View) -> View:
    """404 for anyone but staff, before anything else (even the method check), so that
    nobody else learns the pages exist."""

    @wraps(view)
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_people_staff(request.user)
        return view(request, *args, **kwargs)

    return wrapped


@staff_only
@require_GET
def staff_people(request: AuthenticatedRequest) -> HttpResponse:
    """Who is leaving (soonest first), who has left (most recent first), and, when
    searching, anyone else by that name."""
    form = StaffPeopleSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    leaving = list(leaving_people(q)[:LIST_LIMIT])
    context = {
        "form": form,
        "q": q,
        "leaving": [(p, is_overdue(p)) for p in leaving],
        "departed": list(departed_people(q)[:LIST_LIMIT]),
        "others": list(
            matching_people(q).filter(leaving_on__isnull=True, departed_at__isnull=True)[
                :MATCH_LIMIT
            ]
        )
        if q
        else [],
        "limit": LIST_LIMIT,
    }
    template = (
        "profiles/partials/staff_people_results.html"
        if request.htmx
        else "profiles/staff_people.html"
    )
    return render(request, template, context)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """An action's ValidationError on the form: by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@staff_only
@require_GET
def staff_person(request: AuthenticatedRequest, username: str) -> HttpResponse:
    profile = get_person_for_staff(request.user, username)
    return _person_page(request, profile, leaving=_leaving_form(profile))


def _leaving_form(profile: Profile) -> LeavingDateForm:
    return LeavingDateForm(initial={"leaving_on": profile.leaving_on})


def _person_page(
    request: AuthenticatedRequest, profile: Profile, *, leaving: LeavingDateForm, status: int = 200
) -> HttpResponse:
    context = {
        "profile": profile,
        "leaving": leaving,
        "overdue": is_overdue(profile),
        "content": describe_counts(content_counts(profile.user)),
        "log": log_lines(profile.user),
    }
    return render(request, "profiles/staff_person.html", context, status=status)


@staff_only
@require_POST
def staff_set_leaving(request: AuthenticatedRequest, username: str) -> HttpResponse:
    """Set the last day, or ("clear") say they are not leaving after all."""
    profile = get_person_for_staff(request.user, username)
    clear = "clear" in request.POST
    form = LeavingDateForm(None if clear else request.POST)
    if clear or form.is_valid():
        day = None if clear else form.cleaned_data["leaving_on"]
        try:
            set_leaving_date(by=request.user, user=profile.user, leaving_on=day)
        except ValidationError as error:
            form = LeavingDateForm(request.POST)
            form.is_valid()
            _add_errors(form, error)
        else:
            name = profile.display_name
            messages.success(
                request,
                f"{name} is leaving on {dateformat.format(day, LOG_DATE_FORMAT)}."
                if day
                else f"{name} is not leaving.",
            )
            return redirect("staff_person", username=username)
    return _person_page(request, profile, leaving=form, status=400)


@staff_only
@require_http_methods(["GET", "POST"])
def staff_mark_departed(request: AuthenticatedRequest, username: str) -> HttpResponse:
    """A confirmation page (GET), then the departure (POST)."""
    profile = get_person_for_staff(request.user, username)
    if request.method == "POST":
        try:
            mark_departed(by=request.user, user=profile.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{profile.display_name} is marked departed: they can no longer sign in, and "
                "everything they wrote stays under their name.",
            )
        return redirect("staff_person", username=username)
    context = {"profile": profile, "content": describe_counts(content_counts(profile.user))}
    return render(request, "profiles/staff_depart.html", context)


@staff_only
@require_POST
def staff_mark_returned(request: AuthenticatedRequest, username: str) -> HttpResponse:
    profile = get_person_for_staff(request.user, username)
    try:
        mark_returned(by=request.user, user=profile.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{profile.display_name} is a current colleague again.")
    return redirect("staff_person", username=username)


@staff_only
@require_http_methods(["GET", "POST"])
def staff_anonymise(request: AuthenticatedRequest, username: str) -> HttpResponse:
    """A confirmation page asking for the reason (GET), then the anonymisation (POST)."""
    profile = get_person_for_staff(request.user, username)
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            anonymise_person(by=request.user, user=profile.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Anonymised: they are now {anonymous_name(profile.user)}.")
            return redirect("staff_person", username=profile.user.username)
    context = {
        "profile": profile,
        "form": form,
        "content": describe_counts(content_counts(profile.user)),
    }
    status = 400 if form.is_bound else 200
    return render(request, "profiles/staff_anonymise.html", context, status=status)
