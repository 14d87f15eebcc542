"""What the posts do when something happens to people (profiles.signals). Connected in
QuestionsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from profiles import signals
from questions.models import Post
from search.indexing import reindex_posts


@receiver(signals.person_anonymised, dispatch_uid="questions.person_anonymised")
def reindex_posts_of_anonymised(sender: Any, *, user_id: int, **kwargs: Any) -> None:
    # A post's document carries its author's name, now "Former colleague #<id>".
    reindex_posts(*Post.objects.filter(author_id=user_id).values_list("pk", flat=True))
