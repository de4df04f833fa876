"""The settlement's pages: reached from the project page; the group enters its table (the
proposal's budget form: full-width digits and yen with commas, a failed save keeping every
typed cell, the error summary, the server's row maximum), explains the flagged lines,
attaches receipts and submits; the office checks and the department accepts or returns
with comments; who may see and do what; the printed 収支決算書."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from kyodo.accounts.models import User
from kyodo.payments import services, workflow
from kyodo.payments.models import Funding, Receipt
from tests.conftest import login
from tests.payments.conftest import PDF, in_charge, receipt_scan

pytestmark = pytest.mark.django_db

DECIDED_ON = dt.date(2026, 5, 1)


def _decided(funding: Funding, rep: User, office: User) -> Funding:
    services.funding_apply(actor=rep, funding=funding, requested_amount=250_000)
    services.funding_decide(
        actor=office, funding=funding, decided_amount=250_000, decided_on=DECIDED_ON
    )
    funding.refresh_from_db()
    return funding


def _row(prefix: str, n: int, **cells: str) -> dict[str, str]:
    return {f"{prefix}-{n}-{name}": value for name, value in cells.items()}


def _table(*, income: list[dict[str, str]], expense: list[dict[str, str]]) -> dict[str, str]:
    data = {
        "y1-income-TOTAL_FORMS": str(len(income)),
        "y1-income-INITIAL_FORMS": "0",
        "y1-expense-TOTAL_FORMS": str(len(expense)),
        "y1-expense-INITIAL_FORMS": "0",
        "save": "1",
    }
    for n, cells in enumerate(income):
        data.update(_row("y1-income", n, **cells))
    for n, cells in enumerate(expense):
        data.update(_row("y1-expense", n, **cells))
    return data


def test_the_group_enters_its_settlement_from_the_project_page(
    funding: Funding, representative_a: User, office_staff: User
) -> None:
    group = login(Client(), representative_a)
    page = group.get(reverse("projects:detail", args=[funding.segment.project_id])).content
    settlement_url = reverse("payments:settlement", args=[funding.pk])
    assert settlement_url in page.decode()
    edit_url = reverse("payments:settlement_edit", args=[funding.pk])
    assert edit_url in group.get(settlement_url).content.decode()
    # The budget's table form: same prefixes, same script.
    form = group.get(edit_url).content.decode()
    assert "y1-expense-TOTAL_FORMS" in form and "js/budget-table.js" in form
    data = _table(
        income=[
            {"source": "city", "amount": "２５０，０００円"},
            {"source": "own", "amount": "50,000"},
        ],
        expense=[{"category": "消耗品費", "unit_price": "１５万円", "quantity": "２"}],
    )
    response = group.post(edit_url, data)
    assert response.status_code == 302
    lines = {(line.kind, line.amount) for line in funding.settlement_lines.all()}
    assert lines == {("income", 250_000), ("income", 50_000), ("expense", 300_000)}


def test_a_failed_save_keeps_every_cell_and_says_where(
    funding: Funding, representative_a: User
) -> None:
    group = login(Client(), representative_a)
    edit_url = reverse("payments:settlement_edit", args=[funding.pk])
    data = _table(
        income=[{"source": "city", "amount": "たくさん", "description": "市から"}],
        expense=[
            {
                "category": "",
                "description": "<script>alert(1)</script>",
                "unit_price": "1,234",
                "quantity": "3",
            }
        ],
    )
    response = group.post(edit_url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'tabindex="-1"' in html
    assert "1年目 収入 1行目 金額" in html and "1年目 支出 1行目 費目" in html
    # Every typed cell back as typed (escaped), errors beside their cells.
    assert 'value="たくさん"' in html and 'value="1,234"' in html and 'value="市から"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert 'id="id_y1-income-0-amount_error"' in html
    assert not funding.settlement_lines.exists()


def test_the_server_refuses_more_rows_than_its_maximum(
    funding: Funding, representative_a: User
) -> None:
    group = login(Client(), representative_a)
    data = _table(income=[], expense=[])
    data["y1-expense-TOTAL_FORMS"] = "100000"
    response = group.post(reverse("payments:settlement_edit", args=[funding.pk]), data)
    assert response.status_code == 200
    assert "y1-expense-99999" not in response.content.decode()
    assert not funding.settlement_lines.exists()


def test_adding_a_row_without_javascript_keeps_the_typed_cells(
    funding: Funding, representative_a: User
) -> None:
    group = login(Client(), representative_a)
    data = _table(
        income=[], expense=[{"category": "消耗品費", "unit_price": "500", "quantity": "4"}]
    )
    del data["save"]
    data["add_row"] = "y1-expense"
    html = group.post(reverse("payments:settlement_edit", args=[funding.pk]), data).content.decode()
    assert 'name="y1-expense-1-unit_price"' in html and 'value="500"' in html
    assert not funding.settlement_lines.exists()


def test_flagged_lines_are_marked_in_words_and_explained_before_submission(
    funding: Funding, representative_a: User, office_staff: User, department_staff: User
) -> None:
    _decided(funding, representative_a, office_staff)
    in_charge(funding, department_staff)
    # Budget: city 250,000, own 50,000; 消耗品費 300,000. Actual 消耗品費 200,000 (−100,000,
    # over 20 %), income city 150,000 (−100,000, over) and own 50,000 (as budgeted).
    services.settlement_replace(
        actor=representative_a,
        funding=funding,
        lines=[
            {"kind": "income", "source": "city", "amount": 150_000},
            {"kind": "income", "source": "own", "amount": 50_000},
            {"kind": "expense", "category": "消耗品費", "unit_price": 200_000, "quantity": 1},
        ],
    )
    group = login(Client(), representative_a)
    url = reverse("payments:settlement", args=[funding.pk])
    html = group.get(url).content.decode()
    assert html.count("※ 基準を超える差額（説明が必要）") == 2
    assert "−100,000円" in html
    submit_url = reverse("payments:settlement_submit", args=[funding.pk])
    assert submit_url in html
    # Submitting first: refused, naming what needs explaining.
    response = group.post(submit_url, {"confirmed": "yes"}, follow=True)
    assert "差額が基準を超えた行の説明" in response.content.decode()
    funding.refresh_from_db()
    assert funding.status == workflow.DECIDED
    # The explanations (fields in the order of the flagged lines: income, then expenses).
    notes_url = reverse("payments:settlement_notes", args=[funding.pk])
    assert notes_url in html
    response = group.post(
        notes_url, {"notes-note-1": "事業費が減ったため", "notes-note-2": "講師を無償で招けた"}
    )
    assert response.status_code == 302
    # The submission asks first, then takes the settlement's expense total as actual cost.
    asked = group.post(submit_url)
    assert asked.status_code == 200 and "提出した後は" in asked.content.decode()
    assert group.post(submit_url, {"confirmed": "yes"}).status_code == 302
    funding.refresh_from_db()
    assert (funding.status, funding.actual_cost) == (workflow.REPORTED, 200_000)

    # The office returns it with a comment; the group sees the comment and edits again.
    office = login(Client(), office_staff)
    office_page = office.get(url).content.decode()
    return_url = reverse("payments:funding_action", args=[funding.pk, "return_report"])
    assert return_url in office_page
    # A reason that is too long comes back on the settlement's page, at its field, as typed.
    field = f"funding-{funding.pk}-return_report-reason"
    typed = "<b>領収書</b>🙏" + "あ" * 4000
    again = office.post(return_url, {field: typed})
    assert again.status_code == 200
    again_html = again.content.decode()
    assert "この値は 4000 文字以下でなければなりません" in again_html
    assert "&lt;b&gt;領収書&lt;/b&gt;🙏" in again_html and "<b>領収書" not in again_html
    funding.refresh_from_db()
    assert funding.status == workflow.REPORTED
    office.post(return_url, {field: "領収書が足りません"})
    funding.refresh_from_db()
    assert (funding.status, funding.return_reason) == (workflow.DECIDED, "領収書が足りません")
    assert "領収書が足りません" in group.get(url).content.decode()
    # Submitted again: the office passes it on, the department accepts it.
    group.post(submit_url, {"confirmed": "yes"})
    pass_url = reverse("payments:funding_action", args=[funding.pk, "pass_report"])
    assert pass_url in office.get(url).content.decode()
    assert group.post(pass_url).status_code == 403
    office.post(pass_url)
    department = login(Client(), department_staff)
    accept_url = reverse("payments:funding_action", args=[funding.pk, "accept_report"])
    assert accept_url in department.get(url).content.decode()
    assert office.post(accept_url).status_code == 403
    assert department.post(accept_url).status_code == 302
    funding.refresh_from_db()
    assert (funding.status, funding.return_reason) == (workflow.REPORT_ACCEPTED, "")


def test_receipts_carry_files_that_only_those_who_see_the_project_download(
    funding: Funding,
    representative_a: User,
    office_staff: User,
    department_staff: User,
    member_b: User,
    resident: User,
) -> None:
    _decided(funding, representative_a, office_staff)
    in_charge(funding, department_staff)
    group = login(Client(), representative_a)
    response = group.post(
        reverse("payments:receipt_add", args=[funding.pk]),
        {
            "receipt-issued_on": "令和8年4月30日",  # the day before the decision
            "receipt-amount": "３，０００円",
            "receipt-description": "文具",
            "receipt-file": receipt_scan("文具の領収書.pdf"),
        },
    )
    assert response.status_code == 302
    receipt = Receipt.objects.get(funding=funding)
    assert (receipt.amount, receipt.before_decision) == (3_000, True)
    html = group.get(reverse("payments:settlement", args=[funding.pk])).content.decode()
    assert "※ 交付決定日より前" in html
    file_url = reverse("payments:receipt_file", args=[receipt.files.get().pk])
    assert file_url in html
    for user in (representative_a, office_staff, department_staff):
        answer = login(Client(), user).get(file_url)
        assert answer.status_code == 200 and b"".join(answer.streaming_content) == PDF
    for user in (member_b, resident):
        assert login(Client(), user).get(file_url).status_code == 403
    # A file that is not a receipt's type: refused beside the field, nothing kept.
    response = group.post(
        reverse("payments:receipt_add", args=[funding.pk]),
        {
            "receipt-issued_on": "2026-06-01",
            "receipt-amount": "1000",
            "receipt-description": "偽物",
            "receipt-file": receipt_scan("x.pdf").__class__("x.pdf", b"MZ\x90\x00not a pdf"),
        },
    )
    assert response.status_code == 200 and "PDF" in response.content.decode()
    assert Receipt.objects.filter(funding=funding).count() == 1


def test_who_may_see_and_edit_the_settlement(
    funding: Funding,
    representative_a: User,
    office_staff: User,
    department_staff: User,
    member_b: User,
    center_staff: User,
) -> None:
    in_charge(funding, department_staff)
    view_url = reverse("payments:settlement", args=[funding.pk])
    edit_url = reverse("payments:settlement_edit", args=[funding.pk])
    for user in (representative_a, office_staff, department_staff):
        assert login(Client(), user).get(view_url).status_code == 200
    for user in (office_staff, department_staff, member_b, center_staff):
        assert login(Client(), user).get(edit_url).status_code == 403
        assert (
            login(Client(), user).post(edit_url, _table(income=[], expense=[])).status_code == 403
        )
    for user in (member_b, center_staff):
        assert login(Client(), user).get(view_url).status_code == 403
    assert Client().get(view_url).status_code == 302  # to the log-in page
    missing = reverse("payments:settlement", args=[funding.pk + 1000])
    assert login(Client(), representative_a).get(missing).status_code == 404


def test_the_printed_settlement_is_a_pdf_with_the_comparison(
    funding: Funding, representative_a: User, office_staff: User
) -> None:
    from kyodo.documents.registry import get
    from kyodo.documents.types.payments import settlement

    services.settlement_replace(
        actor=representative_a,
        funding=funding,
        lines=[
            {"kind": "income", "source": "city", "amount": 250_000},
            {"kind": "expense", "category": "消耗品費", "unit_price": 1_000, "quantity": 250},
        ],
    )
    document = settlement(funding, issue=None)  # type: ignore[arg-type]
    texts = list(document.texts())
    assert "収支決算書" in document.subject
    # 消耗品費: budget 300,000, actual 250,000 → △50,000 (within 20 %: no mark).
    assert "300,000円" in texts and "250,000円" in texts and "△50,000円" in texts
    assert get("settlement").permission == "payments.view"
    response = login(Client(), office_staff).get(
        reverse("documents:settlement", args=[funding.pk, "pdf"])
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF")
