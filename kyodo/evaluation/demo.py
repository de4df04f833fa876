"""The evaluation's part of `manage.py seed_demo`: a project whose first year (the previous
fiscal year) is finished, so that a settled year, evaluations side by side, the mutual
review meeting, the outcome, its public page and the next year's budget line can be seen.

A second registered demo group (not the representative rep@'s) proposed it in the previous
fiscal year's call; its own representative (REPRESENTATIVE, a demo log-in) acts for it.
Everything goes through the real services, in the order of
tests/projects/test_it_runs_a_three_year_collaboration_project.py: adoption, the agreement
concluded on 1 April, the targets agreed, the city's share decided and paid in two
instalments, an interim and a results report accepted, the settlement (under budget)
submitted, checked, accepted and confirmed with a small refund paid back, the three
evaluations (the group and the department two steps apart on progress), the meeting,
改善して継続, and the next year's budget line raised, requested and passed, which carries
the project into this fiscal year through a change agreement, concluded too.

Every date is worked out from today's fiscal year, and none is after today: the year-end
evaluation and its meeting in February, the budget passing in March, year 2 from 1 April.
Idempotent: the project is looked up by its title first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kyodo.accounts.models import Role, RoleAssignment, Section, User
from kyodo.evaluation import services as evaluation
from kyodo.evaluation.models import BudgetRequestLine, Side
from kyodo.japan.calendar import (
    fiscal_year,
    fiscal_year_end,
    fiscal_year_start,
)
from kyodo.payments import services as money
from kyodo.payments.models import Payment, PaymentKind
from kyodo.programmes.models import Call
from kyodo.projects import reports
from kyodo.projects import services as projects
from kyodo.projects.demo import Adoption, adopt_demo_proposal, demo_call
from kyodo.projects.models import Project, ProjectYear, Report
from kyodo.proposals.demo import _PDF
from kyodo.registry.models import CivicGroup, GroupMembership, GroupRole

TITLE = "親子で学ぶ海辺の自然教室（協働事業）"
SECTION = "こども支援課"
# The other group's representative: a demo log-in (printed by seed_demo).
REPRESENTATIVE = ("rep2@kyodo.example", "団体代表 次郎")
# The city's part of each year (the group adds 50,000 of participation fees a year).
CITY = {1: 400_000, 2: 350_000, 3: 300_000}
FEES = 50_000
# Year 2's line, raised when the outcome asks for school visits (改善して継続).
YEAR2_LINE = 370_000


def _scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("signed.pdf", _PDF, content_type="application/pdf")


def _other_group(besides: CivicGroup, today: dt.date) -> CivicGroup | None:
    """The first demo group registered today other than rep@'s."""
    return (
        CivicGroup.objects.exclude(pk=besides.pk)
        .filter(registration_number__isnull=False, registered_until__gte=today)
        .order_by("pk")
        .first()
    )


def _representative(group: CivicGroup, password: str) -> User:
    """The group's representative, a demo log-in made as seed_demo makes its people."""
    email, name = REPRESENTATIVE
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=password, full_name=name, email_verified=True
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.RESIDENT, section=None)
    GroupMembership.objects.get_or_create(
        group=group, user=user, defaults={"role": GroupRole.REPRESENTATIVE}
    )
    return user


def _budget() -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for year, city in CITY.items():
        supplies = city + FEES - 200_000  # 250,000 / 200,000 / 150,000
        lines += [
            {"year_index": year, "kind": "income", "source": "city", "amount": city},
            {"year_index": year, "kind": "income", "source": "fees", "amount": FEES},
            {
                "year_index": year,
                "kind": "expense",
                "category": "報償費（謝礼）",
                "description": "講師謝礼",
                "unit_price": 20_000,
                "quantity": 10,
            },
            {
                "year_index": year,
                "kind": "expense",
                "category": "消耗品費",
                "description": "観察道具・教材",
                "unit_price": supplies // 10,
                "quantity": 10,
            },
        ]
    return lines


def _adopted_project(
    *, office: User, rep: User, group: CivicGroup, section: Section, call: Call
) -> Project:
    """Proposed, consulted, reviewed, adopted with a condition, made final by the budget."""
    return adopt_demo_proposal(
        office=office,
        rep=rep,
        group=group,
        call=call,
        section=section,
        title=TITLE,
        data={
            "years": 3,
            "issue": "子どもが自然の中で遊び、学ぶ機会が減っている。",
            "purpose": "親子が地域の海辺で自然を学び、子どもの育ちを地域で見守る。",
            "content": "月1回の親子自然教室（磯の観察、海岸清掃、工作）。",
            "beneficiaries": "市内の小学生と保護者（年間延べ400人）",
            "expected_effect": "親子の自然体験の機会が増え、地域の大人とのつながりができる。",
            "measurement": "参加者数、参加者アンケートの満足度。",
            "group_role": "教室の企画と運営、講師とボランティアの手配、安全管理",
            "city_role": "学校を通じた周知、会場の使用の調整、広報紙への掲載",
        },
        lines=_budget(),
        adoption=Adoption(
            minutes="役割と安全管理の分担を確認した。",
            met_at=timezone.make_aware(
                dt.datetime.combine(call.closes_on + dt.timedelta(days=10), dt.time(10, 0))
            ),
            review_comment="地域の自然を生かした子どもの学びとして期待できる。",
            conditions="海辺での活動の安全管理計画を協定までに提出すること",
        ),
    )


def _conclude(agreement: Any, *, rep: User, department: User, office: User, on: dt.date) -> None:
    """Walk a round of the agreement from the group's draft to its conclusion on `on`."""
    projects.agreement_transition(actor=rep, agreement=agreement, action="to_department")
    projects.agreement_transition(actor=department, agreement=agreement, action="to_confirm")
    projects.agreement_transition(actor=rep, agreement=agreement, action="confirm_group")
    projects.agreement_transition(
        actor=department, agreement=agreement, action="confirm_department"
    )
    projects.agreement_conclude(actor=office, agreement=agreement, upload=_scan(), concluded_on=on)
    agreement.refresh_from_db()


def _report(report: Report, *, rep: User, office: User, department: User, text: str) -> None:
    reports.report_update(
        actor=rep,
        report=report,
        data={
            "activities": text,
            "outcomes": "参加者は目標の延べ400人に対して8割（延べ320人）",
            "reflections": "雨天の中止が重なった。周知は学校を通じると届きやすい。",
        },
    )
    reports.report_transition(actor=rep, report=report, action="submit")
    reports.report_transition(actor=office, report=report, action="office_accept")
    reports.report_transition(actor=department, report=report, action="accept")


def _evaluate(
    segment: ProjectYear,
    side: str,
    actor: User,
    scores: dict[str, int],
    reasons: dict[str, str],
    comment: str,
) -> None:
    """Write a side's evaluation (every axis not named 3, 計画どおり) and submit it."""
    found = evaluation.evaluation_of(segment, side)
    axes = evaluation.scheme_of(segment.project).axes.all()
    found = evaluation.evaluation_update(
        actor=actor,
        evaluation=found,
        rows=[
            evaluation.ScoreRow(
                axis_id=axis.pk, score=scores.get(axis.key, 3), reason=reasons.get(axis.key, "")
            )
            for axis in axes
        ],
        comment=comment,
    )
    evaluation.evaluation_transition(actor=actor, evaluation=found, action="submit")


def _first_year(project: Project, *, rep: User, department: User, office: User, year: int) -> None:
    """Year 1 (fiscal year `year`), from the agreement to the settled money and reports."""
    agreement = project.agreement  # type: ignore[attr-defined]
    for condition in project.conditions.all():
        projects.condition_settle(
            actor=office, condition=condition, note="安全管理計画の提出を受けた"
        )
    _conclude(agreement, rep=rep, department=department, office=office, on=fiscal_year_start(year))

    plan = evaluation.target_plan_of(project)
    fields = evaluation.scheme_of(project).plan_fields
    targets = (
        "親子の自然体験の機会を増やす",
        "自然教室の開催回数",
        "小学生と保護者",
        "年10回・延べ400人",
        "満足の回答8割",
        "参加者名簿とアンケート",
    )
    evaluation.targets_update(actor=rep, plan=plan, values=dict(zip(fields, targets, strict=False)))
    evaluation.targets_transition(actor=rep, plan=plan, action="submit")
    evaluation.targets_transition(actor=department, plan=plan, action="agree")

    segment = project.segments.get(year_index=1)
    funding = money.funding_of(segment)
    money.funding_decide(
        actor=office,
        funding=funding,
        decided_amount=segment.approved_amount,
        decided_on=fiscal_year_start(year) + dt.timedelta(days=9),
    )
    half = segment.approved_amount // 2
    for due_on in (dt.date(year, 5, 31), dt.date(year, 10, 31)):
        payment = money.instalment_set(actor=office, funding=funding, amount=half, due_on=due_on)
        claimed_on = due_on - dt.timedelta(days=14)
        money.payment_transition(actor=rep, payment=payment, action="claim", claimed_on=claimed_on)
        money.payment_transition(actor=office, payment=payment, action="pay", paid_on=due_on)

    reports.schedule_set(
        actor=office,
        segment=segment,
        kind="periodic",
        due_dates=[dt.date(year, 9, 30), fiscal_year_end(year) + dt.timedelta(days=30)],
    )
    interim, results = Report.objects.filter(segment=segment).order_by("due_on")
    for report, text in (
        (interim, "上半期に自然教室を5回開いた（磯の観察、海岸清掃）"),
        (results, "1年で自然教室を9回開き、延べ320人の親子が参加した"),
    ):
        _report(report, rep=rep, office=office, department=department, text=text)

    # The settlement: one class rained off and materials donated, so 371,680 yen was spent
    # of 450,000. 消耗品費 is 23 % under its budget (over the course's 20 %): explained.
    money.settlement_replace(
        actor=rep,
        funding=funding,
        lines=[
            {"kind": "income", "source": "city", "amount": segment.approved_amount},
            {"kind": "income", "source": "fees", "amount": 42_000},
            {
                "kind": "expense",
                "category": "報償費（謝礼）",
                "description": "講師謝礼",
                "unit_price": 20_000,
                "quantity": 9,
            },
            {
                "kind": "expense",
                "category": "消耗品費",
                "description": "観察道具・教材",
                "unit_price": 191_680,
                "quantity": 1,
            },
        ],
    )
    money.settlement_explain(
        actor=rep,
        funding=funding,
        notes={("expense", "消耗品費"): "観察道具の一部を地元の企業から寄付していただいた"},
    )
    money.settlement_submit(actor=rep, funding=funding)
    money.funding_transition(actor=office, funding=funding, action="pass_report")
    money.funding_transition(actor=department, funding=funding, action="accept_report")
    funding.refresh_from_db()
    # 額の確定 = min(spent 371,680; decided 400,000; cap 500,000), cut to 371,000: the group
    # was paid 400,000, so 29,000 is asked back, and the office records it received.
    money.funding_confirm(actor=office, funding=funding, eligible_cost=funding.actual_cost or 0)
    refund = Payment.objects.get(funding=funding, kind=PaymentKind.REFUND)
    money.payment_transition(actor=office, payment=refund, action="pay")


def _year_end(
    project: Project, *, rep: User, department: User, office: User, year: int
) -> BudgetRequestLine:
    """Year 1's evaluations, the meeting, the outcome and year 2's budget line, passed."""
    segment = project.segments.get(year_index=1)
    _evaluate(
        segment,
        Side.GROUP,
        rep,
        {"progress": 2, "synergy": 4},
        {"progress": "雨天で2回中止し、参加者が目標の8割にとどまった"},
        "学校との連携で参加者の幅が広がった。周知と雨天の代わりの日が課題。",
    )
    _evaluate(
        segment,
        Side.DEPARTMENT,
        department,
        {"progress": 4, "synergy": 4, "satisfaction": 4},
        {},
        "参加者の満足度が高く、計画以上の内容だった。",
    )
    _evaluate(
        segment,
        Side.COMMITTEE,
        office,
        {"synergy": 4, "outcome": 4},
        {},
        "地域の自然を生かした学びとして定着しつつある。",
    )
    evaluation.meeting_record(
        actor=department,
        segment=segment,
        # At the year's end, before the next year's budget passes.
        held_on=fiscal_year_end(year) - dt.timedelta(days=45),
        attendees="団体代表、こども支援課、地域のつながり課",
        discussions={
            "progress": "回数と人数は目標に届かなかったが、雨天の中止によるもので、"
            "内容の評価は高いと確認した"
        },
        conclusion="2年目は学校を通じて周知し、小学校への出前授業を加える",
    )
    outcome = evaluation.outcome_record(
        actor=office,
        segment=segment,
        outcome="improve",
        reason="参加者は目標に届かなかったが、親子の満足度と協働の効果は高い",
        reflection="2年目は学校を通じて周知し、小学校への出前授業を年4回加えます",
    )
    line = BudgetRequestLine.objects.get(outcome=outcome)
    line = evaluation.budget_line_update(
        actor=department,
        line=line,
        section=line.section,
        amount=YEAR2_LINE,
        basis="出前授業の講師謝礼 5,000円×4回を加える",
    )
    evaluation.budget_line_transition(actor=department, line=line, action="request")
    return evaluation.budget_line_pass(
        actor=office, line=line, passed_on=fiscal_year_end(year) - dt.timedelta(days=10)
    )


def seed_evaluation_demo(
    *, office: User, department: User, besides: CivicGroup, password: str
) -> Project | None:
    """Seed the finished first year (see the module's docstring) for a registered demo group
    other than `besides` (rep@'s). None when there is no such group or section."""
    existing = Project.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    group = _other_group(besides, today)
    section = Section.objects.filter(name=SECTION).first()
    if group is None or section is None:
        return None
    last_year = fiscal_year(today) - 1
    rep = _representative(group, password)
    call = demo_call(
        last_year,
        label="採択済み",
        summary="前年度の募集です。採択された事業が1年目を終えました。",
    )
    project = _adopted_project(office=office, rep=rep, group=group, section=section, call=call)
    people = {"rep": rep, "department": department, "office": office}
    _first_year(project, **people, year=last_year)
    _year_end(project, **people, year=last_year)
    # The budget passed: year 2 runs under the change agreement, concluded on 1 April.
    _conclude(
        project.agreement,  # type: ignore[attr-defined]
        **people,
        on=fiscal_year_start(last_year + 1),
    )
    return project
