from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # People sit below search: their actions send profiles.signals, answered here.
        from search import people  # noqa: F401
