"""File responses whose names every browser reads right."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse


def attachment(data: bytes, *, filename: str, fallback: str, content_type: str) -> HttpResponse:
    """RFC 6266: `filename` is the ASCII fallback for old clients, `filename*` (RFC 5987,
    UTF-8, percent-encoded) the Japanese name that current browsers use."""
    response = HttpResponse(data, content_type=content_type)
    ascii_name = "".join(ch for ch in fallback if ch.isascii() and ch not in '"\\;') or "document"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Content-Length"] = str(len(data))
    # A document may carry personal data: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
