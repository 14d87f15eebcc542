"""Webhook pages: staff's at /staff/webhooks/, a community's owners' at /c/<slug>/webhooks/,
and each hook's own page (settings, secret, delivery log, "send again"). Everyone else gets
a 404. Plain forms: everything works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from intranet.lib.access import NotAllowed
from intranet.lib.http import AuthenticatedRequest
from profiles.permissions import require_people_staff
from questions.models import Community
from webhooks import actions
from webhooks.forms import EditWebhookForm, WebhookForm
from webhooks.models import Delivery, Webhook
from webhooks.permissions import (
    get_community_for_hooks,
    get_delivery_for_user,
    get_webhook_for_user,
)

DELIVERIES_PER_PAGE = 50


def _add_errors(form: WebhookForm, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _settings(form: WebhookForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {key: data[key] for key in ("name", "url", "events", "tag", "format")}


def _hooks(community: Community | None) -> Any:
    pending = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING))
    failed = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED))
    return Webhook.objects.filter(community=community).annotate(pending=pending, failed=failed)


def _list_page(request: AuthenticatedRequest, community: Community | None) -> HttpResponse:
    form = WebhookForm(request.POST or None, community_hook=community is not None)
    if request.method == "POST" and form.is_valid():
        try:
            hook = actions.create_webhook(by=request.user, community=community, **_settings(form))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Webhook “{hook.name}” created. Copy its secret below.")
            return redirect("webhook", pk=hook.pk)
    context = {"community": community, "hooks": _hooks(community), "form": form}
    status = 400 if form.errors else 200
    return render(request, "webhooks/list.html", context, status=status)


@require_http_methods(["GET", "POST"])
def staff_webhooks(request: AuthenticatedRequest) -> HttpResponse:
    """Staff's site-wide hooks, and the form for a new one."""
    require_people_staff(request.user)
    return _list_page(request, None)


@require_http_methods(["GET", "POST"])
def community_webhooks(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """A community's hooks (its owners only), and the form for a new one."""
    return _list_page(request, get_community_for_hooks(request.user, slug))


@require_http_methods(["GET", "POST"])
def webhook(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A hook's settings, secret and delivery log; POST saves the settings."""
    hook = get_webhook_for_user(request.user, pk)
    form = EditWebhookForm.for_hook(hook)
    if request.method == "POST":
        form = EditWebhookForm(request.POST, community_hook=hook.community_id is not None)
        if form.is_valid():
            try:
                actions.update_webhook(
                    by=request.user,
                    webhook=hook,
                    is_active=form.cleaned_data["is_active"],
                    regenerate_secret=form.cleaned_data["regenerate_secret"],
                    **_settings(form),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Webhook saved.")
                return redirect("webhook", pk=hook.pk)
    deliveries = Paginator(hook.deliveries.order_by("-id"), DELIVERIES_PER_PAGE)
    context = {
        "hook": hook,
        "form": form,
        "deliveries": deliveries.get_page(request.GET.get("page")),
        "back": _back(hook),
    }
    return render(request, "webhooks/detail.html", context, status=400 if form.errors else 200)


def _back(hook: Webhook) -> str:
    if hook.community is None:
        return reverse("staff_webhooks")
    return reverse("community_webhooks", kwargs={"slug": hook.community.slug})


@require_http_methods(["GET", "POST"])
def webhook_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Asks first; POST deletes the hook and its log."""
    hook = get_webhook_for_user(request.user, pk)
    if request.method == "POST":
        back = _back(hook)
        actions.delete_webhook(by=request.user, webhook=hook)
        messages.success(request, f"Webhook “{hook.name}” deleted.")
        return redirect(back)
    return render(request, "webhooks/delete.html", {"hook": hook, "back": _back(hook)})


@require_POST
def delivery_send_again(request: AuthenticatedRequest, pk: int, delivery_pk: int) -> HttpResponse:
    hook = get_webhook_for_user(request.user, pk)
    delivery = get_delivery_for_user(request.user, hook, delivery_pk)
    try:
        actions.send_again(by=request.user, delivery=delivery)
    except NotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Sent again as a new delivery (at the top of the log).")
    return redirect("webhook", pk=hook.pk)
