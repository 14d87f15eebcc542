from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from intranet.lib.http import AuthenticatedRequest
from profiles.actions import ensure_profile, update_profile
from profiles.forms import ProfileForm
from profiles.permissions import can_edit_profile, get_profile_for_user


def person(request: AuthenticatedRequest, username: str) -> HttpResponse:
    profile = get_profile_for_user(request.user, username)
    return render(
        request,
        "profiles/person.html",
        {"profile": profile, "can_edit": can_edit_profile(request.user, profile)},
    )


@require_http_methods(["GET", "POST"])
def edit_my_profile(request: AuthenticatedRequest) -> HttpResponse:
    profile = ensure_profile(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        update_profile(profile=profile, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        target = reverse("person", kwargs={"username": request.user.username})
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    template = "profiles/partials/profile_form.html" if request.htmx else "profiles/edit.html"
    return render(request, template, {"form": form, "profile": profile})
