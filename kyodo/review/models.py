"""The selection committee of a call: members, conflicts of interest, criteria, scores,
the presentation schedule, the committee's advice (答申) and the city's decision.

The arithmetic over scores is in review.results (pure, exact); these models only hold
what people entered. A proposal's status still moves only through
proposals.services.proposal_transition.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyodo.programmes.models import Call
from kyodo.proposals.models import Proposal
from kyodo.review import results


class MemberKind(models.Model):
    """A kind of committee member (学識経験者, 市民, 市職員 …), from the city's configuration."""

    name = models.CharField(_("委員の区分"), max_length=100, unique=True)
    # The city's own vocabulary, so its English is data too (not the message catalog).
    name_en = models.CharField(_("英語の名称"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    usual_count = models.PositiveSmallIntegerField(_("標準の人数"), default=1)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("委員の区分")
        verbose_name_plural = _("委員の区分")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the page's language: English where one is set, else Japanese."""
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Normalisation(models.TextChoices):
    RANGE = results.RANGE, _("最低点を0%、最高点を100%とする")
    FRACTION_OF_MAX = results.FRACTION_OF_MAX, _("満点に対する割合（0点も得点）")


class PassRule(models.TextChoices):
    MEAN_TOTAL = results.MEAN_TOTAL, _("100点換算の合計の平均が基準点以上")
    SUM_OF_MEANS = results.SUM_OF_MEANS, _("項目ごとの平均の合計が基準点以上")
    NONE = results.NO_VERDICT, _("基準点なし（順位のみ）")


ROUND_CHOICES = [(1, _("1回（書類審査のみ）")), (2, _("2回（書類審査とプレゼンテーション後）"))]


class CriteriaSet(models.Model):
    """審査基準: criteria with weights and scales, the normalisation and the pass rule."""

    name = models.CharField(_("審査基準の名称"), max_length=200, unique=True)
    normalisation = models.CharField(
        _("100点換算の方法"),
        max_length=20,
        choices=Normalisation.choices,
        default=Normalisation.RANGE,
    )
    normalise_to = models.PositiveSmallIntegerField(_("換算の満点"), default=100)
    # The scale every criterion of the set is scored on (each Criterion keeps a copy, which
    # review.results reads), and the words for each point: {"1": "不十分", …, "5": "十分"}.
    scale_min = models.SmallIntegerField(_("最低点"), default=1)
    scale_max = models.SmallIntegerField(_("最高点"), default=5)
    scale_labels = models.JSONField(_("各点の意味"), default=dict, blank=True)
    pass_rule = models.CharField(
        _("採択の基準"), max_length=20, choices=PassRule.choices, default=PassRule.MEAN_TOTAL
    )
    pass_line = models.DecimalField(
        _("基準点"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    rounds = models.PositiveSmallIntegerField(
        _("採点の回数"),
        default=2,
        choices=ROUND_CHOICES,
    )
    confirmed = models.BooleanField(_("市が確認済み"), default=False)

    class Meta:
        verbose_name = _("審査基準")
        verbose_name_plural = _("審査基準")

    def __str__(self) -> str:
        return self.name

    def scale_words(self) -> list[tuple[int, str]]:
        """(point, words) for every point of the scale, words "" where none are set."""
        labels = self.scale_labels or {}
        return [(n, str(labels.get(str(n), ""))) for n in range(self.scale_min, self.scale_max + 1)]

    def explanation(self, criteria: list[Criterion]) -> list[str]:
        """How the figures are computed, in words, for the results pages."""
        from django.utils.translation import get_language, gettext

        sentences = []
        if criteria:
            low, high = criteria[0].scale_min, criteria[0].scale_max
            sentences.append(
                gettext("委員は各項目を%(low)s〜%(high)s点で採点します。")
                % {"low": low, "high": high}
            )
            # 、 joins a Japanese list; an English sentence takes a comma.
            sep = ", " if (get_language() or "").startswith("en") else "、"
            weights = sep.join(f"{c.name} ×{c.weight.normalize():f}" for c in criteria)
            sentences.append(gettext("項目の重み：%(weights)s。") % {"weights": weights})
        if self.normalisation == Normalisation.FRACTION_OF_MAX:
            method = gettext(
                "%(to)s点換算：項目ごとの平均点を満点で割り（0点も得点）、重みを付けて平均し、"
                "%(to)sを掛けます。"
            )
        else:
            method = gettext(
                "%(to)s点換算：項目ごとの平均点を、最低点を0%%、最高点を100%%として割合にし、"
                "重みを付けて平均し、%(to)sを掛けます。"
            )
        sentences.append(method % {"to": self.normalise_to})
        line = f"{self.pass_line.normalize():f}" if self.pass_line is not None else ""
        if self.pass_rule == PassRule.NONE or self.pass_line is None:
            sentences.append(gettext("基準点は設けず、順位のみを示します。"))
        elif self.pass_rule == PassRule.SUM_OF_MEANS:
            sentences.append(
                gettext("項目ごとの平均点の合計が%(line)s点以上の提案を基準以上とします。")
                % {"line": line}
            )
        else:
            sentences.append(
                gettext("%(to)s点換算の点数が%(line)s点以上の提案を基準以上とします。")
                % {"to": self.normalise_to, "line": line}
            )
        if self.rounds == 2:
            sentences.append(
                gettext(
                    "プレゼンテーション後の第2回の採点がある提案は第2回、"
                    "それ以外は第1回の点数で集計します。"
                )
            )
        sentences.append(
            gettext(
                "平均は、利害関係のある委員の点数と「該当なし」の回答を除き、"
                "採点した委員の数で割って出します。"
            )
        )
        return sentences

    def rules(self, criteria: list[Criterion] | None = None) -> results.Rules:
        from fractions import Fraction

        items = criteria if criteria is not None else list(self.criteria.all())
        return results.Rules(
            criteria=tuple(
                results.CriterionSpec(
                    key=c.key,
                    weight=Fraction(c.weight),
                    scale_min=c.scale_min,
                    scale_max=c.scale_max,
                    allow_na=c.allow_na,
                )
                for c in items
            ),
            normalisation=self.normalisation,
            normalise_to=Fraction(self.normalise_to),
            pass_rule=self.pass_rule,
            pass_line=Fraction(self.pass_line) if self.pass_line is not None else None,
            rounds=self.rounds,
        )


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(_("識別子"), max_length=50)
    name = models.CharField(_("項目"), max_length=100)
    question = models.CharField(_("着眼点"), max_length=300, blank=True)
    weight = models.DecimalField(_("重み"), max_digits=7, decimal_places=2, default=1)
    scale_min = models.SmallIntegerField(_("最低点"), default=1)
    scale_max = models.SmallIntegerField(_("最高点"), default=5)
    allow_na = models.BooleanField(_("「該当なし」を選べる"), default=False)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["criteria_set", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "key"], name="criterion_key_unique"),
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")), name="criterion_scale"
            ),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="criterion_weight"),
        ]
        verbose_name = _("審査項目")
        verbose_name_plural = _("審査項目")

    def __str__(self) -> str:
        return self.name

    @property
    def choices(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))


class Committee(models.Model):
    """The selection committee (選考委員会) of one call."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="committee")
    name = models.CharField(_("委員会の名称"), max_length=200)
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="committees", verbose_name=_("審査基準")
    )
    document_deadline = models.DateTimeField(_("書類審査の採点締切"), null=True, blank=True)
    presentation_deadline = models.DateTimeField(
        _("プレゼンテーション後の採点締切"), null=True, blank=True
    )
    presentation_place = models.CharField(
        _("公開プレゼンテーションの会場"), max_length=200, blank=True
    )
    schedule_published_at = models.DateTimeField(_("発表順の公開日時"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("審査結果の公開日時"), null=True, blank=True)
    budget_passed_on = models.DateField(_("予算の成立日"), null=True, blank=True)
    general_comment = models.TextField(_("全体の講評"), blank=True)

    class Meta:
        verbose_name = _("選考委員会")
        verbose_name_plural = _("選考委員会")

    def __str__(self) -> str:
        return self.name

    def deadline(self, round_number: int):  # noqa: ANN201 - datetime | None
        return self.document_deadline if round_number == 1 else self.presentation_deadline


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    kind = models.ForeignKey(
        MemberKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("委員の区分")
    )
    is_chair = models.BooleanField(_("委員長"), default=False)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["committee", "-is_chair", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="committee_member_unique")
        ]
        verbose_name = _("委員")
        verbose_name_plural = _("委員")

    def __str__(self) -> str:
        return self.user.full_name or self.user.email


class ConflictDeclaration(models.Model):
    """A member's declaration for one proposal: no conflict, or a conflict with a reason.

    `automatic` marks the ones Kyodo made because the member belongs to the proposing
    group. A revoked declaration no longer counts; the member declares again.
    """

    member = models.ForeignKey(
        CommitteeMember, on_delete=models.CASCADE, related_name="declarations"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="declarations")
    has_conflict = models.BooleanField(_("利害関係がある"))
    reason = models.TextField(_("利害関係の内容"), blank=True)
    automatic = models.BooleanField(_("提案団体の構成員のため自動で記録"), default=False)
    declared_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(_("取消しの理由"), blank=True)

    class Meta:
        ordering = ["proposal", "member", "-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "proposal"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_standing_declaration",
            )
        ]
        verbose_name = _("利害関係の申告")
        verbose_name_plural = _("利害関係の申告")

    def __str__(self) -> str:
        return f"{self.member} / {self.proposal}"


class ScoreSheet(models.Model):
    """One member's scores for one proposal in one round; counts once submitted."""

    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="sheets")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="score_sheets")
    round = models.PositiveSmallIntegerField(_("採点の回"))
    comment = models.TextField(_("全体の所見"), blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["proposal", "round", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "proposal", "round"], name="one_sheet_per_round"
            )
        ]
        indexes = [models.Index(fields=["proposal", "round"], name="sheet_proposal_round_idx")]
        verbose_name = _("採点票")
        verbose_name_plural = _("採点票")

    def __str__(self) -> str:
        return f"{self.member} / {self.proposal} ({self.round})"


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(_("点数"), null=True, blank=True)
    not_applicable = models.BooleanField(_("該当なし"), default=False)
    comment = models.TextField(_("コメント"), blank=True)

    class Meta:
        ordering = ["sheet", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion")
        ]
        verbose_name = _("点数")
        verbose_name_plural = _("点数")

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class PresentationSlot(models.Model):
    """公開プレゼンテーション: the order, time and room of one proposal's presentation."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="slots")
    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="presentation_slot"
    )
    order = models.PositiveSmallIntegerField(_("発表順"))
    starts_at = models.DateTimeField(_("開始"))
    ends_at = models.DateTimeField(_("終了"))
    room = models.CharField(_("会場"), max_length=200, blank=True)

    class Meta:
        ordering = ["committee", "order"]
        verbose_name = _("発表の枠")
        verbose_name_plural = _("発表の枠")

    def __str__(self) -> str:
        return f"{self.order}. {self.proposal}"


class Recommendation(models.TextChoices):
    ADOPT = "adopt", _("採択が適当")
    ADOPT_WITH_CONDITIONS = "adopt_with_conditions", _("条件付きで採択が適当")
    NOT_ADOPT = "not_adopt", _("不採択が適当")


class Advice(models.Model):
    """The committee's advice (答申) on one proposal, with the public review comment (講評)."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="advice")
    recommendation = models.CharField(
        _("答申の内容"), max_length=30, choices=Recommendation.choices
    )
    note = models.TextField(_("答申の付帯意見"), blank=True)
    review_comment = models.TextField(_("講評（公表します）"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("答申")
        verbose_name_plural = _("答申")

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_recommendation_display()}"


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("採択")
    ADOPTED_WITH_CONDITIONS = "adopted_with_conditions", _("条件付き採択")
    NOT_ADOPTED = "not_adopted", _("不採択")


class CityDecision(models.Model):
    """The city's decision on one proposal. It is provisional (内定) until the office
    records that the budget passed: a flag here rather than three more states, since the
    outcome does not change when the budget passes, only its finality."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("市の決定"), max_length=30, choices=Outcome.choices)
    conditions = models.TextField(_("採択の条件"), blank=True)
    reason = models.TextField(_("不採択の理由"), blank=True)
    # Required when the decision goes against the pass rule (adopted under the pass line,
    # or not adopted above it); published with the results.
    rule_reason = models.TextField(_("採択の基準と異なる決定の理由"), blank=True)
    provisional = models.BooleanField(_("予算成立前（内定）"), default=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("市の決定")
        verbose_name_plural = _("市の決定")

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_outcome_display()}"

    @property
    def adopted(self) -> bool:
        return self.outcome != Outcome.NOT_ADOPTED


class RoundTally(models.Model):
    """Derived, kept by review.tallies in the transaction of every write it depends on
    (a sheet saved or submitted, a conflict declared, revoked or flagged): per proposal and
    round, the submitted sheets, the members whose marks count — submitted, holding a
    mark, without a standing declared conflict — and their marks added up per criterion. Membership of the proposing group is left
    out at read time (review.selectors), since the registry changes it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField()
    submitted = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(default=0)
    # Per criterion, the counted members' answered (not N/A) scores: {"<criterion id>":
    # [sum, number]}, criteria nobody answered left out. One row per proposal and round
    # rather than one per criterion: the results page reads 400 rows, not 4,000.
    sums = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "round"], name="round_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} ({self.round}): {self.counted}/{self.submitted}"
