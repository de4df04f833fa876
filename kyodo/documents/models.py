"""What the documents app stores: the numbers documents were issued under, and the bundles
(committee pack, dossier) built in the background."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuedNumber(models.Model):
    """The number a numbered document (a certificate, a notice) took when first printed;
    every later print of the same record shows the same number and date."""

    kind = models.CharField(_("帳票の種類"), max_length=40)
    object_id = models.PositiveBigIntegerField()
    number = models.CharField(_("文書番号"), max_length=40)
    issued_on = models.DateField(_("発行日"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="issued_number_unique")
        ]
        verbose_name = _("発行した文書番号")
        verbose_name_plural = _("発行した文書番号")

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class BundleKind(models.TextChoices):
    COMMITTEE_PACK = "committee_pack", _("審査資料一式")
    DOSSIER = "dossier", _("事業の記録一式")


class BundleStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    BUILDING = "building", _("作成中")
    READY = "ready", _("完成")
    FAILED = "failed", _("失敗")


class BuiltBundle(models.Model):
    """One PDF of several documents, built by a background task for the person who asked."""

    kind = models.CharField(_("種類"), max_length=20, choices=BundleKind.choices)
    # The call (committee pack) or the proposal (dossier) the bundle is about.
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("名称"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="document_bundles"
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=BundleStatus.choices, default=BundleStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("作成済み"), default=0)
    total = models.PositiveIntegerField(_("全体"), default=0)
    file = models.FileField(_("ファイル"), upload_to="bundles/%Y/%m/", blank=True)
    filename = models.CharField(_("ファイル名"), max_length=300, blank=True)
    error = models.TextField(_("失敗の理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("帳票の一式")
        verbose_name_plural = _("帳票の一式")

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
