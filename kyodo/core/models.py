"""Core tables that serve every app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredUpload(models.Model):
    """What Kyodo keeps about every uploaded file, whichever record it belongs to.

    Subclasses declare `file` with their own upload_to and add their owner and kind. The
    content type is the one sniffed from the bytes (kyodo.core.files), never the name's."""

    original_name = models.CharField(_("ファイル名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @staticmethod
    def fields_for(upload: Any, *, uploaded_by: Any) -> dict[str, Any]:
        """The columns for a new row from an upload: the type sniffed from its bytes (refusing
        what kyodo.core.files does not accept), its name cut to fit, its size."""
        from kyodo.core.files import sniff_upload

        return {
            "file": upload,
            "content_type": sniff_upload(upload),
            "original_name": (upload.name or "file")[:255],
            "size": upload.size or 0,
            "uploaded_by": uploaded_by,
        }


class FormSubmission(models.Model):
    """A one-time form token, claimed by the first POST that carries it (see kyodo.core.once).

    The unique token is what stops a double click or a resent POST: two requests cannot
    both insert it, whatever the timing."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    path = models.CharField(max_length=300)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.path} {self.created_at:%Y-%m-%d %H:%M}"


class NumberSequence(models.Model):
    """The last number issued of one kind in one fiscal year (see kyodo.core.numbering)."""

    kind = models.CharField(max_length=40)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="core_numbersequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"
