from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from intranet.lib.dates import time_zone_names
from profiles.actions import (
    MAX_ANONYMISE_REASON,
    MAX_AWAY_NOTE,
    MAX_DECLARED_TOPICS,
    clean_topic_names,
)
from profiles.models import Department, Profile, User


class SignupDetailsForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth's ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label="Your name",
        max_length=150,
        help_text="As colleagues know you, e.g. Maria Lopez.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        # The profile is created by AccountAdapter.save_user, which reads display_name.
        return None


class ProfileForm(forms.ModelForm[Profile]):
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(), required=False, empty_label="(none)"
    )
    topics = forms.CharField(
        label="Topics you know about",
        required=False,
        max_length=500,
        help_text=f"Up to {MAX_DECLARED_TOPICS} tags, separated by commas or spaces, "
        "e.g. kubernetes, release. Shown apart from what colleagues' likes and accepted "
        "answers say you know.",
        widget=forms.TextInput(attrs={"data-autocomplete": "tags", "autocomplete": "off"}),
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        error_messages={"invalid_choice": "Choose a time zone from the list, e.g. Europe/Paris."},
    )

    class Meta:
        model = Profile
        fields = ["display_name", "title", "department", "location", "time_zone"]
        labels = {"display_name": "Name"}
        error_messages = {
            "display_name": {"required": "Please give the name colleagues know you by."}
        }
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built here, not at import: the list comes from the machine's zone database.
        automatic = "Automatic (your browser’s zone)"
        zones = [(name, name.replace("_", " ")) for name in time_zone_names()]
        self.fields["time_zone"].choices = [("", automatic), *zones]  # type: ignore[attr-defined]
        self.fields["time_zone"].help_text = (
            "Dates and times are shown in this zone. Automatic follows your browser "
            f"(or {settings.TIME_ZONE} with JavaScript off)."
        )

    def clean_topics(self) -> list[str]:
        try:
            return clean_topic_names(self.cleaned_data.get("topics", ""))
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class AppearanceForm(forms.Form):
    theme = forms.ChoiceField(
        label="Colour theme",
        choices=Profile.Theme.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose light, dark or the same as your device."},
    )


class AvailabilityForm(forms.Form):
    """Away until a date (inclusive) with a note; an empty date means "I am back"."""

    away_until = forms.DateField(
        label="Away until",
        required=False,
        help_text="The last day you are away. Leave empty when you are back.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date, e.g. 2026-12-02."},
    )
    away_note = forms.CharField(
        label="Note for colleagues",
        required=False,
        max_length=MAX_AWAY_NOTE,
        help_text="e.g. At the offsite; for release questions ask @tom.",
        error_messages={"max_length": f"Keep the note under {MAX_AWAY_NOTE} characters."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser's date picker starts at today too (the server checks regardless).
        self.fields["away_until"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_away_until(self) -> date | None:
        value: date | None = self.cleaned_data.get("away_until")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError("Choose today or a later date.")
        return value


class DirectoryForm(forms.Form):
    """The people directory's search: all optional, combined."""

    q = forms.CharField(
        label="Name",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or @handle"}),
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(),
        required=False,
        empty_label="Any department",
        error_messages={"invalid_choice": "Choose one of the departments."},
    )
    topic = forms.CharField(
        label="Knows about",
        required=False,
        max_length=41,
        widget=forms.TextInput(
            attrs={
                "data-autocomplete": "tags",
                "autocomplete": "off",
                "placeholder": "A tag, e.g. kubernetes",
            }
        ),
    )

    def clean_q(self) -> str:
        return str(self.cleaned_data.get("q", "")).strip()

    def clean_topic(self) -> str:
        return str(self.cleaned_data.get("topic", "")).strip().strip(",").lstrip("#").lower()


class StaffPeopleSearchForm(forms.Form):
    """The staff people page's search: by name or @handle."""

    q = forms.CharField(
        label="Name",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or @handle"}),
    )

    def clean_q(self) -> str:
        return str(self.cleaned_data.get("q", "")).strip()


class LeavingDateForm(forms.Form):
    """A person's last day (staff only); "Clear" says they are not leaving after all."""

    leaving_on = forms.DateField(
        label="Last day",
        required=True,
        help_text="Shown on their profile to everyone. Mark them departed when they have left.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Enter a date, e.g. 2026-12-02.",
            "required": "Choose their last day, or clear the leaving date.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser's date picker starts at today too (the action checks regardless).
        self.fields["leaving_on"].widget.attrs["min"] = timezone.localdate().isoformat()


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=MAX_ANONYMISE_REASON,
        help_text="Why, for the log: e.g. the erasure request's reference and date.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Give the reason (e.g. the legal request's reference).",
            "max_length": f"Keep the reason under {MAX_ANONYMISE_REASON} characters.",
        },
    )
