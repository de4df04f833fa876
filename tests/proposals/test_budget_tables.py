"""The budget entered as the 収支予算書 it is: one table per year, typed income sources."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kyodo.programmes.models import BudgetCategory
from kyodo.proposals import services
from kyodo.proposals.models import BudgetLine, Proposal
from tests.proposals.test_views import _budget_post

pytestmark = pytest.mark.django_db


def _two_years(draft: Proposal) -> Proposal:
    draft.years = 2
    draft.save(update_fields=["years"])
    return draft


def test_it_saves_a_two_year_budget_and_finds_the_citys_share_by_its_source(
    as_user: Any, draft: Proposal, representative_a: Any
) -> None:
    proposal = _two_years(draft)
    rows = [
        {"kind": "income", "year": "1", "source": "city", "amount": "40万"},
        {"kind": "income", "year": "1", "source": "own", "amount": "３千円", "description": "会費"},
        {
            "kind": "expense",
            "year": "1",
            "category": "消耗品費",
            "unit_price": "1,000",
            "quantity": "403",
        },
        {"kind": "income", "year": "2", "source": "city", "amount": "300,000"},
        {"kind": "income", "year": "2", "source": "donations", "amount": "50000"},
        {
            "kind": "expense",
            "year": "2",
            "category": "会議費",
            "unit_price": "35,000",
            "quantity": "10",
        },
    ]
    response = as_user(representative_a).post(
        reverse("proposals:budget", args=[proposal.pk]), _budget_post(rows, years=2)
    )
    assert response.status_code == 302
    years = services.year_budgets(proposal)
    assert [(y.income_total, y.expense_total, y.city_part) for y in years] == [
        (403_000, 403_000, 400_000),
        (350_000, 350_000, 300_000),
    ]
    # The city's share is the typed source, whatever the label says.
    BudgetLine.objects.filter(source="city").update(category="名前を変えた区分")
    assert [y.city_part for y in services.year_budgets(proposal)] == [400_000, 300_000]


def test_it_keeps_every_cell_and_lists_each_error_at_the_top_and_beside_its_cell(
    as_user: Any, draft: Proposal, representative_a: Any
) -> None:
    proposal = _two_years(draft)
    rows = [
        {"kind": "income", "year": "1", "source": "city", "amount": "三千円", "description": "市"},
        {
            "kind": "expense",
            "year": "1",
            "category": "消耗品費",
            "unit_price": "1,000",
            "quantity": "",
        },
        {
            "kind": "expense",
            "year": "2",
            "category": "会議費",
            "unit_price": "35,000",
            "quantity": "10",
        },
    ]
    response = as_user(representative_a).post(
        reverse("proposals:budget", args=[proposal.pk]), _budget_post(rows, years=2)
    )
    assert response.status_code == 200
    html = response.content.decode()
    # The summary names each error where it is, linking to the cell; focus goes to it.
    assert 'id="error-summary"' in html and "js/error-summary.js" in html
    errors = dict(response.context["errors"])
    assert errors["id_y1-income-0-amount"].startswith("1年目 収入 1行目 金額：")
    assert errors["id_y1-expense-0-quantity"] == "1年目 支出 1行目 数量：数量を入力してください。"
    assert len(errors) == 2  # one error per wrong cell, none about the cells that are right
    assert 'id="id_y1-expense-0-quantity_error"' in html
    # Every typed cell is still there, in both years.
    for typed in ('value="三千円"', 'value="市"', 'value="1,000"', 'value="35,000"', 'value="10"'):
        assert typed in html
    assert sorted(
        BudgetLine.objects.filter(proposal=proposal).values_list("amount", flat=True)
    ) == [
        100_000,
        400_000,
        500_000,
    ]  # the saved budget (the fixture's) is untouched


def test_it_adds_a_row_without_javascript_and_saves_nothing(
    as_user: Any, draft: Proposal, representative_a: Any
) -> None:
    rows = [{"kind": "expense", "category": "消耗品費", "unit_price": "1,000", "quantity": "2"}]
    data = _budget_post(rows) | {"add_row": "y1-expense"}
    response = as_user(representative_a).post(reverse("proposals:budget", args=[draft.pk]), data)
    assert response.status_code == 200
    expense = response.context["tables"].tables[0].expense
    assert len(expense.forms) == 2
    html = response.content.decode()
    assert 'name="y1-expense-TOTAL_FORMS" value="2"' in html
    assert 'value="1,000"' in html and "2,000円" in html  # the row's amount, worked out
    assert BudgetLine.objects.filter(proposal=draft).count() == 3  # the fixture's, untouched


def test_it_shows_the_saved_budget_as_tables_with_their_totals(
    as_user: Any, draft: Proposal, representative_a: Any
) -> None:
    response = as_user(representative_a).get(reverse("proposals:budget", args=[draft.pk]))
    table = response.context["tables"].tables[0]
    assert (table.income_total, table.city_total, table.expense_total, table.balance) == (
        500_000,
        400_000,
        500_000,
        0,
    )
    html = response.content.decode()
    assert "1年目の収入" in html and "1年目の支出" in html and "js/budget-table.js" in html


def test_it_offers_the_categories_the_office_keeps(
    as_user: Any, draft: Proposal, representative_a: Any, office_staff: Any
) -> None:
    programme = draft.call.programme
    office = as_user(office_staff)
    url = reverse("programmes:budget_categories", args=[programme.pk])
    page = office.get(url)
    assert page.status_code == 200
    formset = page.context["formset"]
    data = {
        "category-TOTAL_FORMS": str(len(formset.forms)),
        "category-INITIAL_FORMS": str(len(formset.initial)),
        "category-MIN_NUM_FORMS": "0",
        "category-MAX_NUM_FORMS": "100",
    }
    for i, form in enumerate(formset.forms):
        initial = form.initial
        if not initial:
            continue
        data |= {
            f"category-{i}-id": str(initial["id"]),
            f"category-{i}-name": initial["name"],
            f"category-{i}-name_en": initial["name_en"],
            f"category-{i}-order": str(initial["order"]),
        }
        if initial["name"] != "会議費":  # retired: kept for past budgets, no longer offered
            data[f"category-{i}-is_active"] = "on"
    new = len(formset.initial)
    data |= {
        f"category-{new}-name": "食材費",
        f"category-{new}-name_en": "Food",
        f"category-{new}-is_active": "on",
    }
    assert office.post(url, data).status_code == 302
    assert BudgetCategory.objects.filter(programme=programme, name="食材費").exists()
    choices = [
        value
        for value, _label in as_user(representative_a)
        .get(reverse("proposals:budget", args=[draft.pk]))
        .context["tables"]
        .tables[0]
        .expense.forms[0]
        .fields["category"]
        .choices
    ]
    assert "食材費" in choices and "会議費" not in choices
    # The group may not open the office's page.
    assert as_user(representative_a).get(url).status_code == 403
