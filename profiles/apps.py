from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "People"

    def ready(self) -> None:
        # Reactions to Django's and allauth's hooks: sockets live no longer than sessions.
        from profiles import signals  # noqa: F401
