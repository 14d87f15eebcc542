"""Work done after commit in the task backend, never inside a request."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from questions.extract import Unreadable, extract_text
from questions.models import DraftVersion
from search.indexing import reindex_posts

logger = logging.getLogger(__name__)


@task()
def extract_version_text(version_id: int) -> str:
    """Extract a draft version's text for search and preview; returns the outcome."""
    version = DraftVersion.objects.filter(pk=version_id).first()
    if version is None:
        return "missing"
    if version.text_status != DraftVersion.Text.PENDING:
        return str(version.text_status)  # done already (a repeated or late task)
    status, text, error = DraftVersion.Text.DONE, "", ""
    try:
        with version.file.open("rb") as file:
            extracted = extract_text(file, version.file_type)
    except Unreadable as problem:
        status, error = DraftVersion.Text.FAILED, str(problem)[:200]
    except OSError as problem:
        logger.error("draft version %s: file unavailable: %s", version_id, problem)
        status, error = DraftVersion.Text.FAILED, "the stored file could not be opened"
    else:
        if extracted is None:
            status = DraftVersion.Text.NONE
        else:
            text = extracted
    with transaction.atomic():
        DraftVersion.objects.filter(pk=version_id).update(
            text=text, text_status=status, text_error=error
        )
        if text:
            reindex_posts(version.post_id)  # the draft is now searchable by its content
    return str(status)
