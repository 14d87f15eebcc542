"""Stop reading an uploaded file as soon as it passes the size limit.

Runs before Django's memory and temporary-file handlers: chunks pass through until the
limit, then the file is skipped (the rest of it is read and discarded, never stored) and the
request is marked, so the form can say why and keep the other fields the person typed.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from questions.files import human_size, max_upload_bytes


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
                self.request.upload_errors[self.field_name] = (  # type: ignore[attr-defined]
                    f"The file is larger than the {human_size(self.limit)} limit; "
                    "it was not uploaded."
                )
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file
