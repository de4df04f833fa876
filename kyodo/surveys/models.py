"""Surveys: a survey, its yearly editions, their sections and questions, respondents and
their answers.

An answer row exists only for a respondent whose questionnaire is complete (submitted on the
web, keyed from paper, or imported): a half-filled web questionnaire lives in
`Respondent.draft`, a second keying of a paper in `SecondKeying`. So the answers table is
exactly what is counted, and the tables are GROUP BY queries over it with no join.

A choice answer is one row per option marked, with `position` = the order in which the
option was marked (1 for the first): the first-k rule for "up to k" questions counts the
rows with position ≤ k, and the rows with position = 1 count the people who answered.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Survey(models.Model):
    title = models.CharField(_("調査名"), max_length=200)
    description = models.TextField(_("調査の説明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("調査")
        verbose_name_plural = _("調査")

    def __str__(self) -> str:
        return self.title


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("準備中")
    OPEN = "open", _("回答受付中")
    CLOSED = "closed", _("受付終了")


class Sampling(models.TextChoices):
    NONE = "", _("（未記入）")
    SIMPLE = "simple", _("単純無作為抽出")
    STRATIFIED = "stratified", _("層化二段無作為抽出")
    NON_RANDOM = "non_random", _("無作為抽出によらない（会場・イベント等）")


class Mode(models.TextChoices):
    NONE = "", _("（未記入）")
    POST = "post", _("郵送")
    WEB = "web", _("インターネット")
    BOTH = "both", _("郵送とインターネットの併用")
    EVENTS = "events", _("会場・イベントでの紙の調査票")


class Edition(models.Model):
    """One year's run of a survey, with its method record."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="editions")
    fiscal_year = models.PositiveIntegerField(_("年度"))
    status = models.CharField(
        _("状態"), max_length=10, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    invitation_only = models.BooleanField(
        _("招待コードを持つ人だけが回答できる"),
        default=False,
        help_text=_("一人一回だけ回答できる招待コードを配ります。"),
    )
    results_public = models.BooleanField(_("結果を公開する"), default=False)
    featured_codes = models.CharField(
        _("「市民活動の現状」に載せる設問コード"),
        max_length=200,
        blank=True,
        help_text=_("カンマ区切り（例：Q1,Q4）。結果を公開したときだけ載ります。"),
    )
    # The method record (調査の方法).
    population = models.CharField(_("調査対象（母集団）"), max_length=300, blank=True)
    population_size = models.PositiveIntegerField(_("母集団の大きさ（人）"), null=True, blank=True)
    sample_size = models.PositiveIntegerField(_("標本数（配布数）"), null=True, blank=True)
    sampling = models.CharField(
        _("抽出方法"), max_length=20, choices=Sampling.choices, blank=True, default=""
    )
    mode = models.CharField(
        _("調査方法"), max_length=20, choices=Mode.choices, blank=True, default=""
    )
    period_start = models.DateField(_("調査期間（開始）"), null=True, blank=True)
    period_end = models.DateField(_("調査期間（終了）"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped in the same transaction as every write of this edition's answers
    # (kyodo.surveys.columns.answers_changed): the answer columns built from an older
    # version are stale and are never read.
    answers_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["survey", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "fiscal_year"], name="surveys_edition_year")
        ]
        verbose_name = _("調査の実施回")
        verbose_name_plural = _("調査の実施回")

    def __str__(self) -> str:
        from kyodo.japan.calendar import wareki_fiscal_year

        return f"{self.survey.title}（{wareki_fiscal_year(self.fiscal_year)}）"


class Section(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("順番"), default=0)
    title = models.CharField(_("見出し"), max_length=200)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("調査票の区分")
        verbose_name_plural = _("調査票の区分")

    def __str__(self) -> str:
        return self.title


class Kind(models.TextChoices):
    SINGLE = "single", _("単一回答")
    MULTIPLE = "multiple", _("複数回答")
    SCALE = "scale", _("尺度（5段階など）")
    NUMBER = "number", _("数値")
    DATE = "date", _("日付")
    TEXT = "text", _("自由記述")


CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.SCALE})


class Question(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    # The stable code lines a question up across editions (e.g. "Q3" or "interest").
    code = models.CharField(_("設問コード"), max_length=30)
    order = models.PositiveIntegerField(_("順番"), default=0)
    text = models.CharField(_("設問文"), max_length=500)
    kind = models.CharField(_("回答の形式"), max_length=10, choices=Kind.choices)
    max_choices = models.PositiveSmallIntegerField(
        _("選べる数の上限"),
        null=True,
        blank=True,
        help_text=_("複数回答で「3つまで」のときは3。空欄なら上限なし。"),
    )
    # Asked only of those who chose one of `condition_options` of `condition_question`.
    condition_question = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("この設問に答える人（前の設問）"),
    )
    condition_options: models.ManyToManyField[Option, Any] = models.ManyToManyField(
        "Option", blank=True, related_name="+", verbose_name=_("前の設問でこれを選んだ人")
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="surveys_question_code")
        ]
        verbose_name = _("設問")
        verbose_name_plural = _("設問")

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    # The number printed on the paper questionnaire and typed when keying (1, 2, 3 …).
    number = models.PositiveSmallIntegerField(_("番号"))
    label = models.CharField(_("選択肢"), max_length=200)
    is_other = models.BooleanField(_("「その他（具体的に）」"), default=False)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="surveys_option_number")
        ]
        verbose_name = _("選択肢")
        verbose_name_plural = _("選択肢")

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"


class Channel(models.TextChoices):
    WEB = "web", _("ウェブ")
    PAPER = "paper", _("紙（職員が入力）")
    IMPORT = "import", _("ファイル取込")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A one-time code: the person who holds it answers once."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField(_("招待コード"), max_length=20, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("招待コード")
        verbose_name_plural = _("招待コード")

    def __str__(self) -> str:
        return self.code


class Respondent(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="respondents")
    channel = models.CharField(_("回答の経路"), max_length=10, choices=Channel.choices)
    paper_number = models.CharField(_("調査票の番号"), max_length=30, blank=True)
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("入力した職員"),
    )
    keyed_at = models.DateTimeField(_("入力日時"), null=True, blank=True)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="respondent"
    )
    # Web answers in progress (save and resume): {question code: value}.
    resume_token = models.CharField(max_length=64, unique=True, default=new_token)
    # JSON text (not a JSONField): what the person typed stays searchable as typed.
    draft = models.TextField(blank=True, default="")
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("回答完了日時"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "paper_number"],
                condition=~models.Q(paper_number=""),
                name="surveys_paper_number_once",
            )
        ]
        indexes = [models.Index(fields=["edition", "submitted_at"], name="surveys_resp_done")]
        verbose_name = _("回答者")
        verbose_name_plural = _("回答者")

    def __str__(self) -> str:
        return self.paper_number or f"#{self.pk}"


class Answer(models.Model):
    # Both foreign keys are the leading columns of the covering indexes below.
    respondent = models.ForeignKey(
        Respondent, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    position = models.PositiveSmallIntegerField(default=1)
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)
    # Free text is never public unless staff publish it.
    published = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # Covering indexes: the tables read only these (no row lookups), the counting
            # query through the first, the cross-tabulations joining through the second.
            models.Index(
                fields=["question", "option", "position", "respondent"],
                name="surveys_answer_count",
            ),
            models.Index(
                fields=["respondent", "question", "option", "position"],
                name="surveys_answer_resp",
            ),
        ]
        verbose_name = _("回答")
        verbose_name_plural = _("回答")

    def __str__(self) -> str:
        return f"{self.respondent_id}:{self.question_id}"


class SecondKeying(models.Model):
    """The same paper typed again by someone else, to catch typing errors."""

    respondent = models.OneToOneField(
        Respondent, on_delete=models.CASCADE, related_name="second_keying"
    )
    values = models.JSONField(default=dict)
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    keyed_at = models.DateTimeField()
    # [{"code": "Q1", "first": "1", "second": "2"}] — empty when both keyings agree.
    mismatches = models.JSONField(default=list)
    mismatch_count = models.PositiveIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("二重入力")
        verbose_name_plural = _("二重入力")

    def __str__(self) -> str:
        return f"{self.respondent_id}"


class AnswerStore(models.Model):
    """The answers of an edition kept as columns, one per question (AnswerColumn), built
    from the answer rows at `version` of Edition.answers_version: derived data that the
    tables read instead of the rows (kyodo.surveys.columns)."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="answer_store")
    version = models.PositiveIntegerField()
    respondents = models.PositiveIntegerField()
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.edition_id}@{self.version}"


class AnswerColumn(models.Model):
    store = models.ForeignKey(AnswerStore, on_delete=models.CASCADE, related_name="columns")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    # numpy arrays in .npz form (kyodo.surveys.columns.pack).
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "question"], name="surveys_column_once")
        ]

    def __str__(self) -> str:
        return f"{self.store_id}:{self.question_id}"
