"""Projects: an adopted proposal carried out under an agreement (協定書), one segment per
fiscal year, with the conditions of the adoption to settle before the agreement.

The money cycle, reports and evaluation build on these rows: a `ProjectYear` is the unit
each of them hangs on (its fiscal year and the approved amount, from the proposal's budget),
and an `Agreement` keeps every saved version (`AgreementVersion`, never changed afterwards).
An agreement's status moves only through kyodo.projects.workflow.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Section
from kyodo.core.models import StoredUpload
from kyodo.core.workflow import FollowsWorkflow
from kyodo.programmes.models import Course
from kyodo.proposals.models import Proposal
from kyodo.registry.models import CivicGroup


class Project(models.Model):
    """協働事業: made once from an adopted proposal whose decision is final."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="project")
    number = models.CharField(_("事業番号"), max_length=20, unique=True)
    group = models.ForeignKey(CivicGroup, on_delete=models.PROTECT, related_name="projects")
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("担当課"),
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("事業名"), max_length=200)
    first_fiscal_year = models.PositiveSmallIntegerField(_("開始年度"))
    years = models.PositiveSmallIntegerField(_("事業年数"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_fiscal_year", "-pk"]
        verbose_name = _("協働事業")
        verbose_name_plural = _("協働事業")

    def __str__(self) -> str:
        return self.title

    @property
    def last_fiscal_year(self) -> int:
        return self.first_fiscal_year + self.years - 1


class ProjectYear(models.Model):
    """One fiscal year of a project: what payments, reports and evaluations attach to."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="segments")
    year_index = models.PositiveSmallIntegerField(_("事業年次"))
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    # From the proposal's budget for this year: the city's part is the approved amount
    # (never what is claimed later), beside the total cost and the group's own part.
    approved_amount = models.PositiveIntegerField(_("市の負担額（承認額・円）"), default=0)
    total_cost = models.PositiveIntegerField(_("事業費の合計（円）"), default=0)
    group_amount = models.PositiveIntegerField(_("団体の負担額（円）"), default=0)

    class Meta:
        ordering = ["project", "year_index"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year_index"], name="project_year_unique"),
            models.UniqueConstraint(
                fields=["project", "fiscal_year"], name="project_fiscal_year_unique"
            ),
        ]
        verbose_name = _("事業年度")
        verbose_name_plural = _("事業年度")

    def __str__(self) -> str:
        return f"{self.project} {self.fiscal_year}"


class ConditionSource(models.TextChoices):
    DECISION = "decision", _("採択の条件")
    ADVICE = "advice", _("答申の付帯意見")


class ProjectCondition(models.Model):
    """A condition attached to the adoption: settled by the office, with a note, before the
    agreement is concluded."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="conditions")
    source = models.CharField(_("出典"), max_length=20, choices=ConditionSource.choices)
    text = models.TextField(_("条件"))
    settled_at = models.DateTimeField(_("対応済みの日時"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("対応の記録"), blank=True)

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("採択の条件")
        verbose_name_plural = _("採択の条件")

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def settled(self) -> bool:
        return self.settled_at is not None


class AgreementKind(models.TextChoices):
    ORIGINAL = "original", _("協定書")
    CHANGE = "change", _("変更協定書")


class Agreement(FollowsWorkflow, models.Model):
    """The project's agreement (協定書): the current text, edited by the group and the
    department in turn; every save is kept as an AgreementVersion."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="agreement")
    status = models.CharField(_("状態"), max_length=30, default="drafting_by_group", db_index=True)
    # Optimistic version of the editable text (kyodo.core.editing).
    version = models.PositiveIntegerField(default=1, editable=False)
    kind = models.CharField(
        _("種類"), max_length=10, choices=AgreementKind.choices, default=AgreementKind.ORIGINAL
    )
    # How many times the agreement has been concluded (1 for the first, +1 per change).
    round = models.PositiveSmallIntegerField(_("協定の回"), default=1)
    change_reason = models.TextField(_("変更の理由"), blank=True)
    content = models.JSONField(_("協定の内容"), default=dict)
    group_confirmed_at = models.DateTimeField(null=True, blank=True)
    department_confirmed_at = models.DateTimeField(null=True, blank=True)
    concluded_on = models.DateField(_("締結日"), null=True, blank=True)
    return_reason = models.TextField(_("差戻しの理由"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("協定書")
        verbose_name_plural = _("協定書")

    def __str__(self) -> str:
        return f"{self.project}：{self.get_kind_display()}"


class AgreementVersion(models.Model):
    """One saved version of the agreement, frozen: never changed afterwards."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    round = models.PositiveSmallIntegerField(_("協定の回"))
    kind = models.CharField(_("種類"), max_length=10, choices=AgreementKind.choices)
    snapshot = models.JSONField(_("内容"))
    note = models.TextField(_("この版について"), blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique")
        ]
        verbose_name = _("協定書の版")
        verbose_name_plural = _("協定書の版")

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"


class AgreementScan(StoredUpload):
    """The signed and sealed agreement, scanned: one per conclusion (round)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="scans")
    round = models.PositiveSmallIntegerField(_("協定の回"))
    # The version both partners confirmed and signed.
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="scans", verbose_name=_("版")
    )
    file = models.FileField(_("ファイル"), upload_to="agreements/%Y/%m/")

    class Meta:
        ordering = ["agreement", "round"]
        verbose_name = _("締結済み協定書の写し")
        verbose_name_plural = _("締結済み協定書の写し")

    def __str__(self) -> str:
        return self.original_name


# --- reports (事業報告) -------------------------------------------------------------------------


class ScheduleKind(models.TextChoices):
    PERIODIC = "periodic", _("定期（例：四半期ごと）")
    AD_HOC = "ad_hoc", _("節目ごと（マイルストーン）")
    FINAL_ONLY = "final_only", _("最終報告のみ")


class ReportSchedule(models.Model):
    """A project year's report schedule, set by the office: its kind and how reminders go
    out. The due dates themselves are the year's reports (Report.due_on), each explicit."""

    segment = models.OneToOneField(
        ProjectYear, on_delete=models.CASCADE, related_name="report_schedule"
    )
    kind = models.CharField(_("報告の時期"), max_length=20, choices=ScheduleKind.choices)
    remind_before_days = models.PositiveSmallIntegerField(
        _("期限の何日前にお知らせするか"), default=7
    )
    remind_every_days = models.PositiveSmallIntegerField(
        _("期限後、何日ごとに催促するか"), default=7
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("報告の予定")
        verbose_name_plural = _("報告の予定")

    def __str__(self) -> str:
        return f"{self.segment}：{self.get_kind_display()}"


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("中間報告")
    RESULTS = "results", _("実績報告書")


class Report(FollowsWorkflow, models.Model):
    """One report of a project year, due on an explicit date that never moves by itself.
    Written and submitted by the group; accepted or returned by the office, then the
    department. Its status moves only through kyodo.projects.workflow.REPORT."""

    segment = models.ForeignKey(ProjectYear, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("報告の種類"), max_length=10, choices=ReportKind.choices)
    due_on = models.DateField(_("提出期限"))
    status = models.CharField(_("状態"), max_length=30, default="draft", db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    dates_and_venues = models.TextField(_("実施日と場所"), blank=True)
    participants = models.TextField(_("参加者（人数・対象）"), blank=True)
    activities = models.TextField(_("実施した内容"), blank=True)
    outcomes = models.TextField(_("目標に対する成果"), blank=True)
    reflections = models.TextField(_("振り返り（団体として）"), blank=True)
    # The first submission: from then on the report is received and no longer overdue.
    received_at = models.DateTimeField(_("受領日時"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理日時"), null=True, blank=True)
    return_reason = models.TextField(_("差戻しの理由"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["segment", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "due_on"], name="report_due_unique")
        ]
        verbose_name = _("事業報告")
        verbose_name_plural = _("事業報告")

    def __str__(self) -> str:
        return f"{self.segment.project}：{self.get_kind_display()}（{self.due_on}）"

    def overdue_on(self, day: Any) -> bool:
        return self.received_at is None and day > self.due_on


class ReportPhoto(StoredUpload):
    """A photo of the activity, added to a report by the group. Its caption is the picture's
    text for those who cannot see it. It appears on the project's public page only when the
    group said so (the people in it agreed) and the report has been accepted."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("写真"), upload_to="reports/%Y/%m/")
    caption = models.CharField(_("説明（写っている内容）"), max_length=200)
    publishable = models.BooleanField(_("公開ページに載せてよい"), default=False)

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("活動の写真")
        verbose_name_plural = _("活動の写真")

    def __str__(self) -> str:
        return self.caption


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("期限前のお知らせ")
    DUE = "due", _("期限当日のお知らせ")
    OVERDUE = "overdue", _("期限後の催促")


class ReportReminder(models.Model):
    """A reminder sent for a report on a day: at most one per report and day."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField(_("送信日"))
    kind = models.CharField(_("種類"), max_length=10, choices=ReminderKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "sent_on"]
        constraints = [
            models.UniqueConstraint(fields=["report", "sent_on"], name="report_reminder_once")
        ]
        verbose_name = _("報告の催促")
        verbose_name_plural = _("報告の催促")

    def __str__(self) -> str:
        return f"{self.report} {self.sent_on}"


# --- the public side: the report session (報告会) -----------------------------------------------


class ReportSession(models.Model):
    """The year's report session (協働事業報告会), where the projects present their results to
    the public: its date and place, set by the office, shown on the public page that lists
    the year's projects."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    held_on = models.DateField(_("開催日"))
    starts_at = models.TimeField(_("開始時刻"), null=True, blank=True)
    place = models.CharField(_("会場"), max_length=200)
    note = models.TextField(_("ご案内"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("協働事業報告会")
        verbose_name_plural = _("協働事業報告会")

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.place}"
