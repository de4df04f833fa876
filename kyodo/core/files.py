"""Checks for uploaded files: size, and type sniffed from the content, never the name."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# What a city office can open: PDF, Word/Excel (OOXML), images, plain CSV/text.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


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
    # filetype reads OOXML files as zip unless it sees the whole central directory.
    if mime == "application/zip":
        name = (upload.name or "").lower()
        if name.endswith(".docx"):
            mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        elif name.endswith(".xlsx"):
            mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("PDF・Word（.docx）・Excel（.xlsx）・PNG・JPEG のファイルを選んでください。")
        )
    return mime
