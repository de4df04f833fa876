"""Consultations, proposals, their frozen versions, budgets and the four-party consultation.

A proposal's status moves only through `proposals.services.proposal_transition`, along the
table in `proposals.workflow`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Section
from kyodo.core.models import StoredUpload
from kyodo.core.workflow import FollowsWorkflow
from kyodo.programmes.models import Call, CityTheme, Course, Track
from kyodo.registry.models import CivicGroup


class ConsultationOutcome(models.TextChoices):
    PENDING = "pending", _("相談中")
    MATCHED = "matched", _("担当課が決まり、提案の準備へ")
    NOT_SUITABLE = "not_suitable", _("協働事業にはなじまない")
    CLOSED = "closed", _("相談終了")


class ConsultationSheet(models.Model):
    """事前相談シート: the group's idea before a proposal, and the matching with a department."""

    group = models.ForeignKey(CivicGroup, on_delete=models.CASCADE, related_name="consultations")
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("募集")
    )
    theme = models.ForeignKey(
        CityTheme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("市提案テーマ"),
    )
    idea = models.TextField(_("事業のアイデア"))
    issue = models.TextField(_("解決したい地域・社会の課題"))
    wished_section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("協働を希望する担当課"),
    )
    wished_section_text = models.CharField(
        _("担当課が分からない場合の希望"), max_length=200, blank=True
    )
    assigned_section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("調整した担当課"),
    )
    outcome = models.CharField(
        _("相談の結果"),
        max_length=20,
        choices=ConsultationOutcome.choices,
        default=ConsultationOutcome.PENDING,
    )
    outcome_note = models.TextField(_("結果の説明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("事前相談シート")
        verbose_name_plural = _("事前相談シート")

    def __str__(self) -> str:
        return f"{self.group}：{self.idea[:30]}"


class ConsultationMeeting(models.Model):
    sheet = models.ForeignKey(ConsultationSheet, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("相談日"))
    attendees = models.CharField(_("出席者"), max_length=500)
    notes = models.TextField(_("相談の内容"))
    next_steps = models.TextField(_("次にすること"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("相談の記録")
        verbose_name_plural = _("相談の記録")

    def __str__(self) -> str:
        return f"{self.sheet} {self.held_on}"


class Proposal(FollowsWorkflow, models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="proposals")
    # Bumped by every save of the plan: a save made on a stale copy is refused
    # (kyodo.core.editing), so two editors never overwrite each other unseen.
    version = models.PositiveIntegerField(default=1, editable=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="proposals")
    group = models.ForeignKey(CivicGroup, on_delete=models.PROTECT, related_name="proposals")
    track = models.CharField(
        _("提案の種類"), max_length=20, choices=Track.choices, default=Track.GROUP_PROPOSED
    )
    theme = models.ForeignKey(
        CityTheme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("市提案テーマ"),
    )
    consultation = models.ForeignKey(
        ConsultationSheet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("担当課"),
    )
    center_involved = models.BooleanField(_("センターが支援している"), default=False)
    status = models.CharField(_("状態"), max_length=30, default="draft", db_index=True)

    title = models.CharField(_("事業名"), max_length=200)
    issue = models.TextField(_("地域・社会の課題"), blank=True)
    purpose = models.TextField(_("事業の目的"), blank=True)
    content = models.TextField(_("事業の内容"), blank=True)
    beneficiaries = models.TextField(_("対象・受益者"), blank=True)
    schedule = models.JSONField(_("月ごとの実施計画"), default=list, blank=True)
    expected_effect = models.TextField(_("期待される効果"), blank=True)
    measurement = models.TextField(_("効果の測り方"), blank=True)
    group_role = models.TextField(_("団体の役割"), blank=True)
    city_role = models.TextField(_("市の役割"), blank=True)
    appeal_pioneering = models.TextField(_("先駆性"), blank=True)
    appeal_public_benefit = models.TextField(_("公益性"), blank=True)
    appeal_collaboration = models.TextField(_("協働の効果"), blank=True)
    years = models.PositiveSmallIntegerField(_("事業年数"), default=1)

    group_profile = models.JSONField(_("提出時の団体情報"), default=dict, blank=True)
    version_number = models.PositiveIntegerField(_("提出版"), default=0)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    return_reason = models.TextField(_("差戻しの理由"), blank=True)
    stop_reason = models.TextField(_("中止の理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["call", "status"], name="proposal_call_status_idx"),
            models.Index(fields=["status", "submitted_at"], name="proposal_status_submitted_idx"),
            # The office's list is ordered newest submission first; without this index the
            # 100× list sorts every row on each page view.
            models.Index(fields=["-submitted_at", "-id"], name="proposal_newest_idx"),
        ]
        verbose_name = _("提案")
        verbose_name_plural = _("提案")

    def __str__(self) -> str:
        return self.title


class BudgetKind(models.TextChoices):
    INCOME = "income", _("収入")
    EXPENSE = "expense", _("支出")


class IncomeSource(models.TextChoices):
    """Where a year's income comes from. The city's share is recognised by this type, never
    by a category's name (a renamed category must not change who pays)."""

    CITY = "city", _("市の負担金・補助金")
    OWN = "own", _("自己資金")
    FEES = "fees", _("参加費・事業収入")
    DONATIONS = "donations", _("寄付金・協賛金")
    OTHER_GRANTS = "other_grants", _("他の助成金")
    OTHER = "other", _("その他")


class BudgetLine(models.Model):
    """One line of the 収支予算書 for one project year (1, 2, 3 …).

    Expenses are unit price × quantity; the amount is computed by the service, never typed.
    Income lines name their source (IncomeSource); the city's part is the income of source
    CITY. `category` holds the expense category's name (and, for income, the source's label
    as written when it was saved), for display and for the versions' text.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")
    year_index = models.PositiveSmallIntegerField(_("事業年次"), default=1)
    kind = models.CharField(_("収入・支出"), max_length=10, choices=BudgetKind.choices)
    category = models.CharField(_("区分"), max_length=50)
    source = models.CharField(
        _("収入の種類"), max_length=20, choices=IncomeSource.choices, blank=True
    )
    description = models.CharField(_("内訳"), max_length=200, blank=True)
    unit_price = models.PositiveIntegerField(_("単価（円）"), default=0)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    amount = models.PositiveIntegerField(_("金額（円）"), default=0)

    class Meta:
        ordering = ["year_index", "kind", "pk"]
        verbose_name = _("予算の行")
        verbose_name_plural = _("予算の行")

    def __str__(self) -> str:
        return f"{self.category} {self.amount}"


class AttachmentKind(models.TextChoices):
    RULES = "rules", _("会則・規約・定款")
    OFFICERS = "officers", _("役員名簿")
    ACCOUNTS = "accounts", _("前年度の決算書")
    OTHER = "other", _("その他")


class ProposalAttachment(StoredUpload):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("書類の種類"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("ファイル"), upload_to="proposals/%Y/%m/")
    # The version that froze this file with the rest of the proposal; a frozen file belongs
    # to that version's record and is never removed.
    frozen_in_version = models.PositiveIntegerField(_("固定された版"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]
        verbose_name = _("添付書類")
        verbose_name_plural = _("添付書類")

    def __str__(self) -> str:
        return self.original_name


class ProposalVersion(models.Model):
    """A frozen copy of everything submitted, one per submission; never changed afterwards."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    snapshot = models.JSONField(_("提出内容"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提出日時"))

    class Meta:
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposal_version_unique")
        ]
        verbose_name = _("提案の提出版")
        verbose_name_plural = _("提案の提出版")

    def __str__(self) -> str:
        return f"{self.proposal} v{self.number}"


class FourPartyOutcome(models.TextChoices):
    PENDING = "pending", _("未定")
    PROCEED = "proceed", _("審査に進む")
    REVISE = "revise", _("修正して再協議")
    STOP = "stop", _("中止")
    MERGE = "merge", _("他の提案と統合")


class FourPartyConsultation(models.Model):
    """4者協議: the group, the department, the office and the center meet on the proposal."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="four_party_consultations"
    )
    scheduled_at = models.DateTimeField(_("日時"))
    place = models.CharField(_("場所"), max_length=200, blank=True)
    participants = models.TextField(_("出席者"), blank=True)
    minutes = models.TextField(_("議事録"), blank=True)
    # The minutes are co-written before the outcome is recorded: the department in charge,
    # the center and the office each save them in turn (kyodo.core.editing: no lost update).
    version = models.PositiveIntegerField(default=1, editable=False)
    minutes_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes_saved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        _("結果"),
        max_length=20,
        choices=FourPartyOutcome.choices,
        default=FourPartyOutcome.PENDING,
    )
    reason = models.TextField(_("理由"), blank=True)
    merged_into = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("統合先の提案"),
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_at", "pk"]
        verbose_name = _("4者協議")
        verbose_name_plural = _("4者協議")

    def __str__(self) -> str:
        return f"{self.proposal} {self.scheduled_at:%Y-%m-%d}"
