"""Reads of the surveys app: the questionnaire, and the counts behind every table.

The tables count the edition's answer columns (kyodo.surveys.columns: one packed array per
question, kept exact with the answer rows): population counts of packed bits for a table,
the AND of two questions' columns for a cross-tabulation, in two queries whatever the
number of respondents. The arithmetic on the counts is kyodo.surveys.tabulate; the
drill-down to the respondents behind a cell reads the answer rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from kyodo.surveys import columns, tabulate
from kyodo.surveys.models import (
    Answer,
    Edition,
    EditionStatus,
    Option,
    Question,
    Respondent,
    SecondKeying,
    Survey,
)


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


def _table(question: Question, data: columns.Columns, everyone: int) -> tabulate.Table:
    asked = data.asked(question)
    summary = data.number_summary(question.pk)
    return tabulate.table_of(
        info(question),
        base=everyone if asked is None else columns.count(asked),
        per_option=data.per_option(question.pk),
        answered=columns.count(data.answered[question.pk]),
        number=tabulate.NumberSummary(*summary) if summary else None,
    )


def _with_parents(questions: Sequence[Question]) -> set[int]:
    """The questions whose columns the tables need: each one, and the question a follow-up
    depends on (its sub-group is the base)."""
    ids = {q.pk for q in questions}
    ids.update(q.condition_question_id for q in questions if q.condition_question_id)
    return ids


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
    data = columns.load(edition.pk, _with_parents(questions))
    everyone = data.respondents
    tables = [_table(q, data, everyone) for q in questions]
    previous = previous_edition(edition) if with_previous else None
    if previous is not None:
        before = {t.question.code: t for t in edition_results(previous, with_previous=False).tables}
        tables = [tabulate.compare(t, before.get(t.question.code)) for t in tables]
    return EditionResults(edition, everyone, tables, previous)


def cross_tab(column: Question, by: Question, everyone: int) -> tabulate.CrossTab:
    """`column`'s table within each group of `by` (both choice questions of one edition).

    A group's n is the respondents of the group who were asked `column`; its counts are the
    group's answers to `column`; the 無回答 row is the respondents who did not answer `by`
    at all."""
    data = columns.load(column.edition_id, _with_parents([column, by]))
    asked = data.asked(column)
    answers = data.counted[column.pk]  # packed: bytes × options
    answered = data.answered[column.pk]
    groups = data.counted[by.pk]
    by_answered = data.answered[by.pk]
    in_base = groups if asked is None else groups & asked[:, None]
    grouped = columns.count(by_answered if asked is None else by_answered & asked)
    total_base = everyone if asked is None else columns.count(asked)
    # Respondents in each (group, option): the AND of the two columns, counted.
    per_group = np.bitwise_count(groups[:, :, None] & answers[:, None, :]).sum(
        axis=0, dtype=np.int64
    )
    answered_in_group = np.bitwise_count(groups & answered[:, None]).sum(axis=0, dtype=np.int64)
    options = data.options[column.pk]
    group_counts = {
        group: (
            dict[int | None, int](zip(options, map(int, per_group[i]), strict=True)),
            int(answered_in_group[i]),
        )
        for i, group in enumerate(data.options[by.pk])
    }
    unknown = ~by_answered & data.everyone()  # did not answer `by` (the bits past n stay 0)
    return tabulate.cross_tab_of(
        info(column),
        info(by),
        total_base=total_base,
        total=(data.per_option(column.pk), columns.count(answered)),
        group_bases={
            o: int(c)
            for o, c in zip(
                data.options[by.pk],
                np.bitwise_count(in_base).sum(axis=0, dtype=np.int64),
                strict=True,
            )
        },
        groups=group_counts,
        unknown_base=max(total_base - grouped, 0),
        unknown=(data.per_option(column.pk, unknown), columns.count(answered & unknown)),
    )


def asked(question: Question, edition: Edition) -> QuerySet[Respondent]:
    """The respondents a question was put to (its base)."""
    people = submitted(edition)
    if question.condition_question_id:
        people = people.filter(
            pk__in=Answer.objects.filter(
                question_id=question.condition_question_id,
                option__in=question.condition_options.all(),
                position__lte=columns.limit_of(question.condition_question),  # type: ignore[arg-type]
            ).values("respondent_id")
        )
    return people


def _in_cell(question: Question, option_id: int | None) -> Q:
    answers = Answer.objects.filter(question=question)
    if option_id is None:  # 無回答
        return ~Q(pk__in=answers.values("respondent_id"))
    chose = answers.filter(option_id=option_id, position__lte=columns.limit_of(question))
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
