from django.apps import AppConfig


class IntranetConfig(AppConfig):
    name = "intranet"
    verbose_name = "Intranet"

    def ready(self) -> None:
        from intranet import checks  # noqa: F401  (registers the deploy checks)
