"""The webhook form: what the person types; the action checks it (webhooks.actions)."""

from __future__ import annotations

from typing import Any

from django import forms

from webhooks.models import EVENT_CHOICES, STAFF_ONLY_EVENTS, Webhook


class WebhookForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="For you: which channel or service it is.")
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="Where to POST each event (http:// or https://), e.g. a Slack or Teams "
        "incoming-webhook address.",
    )
    events = forms.MultipleChoiceField(
        # Not required here: the action says what is missing along with any other problem.
        choices=EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label="Events",
        required=False,
    )
    tag = forms.CharField(
        required=False,
        max_length=100,
        label="Only posts tagged",
        help_text="Optional: one tag, e.g. release. Departures are not filtered.",
    )
    format = forms.ChoiceField(
        choices=Webhook.Format.choices, widget=forms.RadioSelect, initial=Webhook.Format.JSON
    )

    def __init__(self, *args: Any, community_hook: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if community_hook:
            field = self.fields["events"]
            if isinstance(field, forms.MultipleChoiceField):
                field.choices = [c for c in EVENT_CHOICES if c[0] not in STAFF_ONLY_EVENTS]


class EditWebhookForm(WebhookForm):
    is_active = forms.BooleanField(
        required=False, label="Active", help_text="Untick to stop sending without deleting."
    )
    regenerate_secret = forms.BooleanField(
        required=False,
        label="Make a new secret",
        help_text="The old one stops working at once: update your receiver.",
    )

    @classmethod
    def for_hook(cls, hook: Webhook) -> EditWebhookForm:
        return cls(
            initial={
                "name": hook.name,
                "url": hook.url,
                "events": hook.events,
                "tag": hook.tag,
                "format": hook.format,
                "is_active": hook.is_active,
            },
            community_hook=hook.community_id is not None,
        )
