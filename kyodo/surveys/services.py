"""Every write of the surveys app: building a questionnaire, answering it on the web,
keying paper answers, importing a file, and publishing results and free text."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.audit.services import audit_record
from kyodo.core.errors import DomainError
from kyodo.japan.text import nfkc
from kyodo.surveys import values as v
from kyodo.surveys.columns import answers_changed
from kyodo.surveys.models import (
    CHOICE_KINDS,
    Answer,
    Channel,
    Edition,
    EditionStatus,
    Invitation,
    Kind,
    Option,
    Question,
    Respondent,
    SecondKeying,
    Section,
    Survey,
)
from kyodo.surveys.selectors import questions_of
from kyodo.surveys.workflow import EDITION

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


# --- building ---------------------------------------------------------------------------------


@transaction.atomic
def survey_create(*, actor: Any, title: str, description: str, fiscal_year: int) -> Edition:
    survey = Survey.objects.create(title=title, description=description, created_by=actor)
    edition = Edition.objects.create(survey=survey, fiscal_year=fiscal_year)
    audit_record(actor=actor, action="surveys.survey_created", target=survey)
    return edition


@transaction.atomic
def edition_create_next(*, actor: Any, survey: Survey, fiscal_year: int) -> Edition:
    """A new year's edition with the questionnaire of the latest one (same codes, so the two
    editions line up question by question)."""
    if survey.editions.filter(fiscal_year=fiscal_year).exists():
        raise DomainError(_("この年度の実施回はすでにあります。"), field="fiscal_year")
    latest = survey.editions.order_by("-fiscal_year").first()
    edition = Edition.objects.create(survey=survey, fiscal_year=fiscal_year)
    if latest is not None:
        _copy_questionnaire(latest, edition)
    audit_record(actor=actor, action="surveys.edition_created", target=edition)
    return edition


def _copy_questionnaire(source: Edition, target: Edition) -> None:
    sections = {
        s.pk: Section.objects.create(edition=target, order=s.order, title=s.title)
        for s in source.sections.all()
    }
    copies: dict[int, Question] = {}
    options: dict[int, Option] = {}
    for question in questions_of(source):
        copy = Question.objects.create(
            edition=target,
            section=sections.get(question.section_id) if question.section_id else None,
            code=question.code,
            order=question.order,
            text=question.text,
            kind=question.kind,
            max_choices=question.max_choices,
            condition_question=copies.get(question.condition_question_id or 0),
        )
        copies[question.pk] = copy
        for option in question.options.all():
            options[option.pk] = Option.objects.create(
                question=copy, number=option.number, label=option.label, is_other=option.is_other
            )
        if question.condition_question_id:
            copy.condition_options.set(
                [options[o.pk] for o in question.condition_options.all() if o.pk in options]
            )


def _editable(edition: Edition) -> None:
    if edition.status != EditionStatus.DRAFT:
        raise DomainError(
            _("回答の受付を始めた調査票は変更できません。次の年度の実施回で変えてください。")
        )


@transaction.atomic
def edition_method_update(*, actor: Any, edition: Edition, data: dict[str, Any]) -> Edition:
    fields = [
        "population",
        "population_size",
        "sample_size",
        "sampling",
        "mode",
        "period_start",
        "period_end",
        "invitation_only",
        "featured_codes",
    ]
    before = {f: getattr(edition, f) for f in fields}
    if (
        data.get("period_start")
        and data.get("period_end")
        and (data["period_end"] < data["period_start"])
    ):
        raise DomainError(_("終了日は開始日より後にしてください。"), field="period_end")
    for name in fields:
        setattr(edition, name, data.get(name, getattr(edition, name)))
    edition.save(update_fields=fields)
    after = {f: getattr(edition, f) for f in fields}
    audit_record(
        actor=actor,
        action="surveys.method_updated",
        target=edition,
        changes={k: [before[k], after[k]] for k in fields if before[k] != after[k]},
    )
    return edition


@transaction.atomic
def edition_step(*, actor: Any, edition: Edition, step: str) -> Edition:
    """open / close / reopen the web answers (the workflow table in kyodo.surveys.workflow);
    publish / unpublish the results (not a state: a published edition keeps its state)."""
    if step in ("publish", "unpublish"):
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        edition.results_public = step == "publish"
        edition.save(update_fields=["results_public"])
        audit_record(actor=actor, action=f"surveys.edition_{step}", target=edition)
        return edition
    if step not in EDITION.transitions:
        raise DomainError(_("不明な操作です。"))
    return EDITION.transition(actor=actor, obj=edition, action=step)


@transaction.atomic
def section_create(*, actor: Any, edition: Edition, title: str) -> Section:
    _editable(edition)
    order = edition.sections.count() + 1
    section = Section.objects.create(edition=edition, order=order, title=title)
    audit_record(actor=actor, action="surveys.section_created", target=section)
    return section


@transaction.atomic
def question_create(
    *,
    actor: Any,
    edition: Edition,
    code: str,
    text: str,
    kind: str,
    section: Section | None = None,
    options: Sequence[str] = (),
    other: bool = False,
    max_choices: int | None = None,
    condition_question: Question | None = None,
    condition_numbers: Sequence[int] = (),
) -> Question:
    _editable(edition)
    if edition.questions.filter(code=code).exists():
        raise DomainError(_("この設問コードはこの調査票ですでに使われています。"), field="code")
    labels = [label for label in options if label]
    if kind in CHOICE_KINDS and not labels:
        raise DomainError(_("選択肢を1行に1つずつ入力してください。"), field="options")
    if kind not in CHOICE_KINDS and (labels or other):
        raise DomainError(
            _("選択肢は単一回答・複数回答・尺度の設問にだけ付けられます。"), field="options"
        )
    if len(labels) != len(set(labels)):
        raise DomainError(_("同じ選択肢が2回あります。"), field="options")
    if max_choices is not None and (kind != Kind.MULTIPLE or max_choices < 1):
        raise DomainError(
            _("選べる数の上限は、複数回答の設問にだけ1以上で指定します。"), field="max_choices"
        )
    if condition_question is not None:
        if condition_question.edition_id != edition.pk or not condition_question.is_choice:
            raise DomainError(
                _("前の設問には、この調査票の選択式の設問を選んでください。"),
                field="condition_question",
            )
        if not condition_numbers:
            raise DomainError(
                _("前の設問の、どの選択肢を選んだ人に聞くかを入力してください。"),
                field="condition_numbers",
            )
    order = (edition.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    question = Question.objects.create(
        edition=edition,
        section=section,
        code=code,
        order=order,
        text=text,
        kind=kind,
        max_choices=max_choices,
        condition_question=condition_question,
    )
    Option.objects.bulk_create(
        [Option(question=question, number=i, label=label) for i, label in enumerate(labels, 1)]
        + (
            [Option(question=question, number=len(labels) + 1, label=_("その他"), is_other=True)]
            if other
            else []
        )
    )
    if condition_question is not None:
        chosen = list(condition_question.options.filter(number__in=condition_numbers))
        if len(chosen) != len(set(condition_numbers)):
            raise DomainError(
                _("前の設問にない選択肢の番号があります。"), field="condition_numbers"
            )
        question.condition_options.set(chosen)
    answers_changed(edition.pk)  # the stored columns have none for the new question
    audit_record(actor=actor, action="surveys.question_created", target=question)
    return question


@transaction.atomic
def invitations_issue(*, actor: Any, edition: Edition, count: int) -> list[Invitation]:
    if not 1 <= count <= 5000:
        raise DomainError(_("一度に発行できるのは1〜5,000件です。"), field="count")
    made = []
    for _i in range(count):
        code = "".join(secrets.choice(CODE_ALPHABET) for _j in range(10))
        made.append(Invitation(edition=edition, code=code))
    Invitation.objects.bulk_create(made)
    audit_record(
        actor=actor, action="surveys.invitations_issued", target=edition, summary=str(count)
    )
    return made


# --- answers ----------------------------------------------------------------------------------


def qualifies(question: Question, values: v.Values) -> bool:
    """Was `question` put to this respondent (a follow-up asked only of a sub-group)?"""
    parent = question.condition_question
    if parent is None:
        return True
    chosen = values.get(parent.code) or []
    if parent.kind == Kind.MULTIPLE and parent.max_choices:
        chosen = chosen[: parent.max_choices]
    wanted = {o.number for o in question.condition_options.all()}
    return bool(wanted.intersection(chosen)) and qualifies(parent, values)


def _answers_for(
    respondent: Respondent, questions: Iterable[Question], values: v.Values
) -> list[Answer]:
    rows: list[Answer] = []
    for question in questions:
        value = values.get(question.code)
        if value in (None, "", []) or not qualifies(question, values):
            continue  # a blank (無回答), or a follow-up this person was not asked
        if question.is_choice:
            by_number = {o.number: o for o in question.options.all()}
            other_text = str(values.get(v.other_key(question)) or "")[: v.MAX_TEXT]
            for position, number in enumerate(value, 1):
                option = by_number[number]
                rows.append(
                    Answer(
                        respondent=respondent,
                        question=question,
                        option=option,
                        position=position,
                        text=other_text if option.is_other else "",
                    )
                )
        else:
            rows.append(
                Answer(
                    respondent=respondent,
                    question=question,
                    number=v.decimal_or_none(value) if question.kind == Kind.NUMBER else None,
                    date=v.date_or_none(value) if question.kind == Kind.DATE else None,
                    text=str(value) if question.kind == Kind.TEXT else "",
                )
            )
    return rows


def _replace_answers(respondent: Respondent, values: v.Values) -> None:
    respondent.answers.all().delete()
    Answer.objects.bulk_create(_answers_for(respondent, questions_of(respondent.edition), values))
    answers_changed(respondent.edition_id)


def _open_for_web(edition: Edition) -> None:
    if edition.status != EditionStatus.OPEN:
        raise DomainError(_("この調査は、いまは回答を受け付けていません。"))


@transaction.atomic
def respondent_start(*, edition: Edition, invitation_code: str = "") -> Respondent:
    """A web respondent; with an invitation code when the edition asks for one."""
    _open_for_web(edition)
    invitation = None
    if edition.invitation_only:
        code = nfkc(invitation_code).strip().upper().replace("-", "")
        invitation = (
            Invitation.objects.select_for_update().filter(edition=edition, code=code).first()
        )
        if invitation is None:
            raise DomainError(_("招待コードが正しくありません。"), field="code")
        existing = Respondent.objects.filter(invitation=invitation).first()
        if invitation.used_at is not None:
            raise DomainError(_("この招待コードでは、すでに回答が送られています。"), field="code")
        if existing is not None:
            return existing  # the same person coming back before finishing
    respondent = Respondent.objects.create(
        edition=edition, channel=Channel.WEB, invitation=invitation
    )
    audit_record(actor=None, action="surveys.web_started", target=respondent)
    return respondent


def draft_values(respondent: Respondent) -> v.Values:
    try:
        loaded = json.loads(respondent.draft or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


@transaction.atomic
def draft_save(*, respondent: Respondent, values: v.Values) -> Respondent:
    if respondent.submitted_at is not None:
        raise DomainError(_("この回答はすでに送信されています。"))
    respondent.draft = json.dumps(values, ensure_ascii=False)
    respondent.save(update_fields=["draft"])
    audit_record(actor=None, action="surveys.web_draft_saved", target=respondent)
    return respondent


@transaction.atomic
def respondent_submit(*, respondent: Respondent, values: v.Values) -> Respondent:
    respondent = (
        Respondent.objects.select_for_update().select_related("edition").get(pk=respondent.pk)
    )
    if respondent.submitted_at is not None:
        raise DomainError(_("この回答はすでに送信されています。"))
    _open_for_web(respondent.edition)
    _replace_answers(respondent, values)
    respondent.submitted_at = timezone.now()
    respondent.draft = ""
    respondent.save(update_fields=["submitted_at", "draft"])
    if respondent.invitation_id:
        Invitation.objects.filter(pk=respondent.invitation_id).update(
            used_at=respondent.submitted_at
        )
    audit_record(actor=None, action="surveys.web_submitted", target=respondent)
    return respondent


def _keyable(edition: Edition) -> None:
    if edition.status == EditionStatus.DRAFT:
        raise DomainError(
            _("調査票が確定する（回答の受付を始める）まで、紙の回答は入力できません。")
        )


@transaction.atomic
def paper_key(*, actor: Any, edition: Edition, paper_number: str, values: v.Values) -> Respondent:
    """One paper questionnaire typed in by staff: recorded with its number, who and when."""
    _keyable(edition)
    if edition.respondents.filter(paper_number=paper_number).exists():
        raise DomainError(
            _("調査票番号 %(n)s はすでに入力されています。") % {"n": paper_number},
            field="paper_number",
        )
    now = timezone.now()
    respondent = Respondent.objects.create(
        edition=edition,
        channel=Channel.PAPER,
        paper_number=paper_number,
        keyed_by=actor,
        keyed_at=now,
        submitted_at=now,
    )
    Answer.objects.bulk_create(_answers_for(respondent, questions_of(edition), values))
    answers_changed(edition.pk)
    audit_record(actor=actor, action="surveys.paper_keyed", target=respondent)
    return respondent


def _typed_values(respondent: Respondent, questions: Sequence[Question]) -> dict[str, str]:
    """The stored answers of a respondent, as staff would type them, by question code."""
    chosen: dict[int, list[int]] = {}
    typed: dict[str, str] = {}
    by_id = {q.pk: q for q in questions}
    for answer in respondent.answers.select_related("option").order_by("question_id", "position"):
        question = by_id[answer.question_id]
        if answer.option_id is not None:
            chosen.setdefault(question.pk, []).append(answer.option.number)  # type: ignore[union-attr]
            if answer.text:
                typed[v.other_key(question)] = answer.text
        elif question.kind == Kind.NUMBER:
            typed[question.code] = v.as_typed(
                question, answer.number.normalize() if answer.number is not None else None
            )
        elif question.kind == Kind.DATE:
            typed[question.code] = answer.date.isoformat() if answer.date else ""
        else:
            typed[question.code] = answer.text
    for question_id, numbers in chosen.items():
        typed[by_id[question_id].code] = v.as_typed(by_id[question_id], numbers)
    return typed


def _values_as_typed(values: v.Values, questions: Sequence[Question]) -> dict[str, str]:
    typed: dict[str, str] = {}
    for question in questions:
        if not qualifies(question, values):
            continue
        value = values.get(question.code)
        if value not in (None, "", []):
            typed[question.code] = v.as_typed(question, value)
        other = values.get(v.other_key(question))
        if other:
            typed[v.other_key(question)] = str(other)
    return typed


@transaction.atomic
def second_key(
    *, actor: Any, edition: Edition, paper_number: str, values: v.Values
) -> SecondKeying:
    """The same paper typed again; the differences from the first keying are listed."""
    respondent = (
        Respondent.objects.select_for_update()
        .filter(edition=edition, paper_number=paper_number, channel=Channel.PAPER)
        .first()
    )
    if respondent is None:
        raise DomainError(
            _("調査票番号 %(n)s の1回目の入力がありません。") % {"n": paper_number},
            field="paper_number",
        )
    if SecondKeying.objects.filter(respondent=respondent).exists():
        raise DomainError(_("この調査票は2回目の入力が済んでいます。"), field="paper_number")
    questions = questions_of(edition)
    first = _typed_values(respondent, questions)
    second = _values_as_typed(values, questions)
    mismatches = [
        {"code": key, "first": first.get(key, ""), "second": second.get(key, "")}
        for key in sorted(set(first) | set(second), key=lambda k: (k.split("__")[0], k))
        if first.get(key, "") != second.get(key, "")
    ]
    keying = SecondKeying.objects.create(
        respondent=respondent,
        values=values,
        keyed_by=actor,
        keyed_at=timezone.now(),
        mismatches=mismatches,
        mismatch_count=len(mismatches),
    )
    audit_record(
        actor=actor,
        action="surveys.second_keyed",
        target=respondent,
        summary=str(len(mismatches)),
    )
    return keying


@transaction.atomic
def mismatch_resolve(*, actor: Any, keying: SecondKeying, keep: str) -> SecondKeying:
    """Settle a paper whose two keyings differ: keep the first, or take the second."""
    keying = (
        SecondKeying.objects.select_for_update()
        .select_related("respondent__edition")
        .get(pk=keying.pk)
    )
    if keying.resolved_at is not None:
        raise DomainError(_("この食い違いは解決済みです。"))
    if keep not in ("first", "second"):
        raise DomainError(_("不明な操作です。"))
    if keep == "second":
        _replace_answers(keying.respondent, keying.values)
    keying.resolved_at = timezone.now()
    keying.save(update_fields=["resolved_at"])
    audit_record(
        actor=actor, action="surveys.mismatch_resolved", target=keying.respondent, summary=keep
    )
    return keying


@transaction.atomic
def answers_import(
    *, actor: Any, edition: Edition, rows: Sequence[tuple[str, v.Values]], filename: str
) -> int:
    """Questionnaires read from a file (already checked row by row by the importer)."""
    _keyable(edition)
    now = timezone.now()
    numbers = [number for number, _values in rows if number]
    taken = set(
        edition.respondents.filter(paper_number__in=numbers).values_list("paper_number", flat=True)
    )
    if taken:
        raise DomainError(
            _("調査票番号がすでに入力済みです：%(n)s") % {"n": "、".join(sorted(taken)[:10])},
            field="file",
        )
    respondents = Respondent.objects.bulk_create(
        [
            Respondent(
                edition=edition,
                channel=Channel.IMPORT,
                paper_number=number,
                keyed_by=actor,
                keyed_at=now,
                submitted_at=now,
            )
            for number, _values in rows
        ]
    )
    if any(r.pk is None for r in respondents):  # backends that do not return ids
        respondents = list(
            edition.respondents.filter(channel=Channel.IMPORT, keyed_at=now).order_by("pk")
        )
    questions = questions_of(edition)
    answers: list[Answer] = []
    for respondent, (_number, values) in zip(respondents, rows, strict=True):
        answers.extend(_answers_for(respondent, questions, values))
    Answer.objects.bulk_create(answers, batch_size=2000)
    answers_changed(edition.pk)
    audit_record(
        actor=actor,
        action="surveys.answers_imported",
        target=edition,
        summary=f"{filename}: {len(rows)}",
    )
    return len(rows)


@transaction.atomic
def answer_publish(*, actor: Any, answer: Answer, published: bool) -> Answer:
    answer.published = published
    answer.save(update_fields=["published"])
    audit_record(
        actor=actor,
        action="surveys.free_text_published" if published else "surveys.free_text_withdrawn",
        target=answer.respondent,
        summary=answer.question.code,
    )
    return answer
