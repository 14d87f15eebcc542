from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from profiles.actions import ensure_profile, set_active
from profiles.models import DeclaredTopic, Department, Expertise, Nudge, Profile, User


class ProfileInline(admin.StackedInline[Profile, User]):
    model = Profile
    can_delete = False
    fields = ["display_name", "title", "department", "location", "away_until", "away_note"]


@admin.register(User)
class PersonAdmin(UserAdmin[User]):
    list_display = ["username", "email", "display_name", "department", "is_staff", "is_active"]
    list_select_related = ["profile__department"]
    search_fields = ["username", "email", "profile__display_name"]

    def get_inlines(self, request: HttpRequest, obj: User | None) -> list[Any]:
        # On "add", the profile is created after the user is saved (see save_related).
        return [ProfileInline] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        # Deactivation goes through the action, which also closes the person's sockets.
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True
        super().save_model(request, obj, form, change)
        if deactivating:
            set_active(user=obj, active=False)

    def save_related(
        self, request: HttpRequest, form: ModelForm[User], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        ensure_profile(user=form.instance)

    @admin.display(ordering="profile__display_name")
    def display_name(self, obj: User) -> str:
        return obj.profile.display_name if hasattr(obj, "profile") else ""

    @admin.display(ordering="profile__department__name")
    def department(self, obj: User) -> str:
        dept = obj.profile.department if hasattr(obj, "profile") else None
        return dept.name if dept else ""


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["name", "member_count"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        from django.db.models import Count

        return super().get_queryset(request).annotate(_members=Count("members"))

    @admin.display(description="members", ordering="_members")
    def member_count(self, obj: Department) -> int:
        return int(getattr(obj, "_members", 0))


@admin.register(Expertise)
class ExpertiseAdmin(admin.ModelAdmin[Expertise]):
    """Read-only: recompute_expertise replaces the rows every night."""

    list_display = ["user", "tag", "score", "accepted_answers", "answer_likes", "draft_downloaders"]
    list_select_related = ["user", "tag"]
    search_fields = ["user__username", "tag__name"]
    ordering = ["tag__name", "-score"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Expertise | None = None) -> bool:
        return False


@admin.register(DeclaredTopic)
class DeclaredTopicAdmin(admin.ModelAdmin[DeclaredTopic]):
    list_display = ["user", "tag", "created_at"]
    list_select_related = ["user", "tag"]
    search_fields = ["user__username", "tag__name"]
    raw_id_fields = ["user", "tag"]


@admin.register(Nudge)
class NudgeAdmin(admin.ModelAdmin[Nudge]):
    list_display = ["post", "user", "created_at"]
    list_select_related = ["post", "user"]
    raw_id_fields = ["post", "user"]
    date_hierarchy = "created_at"
