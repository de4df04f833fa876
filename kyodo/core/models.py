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


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change that caused it.

    Its deliveries (mail and in-app notices) are rows too; background tasks send the mail
    after commit (kyodo.core.events)."""

    name = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.target_label}"


class DeliveryChannel(models.TextChoices):
    MAIL = "mail", _("メール")
    INBOX = "inbox", _("お知らせ")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("送信待ち")
    SENDING = "sending", _("送信中")
    SENT = "sent", _("送信済み")
    FAILED = "failed", _("送信できず")


class Delivery(models.Model):
    """One message of one event to one recipient: a mail to an address, or an in-app notice
    in a person's inbox. A worker claims a pending mail by a conditional UPDATE, so two
    workers never send the same one."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=DeliveryChannel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["channel", "status", "next_attempt_at"]),
            models.Index(fields=["user", "channel", "read_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address or self.user_id}: {self.subject}"
