from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo company: seed data and its loader. Nothing in the product imports it."""

    name = "demo"
    verbose_name = "Demo company"
