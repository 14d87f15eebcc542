"""Stop reading an uploaded file as soon as it passes the size limit.

Runs before Django's memory and temporary-file handlers: chunks pass through until the
limit, then the file is skipped (the rest of it is read and discarded, never stored) and the
request is marked, so the form can say why and keep the other fields the person typed.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from intranet.lib.bodylimit import REFUSED_UPLOADS_KEY
from questions.files import human_size, max_upload_bytes


def too_large_message() -> str:
    return (
        f"The file is larger than the {human_size(max_upload_bytes())} limit; it was not uploaded."
    )


def upload_errors(request: HttpRequest) -> dict[str, str]:
    """Why each file field of this request has no file: stopped here while reading, or left
    out of a body too large to read whole (intranet.lib.bodylimit, under ASGI)."""
    errors: dict[str, str] = dict(getattr(request, "upload_errors", {}))
    scope = getattr(request, "scope", None) or {}
    for field_name in scope.get(REFUSED_UPLOADS_KEY, ()):
        errors.setdefault(field_name, too_large_message())
    return errors


class LimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = max_upload_bytes()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                self.request.upload_errors = getattr(self.request, "upload_errors", {})  # type: ignore[attr-defined]
                self.request.upload_errors[self.field_name] = too_large_message()  # type: ignore[attr-defined]
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file
