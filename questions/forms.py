from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from profiles.models import User, current_q
from questions.actions import MAX_BODY, MAX_CHANGE_NOTE, MAX_STATUS, MAX_TITLE
from questions.files import ACCEPT_ATTRIBUTE, ALLOWED_DESCRIPTION, human_size, max_upload_bytes
from questions.models import Community, DraftVersion, Post
from questions.permissions import member_community_ids
from questions.tagging import clean_tag_names

TAGS_HELP = "Up to 5, separated by commas or spaces, e.g. release, signing"


def similar_attrs() -> dict[str, str]:
    """While a question's title is typed, earlier similar questions appear below it (htmx
    sends the field's own value; the box is in partials/fields.html)."""
    return {
        "hx-get": reverse("search_similar"),
        "hx-trigger": "input changed delay:400ms",
        "hx-target": "next .similar-box",
        "hx-sync": "this:replace",
    }


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
    similar_box = True
    away_notice = True  # partials/fields.html: who of the people mentioned is away
    markdown_help = True  # partials/fields.html: formatting help and the preview box

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.update(similar_attrs())

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
    similar_box = True
    away_notice = True
    markdown_help = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.update(similar_attrs())
        # static/css/compose.css keeps the box open while any field shows typed text, which
        # it reads from :placeholder-shown.
        self.fields["tags"].widget.attrs["placeholder"] = "e.g. release, signing"

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
    markdown_help = True
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
    away_notice = True
    markdown_help = True

    def clean_body(self) -> str:
        return _bounded(self.cleaned_data.get("body", ""), MAX_BODY)


class DraftCommentForm(AnswerForm):
    """Feedback on a draft, about one of its versions (the current one unless chosen)."""

    version = forms.ModelChoiceField(
        queryset=DraftVersion.objects.none(),
        required=False,
        empty_label=None,
        label="About version",
        error_messages={"invalid_choice": "Choose one of this draft's versions."},
    )
    field_order = ["version", "body"]

    def __init__(self, *args: Any, post: Post, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Your feedback"
        self.fields["body"].error_messages["required"] = "Write your feedback before posting it."
        field = self.fields["version"]
        field.queryset = post.versions.order_by("-number")  # type: ignore[attr-defined]
        field.label_from_instance = lambda v: f"Version {v.number}: {v.filename}"  # type: ignore[attr-defined]
        field.initial = post.current_version_id


class _FileFormMixin:
    """A file field whose upload may have been stopped early (questions.uploads): the
    reason is shown instead of "this field is required"."""

    upload_errors: dict[str, str]
    fields: dict[str, forms.Field]

    def _take_upload_errors(self, upload_errors: dict[str, str] | None) -> None:
        self.upload_errors = upload_errors or {}
        if "file" in self.upload_errors:
            self.fields["file"].required = False  # clean_file reports the real reason

    def clean_file(self) -> Any:
        message = self.upload_errors.get("file")
        if message:
            raise forms.ValidationError(message)
        return self.cleaned_data.get("file")  # type: ignore[attr-defined]


def _file_field() -> forms.FileField:
    return forms.FileField(
        help_text=f"{ALLOWED_DESCRIPTION}; at most {human_size(max_upload_bytes())}.",
        error_messages={"required": "Choose a file to share.", "empty": "The file is empty."},
        widget=forms.FileInput(
            attrs={"accept": ACCEPT_ATTRIBUTE, "data-max-bytes": str(max_upload_bytes())}
        ),
    )


class DraftForm(_FileFormMixin, PostFormBase):
    """Share a draft: what it is, what feedback is wanted, and the file."""

    title = forms.CharField(
        max_length=MAX_TITLE,
        help_text="What the document is, e.g. Onboarding checklist for support engineers",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        required=False,
        label="What feedback do you want?",
        help_text="Markdown. @mention the reviewers you would like to hear from.",
        widget=forms.Textarea(attrs={"rows": 5, "data-autocomplete": "mentions"}),
    )
    file = _file_field()
    field_order = ["title", "body", "tags", "community", "file"]
    away_notice = True
    markdown_help = True

    def __init__(self, *args: Any, upload_errors: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"] = _file_field()
        self._take_upload_errors(upload_errors)

    def clean_body(self) -> str:
        return _bounded(self.cleaned_data.get("body", ""), MAX_BODY)


class VersionForm(_FileFormMixin, forms.Form):
    change_note = forms.CharField(
        required=False,
        max_length=MAX_CHANGE_NOTE,
        label="What changed?",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Took in Ken's comments on section 2"}),
    )
    file = _file_field()
    field_order = ["change_note", "file"]

    def __init__(self, *args: Any, upload_errors: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"] = _file_field()
        self.fields["file"].label = "New version"
        self._take_upload_errors(upload_errors)


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
        user = User.objects.filter(current_q(), username__iexact=handle).first()
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
