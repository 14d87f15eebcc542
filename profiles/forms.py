from __future__ import annotations

from django import forms
from django.http import HttpRequest

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

    class Meta:
        model = Profile
        fields = ["display_name", "title", "department", "location"]
        labels = {"display_name": "Name"}
        error_messages = {
            "display_name": {"required": "Please give the name colleagues know you by."}
        }
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }
