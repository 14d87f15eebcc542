"""Model instances to response dicts (read with the select_related the lists set up)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from profiles.models import User
from questions.models import Answer, Community, DraftVersion, Post


def person(user: User) -> dict[str, Any]:
    profile = getattr(user, "profile", None)
    return {
        "username": user.username,
        "display_name": profile.display_name if profile else user.username,
        "former": user.is_former,
    }


def community(item: Community | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {"slug": item.slug, "name": item.name, "private": item.is_private}


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def post(request: HttpRequest, item: Post) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "body_html": item.body_html,
        "url": absolute(request, item.get_absolute_url()),
        "author": person(item.author),
        "community": community(item.community),
        "tags": sorted(tag.name for tag in item.tags.all()),
        "created_at": item.created_at,
        "edited_at": item.edited_at,
        "last_activity_at": item.last_activity_at,
        "answer_count": item.answer_count,
        "like_count": item.like_count,
        "accepted_answer_id": item.accepted_answer_id,
    }


def answer(item: Answer, *, accepted_id: int | None) -> dict[str, Any]:
    return {
        "id": item.pk,
        "post_id": item.post_id,
        "body": item.body,
        "body_html": item.body_html,
        "author": person(item.author),
        "created_at": item.created_at,
        "edited_at": item.edited_at,
        "like_count": item.like_count,
        "accepted": item.pk == accepted_id,
    }


def version(request: HttpRequest, item: DraftVersion) -> dict[str, Any]:
    return {
        "id": item.pk,
        "number": item.number,
        "filename": item.filename,
        "file_type": item.file_type,
        "size": item.size,
        "sha256": item.sha256,
        "uploaded_by": person(item.uploaded_by),
        "created_at": item.created_at,
        "change_note": item.change_note,
        "download_count": item.download_count,
        "download_url": absolute(request, reverse("api-1:download_version", args=[item.pk])),
    }
