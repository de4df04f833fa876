"""Reads of the surveys app: the questionnaire, and the counts behind every table.

The raw SQL below is portable (it runs unchanged on SQLite and PostgreSQL); the only text
formatted into it is runs of %s placeholders and the fixed sub-group clause of
`_condition_sql`, so every value travels as a parameter (hence the S608 waivers).

Counting is done by the database: one GROUP BY over the answers of an edition for every
question's table, one or two more per cross-tabulation, whatever the number of
respondents. The arithmetic on the counts is kyodo.surveys.tabulate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from kyodo.surveys import tabulate
from kyodo.surveys.models import (
    Answer,
    Edition,
    EditionStatus,
    Kind,
    Option,
    Question,
    Respondent,
    SecondKeying,
    Survey,
)

PositionCounts = dict[tuple[int | None, int], int]


def surveys_for_staff() -> QuerySet[Survey]:
    return Survey.objects.prefetch_related(
        Prefetch("editions", queryset=Edition.objects.order_by("-fiscal_year"))
    ).order_by("-created_at")


def editions_open() -> QuerySet[Edition]:
    return Edition.objects.filter(status=EditionStatus.OPEN).select_related("survey")


def editions_with_public_results() -> QuerySet[Edition]:
    return Edition.objects.filter(results_public=True).select_related("survey")


def questions_of(edition: Edition) -> list[Question]:
    return list(
        edition.questions.select_related("section", "condition_question")
        .prefetch_related("options", "condition_options")
        .order_by("order", "pk")
    )


def submitted(edition: Edition) -> QuerySet[Respondent]:
    return edition.respondents.filter(submitted_at__isnull=False)


def previous_edition(edition: Edition) -> Edition | None:
    return (
        Edition.objects.filter(survey_id=edition.survey_id, fiscal_year__lt=edition.fiscal_year)
        .order_by("-fiscal_year")
        .first()
    )


def info(question: Question) -> tabulate.QuestionInfo:
    condition = ""
    if question.condition_question_id:
        labels = "・".join(o.label for o in question.condition_options.all())
        condition = _("%(code)sで「%(labels)s」と答えた方") % {
            "code": question.condition_question.code,  # type: ignore[union-attr]
            "labels": labels,
        }
    return tabulate.QuestionInfo(
        id=question.pk,
        code=question.code,
        text=question.text,
        kind=question.kind,
        options=tuple(tabulate.OptionInfo(o.pk, o.number, o.label) for o in question.options.all()),
        max_choices=question.max_choices,
        conditional=bool(question.condition_question_id),
        condition_label=condition,
    )


def _limit(question: Question) -> int:
    return (
        question.max_choices if question.kind == Kind.MULTIPLE and question.max_choices else 32767
    )


def _condition_sql(question: Question, alias: str) -> tuple[str, list[Any]]:
    """SQL that is true when `alias`.respondent_id was asked `question` (its sub-group)."""
    if not question.condition_question_id:
        return "1=1", []
    parent = question.condition_question
    assert parent is not None  # condition_question_id is set
    option_ids = [o.pk for o in question.condition_options.all()] or [0]
    marks = ", ".join(["%s"] * len(option_ids))
    sql = (
        "EXISTS (SELECT 1 FROM surveys_answer p WHERE p.respondent_id = "  # noqa: S608
        f"{alias}.respondent_id AND p.question_id = %s AND p.option_id IN ({marks}) "
        "AND p.position <= %s)"
    )
    return sql, [parent.pk, *option_ids, _limit(parent)]


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def base_of(question: Question, everyone: int) -> int:
    """n of a question: everyone, or the sub-group a follow-up question was asked of."""
    if not question.condition_question_id:
        return everyone
    parent = question.condition_question
    assert parent is not None
    option_ids = [o.pk for o in question.condition_options.all()] or [0]
    marks = ", ".join(["%s"] * len(option_ids))
    rows = _rows(
        "SELECT COUNT(DISTINCT respondent_id) FROM surveys_answer WHERE question_id = %s "  # noqa: S608
        f"AND option_id IN ({marks}) AND position <= %s",
        [parent.pk, *option_ids, _limit(parent)],
    )
    return int(rows[0][0])


def _position_counts(question_ids: Sequence[int]) -> dict[int, PositionCounts]:
    counts: dict[int, PositionCounts] = defaultdict(dict)
    if not question_ids:
        return counts
    marks = ", ".join(["%s"] * len(question_ids))
    for question_id, option_id, position, count in _rows(
        "SELECT question_id, option_id, position, COUNT(*) FROM surveys_answer "  # noqa: S608
        f"WHERE question_id IN ({marks}) GROUP BY question_id, option_id, position",
        list(question_ids),
    ):
        counts[question_id][(option_id, position)] = count
    return counts


def _number_summaries(questions: Sequence[Question]) -> dict[int, tabulate.NumberSummary]:
    ids = [q.pk for q in questions if q.kind == Kind.NUMBER]
    rows = (
        Answer.objects.filter(question_id__in=ids, number__isnull=False)
        .values("question_id")
        .annotate(n=Count("pk"), total=Sum("number"), low=Min("number"), high=Max("number"))
        .order_by()
    )
    return {
        r["question_id"]: tabulate.NumberSummary(
            r["n"], Decimal(r["total"] or 0), r["low"], r["high"]
        )
        for r in rows
    }


@dataclass
class EditionResults:
    edition: Edition
    respondents: int
    tables: list[tabulate.Table]
    previous: Edition | None


def edition_results(
    edition: Edition, *, with_previous: bool = True, questions: list[Question] | None = None
) -> EditionResults:
    """Every question's table, with the difference from the previous edition in points."""
    questions = questions if questions is not None else questions_of(edition)
    everyone = submitted(edition).count()
    counts = _position_counts([q.pk for q in questions])
    numbers = _number_summaries(questions)
    tables = [
        tabulate.question_table(
            info(q),
            base=base_of(q, everyone),
            by_position=counts.get(q.pk, {}),
            number=numbers.get(q.pk),
        )
        for q in questions
    ]
    previous = previous_edition(edition) if with_previous else None
    if previous is not None:
        before = {t.question.code: t for t in edition_results(previous, with_previous=False).tables}
        tables = [tabulate.compare(t, before.get(t.question.code)) for t in tables]
    return EditionResults(edition, everyone, tables, previous)


def cross_tab(column: Question, by: Question, everyone: int) -> tabulate.CrossTab:
    """`column`'s table within each group of `by` (both choice questions of one edition)."""
    condition, params = _condition_sql(column, "b")
    total_base = base_of(column, everyone)
    total_counts = _position_counts([column.pk]).get(column.pk, {})
    group_bases = dict(
        _rows(
            "SELECT b.option_id, COUNT(*) FROM surveys_answer b WHERE b.question_id = %s "  # noqa: S608
            f"AND b.position <= %s AND {condition} GROUP BY b.option_id",
            [by.pk, _limit(by), *params],
        )
    )
    grouped = _rows(
        "SELECT COUNT(*) FROM surveys_answer b WHERE b.question_id = %s AND b.position = 1 "  # noqa: S608
        f"AND {condition}",
        [by.pk, *params],
    )[0][0]
    group_counts: dict[int, PositionCounts] = defaultdict(dict)
    for group, option_id, position, count in _rows(
        "SELECT b.option_id, a.option_id, a.position, COUNT(*) FROM surveys_answer a "
        "JOIN surveys_answer b ON b.respondent_id = a.respondent_id "
        "WHERE a.question_id = %s AND b.question_id = %s AND b.position <= %s "
        "GROUP BY b.option_id, a.option_id, a.position",
        [column.pk, by.pk, _limit(by)],
    ):
        group_counts[group][(option_id, position)] = count
    unknown_counts: PositionCounts = {
        (option_id, position): count
        for option_id, position, count in _rows(
            "SELECT a.option_id, a.position, COUNT(*) FROM surveys_answer a "
            "WHERE a.question_id = %s AND NOT EXISTS (SELECT 1 FROM surveys_answer b "
            "WHERE b.respondent_id = a.respondent_id AND b.question_id = %s) "
            "GROUP BY a.option_id, a.position",
            [column.pk, by.pk],
        )
    }
    return tabulate.cross_tab(
        info(column),
        info(by),
        total_base=total_base,
        total_counts=total_counts,
        group_bases=group_bases,
        group_counts=group_counts,
        unknown_base=max(total_base - int(grouped), 0),
        unknown_counts=unknown_counts,
    )


def asked(question: Question, edition: Edition) -> QuerySet[Respondent]:
    """The respondents a question was put to (its base)."""
    people = submitted(edition)
    if question.condition_question_id:
        people = people.filter(
            pk__in=Answer.objects.filter(
                question_id=question.condition_question_id,
                option__in=question.condition_options.all(),
                position__lte=_limit(question.condition_question),  # type: ignore[arg-type]
            ).values("respondent_id")
        )
    return people


def _in_cell(question: Question, option_id: int | None) -> Q:
    answers = Answer.objects.filter(question=question)
    if option_id is None:  # 無回答
        return ~Q(pk__in=answers.values("respondent_id"))
    chose = answers.filter(option_id=option_id, position__lte=_limit(question))
    return Q(pk__in=chose.values("respondent_id"))


def respondents_in_cell(
    edition: Edition,
    question: Question,
    option_id: int | None,
    by: Question | None = None,
    group_id: int | None = None,
) -> QuerySet[Respondent]:
    """The respondents behind one cell of a table or a cross-tabulation (staff only)."""
    people = asked(question, edition).filter(_in_cell(question, option_id))
    if by is not None:
        people = people.filter(_in_cell(by, group_id))
    return people.select_related("keyed_by").order_by("pk")


def free_text_answers(edition: Edition, query: str = "") -> QuerySet[Answer]:
    answers = Answer.objects.filter(question__edition=edition).exclude(text="")
    if query:
        answers = answers.filter(text__icontains=query)
    return answers.select_related("question", "option", "respondent").order_by(
        "question__order", "question_id", "pk"
    )


def published_free_text(edition: Edition) -> QuerySet[Answer]:
    return free_text_answers(edition).filter(published=True)


def open_mismatches(edition: Edition) -> QuerySet[SecondKeying]:
    return (
        SecondKeying.objects.filter(respondent__edition=edition, resolved_at__isnull=True)
        .filter(mismatch_count__gt=0)
        .select_related("respondent", "keyed_by", "respondent__keyed_by")
        .order_by("pk")
    )


def option_by_number(question: Question) -> dict[int, Option]:
    return {o.number: o for o in question.options.all()}


@dataclass
class EditionLine:
    edition: Edition
    respondents: int
    mismatches: int


def editions_for_dashboard() -> list[EditionLine]:
    """The editions staff are working on (not yet closed), with their counts: three queries."""
    editions = list(
        Edition.objects.exclude(status=EditionStatus.CLOSED)
        .select_related("survey")
        .annotate(done=Count("respondents", filter=Q(respondents__submitted_at__isnull=False)))
        .order_by("-fiscal_year", "pk")[:20]
    )
    open_keyings = dict(
        SecondKeying.objects.filter(
            respondent__edition__in=editions, resolved_at__isnull=True, mismatch_count__gt=0
        )
        .values("respondent__edition_id")
        .annotate(n=Count("pk"))
        .values_list("respondent__edition_id", "n")
    )
    return [
        EditionLine(e, e.done, open_keyings.get(e.pk, 0))  # type: ignore[attr-defined]
        for e in editions
    ]


def featured_tables() -> list[tuple[Edition, list[tabulate.Table]]]:
    """The tables staff chose for 「市民活動の現状」 (published editions only)."""
    chosen = []
    for edition in (
        editions_with_public_results().exclude(featured_codes="").order_by("-fiscal_year")
    ):
        codes = [c.strip() for c in edition.featured_codes.split(",") if c.strip()]
        questions = [q for q in questions_of(edition) if q.code in codes]
        if questions:
            chosen.append((edition, edition_results(edition, questions=questions).tables))
    return chosen
