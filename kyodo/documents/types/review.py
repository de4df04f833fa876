"""The selection committee's documents: a member's score sheet (採点票), the results list
(審査結果一覧) and the adoption / non-adoption notice (採択・不採択通知)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo.documents.layout import Block, Document, fields, heading, ijo, ki, paragraph, table
from kyodo.documents.registry import DocumentType, Issue, register
from kyodo.documents.types.common import day, mayor, nendo, safe_name
from kyodo.proposals import workflow
from kyodo.proposals.models import Proposal
from kyodo.review import selectors
from kyodo.review.models import Committee, Score, ScoreSheet

# --- a member's score sheet ------------------------------------------------------------


def _load_sheet(pk: int) -> ScoreSheet:
    return get_object_or_404(
        ScoreSheet.objects.select_related(
            "member__user", "member__committee", "proposal__group", "proposal__call"
        ),
        pk=pk,
    )


def score_sheet(sheet: ScoreSheet, issue: Issue) -> Document:
    committee = sheet.member.committee
    criteria = list(committee.criteria_set.criteria.all())
    scores = {
        s.criterion_id: s for s in Score.objects.filter(sheet=sheet).select_related("criterion")
    }
    rows = []
    for c in criteria:
        s = scores.get(c.pk)
        value = "" if s is None else (_("該当なし") if s.not_applicable else str(s.value or ""))
        rows.append(
            [c.name, c.question, f"{c.scale_min}〜{c.scale_max}", value, s.comment if s else ""]
        )
    p = sheet.proposal
    round_label = _("書類審査") if sheet.round == 1 else _("プレゼンテーション後")
    return Document(
        kind="score_sheet",
        filename=f"{_('採点票')}_{safe_name(p.title)}_{safe_name(sheet.member.user.full_name)}",
        date=day(sheet.submitted_at) if sheet.submitted_at else _("（未提出）"),
        subject=_("協働事業提案 採点票"),
        blocks=[
            fields(
                [
                    (_("選考委員会"), committee.name),
                    (_("委員"), sheet.member.user.full_name),
                    (_("事業名"), p.title),
                    (_("提案団体"), p.group.name),
                    (
                        _("採点の回"),
                        _("第%(n)s回（%(label)s）") % {"n": sheet.round, "label": round_label},
                    ),
                ]
            ),
            table(
                [_("項目"), _("着眼点"), _("配点"), _("点数"), _("コメント")],
                rows,
                widths=[2, 4, 1, 1, 4],
                numeric=[3],
            ),
            heading(_("全体の所見")),
            paragraph(sheet.comment or _("（記入なし）")),
        ],
    )


# --- the results list ------------------------------------------------------------------


def _load_committee(pk: int) -> Committee:
    """pk is the call's, as in the review app's URLs."""
    return get_object_or_404(Committee.objects.select_related("call", "criteria_set"), call_id=pk)


def results_list(committee: Committee, issue: Issue) -> Document:
    data = selectors.committee_results(committee, states=workflow.DECIDED_STATES)
    rows = selectors.published_rows(data)
    body = [
        [
            str(r.result.rank or "") + (_("（同点）") if r.result.tied else ""),
            r.proposal.title,
            r.proposal.group.name,
            r.total,
            str(r.proposal.state.public),
        ]
        for r in rows
    ]
    comments: list[Block] = []
    for r in rows:
        advice = getattr(r.proposal, "advice", None)
        if advice is not None and advice.review_comment:
            comments += [heading(r.proposal.title), paragraph(advice.review_comment)]
    call = committee.call
    return Document(
        kind="results",
        filename=f"{nendo(call.fiscal_year)}_{_('審査結果一覧')}_{safe_name(call.title)}",
        date=day(committee.results_published_at) or "",
        sender=[committee.name],
        subject=_("%(call)s 審査結果一覧") % {"call": call.title},
        blocks=[
            paragraph(
                _(
                    "点数は選考委員の平均を100点に換算したものです。利害関係のある委員は審査に加わっていません。"
                )
            ),
            table(
                [_("順位"), _("事業名"), _("団体名"), _("100点換算"), _("結果")],
                body or [[_("（審査結果はまだありません）"), "", "", "", ""]],
                widths=[1, 4, 3, 2, 2],
                numeric=[3],
            ),
            *(
                [heading(_("全体の講評")), paragraph(committee.general_comment)]
                if committee.general_comment
                else []
            ),
            *([heading(_("講評"))] + comments if comments else []),
        ],
    )


# --- the notice ------------------------------------------------------------------------


def _load_proposal(pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("call", "group", "course", "decision", "advice"), pk=pk
    )


def notice(p: Proposal, issue: Issue) -> Document:
    decision = p.decision  # type: ignore[attr-defined]
    advice = getattr(p, "advice", None)
    rows = [
        (_("事業名"), p.title),
        (_("コース"), p.course.name),
        (_("結果"), decision.get_outcome_display()),
    ]
    if decision.conditions:
        rows.append((_("採択の条件"), decision.conditions))
    if decision.reason:
        rows.append((_("不採択の理由"), decision.reason))
    if advice is not None and advice.review_comment:
        rows.append((_("選考委員会の講評"), advice.review_comment))
    if advice is not None and advice.note:
        rows.append((_("選考委員会の付帯意見"), advice.note))
    closing: list[Block] = []
    if decision.adopted:
        committee = selectors.committee_for_call(p.call_id)
        if decision.provisional:
            closing.append(
                paragraph(_("この決定は、事業の予算が市議会で成立した時点で確定します（内定）。"))
            )
        else:
            closing.append(
                paragraph(
                    _(
                        "予算の成立（%(d)s）により、この決定は確定しました。今後、協定書の協議を行います。"
                    )
                    % {"d": day(committee.budget_passed_on if committee else None)}
                )
            )
    adopted = _("採択通知") if decision.adopted else _("不採択通知")
    return Document(
        kind="notice",
        filename=f"{nendo(p.call.fiscal_year)}_{adopted}_{safe_name(p.group.name)}",
        number=issue.number,
        date=day(issue.issued_on),
        addressee=_("%(group)s 代表者 %(name)s 様")
        % {"group": p.group.name, "name": p.group.representative_name},
        sender=[mayor()],
        subject=_("協働事業の提案の審査結果について（通知）"),
        blocks=[
            paragraph(
                _(
                    "%(call)sに提案のあった「%(title)s」について、選考委員会の答申を受けて審査した結果、次のとおり決定しましたので通知します。"
                )
                % {"call": p.call.title, "title": p.title}
            ),
            ki(),
            fields(rows),
            *closing,
            ijo(),
        ],
    )


register(
    DocumentType(
        key="score_sheet",
        label=gettext_lazy("採点票"),
        load=_load_sheet,
        permission="documents.score_sheet",
        build=score_sheet,
        order=60,
    )
)
register(
    DocumentType(
        key="results",
        label=gettext_lazy("審査結果一覧"),
        load=_load_committee,
        permission="review.view_results",
        build=results_list,
        order=70,
    )
)
register(
    DocumentType(
        key="notice",
        label=gettext_lazy("審査結果通知"),
        load=_load_proposal,
        permission="review.view_notice",
        build=notice,
        numbered=True,
        order=80,
    )
)
