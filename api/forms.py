from __future__ import annotations

from datetime import date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from api.actions import MAX_NAME
from api.models import AccessToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=MAX_NAME,
        help_text="What will use it, e.g. “Release bot in #builds”.",
    )
    scope = forms.ChoiceField(
        label="Access",
        choices=AccessToken.Scope.choices,
        initial=AccessToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(
        label="Expires on (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The token stops working at the start of this day. Empty: never.",
    )

    def clean_expires_on(self) -> date | None:
        day: date | None = self.cleaned_data["expires_on"]
        if day is not None and day <= timezone.localdate():
            raise ValidationError("Choose a day after today.")
        return day

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.min))


class StaffTokenSearchForm(forms.Form):
    q = forms.CharField(label="Person (username)", required=False, max_length=150)
