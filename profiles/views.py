from __future__ import annotations

from allauth.account.views import signup as allauth_signup
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from taggit.models import Tag

from intranet.lib.http import AuthenticatedRequest
from intranet.lib.mail import MailNotSent
from profiles.actions import (
    ensure_profile,
    set_availability,
    set_declared_topics,
    set_follow_person,
    set_theme,
    update_profile,
)
from profiles.directory import directory_rows, find_people
from profiles.expertise import declared_topics
from profiles.forms import AppearanceForm, AvailabilityForm, DirectoryForm, ProfileForm
from profiles.models import Profile
from profiles.permissions import can_edit_profile, get_profile_for_user

PEOPLE_PER_PAGE = 20


@require_GET
def people(request: AuthenticatedRequest) -> HttpResponse:
    """The people directory: who is who, and who knows about a topic. Works without JS;
    with htmx the search swaps the results in place."""
    form = DirectoryForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    topic = None
    if data.get("topic"):
        topic = Tag.objects.filter(name=data["topic"]).first()
    page = None
    if valid and (topic is not None or not data.get("topic")):
        found = find_people(name=data.get("q", ""), department=data.get("department"), topic=topic)
        page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    rows = directory_rows(list(page.object_list)) if page is not None else []
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "topic": topic, "query": query.urlencode()}
    template = (
        "profiles/partials/directory_results.html" if request.htmx else "profiles/people.html"
    )
    return render(request, template, context, status=200 if valid else 400)


@require_POST
def follow_person(request: AuthenticatedRequest, username: str) -> HttpResponse:
    profile = get_profile_for_user(request.user, username)
    following = request.POST.get("following") != "0"
    if profile.user_id != request.user.pk:
        set_follow_person(follower=request.user, person=profile.user, following=following)
    url = reverse("follow_person", args=[username])
    if request.htmx:
        context = {"url": url, "following": following, "what": profile.display_name}
        return render(request, "questions/partials/follow_button.html", context)
    return redirect("person", username=username)


@require_http_methods(["GET", "POST"])
def edit_my_profile(request: AuthenticatedRequest) -> HttpResponse:
    profile = ensure_profile(user=request.user)
    if not can_edit_profile(request.user, profile):  # departed: staff only (admin)
        raise Http404("No such page.")
    form = _profile_form(request, profile, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            update_profile(
                by=request.user,
                profile=profile,
                display_name=data["display_name"],
                title=data["title"],
                department=data["department"],
                location=data["location"],
                time_zone=data["time_zone"],
            )
            set_declared_topics(user=request.user, topics=data["topics"])
        messages.success(request, "Your profile is saved.")
        target = reverse("person", kwargs={"username": request.user.username})
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    if request.htmx:
        return render(request, "profiles/partials/profile_form.html", {"form": form})
    return _edit_page(request, form=form, availability=_availability_form(profile))


def _profile_form(
    request: AuthenticatedRequest, profile: Profile, data: QueryDict | None
) -> ProfileForm:
    """The profile form, with the person's declared topics as they are."""
    topics = ", ".join(t.name for t in declared_topics(request.user))
    return ProfileForm(data, instance=profile, initial={"topics": topics})


def _availability_form(profile: Profile) -> AvailabilityForm:
    initial = {"away_until": profile.away_until, "away_note": profile.away_note}
    return AvailabilityForm(initial=initial if profile.is_away else None)


def _edit_page(
    request: AuthenticatedRequest,
    *,
    form: ProfileForm,
    availability: AvailabilityForm,
    appearance: AppearanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if appearance is None:
        appearance = AppearanceForm(initial={"theme": form.instance.theme})
    context = {
        "form": form,
        "availability": availability,
        "appearance": appearance,
        "profile": form.instance,
    }
    return render(request, "profiles/edit.html", context, status=status)


@require_POST
def set_my_appearance(request: AuthenticatedRequest) -> HttpResponse:
    """Light or dark pages, or the same as the device."""
    profile = ensure_profile(user=request.user)
    form = AppearanceForm(request.POST)
    if form.is_valid():
        set_theme(user=request.user, theme=form.cleaned_data["theme"])
        messages.success(request, "Your colour theme is saved.")
        return redirect(reverse("edit_my_profile") + "#appearance")
    return _edit_page(
        request,
        form=_profile_form(request, profile, None),
        availability=_availability_form(profile),
        appearance=form,
        status=400,
    )


@require_POST
def set_my_availability(request: AuthenticatedRequest) -> HttpResponse:
    """Away until a date with a note, or back ("I'm back" clears it)."""
    profile = ensure_profile(user=request.user)
    back = "back" in request.POST
    form = AvailabilityForm(None if back else request.POST)
    if back or form.is_valid():
        data = {} if back else form.cleaned_data
        try:
            set_availability(
                user=request.user,
                away_until=data.get("away_until"),
                note=data.get("away_note", ""),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                "You are marked away."
                if data.get("away_until")
                else "Welcome back: you are not marked away.",
            )
            return redirect("person", username=request.user.username)
    return _edit_page(
        request, form=_profile_form(request, profile, None), availability=form, status=400
    )


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    """allauth's sign-up in one transaction: when the confirmation mail cannot be sent, the
    account it just created is rolled back with everything else, so that signing up again
    later works (MailFailureMiddleware then shows why)."""
    try:
        with transaction.atomic():
            response: HttpResponse = allauth_signup(request)
    except MailNotSent:
        # The session and the request named the account that was just rolled back.
        request.session.flush()
        request.user = AnonymousUser()
        raise
    return response
