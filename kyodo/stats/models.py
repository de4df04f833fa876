"""Statistics of civic activity: the city's NPO corporations (from the national NPO
portal's bulk file), the imports that brought them, and the yearly figures staff enter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NpoCorporation(models.Model):
    """One NPO corporation of the city, keyed by its 法人番号: a new file updates it."""

    corporate_number = models.CharField(_("法人番号"), max_length=13, unique=True)
    name = models.CharField(_("法人名称"), max_length=300)
    name_kana = models.CharField(_("法人名称（カナ）"), max_length=300, blank=True)
    authority = models.CharField(_("所轄庁"), max_length=100, blank=True)
    delegated_to = models.CharField(_("権限移譲先市町村"), max_length=100, blank=True)
    address = models.CharField(_("主たる事務所の所在地"), max_length=300, blank=True)
    representative = models.CharField(_("代表者氏名"), max_length=200, blank=True)
    certified_on = models.DateField(_("法人設立認証年月日"), null=True, blank=True)
    established_on = models.DateField(_("設立年月日"), null=True, blank=True)
    # The 20 activity fields of the NPO Act as ",1,3,13," so that one query counts each.
    fields = models.CharField(_("活動分野"), max_length=80, blank=True)
    is_certified = models.BooleanField(_("認定・特例認定"), default=False)
    certification_start = models.DateField(_("認定開始日"), null=True, blank=True)
    certification_end = models.DateField(_("認定満了日"), null=True, blank=True)
    dissolved = models.BooleanField(_("解散"), default=False)
    dissolved_on = models.DateField(_("解散日"), null=True, blank=True)
    dissolution_note = models.CharField(_("解散情報"), max_length=300, blank=True)
    url = models.CharField(_("法人情報URL"), max_length=300, blank=True)
    first_seen = models.ForeignKey(
        "NpoImport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["corporate_number"]
        indexes = [models.Index(fields=["certified_on"], name="stats_npo_certified")]
        verbose_name = _("NPO法人")
        verbose_name_plural = _("NPO法人")

    def __str__(self) -> str:
        return self.name

    def field_numbers(self) -> list[int]:
        return [int(n) for n in self.fields.strip(",").split(",") if n]


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("取込み中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


class NpoImport(models.Model):
    file = models.FileField(upload_to="stats/npo/")
    filename = models.CharField(_("ファイル名"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    newly_dissolved = models.PositiveIntegerField(default=0)
    outside_city = models.PositiveIntegerField(default=0)
    # [{"line": 12, "message": "…"}] and [{"number": "…", "name": "…", "changes": {…}}]
    problems = models.JSONField(default=list)
    changes = models.JSONField(default=list)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("NPO法人データの取込み")
        verbose_name_plural = _("NPO法人データの取込み")

    def __str__(self) -> str:
        return self.filename

    @property
    def progress_percent(self) -> int:
        return 100 * self.processed // self.total_rows if self.total_rows else 0


class CityYear(models.Model):
    """The city's figures for one fiscal year, entered by staff."""

    fiscal_year = models.PositiveIntegerField(_("年度"), unique=True)
    population = models.PositiveIntegerField(_("人口（人・年度末）"), null=True, blank=True)
    households = models.PositiveIntegerField(_("世帯数（年度末）"), null=True, blank=True)
    general_budget = models.BigIntegerField(_("一般会計予算（円）"), null=True, blank=True)
    civic_budget = models.BigIntegerField(
        _("市民活動・協働関係の予算（円）"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fiscal_year"]
        verbose_name = _("市の年度別の数値")
        verbose_name_plural = _("市の年度別の数値")

    def __str__(self) -> str:
        return str(self.fiscal_year)
