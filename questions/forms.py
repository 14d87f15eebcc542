from __future__ import annotations

from typing import Any

from django import forms

from profiles.models import User
from questions.actions import MAX_BODY, MAX_STATUS, MAX_TITLE
from questions.models import Community, Post
from questions.permissions import member_community_ids
from questions.tagging import clean_tag_names

TAGS_HELP = "Up to 5, separated by commas or spaces, e.g. release, signing"


def postable_communities(user: User) -> Any:
    """Communities `user` may post in: open ones and private ones they belong to."""
    return Community.objects.filter(
        visibility=Community.Visibility.OPEN
    ) | Community.objects.filter(id__in=member_community_ids(user))


class PostFormBase(forms.Form):
    tags = forms.CharField(
        required=False,
        max_length=300,
        help_text=TAGS_HELP,
        widget=forms.TextInput(attrs={"data-autocomplete": "tags", "autocomplete": "off"}),
    )
    community = forms.ModelChoiceField(
        queryset=Community.objects.none(),
        required=False,
        empty_label="Everyone (no community)",
        error_messages={"invalid_choice": "Choose one of your communities."},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = postable_communities(user)  # type: ignore[attr-defined]

    def clean_tags(self) -> str:
        return _valid_tags(self.cleaned_data.get("tags", ""))


class QuestionForm(PostFormBase):
    """The full "Ask" page."""

    title = forms.CharField(
        max_length=MAX_TITLE,
        help_text="A whole question, e.g. How do we sign release builds?",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        required=False,
        label="Details",
        help_text="Markdown. Mention colleagues with @, e.g. @maria.",
        widget=forms.Textarea(attrs={"rows": 8, "data-autocomplete": "mentions"}),
    )
    field_order = ["title", "body", "tags", "community"]

    def clean_body(self) -> str:
        return _bounded(self.cleaned_data.get("body", ""), MAX_BODY)


class ComposeForm(PostFormBase):
    """The compose box on the home page: a status update or a quick question."""

    kind = forms.ChoiceField(
        choices=[(Post.Kind.STATUS, "Status update"), (Post.Kind.QUESTION, "Question")],
        initial=Post.Kind.STATUS,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        required=False,
        max_length=MAX_TITLE,
        label="Question",
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "Your question"}),
    )
    body = forms.CharField(
        required=False,
        label="What are you working on?",
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "data-autocomplete": "mentions",
                "placeholder": "Share what you are working on, ask for help, @mention colleagues",
            }
        ),
    )
    field_order = ["kind", "title", "body", "tags", "community"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Post.Kind.QUESTION and not (data.get("title") or "").strip():
            self.add_error("title", "A question needs a title.")
        if kind == Post.Kind.STATUS:
            if not (data.get("body") or "").strip():
                self.add_error("body", "Write something to share.")
            elif len(data["body"]) > MAX_STATUS:
                self.add_error(
                    "body",
                    f"Status updates stay under {MAX_STATUS:,} characters; ask a question "
                    "for longer text.",
                )
        elif len(data.get("body") or "") > MAX_BODY:
            self.add_error("body", f"Keep this under {MAX_BODY:,} characters.")
        return data


class EditPostForm(forms.Form):
    title = forms.CharField(required=False, max_length=MAX_TITLE)
    body = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 10, "data-autocomplete": "mentions"})
    )
    tags = forms.CharField(
        required=False,
        max_length=300,
        help_text=TAGS_HELP,
        widget=forms.TextInput(attrs={"data-autocomplete": "tags", "autocomplete": "off"}),
    )

    def clean_body(self) -> str:
        return _bounded(self.cleaned_data.get("body", ""), MAX_BODY)

    def clean_tags(self) -> str:
        return _valid_tags(self.cleaned_data.get("tags", ""))


class AnswerForm(forms.Form):
    body = forms.CharField(
        label="Your answer",
        help_text="Markdown. Mention colleagues with @.",
        widget=forms.Textarea(attrs={"rows": 6, "data-autocomplete": "mentions"}),
        error_messages={"required": "Write an answer before posting it."},
    )

    def clean_body(self) -> str:
        return _bounded(self.cleaned_data.get("body", ""), MAX_BODY)


class CommunityForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(
        choices=Community.Visibility.choices,
        initial=Community.Visibility.OPEN,
        widget=forms.RadioSelect,
    )


class AddMemberForm(forms.Form):
    username = forms.CharField(
        label="Colleague's handle",
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": "e.g. maria", "autocomplete": "off"}),
    )

    def clean_username(self) -> User:
        handle = self.cleaned_data["username"].strip().lstrip("@")
        user = User.objects.filter(username__iexact=handle, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"Nobody has the handle @{handle}.")
        return user


def _valid_tags(value: str) -> str:
    clean_tag_names(value)  # raises ValidationError with the message to show
    return value


def _bounded(value: str, limit: int) -> str:
    if len(value) > limit:
        raise forms.ValidationError(
            f"Keep this under {limit:,} characters (it has {len(value):,})."
        )
    return value
