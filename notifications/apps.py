from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Reactions to Django's and allauth's hooks: sockets live no longer than sessions.
        from notifications import signals  # noqa: F401
