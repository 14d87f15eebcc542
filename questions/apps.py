from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = "Questions and answers"

    def ready(self) -> None:
        # Notifications sit below questions: they learn who may see a post from here.
        from notifications.posts import register_post_access
        from questions.permissions import NotificationPostAccess

        register_post_access(NotificationPostAccess())

        # Search sits below this app: it learns about posts through this provider.
        from questions.search_provider import QuestionsPostProvider
        from search.providers import register_posts

        register_posts(QuestionsPostProvider())

        # People sit below this app: anonymising someone renames what they wrote.
        from questions import people  # noqa: F401
