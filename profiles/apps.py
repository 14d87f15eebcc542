from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "People"

    def ready(self) -> None:
        # Reactions to Django's and allauth's hooks: sockets live no longer than sessions.
        from profiles import signals  # noqa: F401

        # Search sits below earned expertise: people documents learn their topics here.
        from profiles.expertise import expertise_tags
        from search.providers import register_expertise

        register_expertise(expertise_tags)
