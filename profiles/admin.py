from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from profiles.actions import (
    check_deletable,
    delete_person,
    ensure_profile,
    mark_departed,
    mark_returned,
    set_leaving_date,
)
from profiles.models import (
    DeclaredTopic,
    Department,
    Expertise,
    PeopleLog,
    Profile,
    User,
)


class ProfileAdminForm(forms.ModelForm[Profile]):
    class Meta:
        model = Profile
        fields = ["display_name", "title", "department", "location", "away_until", "away_note"]
        fields += ["leaving_on"]

    def clean_leaving_on(self) -> date | None:
        # The rules of profiles.actions.set_leaving_date, checked only when it changes (a
        # date that has passed since may stay).
        value: date | None = self.cleaned_data.get("leaving_on")
        if "leaving_on" in self.changed_data:
            if self.instance.departed_at is not None:
                raise forms.ValidationError("They have left already: mark them returned first.")
            if value is not None and value < timezone.localdate():
                raise forms.ValidationError("Choose today or a later date.")
        return value


class ProfileInline(admin.StackedInline[Profile, User]):
    model = Profile
    form = ProfileAdminForm
    can_delete = False
    fields = [
        "display_name",
        "title",
        "department",
        "location",
        "away_until",
        "away_note",
        "leaving_on",
        "departed_at",
        "anonymised_at",
        "staff_page",
    ]
    readonly_fields = ["departed_at", "anonymised_at", "staff_page"]

    @admin.display(description="Leaving and departure")
    def staff_page(self, obj: Profile) -> str:
        url = reverse("staff_person", kwargs={"username": obj.user.username})
        return format_html('<a href="{}">Mark departed, returned or anonymise; the log</a>', url)


@admin.register(User)
class PersonAdmin(UserAdmin[User]):
    """People. Departures and leaving dates go through profiles.actions (logged); a person
    with content is never deleted: the admin says what they have and deletes nothing."""

    list_display = [
        "username",
        "email",
        "display_name",
        "department",
        "departure",
        "is_staff",
        "is_active",
    ]
    list_select_related = ["profile__department"]
    search_fields = ["username", "email", "profile__display_name"]
    actions = ["mark_selected_departed", "mark_selected_returned", "delete_selected"]

    @admin.display(description="leaving / departed", ordering="profile__leaving_on")
    def departure(self, obj: User) -> str:
        profile = getattr(obj, "profile", None)
        if profile is None:
            return ""
        if profile.departed_at is not None:
            return f"Departed {profile.departed_at:%Y-%m-%d}"
        if profile.leaving_on is not None:
            return f"Leaving {profile.leaving_on:%Y-%m-%d}"
        return ""

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[User],
        action: Callable[..., object],
        done: str,
    ) -> None:
        """Apply a people action to each selected person; say which were refused and why."""
        count = 0
        for person in queryset:
            try:
                action(by=request.user, user=person)
            except ValidationError as error:
                self.message_user(request, f"{person}: {' '.join(error.messages)}", messages.ERROR)
            else:
                count += 1
        self.message_user(request, done.format(count=count))

    @admin.action(description="Mark selected people departed", permissions=["change"])
    def mark_selected_departed(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._each(
            request,
            queryset,
            mark_departed,
            "Marked {count} departed (they can no longer sign in).",
        )

    @admin.action(description="Mark selected people returned", permissions=["change"])
    def mark_selected_returned(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._each(
            request, queryset, mark_returned, "Marked {count} returned (they can sign in again)."
        )

    @admin.action(description="Delete selected people (only those without content)")
    def delete_selected(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        """Django's delete action (confirmation page, then delete_queryset), unless one of the
        people has content: then it says who has what and deletes nobody."""
        refused = self._refusals(request, list(queryset))
        if refused:
            self.message_user(request, "Nobody was deleted.", messages.WARNING)
            return None
        return django_delete_selected(self, request, queryset)

    def _refusals(self, request: HttpRequest, people: list[User]) -> int:
        """Check each person; show why for each refused. Returns how many. Refusals are
        logged when a deletion was asked for (a POST), not when a page was merely opened: a
        GET must not write, or a link on another site could add log lines."""
        refused = 0
        for person in people:
            try:
                check_deletable(
                    by=request.user,  # type: ignore[arg-type]
                    user=person,
                    log=request.method == "POST",
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                refused += 1
        return refused

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        person = self.get_object(request, unquote(object_id))
        allowed = person is not None and self.has_delete_permission(request, person)
        if allowed and person is not None and self._refusals(request, [person]):
            change = reverse("admin:profiles_user_change", args=[person.pk])
            return HttpResponseRedirect(change)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        try:
            delete_person(by=request.user, user=obj)  # type: ignore[arg-type]
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for person in queryset:
            self.delete_model(request, person)

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "is_active" in form.base_fields:
            form.base_fields["is_active"].help_text = (
                "A current colleague. Unticking marks the person departed (they can no longer "
                "sign in; logged), ticking marks them returned."
            )
        return form

    def get_inlines(self, request: HttpRequest, obj: User | None) -> list[Any]:
        # On "add", the profile is created after the user is saved (see save_related).
        return [ProfileInline] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        # "Active" is whether the person is a current colleague (profiles' one definition
        # of a former colleague, User.is_former): unticking it marks them departed, ticking
        # it marks them returned, through the logged actions (which also close their
        # sockets), so the admin cannot switch an account off without a departure.
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        activating = change and "is_active" in form.changed_data and obj.is_active
        if deactivating:
            obj.is_active = True
        if activating:
            obj.is_active = False
        super().save_model(request, obj, form, change)
        try:
            if deactivating:
                mark_departed(by=request.user, user=obj)  # type: ignore[arg-type]
            if activating:
                mark_returned(by=request.user, user=obj)  # type: ignore[arg-type]
        except ValidationError as error:
            self.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.ERROR)

    def save_formset(
        self, request: HttpRequest, form: ModelForm[User], formset: Any, change: bool
    ) -> None:
        # A changed leaving date goes through the action (validated, logged): the rest of
        # the profile is saved as typed, the date as it was, then the action sets it.
        leaving: list[tuple[Profile, date | None]] = []
        if isinstance(formset, BaseInlineFormSet) and formset.model is Profile:
            for profile_form in formset.forms:
                profile = profile_form.instance
                if profile.pk and "leaving_on" in profile_form.changed_data:
                    leaving.append((profile, profile.leaving_on))
                    profile.leaving_on = profile_form.initial.get("leaving_on")
        super().save_formset(request, form, formset, change)
        for profile, day in leaving:
            set_leaving_date(by=request.user, user=profile.user, leaving_on=day)  # type: ignore[arg-type]

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


@admin.register(PeopleLog)
class PeopleLogAdmin(admin.ModelAdmin[PeopleLog]):
    """Read-only: written by profiles.actions (departures, anonymisations, deletions...)."""

    list_display = ["created_at", "by", "action", "user", "detail"]
    list_filter = ["action"]
    list_select_related = ["by", "user"]
    search_fields = ["user__username", "by__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PeopleLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PeopleLog | None = None) -> bool:
        return False
