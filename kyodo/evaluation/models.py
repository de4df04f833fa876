"""Evaluation and continuation of a project (協働事業の評価と継続), steps 12–13 of the cycle.

- `Scheme`: how a programme evaluates (its scale, the threshold at or below which a written
  reason is required, the axes, the plan fields of the targets, the outcomes it uses), data
  seeded from the city's TOML ([evaluation]) and edited by the office.
- `TargetPlan`: the targets the group and the department set together at the start.
- `Evaluation` (+ `Score` per axis): one side's year-end evaluation of a project year — the
  group's, the department's, and the committee's (recorded by the office).
- `ReviewMeeting`: the record of the mutual review meeting (相互評価会議) of a project year.
- `YearOutcome`: the outcome of the year (拡充 / 改善して継続 / 継続 / 終了・中止 / 完了), its
  reason and the published reflection in the next year.
- `BudgetRequestLine`: the next year's budget line a continuing outcome produces.

Statuses move only through kyodo.evaluation.workflow.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Section
from kyodo.core.workflow import FollowsWorkflow
from kyodo.programmes.models import Course, Programme
from kyodo.projects.models import Project, ProjectYear


class Scheme(models.Model):
    """A programme's evaluation settings. The scale is integers from scale_min to
    scale_max; `scale_labels` names the points where the city uses words or letters (A–D:
    {"4": "A", …, "1": "D"}), so that differences are counted in steps in every city."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="evaluation_scheme"
    )
    scale_min = models.SmallIntegerField(_("最低の段階"), default=1)
    scale_max = models.SmallIntegerField(_("最高の段階"), default=5)
    as_planned = models.SmallIntegerField(_("「計画どおり」の段階"), null=True, blank=True)
    scale_labels = models.JSONField(_("各段階の表示"), default=dict, blank=True)
    reason_at_or_below = models.SmallIntegerField(
        _("理由の記入が必要な段階（この段階以下）"), default=2
    )
    difference_steps = models.PositiveSmallIntegerField(
        _("相互評価会議の議題にする評価の差（段階）"), default=2
    )
    evaluators = models.JSONField(_("評価する者"), default=list)
    plan_fields = models.JSONField(_("目標の項目"), default=list)
    outcomes = models.JSONField(_("使う評価結果"), default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("評価の設定")
        verbose_name_plural = _("評価の設定")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")), name="scheme_scale"
            )
        ]

    def __str__(self) -> str:
        return str(self.programme)

    @property
    def points(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))

    def label(self, point: int | None) -> str:
        if point is None:
            return "—"
        return str((self.scale_labels or {}).get(str(point)) or point)

    def needs_reason(self, point: int | None) -> bool:
        return point is not None and point <= self.reason_at_or_below


class Axis(models.Model):
    """One axis every evaluator scores (協働の相乗効果, 事業の進捗 …)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="axes")
    key = models.SlugField(_("識別子"), max_length=50)
    name = models.CharField(_("評価の観点"), max_length=200)
    name_en = models.CharField(_("英語の名称"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "key"], name="evaluation_axis_unique")
        ]
        verbose_name = _("評価の観点")
        verbose_name_plural = _("評価の観点")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class TargetPlan(FollowsWorkflow, models.Model):
    """The targets of a project, set at the start: the group drafts, the department agrees
    (or returns it with a comment). `values` holds {plan field: text}."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="target_plan")
    status = models.CharField(_("状態"), max_length=30, default="drafting", db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    values = models.JSONField(_("目標"), default=dict)
    return_reason = models.TextField(_("差戻しの理由"), blank=True)
    agreed_at = models.DateTimeField(_("合意した日時"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("事業の目標")
        verbose_name_plural = _("事業の目標")

    def __str__(self) -> str:
        return f"{self.project}：{_('目標')}"


class Side(models.TextChoices):
    GROUP = "group", _("団体")
    DEPARTMENT = "department", _("担当課")
    COMMITTEE = "committee", _("委員会")


class Evaluation(FollowsWorkflow, models.Model):
    """One side's evaluation of a project year. A draft is its writer's alone; others see
    it once submitted."""

    segment = models.ForeignKey(ProjectYear, on_delete=models.CASCADE, related_name="evaluations")
    side = models.CharField(_("評価する者"), max_length=20, choices=Side.choices)
    status = models.CharField(_("状態"), max_length=30, default="draft", db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    comment = models.TextField(_("総評"), blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    return_reason = models.TextField(_("差戻しの理由"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["segment", "side"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "side"], name="evaluation_side_unique")
        ]
        verbose_name = _("評価")
        verbose_name_plural = _("評価")

    def __str__(self) -> str:
        return f"{self.segment}：{self.get_side_display()}"

    @property
    def submitted(self) -> bool:
        from kyodo.evaluation.workflow import SUBMITTED

        return self.status == SUBMITTED


class Score(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    axis = models.ForeignKey(Axis, on_delete=models.PROTECT, related_name="+")
    score = models.SmallIntegerField(_("評価"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        ordering = ["evaluation", "axis__order", "axis__pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "axis"], name="evaluation_score_unique")
        ]
        verbose_name = _("観点ごとの評価")
        verbose_name_plural = _("観点ごとの評価")

    def __str__(self) -> str:
        return f"{self.axis}：{self.score}"


class ReviewMeeting(models.Model):
    """The record of the mutual review meeting (相互評価会議) of a project year: its agenda
    is the axes on which the group and the department differ (kyodo.evaluation.rules);
    `discussions` holds {axis key: what was discussed}."""

    segment = models.OneToOneField(
        ProjectYear, on_delete=models.CASCADE, related_name="review_meeting"
    )
    held_on = models.DateField(_("開催日"))
    attendees = models.TextField(_("出席者"))
    discussions = models.JSONField(_("議題ごとの協議の内容"), default=dict, blank=True)
    conclusion = models.TextField(_("結論"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("相互評価会議の記録")
        verbose_name_plural = _("相互評価会議の記録")

    def __str__(self) -> str:
        return f"{self.segment}：{_('相互評価会議')}"


class Outcome(models.TextChoices):
    EXPAND = "expand", _("拡充")
    IMPROVE = "improve", _("改善して継続")
    CONTINUE = "continue", _("継続")
    STOP = "stop", _("終了・中止")
    COMPLETED = "completed", _("完了")


# Outcomes that carry the project into the next year (and its budget line).
CONTINUING = frozenset({Outcome.EXPAND, Outcome.IMPROVE, Outcome.CONTINUE})


class YearOutcome(models.Model):
    """What the evaluation of a project year led to, recorded by the office. The reflection
    (how the evaluation is reflected in the next year) is published."""

    segment = models.OneToOneField(
        ProjectYear, on_delete=models.CASCADE, related_name="evaluation_outcome"
    )
    outcome = models.CharField(_("評価の結果"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("理由"))
    reflection = models.TextField(_("次年度への反映（公開）"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("記録した日時"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["segment"]
        verbose_name = _("評価の結果")
        verbose_name_plural = _("評価の結果")

    def __str__(self) -> str:
        return f"{self.segment}：{self.get_outcome_display()}"

    @property
    def continuing(self) -> bool:
        return self.outcome in CONTINUING


class BudgetRequestLine(FollowsWorkflow, models.Model):
    """A next-year budget line (予算要求の行) from a continuing outcome, on the office's
    budget-planning list; the department carries it in its budget request."""

    outcome = models.OneToOneField(
        YearOutcome, on_delete=models.CASCADE, related_name="budget_line"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    fiscal_year = models.PositiveSmallIntegerField(_("予算の年度"))
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("要求する課"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="+", verbose_name=_("コース")
    )
    amount = models.PositiveIntegerField(_("要求額（円）"))
    basis = models.TextField(_("積算の根拠"))
    status = models.CharField(_("状態"), max_length=30, default="planned", db_index=True)
    passed_on = models.DateField(_("予算の成立日"), null=True, blank=True)
    decision_note = models.TextField(_("結果の記録"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fiscal_year", "section", "project", "pk"]
        verbose_name = _("次年度の予算要求")
        verbose_name_plural = _("次年度の予算要求")

    def __str__(self) -> str:
        return f"{self.project} {self.fiscal_year}"
