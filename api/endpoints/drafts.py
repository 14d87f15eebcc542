"""Drafts: metadata, versions and the download, through the same access check as the site
(the draft's visibility) and counted as the site counts downloads."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from api.auth import caller
from api.endpoints import shapes
from api.schemas import DraftOut, VersionOut
from questions import actions
from questions.feeds import prefetch_tags
from questions.files import FILE_TYPES
from questions.models import DraftVersion, Post
from questions.permissions import get_post_for_user

router = Router(tags=["drafts"])


def _draft(request: HttpRequest, pk: int) -> Post:
    post = get_post_for_user(caller(request), pk)
    if not post.is_draft:
        raise Http404("No such draft.")
    return post


def _versions(request: HttpRequest, post: Post) -> list[dict[str, Any]]:
    rows = post.versions.select_related("uploaded_by__profile").order_by("-number")
    return [shapes.version(request, v) for v in rows]


@router.get("/drafts/{int:post_id}", response=DraftOut, summary="A draft and its versions")
def draft(request: HttpRequest, post_id: int) -> dict[str, Any]:
    post = _draft(request, post_id)
    prefetch_tags([post])
    return {
        "post": shapes.post(request, post),
        "feedback_wanted": post.feedback_wanted,
        "download_count": post.download_count,
        "current_version_id": post.current_version_id,
        "versions": _versions(request, post),
    }


@router.get(
    "/drafts/{int:post_id}/versions", response=list[VersionOut], summary="A draft's versions"
)
def versions(request: HttpRequest, post_id: int) -> list[dict[str, Any]]:
    """Newest first."""
    return _versions(request, _draft(request, post_id))


@router.get(
    "/versions/{int:version_id}/download",
    url_name="download_version",
    summary="Download a version's file",
    response={200: bytes},
    openapi_extra={"responses": {200: {"content": {"application/octet-stream": {}}}}},
)
def download(request: HttpRequest, version_id: int) -> FileResponse:
    """Always an attachment; counted once per person and day, as on the site."""
    user = caller(request)
    version = get_object_or_404(DraftVersion.objects.select_related("post"), pk=version_id)
    get_post_for_user(user, version.post_id)  # 404 for a draft the caller may not see
    actions.record_download(version=version, user=user)
    try:
        handle = version.file.open("rb")
    except OSError as error:
        raise Http404("The file is missing from storage.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.filename,
        content_type=FILE_TYPES[version.file_type].content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response
