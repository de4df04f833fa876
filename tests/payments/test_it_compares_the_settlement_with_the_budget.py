"""The settlement (収支決算書) beside the approved budget, line by line, with every figure
worked out by hand; the threshold at its boundary (exactly at it, one yen over); the
explanation the group must give before submitting.

The year: the proposal budgeted income 市 200,000 + 自己資金 30,000 + 参加費 20,000 and
expenses 報償費 100,000 + 消耗品費 80,000 + 印刷製本費 70,000 (250,000). The agreement then
concluded the city's part at 180,000 and the group's at 70,000 (total 250,000), so the
approved income is 市 180,000, 参加費 20,000 (as budgeted) and 自己資金 70,000 − 20,000 =
50,000. The course's threshold: Kamakura's, a difference over 20 % of the budgeted line.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kyodo.accounts.models import User
from kyodo.core.errors import DomainError
from kyodo.core.permissions import NotAllowed
from kyodo.payments import rules, selectors, services, workflow
from kyodo.payments.models import Funding
from kyodo.programmes.models import Course
from kyodo.projects.models import ProjectYear
from kyodo.projects.services import project_create_from_proposal
from kyodo.proposals.models import BudgetLine
from kyodo.registry.models import CivicGroup
from tests.payments.conftest import expense, grant_course, income
from tests.proposals import factories as pf

pytestmark = pytest.mark.django_db

BUDGET = [
    ("income", "city", "", 200_000),
    ("income", "own", "", 30_000),
    ("income", "fees", "", 20_000),
    ("expense", "", "報償費（謝礼）", 100_000),
    ("expense", "", "消耗品費", 80_000),
    ("expense", "", "印刷製本費", 70_000),
]
ACTUAL = [
    income("city", 180_000),
    income("own", 40_000),  # −10,000: exactly 20 % of 50,000, not over
    income("fees", 26_000),  # +6,000: over 20 % of 20,000 (4,000)
    expense("報償費（謝礼）", 50_000, 2),  # 100,000: as budgeted
    expense("消耗品費", 96_000),  # +16,000: exactly 20 % of 80,000, not over
    expense("印刷製本費", 500, 100),  # 50,000, −20,000: over 20 % of 70,000 (14,000)
]


def _funding(office: User, group: CivicGroup, course: Course) -> Funding:
    proposal = pf.ProposalFactory(group=group, course=course, status="adopted", years=1)
    BudgetLine.objects.bulk_create(
        BudgetLine(
            proposal=proposal,
            year_index=1,
            kind=kind,
            source=source,
            category=category or source,
            unit_price=amount if kind == "expense" else 0,
            quantity=1,
            amount=amount,
        )
        for kind, source, category, amount in BUDGET
    )
    project = project_create_from_proposal(proposal=proposal, actor=office)
    segment = project.segments.get()
    # The agreement's cost split, as its conclusion records it.
    ProjectYear.objects.filter(pk=segment.pk).update(
        approved_amount=180_000, group_amount=70_000, total_cost=250_000
    )
    return services.funding_of(ProjectYear.objects.get(pk=segment.pk))


@pytest.fixture
def kamakura_course(db: None) -> Course:
    return grant_course(settlement_diff_share="20%", settlement_diff_yen=None)


@pytest.fixture
def year(office_staff: User, group_a: CivicGroup, kamakura_course: Course) -> Funding:
    return _funding(office_staff, group_a, kamakura_course)


def _table(rows: list[selectors.ComparedRow]) -> list[tuple[str, int, int, int, bool]]:
    return [(row.key, row.budget, row.actual, row.difference, row.flagged) for row in rows]


def test_it_compares_income_by_source_and_expenses_by_category(
    year: Funding, representative_a: User
) -> None:
    services.settlement_replace(actor=representative_a, funding=year, lines=ACTUAL)
    settlement = selectors.settlement_of(year)
    assert _table(settlement.income) == [
        ("city", 180_000, 180_000, 0, False),
        ("own", 50_000, 40_000, -10_000, False),
        ("fees", 20_000, 26_000, 6_000, True),
    ]
    assert _table(settlement.expense) == [
        ("報償費（謝礼）", 100_000, 100_000, 0, False),
        ("消耗品費", 80_000, 96_000, 16_000, False),
        ("印刷製本費", 70_000, 50_000, -20_000, True),
    ]
    # Totals: income 180,000 + 40,000 + 26,000 = 246,000 against 250,000 approved;
    # expenses 100,000 + 96,000 + 50,000 = 246,000 against 250,000; balance 0.
    assert (settlement.budget_income_total, settlement.income_total) == (250_000, 246_000)
    assert (settlement.budget_expense_total, settlement.expense_total) == (250_000, 246_000)
    assert settlement.balance == 0
    assert [str(row.label) for row in settlement.flagged] == ["参加費・事業収入", "印刷製本費"]


def test_a_category_only_the_actuals_have_is_compared_with_a_budget_of_nothing(
    year: Funding, representative_a: User
) -> None:
    services.settlement_replace(
        actor=representative_a, funding=year, lines=[*ACTUAL, expense("通信運搬費", 1)]
    )
    last = selectors.settlement_of(year).expense[-1]
    assert (last.key, last.budget, last.actual, last.flagged) == ("通信運搬費", 0, 1, True)


@pytest.mark.parametrize(
    ("actual", "flagged"),
    [
        (96_000, False),  # +16,000 = 20 % of 80,000: at the threshold
        (96_001, True),  # one yen over
        (64_000, False),  # −16,000: at it, below the budget
        (63_999, True),  # one yen over, below the budget
    ],
)
def test_the_share_rule_flags_only_a_difference_over_it(
    year: Funding, representative_a: User, actual: int, flagged: bool
) -> None:
    lines = [line for line in ACTUAL if line.get("category") != "消耗品費"]
    services.settlement_replace(
        actor=representative_a, funding=year, lines=[*lines, expense("消耗品費", actual)]
    )
    row = next(r for r in selectors.settlement_of(year).expense if r.key == "消耗品費")
    assert row.flagged is flagged


def test_a_yen_rule_and_both_rules_together() -> None:
    by_yen = grant_course(settlement_diff_share="", settlement_diff_yen=10_000)
    assert rules.needs_explanation(course=by_yen, budgeted=50_000, actual=60_000) is False
    assert rules.needs_explanation(course=by_yen, budgeted=50_000, actual=60_001) is True
    both = grant_course(settlement_diff_share="20%", settlement_diff_yen=10_000)
    # 参加費: +6,000 is over 20 % of 20,000 but not over 10,000 yen: no explanation.
    assert rules.needs_explanation(course=both, budgeted=20_000, actual=26_000) is False
    # 印刷製本費: −20,000 is over 14,000 and over 10,000.
    assert rules.needs_explanation(course=both, budgeted=70_000, actual=50_000) is True
    neither = grant_course(settlement_diff_share="", settlement_diff_yen=None)
    assert rules.needs_explanation(course=neither, budgeted=1, actual=1_000_000) is False


def test_the_kamakura_courses_are_seeded_with_the_20_percent_rule(db: None) -> None:
    for key in ("startup", "collaboration", "local_vitality"):
        course = pf.course(key)
        assert (course.settlement_diff_share, course.settlement_diff_yen) == ("20%", None)


def test_it_takes_the_settlement_only_when_every_flagged_line_is_explained(
    year: Funding, representative_a: User, office_staff: User
) -> None:
    services.funding_apply(actor=representative_a, funding=year, requested_amount=180_000)
    services.funding_decide(
        actor=office_staff, funding=year, decided_amount=180_000, decided_on=dt.date(2026, 5, 1)
    )
    services.settlement_replace(actor=representative_a, funding=year, lines=ACTUAL)
    services.settlement_explain(
        actor=representative_a,
        funding=year,
        notes={("expense", "印刷製本費"): "チラシを区の掲示板に替えた"},
    )
    with pytest.raises(DomainError, match="参加費・事業収入") as refused:
        services.settlement_submit(actor=representative_a, funding=year)
    assert "印刷製本費" not in str(refused.value.message)
    year.refresh_from_db()
    assert (year.status, year.actual_cost) == (workflow.DECIDED, None)
    # An explanation of a line within the threshold is not kept (nothing to explain).
    services.settlement_explain(
        actor=representative_a,
        funding=year,
        notes={("income", "fees"): "参加者が30人増えた", ("income", "own"): "不要"},
    )
    assert sorted(year.difference_notes.values_list("key", flat=True)) == ["fees", "印刷製本費"]
    services.settlement_submit(actor=representative_a, funding=year)
    year.refresh_from_db()
    # The settlement's expense total is the year's actual cost.
    assert (year.status, year.actual_cost) == (workflow.REPORTED, 246_000)
    # Submitted: no longer the group's to change.
    with pytest.raises(NotAllowed, match="差し戻されるまで"):
        services.settlement_replace(actor=representative_a, funding=year, lines=ACTUAL)


def test_a_receipt_tied_to_a_line_stays_tied_when_the_settlement_is_saved_again(
    year: Funding, representative_a: User
) -> None:
    from tests.payments.conftest import receipt_scan

    services.settlement_replace(actor=representative_a, funding=year, lines=ACTUAL)
    line = year.settlement_lines.get(category="印刷製本費")
    receipt = services.receipt_add(
        actor=representative_a,
        funding=year,
        issued_on=dt.date(2026, 6, 1),
        amount=30_000,
        description="チラシ印刷",
        upload=receipt_scan(),
        line=line,
    )
    services.settlement_replace(actor=representative_a, funding=year, lines=ACTUAL)
    receipt.refresh_from_db()
    assert receipt.line is not None and receipt.line.category == "印刷製本費"
    item = next(i for i in selectors.settlement_of(year).by_line if i.line.pk == receipt.line_id)
    # Receipts 30,000 against the line's 50,000: 20,000 without a receipt yet.
    assert (item.total, item.line.amount, item.difference) == (30_000, 50_000, -20_000)
