from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "People"

    def ready(self) -> None:
        # Search sits below earned expertise: people documents learn their topics here.
        from profiles.expertise import expertise_tags
        from search.providers import register_expertise

        register_expertise(expertise_tags)
