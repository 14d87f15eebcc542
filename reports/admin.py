"""The reports' rows in the admin: the nudges about waiting questions (written by
reports.nudges)."""

from __future__ import annotations

from django.contrib import admin

from reports.models import Nudge


@admin.register(Nudge)
class NudgeAdmin(admin.ModelAdmin[Nudge]):
    list_display = ["post", "user", "created_at"]
    list_select_related = ["post", "user"]
    raw_id_fields = ["post", "user"]
    date_hierarchy = "created_at"
