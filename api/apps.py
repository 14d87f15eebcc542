from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from api.actions import revoke_tokens_of_departed
        from intranet.lib import domain_events

        # A person who leaves can no longer act; their tokens stop at once (authentication
        # refuses former colleagues too, so a token is never the way back in).
        domain_events.subscribe(revoke_tokens_of_departed, domain_events.PERSON_DEPARTED)
