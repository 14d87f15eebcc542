from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Outgoing webhooks"

    def ready(self) -> None:
        from intranet.lib import domain_events
        from webhooks.actions import record_event

        # After each commit that publishes one of them: a delivery row per matching hook.
        domain_events.subscribe(record_event)
