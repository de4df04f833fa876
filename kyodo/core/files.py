"""Checks for uploaded files: size, and type sniffed from the content, never the name."""

from __future__ import annotations

import zipfile
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _

# What a city office can open: PDF, Word/Excel (OOXML), images, plain CSV/text.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def _ooxml_type(upload: UploadedFile) -> str:
    """The OOXML type of a zip upload from its parts, or "" when it is not Word or Excel."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return ""
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return ""


def sniff_upload(upload: UploadedFile) -> str:
    """Return the MIME type read from the file's first bytes, or refuse the file."""
    max_bytes = settings.KYODO_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("ファイルが大きすぎます（上限 %(mb)d MB）。") % {"mb": max_bytes // (1024 * 1024)}
        )
    if not upload.size:
        raise ValidationError(_("空のファイルは受け付けられません。"))
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    # filetype reads OOXML files as zip unless it sees the whole central directory: look
    # inside the archive, never at the name, so any zip renamed .docx is still refused.
    if mime == "application/zip":
        mime = _ooxml_type(upload)
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("PDF・Word（.docx）・Excel（.xlsx）・PNG・JPEG のファイルを選んでください。")
        )
    return mime


IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})


def sniff_image(upload: UploadedFile) -> str:
    """As sniff_upload, for a photo: PNG or JPEG only."""
    mime = sniff_upload(upload)
    if mime not in IMAGE_TYPES:
        raise ValidationError(_("写真は PNG または JPEG のファイルを選んでください。"))
    return mime


def stored_file_response(record: Any, *, inline: bool = False) -> FileResponse:
    """An uploaded file (a record with `file`, `original_name`, `content_type`) as a download
    under the name it was uploaded with (`inline`: shown in the page, for a photo); the
    caller has checked who may have it."""
    response = FileResponse(
        record.file.open("rb"),
        as_attachment=not inline,
        filename=record.original_name,
        content_type=record.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
