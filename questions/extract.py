"""Text inside a draft's file, for search and for the preview.

Runs in the task backend after commit, never in a request. Every reader is bounded: by
characters kept, by pages or slides read, and (for Office zips) by entry count and unpacked
size before anything unpacks. A file that cannot be read is still shared; its version says
why it is not searchable by content.
"""

from __future__ import annotations

import logging
from typing import IO

from django.core.exceptions import ValidationError

from questions.files import check_zip

logger = logging.getLogger(__name__)

MAX_CHARS = 200_000  # what is kept for search; the preview shows the start of it
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_PAGES = 300


class Unreadable(Exception):
    """The file's text cannot be extracted; the message says why, for the draft page."""


class _Collector:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> bool:
        """Keep text; False once MAX_CHARS is reached (the caller stops reading)."""
        text = text.strip()
        if text:
            self.parts.append(text[: MAX_CHARS - self.size])
            self.size += len(self.parts[-1]) + 1
        return self.size < MAX_CHARS

    def text(self) -> str:
        return "\n".join(self.parts)[:MAX_CHARS]


def _plain(file: IO[bytes]) -> str:
    text = file.read(MAX_TEXT_BYTES).decode("utf-8", errors="replace")
    return text.replace("\x00", "")[:MAX_CHARS]


def _pdf(file: IO[bytes]) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    out = _Collector()
    try:
        reader = PdfReader(file)
        if reader.is_encrypted:
            raise Unreadable("the PDF is encrypted")
        for number, page in enumerate(reader.pages):
            if number >= MAX_PAGES or not out.add(page.extract_text() or ""):
                break
    except PyPdfError as error:
        raise Unreadable(f"the PDF could not be read ({error})") from error
    return out.text()


def _docx(file: IO[bytes]) -> str:
    import docx

    check_zip(file)
    file.seek(0)
    document = docx.Document(file)
    out = _Collector()
    for paragraph in document.paragraphs:
        if not out.add(paragraph.text):
            return out.text()
    for table in document.tables:
        for row in table.rows:
            if not out.add(" | ".join(cell.text for cell in row.cells)):
                return out.text()
    return out.text()


def _pptx(file: IO[bytes]) -> str:
    import pptx

    check_zip(file)
    file.seek(0)
    presentation = pptx.Presentation(file)
    out = _Collector()
    for number, slide in enumerate(presentation.slides):
        if number >= MAX_PAGES:
            break
        for shape in slide.shapes:
            if shape.has_text_frame and not out.add(shape.text_frame.text):
                return out.text()
        if slide.has_notes_slide and not out.add(slide.notes_slide.notes_text_frame.text):
            return out.text()
    return out.text()


READERS = {"txt": _plain, "md": _plain, "pdf": _pdf, "docx": _docx, "pptx": _pptx}


def extract_text(file: IO[bytes], file_type: str) -> str | None:
    """The file's text (bounded), or None for types without text (images).

    Raises Unreadable when a document's text cannot be extracted.
    """
    reader = READERS.get(file_type)
    if reader is None:
        return None
    try:
        return reader(file)
    except Unreadable:
        raise
    except ValidationError as error:
        raise Unreadable(" ".join(error.messages)) from error
    except Exception as error:  # a damaged file must not fail the task: say why, keep going
        logger.warning("text extraction failed for a %s file: %r", file_type, error)
        raise Unreadable(f"the {file_type.upper()} file could not be read") from error
