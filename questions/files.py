"""What a draft's file may be, checked by its content as well as its name, and safe names.

The allowlist is small on purpose: documents people share for feedback and images. Every
type is recognised by its first bytes (and, for Office files, by the parts inside the zip),
so an HTML page or an SVG renamed .pdf or .png is refused. Only raster images are ever
served inline; everything else is an attachment.
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileType:
    label: str
    extensions: tuple[str, ...]  # the first is the canonical one, used for storage names
    content_type: str
    inline: bool = False  # served inline (raster images); everything else is an attachment


FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", (".pdf",), "application/pdf"),
    "docx": FileType(
        "Word document",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "pptx": FileType(
        "PowerPoint presentation",
        (".pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "md": FileType("Markdown", (".md", ".markdown"), "text/markdown; charset=utf-8"),
    "txt": FileType("Text", (".txt", ".text", ".csv", ".log"), "text/plain; charset=utf-8"),
    "png": FileType("PNG image", (".png",), "image/png", inline=True),
    "jpeg": FileType("JPEG image", (".jpg", ".jpeg"), "image/jpeg", inline=True),
    "gif": FileType("GIF image", (".gif",), "image/gif", inline=True),
    "webp": FileType("WebP image", (".webp",), "image/webp", inline=True),
}

ALLOWED_EXTENSIONS = sorted({e for t in FILE_TYPES.values() for e in t.extensions})
ACCEPT_ATTRIBUTE = ",".join(ALLOWED_EXTENSIONS)
ALLOWED_DESCRIPTION = "PDF, Word (.docx), PowerPoint (.pptx), Markdown, text, PNG, JPEG, GIF, WebP"

# Office files are zips: bounded before anything unpacks them (a "zip bomb" is a small
# file that unpacks to gigabytes, or holds a huge number of entries).
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNPACKED = 200 * 1024 * 1024

_TEXT_SNIFF = 64 * 1024
_MARKUP = re.compile(rb"^\s*<(?:!doctype|html|svg|\?xml|script|head|body|iframe)", re.I)


def max_upload_bytes() -> int:
    return int(settings.DRAFT_MAX_UPLOAD_MB * 1024 * 1024)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            if unit == "bytes" or value == int(value):
                return f"{value:.0f} {unit}"
            return f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def safe_filename(name: str) -> str:
    """The uploader's file name, fit to show and to put in Content-Disposition.

    Only the last path component survives (so "../../etc/passwd" is "passwd"); control and
    format characters go, as do characters that are special in paths or headers; the result
    is never empty, hidden (leading dot) or longer than 120 characters.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if unicodedata.category(c) in {"Zl", "Zp"} or c in "\t\r\n" else c
        for c in name
        if unicodedata.category(c)[0] != "C" or c in "\t\r\n"
    )
    name = re.sub(r'[<>:"|?*;]', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, ext = os.path.splitext(name)
    if len(name) > 120:
        name = stem[: 120 - len(ext[:20])].rstrip(" .") + ext[:20]
    return name or "file"


def check_zip(file: IO[bytes]) -> zipfile.ZipFile:
    """Open an Office file's zip, refusing bombs by entry count and declared unpacked size.

    Python's zipfile never unpacks more than an entry declares (and fails on a mismatch), so
    checking the declared sizes bounds what extraction can unpack.
    """
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValidationError("The file is damaged: it is not a readable zip.") from error
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ValidationError(f"The file holds too many parts ({len(entries):,}).")
    if sum(e.file_size for e in entries) > MAX_ZIP_UNPACKED:
        raise ValidationError("The file unpacks to more than 200 MB; it cannot be read safely.")
    return archive


def _office_type(file: IO[bytes]) -> str | None:
    # Only the zip's directory is read here; sizes are checked before extraction unpacks.
    try:
        names = set(zipfile.ZipFile(file).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head or _MARKUP.match(head.removeprefix(b"\xef\xbb\xbf")):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sniffing window is still text.
        return error.start >= len(head) - 3 and len(head) == _TEXT_SNIFF
    return True


def sniff(file: IO[bytes]) -> str | None:
    """The FILE_TYPES key this content is, or None if it is none of them."""
    file.seek(0)
    head = file.read(_TEXT_SNIFF)
    file.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        if head[:6] in (b"GIF87a", b"GIF89a"):
            return "gif"
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return "webp"
        if head.startswith(b"PK\x03\x04"):
            return _office_type(file)
        if head and _looks_like_text(head):
            return "text"
        return None
    finally:
        file.seek(0)


def file_type_for(filename: str, file: IO[bytes]) -> str:
    """Check an upload against the allowlist by extension and by content; return its type.

    Raises ValidationError with a message for the uploader.
    """
    ext = os.path.splitext(filename)[1].lower()
    by_name = next((key for key, t in FILE_TYPES.items() if ext in t.extensions), None)
    if by_name is None:
        raise ValidationError(
            f"Files of type “{ext or 'none'}” cannot be shared. Allowed: {ALLOWED_DESCRIPTION}."
        )
    by_content = sniff(file)
    if by_content == "text" and by_name in {"md", "txt"}:
        return by_name
    if by_content != by_name:
        label = FILE_TYPES[by_name].label
        raise ValidationError(
            f"The file is named {ext} but its content is not a {label}; it was not shared."
        )
    return by_name
