"""Issue 10, must show: a three-year 協働コース project through three fiscal years, every
amount worked out by hand here.

The project (tests/projects/conftest.py `adopted`): Kamakura's 協働コース, a share course
(負担金: cap 500,000 a year, no share-of-cost limit, the confirmed amount cut below 1,000
yen, differences over 20 % of a budgeted line explained). Its proposal budgets the city's
part at 400,000 / 300,000 / 200,000 and the group's own funds at 100,000 a year, spent as
one 消耗品費 line (500,000 / 400,000 / 300,000).

Year 1 (FY2026): the agreement is concluded; a change agreement moves 20,000 of the city's
part to the group (380,000 + 120,000); two instalments of 190,000 are paid; an interim and
a results report; the settlement spends only 351,680 (a surplus): confirmed 351,000,
refund 29,000. The group rates "progress" 2 and the department 4: a two-step difference,
on the agenda of the mutual review meeting. Outcome: continue with improvements; the budget
line for FY2027 is raised from 300,000 to 320,000; when it passes, year 2 is 320,000 +
100,000 and the agreement carries it (round 3).
Year 2 (FY2027): 320,000 paid in one instalment; the settlement spends the budget exactly:
confirmed 320,000, nothing to pay or refund. Outcome: continue; FY2028's line passes at
200,000 (round 4).
Year 3 (FY2028): 200,000 paid; settled at 200,000. Outcome: completed; a fourth year is
refused. The city paid 351,000 + 320,000 + 200,000 = 871,000 in all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyodo.audit.models import AuditEvent
from kyodo.core.errors import DomainError
from kyodo.evaluation import selectors as evaluation_selectors
from kyodo.evaluation import services as evaluation
from kyodo.evaluation.models import BudgetRequestLine
from kyodo.payments import services as money
from kyodo.payments import workflow as money_workflow
from kyodo.payments.models import Funding, Payment, PaymentKind
from kyodo.payments.selectors import settlement_of
from kyodo.projects import reports, services
from kyodo.projects.models import Project, ProjectYear, Report
from tests.evaluation.conftest import write
from tests.gates.conftest import PDF_BYTES
from tests.payments.conftest import expense, income, report_and_accept
from tests.projects.conftest import conclude, walk_to_confirming

pytestmark = pytest.mark.django_db


def _scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("signed.pdf", PDF_BYTES, content_type="application/pdf")


def _costs(project: Project, split: dict[int, tuple[int, int]]) -> list[dict[str, int]]:
    return [
        {
            "year_index": index,
            "fiscal_year": project.first_fiscal_year + index - 1,
            "city": city,
            "group": group,
        }
        for index, (city, group) in sorted(split.items())
    ]


def _conclude_round(agreement: Any, rep: Any, dept: Any, office: Any, on: dt.date) -> None:
    """Take a round of the agreement (a change under way) to its conclusion."""
    walk_to_confirming(agreement.project, rep, dept)
    services.agreement_transition(actor=rep, agreement=agreement, action="confirm_group")
    services.agreement_transition(actor=dept, agreement=agreement, action="confirm_department")
    services.agreement_conclude(actor=office, agreement=agreement, upload=_scan(), concluded_on=on)
    agreement.refresh_from_db()


def _pay(funding: Funding, rep: Any, office: Any, amounts: list[tuple[int, dt.date]]) -> None:
    for amount, due in amounts:
        payment = money.instalment_set(actor=office, funding=funding, amount=amount, due_on=due)
        money.payment_transition(actor=rep, payment=payment, action="claim")
        money.payment_transition(actor=office, payment=payment, action="pay")


def _report(report: Report, rep: Any, office: Any, dept: Any, text: str) -> None:
    reports.report_update(
        actor=rep,
        report=report,
        data={
            "activities": text,
            "outcomes": "目標の参加者数に対して8割",
            "reflections": "周知が課題",
        },
    )
    reports.report_transition(actor=rep, report=report, action="submit")
    reports.report_transition(actor=office, report=report, action="office_accept")
    reports.report_transition(actor=dept, report=report, action="accept")
    report.refresh_from_db()
    assert report.status == "accepted"


def _continue(
    segment: ProjectYear, outcome: str, amount: int | None, people: dict[str, Any]
) -> BudgetRequestLine:
    """Record the outcome, (re)state the next year's line, request it and record it passed."""
    rep, dept, office = people["rep"], people["dept"], people["office"]
    record = evaluation.outcome_record(
        actor=office,
        segment=segment,
        outcome=outcome,
        reason="評価をふまえて",
        reflection=f"{segment.fiscal_year}年度の評価を反映して続ける",
    )
    line = BudgetRequestLine.objects.get(outcome=record)
    assert line.fiscal_year == segment.fiscal_year + 1
    if amount is not None:
        evaluation.budget_line_update(
            actor=dept, line=line, section=line.section, amount=amount, basis="回数を月2回に"
        )
    evaluation.budget_line_transition(actor=dept, line=line, action="request")
    evaluation.budget_line_pass(actor=office, line=line, passed_on=timezone.localdate())
    line.refresh_from_db()
    assert line.status == "passed"
    del rep
    return line


def test_a_three_year_collaboration_project_through_money_reports_evaluation_and_budget(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    rep, dept, office = representative_a, department_staff, office_staff
    people = {"rep": rep, "dept": dept, "office": office}
    year1, year2, year3 = project.segments.order_by("year_index")
    assert [(s.fiscal_year, s.approved_amount, s.group_amount) for s in (year1, year2, year3)] == [
        (2026, 400_000, 100_000),
        (2027, 300_000, 100_000),
        (2028, 200_000, 100_000),
    ]

    # --- the agreement, then a change agreement in year 1 -------------------------------------
    agreement = conclude(project, rep, dept, office, dt.date(2026, 4, 1))
    assert (agreement.status, agreement.round) == ("concluded", 1)
    services.agreement_transition(
        actor=dept, agreement=agreement, action="change", reason="会場費の一部を団体が持つため"
    )
    services.agreement_update(
        actor=rep,
        agreement=agreement,
        content={
            "costs": _costs(
                project, {1: (380_000, 120_000), 2: (300_000, 100_000), 3: (200_000, 100_000)}
            )
        },
        note="1年目の市の負担を2万円減らす",
    )
    _conclude_round(agreement, rep, dept, office, dt.date(2026, 7, 1))
    assert (agreement.status, agreement.kind, agreement.round) == ("concluded", "change", 2)
    year1.refresh_from_db()
    # 380,000 + 120,000 = 500,000: the same cost, split differently.
    assert (year1.approved_amount, year1.group_amount, year1.total_cost) == (
        380_000,
        120_000,
        500_000,
    )

    # --- targets set together at the start ----------------------------------------------------
    plan = evaluation.target_plan_of(project)
    fields = evaluation.scheme_of(project).plan_fields
    values = dict(
        zip(
            fields,
            (
                "子どもの孤食を減らす",
                "食堂の開催回数",
                "小学生",
                "延べ500人",
                "満足8割",
                "アンケート",
            ),
            strict=True,
        )
    )
    evaluation.targets_update(actor=rep, plan=plan, values=values)
    evaluation.targets_transition(actor=rep, plan=plan, action="submit")
    evaluation.targets_transition(actor=dept, plan=plan, action="agree")
    plan.refresh_from_db()
    assert plan.status == "agreed" and plan.values[fields[3]] == "延べ500人"

    # --- year 1: money ----------------------------------------------------------------------------
    funding1 = money.funding_of(year1)
    # The decision is measured against the approved 380,000, never the proposal's 400,000.
    with pytest.raises(DomainError, match="承認額"):
        money.funding_decide(
            actor=office, funding=funding1, decided_amount=400_000, decided_on=dt.date(2026, 7, 2)
        )
    money.funding_decide(
        actor=office, funding=funding1, decided_amount=380_000, decided_on=dt.date(2026, 7, 2)
    )
    _pay(funding1, rep, office, [(190_000, dt.date(2026, 7, 31)), (190_000, dt.date(2026, 10, 31))])
    assert money.paid_to_group(funding1) == 380_000

    # --- year 1: an interim and a results report -------------------------------------------------
    reports.schedule_set(
        actor=office,
        segment=year1,
        kind="periodic",
        due_dates=[dt.date(2026, 9, 30), dt.date(2027, 4, 30)],
    )
    interim, results = Report.objects.filter(segment=year1).order_by("due_on")
    assert (interim.kind, results.kind) == ("interim", "results")
    _report(interim, rep, office, dept, "上半期に食堂を6回開いた")
    _report(results, rep, office, dept, "1年で食堂を12回開いた")

    # --- year 1: the settlement, with a surplus ----------------------------------------------------
    lines = [income("city", 380_000), income("own", 0), expense("消耗品費", 351_680)]
    money.settlement_replace(actor=rep, funding=funding1, lines=lines)
    compared = {(row.kind, row.key): row for row in settlement_of(funding1).rows}
    # Budget 500,000 (the proposal's line) against 351,680: −148,320, 29.7 % > 20 %: explain.
    spent = compared[("expense", "消耗品費")]
    assert (spent.budget, spent.actual, spent.difference, spent.flagged) == (
        500_000,
        351_680,
        -148_320,
        True,
    )
    # Own funds: agreed 120,000, none used: −120,000, flagged; the city's part as agreed.
    assert compared[("income", "own")].flagged
    assert not compared[("income", "city")].flagged
    with pytest.raises(DomainError, match="説明"):
        money.settlement_submit(actor=rep, funding=funding1)
    report_and_accept(
        funding1,
        group=rep,
        office=office,
        department=dept,
        lines=lines,
        notes={
            ("expense", "消耗品費"): "食材の寄付があり、購入が減った",
            ("income", "own"): "市の負担金の範囲で足りた",
        },
    )
    assert funding1.actual_cost == 351_680
    # 額の確定 = min(cap 500,000; 100 % × 351,680; decided 380,000) = 351,680 → 351,000.
    money.funding_confirm(actor=office, funding=funding1, eligible_cost=351_680)
    funding1.refresh_from_db()
    assert funding1.confirmed_amount == 351_000
    # 返還 = paid 380,000 − confirmed 351,000 = 29,000, asked for at once.
    refund = Payment.objects.get(funding=funding1, kind=PaymentKind.REFUND)
    assert (refund.amount, refund.status) == (29_000, money_workflow.CLAIMED)
    money.payment_transition(actor=office, payment=refund, action="pay")
    funding1.refresh_from_db()
    assert funding1.status == money_workflow.SETTLED

    # --- year 1: evaluations that disagree, the meeting, the outcome ---------------------------
    write(year1, "group", rep, {"progress": 2}, {"progress": "参加者が目標の8割だった"})
    write(year1, "department", dept, {"progress": 4, "synergy": 4})
    write(year1, "committee", office, {"synergy": 4})
    agenda = [row.axis.key for row in evaluation_selectors.agenda_of(year1)]
    assert agenda == ["progress"]  # 2 against 4; synergy 3 against 4 is one step only
    evaluation.meeting_record(
        actor=dept,
        segment=year1,
        held_on=timezone.localdate(),
        attendees="団体代表、こども支援課、地域のつながり課",
        discussions={"progress": "周知の遅れが原因と確認した"},
        conclusion="2年目は学校を通じて周知する",
    )
    line1 = _continue(year1, "improve", 300_000 + 20_000, people)
    assert line1.amount == 320_000
    year2.refresh_from_db()
    agreement.refresh_from_db()
    # 320,000 from the city + the group's 100,000 = 420,000.
    assert (year2.approved_amount, year2.group_amount, year2.total_cost) == (
        320_000,
        100_000,
        420_000,
    )
    assert (agreement.status, agreement.kind, agreement.round) == ("drafting_by_group", "change", 3)
    assert {c["year_index"]: c["city"] for c in agreement.content["costs"]} == {
        1: 380_000,
        2: 320_000,
        3: 200_000,
    }
    _conclude_round(agreement, rep, dept, office, dt.date(2027, 4, 1))
    assert agreement.round == 3

    # --- year 2: paid as agreed, settled exactly ---------------------------------------------------
    funding2 = money.funding_of(year2)
    money.funding_decide(
        actor=office, funding=funding2, decided_amount=320_000, decided_on=dt.date(2027, 4, 5)
    )
    _pay(funding2, rep, office, [(320_000, dt.date(2027, 5, 31))])
    reports.schedule_set(
        actor=office, segment=year2, kind="final_only", due_dates=[dt.date(2028, 4, 30)]
    )
    _report(Report.objects.get(segment=year2), rep, office, dept, "2年目は月2回開いた")
    report_and_accept(
        funding2,
        group=rep,
        office=office,
        department=dept,
        lines=[income("city", 320_000), income("own", 100_000), expense("消耗品費", 420_000)],
    )
    money.funding_confirm(actor=office, funding=funding2, eligible_cost=420_000)
    funding2.refresh_from_db()
    # min(500,000; 420,000; 320,000) = 320,000 = paid: nothing to pay or refund.
    assert (funding2.confirmed_amount, funding2.status) == (320_000, money_workflow.SETTLED)
    assert not funding2.payments.filter(kind__in=[PaymentKind.FINAL, PaymentKind.REFUND]).exists()
    for side, actor in (("group", rep), ("department", dept), ("committee", office)):
        write(year2, side, actor, {})
    assert evaluation_selectors.agenda_of(year2) == []
    line2 = _continue(year2, "continue", None, people)
    assert line2.amount == 200_000  # the agreed year 3, unchanged
    agreement.refresh_from_db()
    assert agreement.round == 4
    _conclude_round(agreement, rep, dept, office, dt.date(2028, 4, 1))

    # --- year 3: paid, settled, completed; no fourth year -------------------------------------------
    year3.refresh_from_db()
    assert (year3.approved_amount, year3.total_cost) == (200_000, 300_000)
    funding3 = money.funding_of(year3)
    money.funding_decide(
        actor=office, funding=funding3, decided_amount=200_000, decided_on=dt.date(2028, 4, 5)
    )
    _pay(funding3, rep, office, [(200_000, dt.date(2028, 5, 31))])
    report_and_accept(
        funding3,
        group=rep,
        office=office,
        department=dept,
        lines=[income("city", 200_000), income("own", 100_000), expense("消耗品費", 300_000)],
    )
    money.funding_confirm(actor=office, funding=funding3, eligible_cost=300_000)
    funding3.refresh_from_db()
    assert (funding3.confirmed_amount, funding3.status) == (200_000, money_workflow.SETTLED)
    for side, actor in (("group", rep), ("department", dept)):
        write(year3, side, actor, {"outcome": 4})
    with pytest.raises(DomainError, match="最長3年"):
        evaluation.outcome_record(
            actor=office, segment=year3, outcome="improve", reason="続けたい", reflection="—"
        )
    evaluation.outcome_record(
        actor=office,
        segment=year3,
        outcome="completed",
        reason="3年間の計画を終えた",
        reflection="団体の自主事業として続く",
    )
    assert not BudgetRequestLine.objects.filter(project=project, fiscal_year=2029).exists()

    # --- what the city paid, in all ----------------------------------------------------------------
    paid = sum(money.paid_to_group(f) for f in (funding1, funding2, funding3))
    refunded = sum(
        p.amount
        for p in Payment.objects.filter(
            funding__segment__project=project, kind=PaymentKind.REFUND, status="paid"
        )
    )
    assert (paid, refunded, paid - refunded) == (900_000, 29_000, 871_000)
    assert [f.confirmed_amount for f in (funding1, funding2, funding3)] == [
        351_000,
        320_000,
        200_000,
    ]
    # Every move left an audit event; the public reads the years and their reflections.
    for action in ("agreement.change", "funding.confirm", "budget_line.pass", "project.next_year"):
        assert AuditEvent.objects.filter(action=action).exists(), action
    public = Client().get(reverse("projects:public_detail", args=[project.pk])).content.decode()
    assert "2026年度の評価を反映して続ける" in public and "団体の自主事業として続く" in public
    assert "1年で食堂を12回開いた" in public
