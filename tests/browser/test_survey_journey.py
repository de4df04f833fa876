"""A survey end to end in a real browser.

The office builds a two-question survey from its dashboard and opens it; a resident answers
on a phone-sized page; the office types two paper questionnaires in by keyboard only, reads
the results (an SVG chart beside its table) and a cross-tabulation, and downloads the tables
as Excel, which is read back with openpyxl. Every page is checked with axe."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from kyodo.accounts.models import Role
from kyodo.surveys.models import Channel, Respondent
from tests import factories

pytestmark = pytest.mark.browser

Check = Callable[[Page, str], None]


def click(page: Page, check: Check, name: str, shot: str, *, role: str = "link") -> None:
    page.locator("main").get_by_role(role, name=name).first.click()  # type: ignore[arg-type]
    page.wait_for_load_state("load")
    check(page, shot)


def test_it_builds_answers_keys_and_tabulates_a_survey_in_a_browser(
    server: str,
    page: Page,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    assert_accessible: Check,
) -> None:
    office = factories.staff_user(Role.OFFICE, full_name="協働 担当")
    login(page, office)
    page.goto("/dashboard/")
    assert_accessible(page, "dashboard")
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="調査の管理"
    ).click()
    page.wait_for_load_state("load")
    assert_accessible(page, "staff-index")
    click(page, assert_accessible, "新しい調査をつくる", "survey-new")
    page.get_by_label("調査名").fill("市民活動に関する意識調査")
    page.get_by_label("実施する年度（西暦）").fill("2025")
    click(page, assert_accessible, "つくる", "edition", role="button")
    click(page, assert_accessible, "設問を加える", "question-new")
    page.get_by_label("設問コード").fill("Q1")
    page.get_by_label("設問文").fill("市民活動に関心がありますか")
    page.get_by_label("回答の形式").select_option("single")
    page.get_by_label("選択肢（1行に1つ）").fill("関心がある\n関心がない")
    click(page, assert_accessible, "加えて、続けて次の設問へ", "question-new-2", role="button")
    page.get_by_label("設問コード").fill("Q2")
    page.get_by_label("設問文").fill("性別")
    page.get_by_label("回答の形式").select_option("single")
    page.get_by_label("選択肢（1行に1つ）").fill("男性\n女性")
    click(page, assert_accessible, "加える", "edition-2", role="button")
    click(
        page, assert_accessible, "回答の受付を始める（調査票を確定）", "edition-open", role="button"
    )
    expect(page.locator("main")).to_contain_text("回答受付中")

    # A resident answers on a phone.
    phone = new_page(phone=True)
    phone.goto("/")
    assert_accessible(phone, "phone-home")
    phone.get_by_role("link", name="アンケート").first.click()
    phone.wait_for_load_state("load")
    assert_accessible(phone, "phone-surveys")
    click(phone, assert_accessible, "市民活動に関する意識調査（令和7年度）", "phone-start")
    click(phone, assert_accessible, "回答を始める", "phone-answer", role="button")
    phone.get_by_label("関心がある").check()
    phone.get_by_label("女性").check()
    click(phone, assert_accessible, "回答を送信する", "phone-done", role="button")
    expect(phone.locator("h1")).to_have_text("ご回答ありがとうございました")

    # Two paper questionnaires, keyboard only.
    click(page, assert_accessible, "紙の回答を入力する", "keying")
    for number, answers in (("P-1", ("1", "1")), ("P-2", ("2", "1"))):
        expect(page.get_by_label("調査票番号")).to_be_focused()
        page.keyboard.type(number)
        for typed in answers:
            page.keyboard.press("Tab")
            page.keyboard.type(typed)
        # Wait for the answer's own page, not the one it was typed on.
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")
        assert_accessible(page, f"keyed-{number}")
        expect(page.locator(".messages")).to_contain_text(f"調査票番号 {number} を保存しました")
    keyed = Respondent.objects.filter(channel=Channel.PAPER, keyed_by=office)
    assert sorted(keyed.values_list("paper_number", flat=True)) == ["P-1", "P-2"]

    # Results: the chart beside its table, then a cross-tab.
    page.locator(".breadcrumb a").click()
    page.wait_for_load_state("load")
    assert_accessible(page, "edition-back")
    click(page, assert_accessible, "集計結果", "results")
    chart = page.get_by_role("img", name="Q1 市民活動に関心がありますか（n=3）")
    expect(chart).to_be_visible()
    expect(chart.locator("desc")).to_have_text("関心がある 66.7%、関心がない 33.3%、無回答 0.0%")
    page.get_by_label("集計する設問").select_option(label="Q1 市民活動に関心がありますか")
    page.get_by_label("クロス集計の軸（属性など）").select_option(label="Q2 性別")
    click(page, assert_accessible, "クロス集計する", "cross", role="button")
    cross = page.get_by_role("table", name="性別別のクロス集計")
    expect(cross.get_by_role("row", name="男性")).to_contain_text("50.0")
    expect(cross.get_by_role("row", name="女性")).to_contain_text("100.0")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:6] == ("Q1", "市民活動に関心がありますか", 3, "関心がある", 2, "66.7")
    assert any(r[1] == "男性" and r[2] == 2 and r[3] == "50.0" for r in rows)
