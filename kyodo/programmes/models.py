"""The proposal programme as data: programmes, courses with their rules, calls, city themes.

Every rule a city sets for a course is a column or a small JSON list here, never code, so
that Kamakura's three courses and other cities' rate schedules (90/80/70 %, 2/3, adoption
limits) are configuration. `programmes.eligibility` reads these rules.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Section


class Programme(models.Model):
    """A city's proposal programme, e.g. つながる鎌倉エール事業."""

    name = models.CharField(_("制度の名称"), max_length=200, unique=True)
    office_name = models.CharField(_("担当課"), max_length=100, blank=True)
    center_name = models.CharField(_("中間支援組織"), max_length=100, blank=True)
    fund_name = models.CharField(_("基金の名称"), max_length=200, blank=True)
    description = models.TextField(_("説明"), blank=True)

    class Meta:
        verbose_name = _("協働事業の制度")
        verbose_name_plural = _("協働事業の制度")

    def __str__(self) -> str:
        return self.name


class BudgetCategory(models.Model):
    """An expense category (費目) of the 収支予算書, as the programme's office keeps them.

    Income has no such list: its sources are a fixed vocabulary with a meaning the product
    relies on (proposals.models.IncomeSource: the city's share among them)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="budget_categories"
    )
    name = models.CharField(_("費目"), max_length=50)
    name_en = models.CharField(_("英語の名称"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(
        _("提案書で選べる"),
        default=True,
        help_text=_("使わなくなった費目は、過去の提案書の表示のために残して選べなくします。"),
    )

    class Meta:
        ordering = ["programme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="budget_category_unique")
        ]
        verbose_name = _("予算の費目")
        verbose_name_plural = _("予算の費目")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language (English where the office gave one)."""
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class PaymentType(models.TextChoices):
    GRANT = "grant", _("補助金")
    SHARE = "share", _("負担金")


class FundingSource(models.TextChoices):
    GENERAL = "general", _("一般会計")
    FUND = "fund", _("基金")


class RulesRequirement(models.TextChoices):
    NONE = "none", _("不要")
    AT_APPLICATION = "at_application", _("応募時に必要")
    BEFORE_START = "before_start", _("事業開始までに整備")


class Track(models.TextChoices):
    GROUP_PROPOSED = "group_proposed", _("団体提案")
    CITY_PROPOSED = "city_proposed", _("市提案")


def parse_share(text: str) -> Fraction:
    """'90%' / '9/10' / '2/3' / '1' / '0.9' → a Fraction between 0 and 1."""
    value = str(text).strip().replace("％", "%")
    try:
        share = Fraction(value[:-1]) / 100 if value.endswith("%") else Fraction(value)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(text) from exc
    if not 0 < share <= 1:
        raise ValueError(text)
    return share


class Course(models.Model):
    """A course (コース) of a programme with every eligibility and money rule as data.

    Empty (NULL) numeric rules mean "no such rule". Lists:
    - cost_shares: the city's maximum share of the total cost by project year, e.g.
      ["90%", "80%", "70%"] or ["2/3"]; the last entry applies to later years.
    - cap_by_adoption: the cap per year by the group's adoption number in this course, e.g.
      [300000, 150000] for 300,000 the first time and 150,000 the second.
    - tracks: which tracks (団体提案, 市提案) may use the course.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="courses")
    key = models.SlugField(_("識別子"), max_length=50)
    name = models.CharField(_("コース名"), max_length=100)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    description = models.TextField(_("説明"), blank=True)
    confirmed = models.BooleanField(_("要件を確認済み"), default=True)

    # group rules
    min_officers = models.PositiveSmallIntegerField(_("役員数の下限"), null=True, blank=True)
    min_members = models.PositiveSmallIntegerField(_("会員数の下限"), null=True, blank=True)
    min_citizen_members = models.PositiveSmallIntegerField(
        _("市内の構成員数の下限"), null=True, blank=True
    )
    min_years_active = models.PositiveSmallIntegerField(
        _("活動年数の下限（年）"), null=True, blank=True
    )
    max_years_since_founding = models.PositiveSmallIntegerField(
        _("設立からの年数の上限（年）"), null=True, blank=True
    )
    requires_registration = models.BooleanField(_("センター登録が必要"), default=False)
    requires_rules = models.CharField(
        _("会則・規約"),
        max_length=20,
        choices=RulesRequirement.choices,
        default=RulesRequirement.NONE,
    )
    requires_accounts = models.BooleanField(_("予算・決算の適正な処理が必要"), default=False)
    non_profit = models.BooleanField(_("非営利であること"), default=False)
    max_adoptions_per_group = models.PositiveSmallIntegerField(
        _("団体ごとの採択回数の上限"), null=True, blank=True
    )
    adoptions_since_fiscal_year = models.PositiveSmallIntegerField(
        _("採択回数を数え始める年度"), null=True, blank=True
    )
    tracks = models.JSONField(_("提案の種類"), default=list, blank=True)

    # money rules
    payment_type = models.CharField(
        _("支出の種類"), max_length=10, choices=PaymentType.choices, default=PaymentType.GRANT
    )
    funding_source = models.CharField(
        _("財源"), max_length=10, choices=FundingSource.choices, default=FundingSource.GENERAL
    )
    cap_per_year = models.PositiveIntegerField(_("年度ごとの上限額（円）"), null=True, blank=True)
    cap_by_adoption = models.JSONField(_("採択回数ごとの上限額（円）"), default=list, blank=True)
    max_years = models.PositiveSmallIntegerField(_("最長の事業年数"), default=1)
    cost_shares = models.JSONField(_("年度ごとの事業費に対する上限割合"), default=list, blank=True)
    # The grant cycle (kyodo.payments): the advance payment's share of the decided grant
    # (概算払, "" = no advance), the confirmed amount's rounding (a multiple of this many
    # yen, the rest cut: 1000 = 千円未満切り捨て) and the share of the decided amount under
    # which a change of plan is minor and needs no change approval.
    advance_share = models.CharField(
        _("概算払の上限割合"), max_length=10, blank=True, default="", help_text=_("例：80%")
    )
    rounding_unit = models.PositiveIntegerField(_("確定額の端数を切り捨てる単位（円）"), default=1)
    minor_change_share = models.CharField(
        _("変更承認が要らない軽微な変更の割合"),
        max_length=10,
        blank=True,
        default="",
        help_text=_("例：20%（交付決定額に対する変更額の割合がこれ未満なら承認不要）"),
    )
    # The settlement (収支決算書, kyodo.payments): a line whose actual differs from its
    # approved budget by more than this share of the budgeted line, and by more than this
    # many yen, is highlighted and the group explains it. A rule left empty does not apply;
    # with both empty no line needs an explanation.
    settlement_diff_share = models.CharField(
        _("説明が要る決算の差額（予算額に対する割合）"),
        max_length=10,
        blank=True,
        default="20%",
        help_text=_("例：20%（予算額との差がこれを超える行に説明を求めます）"),
    )
    settlement_diff_yen = models.PositiveIntegerField(
        _("説明が要る決算の差額（円）"),
        null=True,
        blank=True,
        help_text=_("例：10,000（差がこの額を超える行に説明を求めます）"),
    )

    class Meta:
        ordering = ["programme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="course_key_unique")
        ]
        verbose_name = _("コース")
        verbose_name_plural = _("コース")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        for share in self.cost_shares or []:
            try:
                parse_share(share)
            except ValueError as exc:
                raise ValidationError(
                    {"cost_shares": _("割合は「90%」「2/3」のように書いてください。")}
                ) from exc
        for name in ("advance_share", "minor_change_share", "settlement_diff_share"):
            if getattr(self, name):
                try:
                    parse_share(getattr(self, name))
                except ValueError as exc:
                    raise ValidationError(
                        {name: _("割合は「90%」「2/3」のように書いてください。")}
                    ) from exc
        for track in self.tracks or []:
            if track not in Track.values:
                raise ValidationError({"tracks": _("提案の種類が正しくありません。")})

    def share_for_year(self, year_index: int) -> Fraction | None:
        """The city's maximum share of cost in project year `year_index` (1-based)."""
        shares = self.cost_shares or []
        if not shares:
            return None
        return parse_share(shares[min(year_index, len(shares)) - 1])

    def advance_fraction(self) -> Fraction:
        """The advance payment's share of the decided grant (0 when there is no advance)."""
        return parse_share(self.advance_share) if self.advance_share else Fraction(0)

    def minor_change_fraction(self) -> Fraction:
        """Changes below this share of the decided amount need no approval (0: every one)."""
        return parse_share(self.minor_change_share) if self.minor_change_share else Fraction(0)

    def settlement_diff_fraction(self) -> Fraction | None:
        """The share of a budget line past which its difference needs explaining (None: no
        such rule)."""
        return parse_share(self.settlement_diff_share) if self.settlement_diff_share else None

    def cap_for_adoption(self, prior_adoptions: int) -> int | None:
        """The yearly cap that applies to the group's next adoption in this course."""
        caps = self.cap_by_adoption or []
        if caps:
            return int(caps[min(prior_adoptions, len(caps) - 1)])
        return self.cap_per_year

    def allows_track(self, track: str) -> bool:
        return not self.tracks or track in self.tracks

    def rule_summary(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in self._meta.concrete_fields
            if f.name not in ("id", "programme", "description", "order")
        }


class PastAdoption(models.Model):
    """An adoption recorded before Kyodo (or outside it): it counts toward adoption limits."""

    group = models.ForeignKey(
        "registry.CivicGroup", on_delete=models.CASCADE, related_name="past_adoptions"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="past_adoptions")
    fiscal_year = models.PositiveSmallIntegerField(_("採択年度"))
    title = models.CharField(_("事業名"), max_length=200, blank=True)

    class Meta:
        ordering = ["fiscal_year"]
        verbose_name = _("過去の採択")
        verbose_name_plural = _("過去の採択")

    def __str__(self) -> str:
        return f"{self.group} {self.course} {self.fiscal_year}"


class Call(models.Model):
    """A call for proposals (募集) of one fiscal year, with its timeline."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="calls")
    fiscal_year = models.PositiveSmallIntegerField(_("実施年度"))
    title = models.CharField(_("募集の名称"), max_length=200)
    courses = models.ManyToManyField(Course, related_name="calls", verbose_name=_("対象コース"))
    summary = models.TextField(_("募集の概要"), blank=True)
    briefing_on = models.DateField(_("説明会"), null=True, blank=True)
    consultation_deadline = models.DateField(_("事前相談の締切"), null=True, blank=True)
    opens_on = models.DateField(_("提案の受付開始"))
    closes_on = models.DateField(_("提案の受付締切"))
    presentation_on = models.DateField(_("公開プレゼンテーション"), null=True, blank=True)
    decision_on = models.DateField(_("採否の決定（予定）"), null=True, blank=True)
    is_published = models.BooleanField(_("公開する"), default=False)

    class Meta:
        ordering = ["-fiscal_year", "-opens_on"]
        verbose_name = _("募集")
        verbose_name_plural = _("募集")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("締切は受付開始より後の日にしてください。")})

    def is_open(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def timeline(self) -> list[tuple[Any, dt.date]]:
        """(label, date) in date order for the public call page."""
        items = [
            (_("説明会"), self.briefing_on),
            (_("事前相談の締切"), self.consultation_deadline),
            (_("提案の受付開始"), self.opens_on),
            (_("提案の受付締切"), self.closes_on),
            (_("公開プレゼンテーション"), self.presentation_on),
            (_("採否の決定（予定）"), self.decision_on),
        ]
        return sorted(((label, day) for label, day in items if day), key=lambda item: item[1])


class ThemeStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    PUBLISHED = "published", _("公開中")
    CLOSED = "closed", _("公開終了")


class CityTheme(models.Model):
    """A city-proposed theme (市提案テーマ): a department's issue for which groups bid."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="themes")
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="themes", verbose_name=_("コース")
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="themes", verbose_name=_("担当課")
    )
    title = models.CharField(_("テーマ"), max_length=200)
    background = models.TextField(_("背景と課題"))
    outline = models.TextField(_("事業の構想・概要"))
    expectations = models.TextField(_("協働の相手に期待すること"))
    budget_ceiling = models.PositiveIntegerField(_("予算の上限（円・年度あたり）"))
    years = models.PositiveSmallIntegerField(_("事業年数"), default=1)
    contact = models.CharField(_("問い合わせ先"), max_length=300)
    status = models.CharField(
        _("状態"), max_length=20, choices=ThemeStatus.choices, default=ThemeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["call", "section", "pk"]
        verbose_name = _("市提案テーマ")
        verbose_name_plural = _("市提案テーマ")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ThemeStatus.PUBLISHED


class DepartmentIssue(models.Model):
    """An issue a department lists publicly so that groups can find a partner."""

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="issues", verbose_name=_("担当課")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("課題"), max_length=200)
    description = models.TextField(_("内容"))
    is_published = models.BooleanField(_("公開する"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "section", "pk"]
        verbose_name = _("担当課の課題")
        verbose_name_plural = _("担当課の課題")

    def __str__(self) -> str:
        return self.title
