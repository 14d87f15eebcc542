from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # signals: reactions to Django's and allauth's hooks (sockets live no longer than
        # sessions). people: people sit below notifications; their actions send
        # profiles.signals, answered there.
        from notifications import people, signals  # noqa: F401
