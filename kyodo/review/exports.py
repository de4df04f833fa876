"""The office's Excel download of a committee's results and of every member's scores (one
workbook, two sheets). Cells go through kyodo.core.exports.safe_cell like every export."""

from __future__ import annotations

import io
from collections import defaultdict

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kyodo.core.exports import _disposition, safe_cell
from kyodo.review import results, selectors
from kyodo.review.models import Committee, Score, ScoreSheet


def results_workbook(committee: Committee) -> HttpResponse:
    data = selectors.committee_results(committee)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("審査結果")[:31])
    sheet.append(
        [safe_cell(h) for h in [_("順位"), _("提案"), _("団体"), _("状態"), _("集計した回")]]
        + [safe_cell(_("採点した委員"))]
        + [safe_cell(c.name) for c in data.criteria]
        + [safe_cell(h) for h in [_("100点換算"), _("項目平均の合計"), _("判定"), _("市の決定")]]
        + [safe_cell(_("採択の基準と異なる決定の理由"))]
    )
    verdicts = {True: _("基準以上"), False: _("基準未満"), None: ""}
    for row in data.rows:
        decision = getattr(row.proposal, "decision", None)
        assert row.shown is not None
        sheet.append(
            [
                safe_cell(v)
                for v in [
                    row.result.rank,
                    row.proposal.title,
                    row.proposal.group.name,
                    str(row.proposal.state.staff_label),
                    row.result.round,
                    row.result.members,
                    *row.shown.means,
                    row.total,
                    row.sum_of_means,
                    verdicts[row.result.passed],
                    decision.get_outcome_display() if decision else "",
                    decision.rule_reason if decision else "",
                ]
            ]
        )
    method = book.create_sheet(title=_("点数の出し方")[:31])
    for sentence in committee.criteria_set.explanation(data.criteria):
        method.append([safe_cell(sentence)])

    scores = book.create_sheet(title=_("委員ごとの点数")[:31])
    scores.append(
        [safe_cell(h) for h in [_("提案"), _("委員"), _("回"), _("利害関係"), _("提出日時")]]
        + [safe_cell(c.name) for c in data.criteria]
        + [safe_cell(_("委員の100点換算"))]
    )
    conflicts = selectors.conflicts_of(committee, [r.proposal for r in data.rows], data.members)
    answers: dict[int, dict[int, Score]] = defaultdict(dict)
    for score in Score.objects.filter(sheet__proposal__call_id=committee.call_id):
        answers[score.sheet_id][score.criterion_id] = score
    titles = {r.proposal.pk: r.proposal.title for r in data.rows}
    for s in (
        ScoreSheet.objects.filter(proposal_id__in=titles, member__committee=committee)
        .select_related("member__user")
        .order_by("proposal_id", "round", "member__order", "member_id")
    ):
        mine = answers.get(s.pk, {})
        marks = {
            c.key: (None if mine[c.pk].not_applicable else mine[c.pk].value)
            for c in data.criteria
            if c.pk in mine
        }
        total = results.member_total(data.rules, marks) if s.submitted_at else None
        scores.append(
            [
                safe_cell(v)
                for v in [
                    titles[s.proposal_id],
                    str(s.member),
                    s.round,
                    _("あり（集計から除外）") if (s.proposal_id, s.member_id) in conflicts else "",
                    s.submitted_at.isoformat() if s.submitted_at else _("下書き"),
                    *[_cell(mine.get(c.pk)) for c in data.criteria],
                    results.display(total) if total is not None else "",
                ]
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = _disposition(f"review-{committee.call_id}.xlsx")
    return response


def _cell(score: Score | None) -> object:
    if score is None:
        return ""
    if score.not_applicable:
        return _("該当なし")
    return score.value if score.value is not None else ""
