from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Insights"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from profiles.models import PeopleLog
        from reports.signals import forget_reports_after_a_change_of_standing

        post_save.connect(
            forget_reports_after_a_change_of_standing,
            sender=PeopleLog,
            dispatch_uid="reports.forget_after_standing_change",
        )
