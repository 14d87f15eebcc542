"""The admin works: every registered model's list and add pages open for a superuser."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

MODELS = sorted((m._meta.app_label, m._meta.model_name) for m in admin.site._registry)


@pytest.mark.parametrize(("app", "model"), MODELS, ids=[f"{a}.{m}" for a, m in MODELS])
def test_admin_pages_open(make_user, client_for, make_question, app, model):
    boss = make_user("boss", is_staff=True, is_superuser=True)
    make_question(author=boss, tags=["ops"])
    client = client_for(boss)
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code in (200, 403)


def test_admin_is_not_for_ordinary_people(make_user, client_for):
    response = client_for(make_user()).get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
