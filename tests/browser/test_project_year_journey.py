"""One project year in a real browser (issue 10, must show): the group, the department and
the office each log in as themselves and start from their dashboards, clicking only.

The office decides the year's city share and sets an instalment and the report schedule;
the group claims the instalment, which the office pays; the group writes and submits its
results report with a photo, which the office checks and the department accepts; the group
enters its settlement (収支決算書) as a table, explains the line over the threshold and
submits it; the office passes it on and the department accepts it; the office confirms the
amount, which leaves a refund; the group and the department evaluate the year; the office
records the outcome, which puts next year's line on the budget-planning list. Every page is
checked with axe and for console errors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from kyodo.accounts.models import Role
from kyodo.evaluation.models import BudgetRequestLine
from kyodo.payments.models import Funding, Payment
from kyodo.projects.models import Project
from kyodo.registry.models import GroupRole
from tests import factories
from tests.gates.conftest import PNG_BYTES
from tests.projects.conftest import adopted, conclude, make_final

pytestmark = pytest.mark.browser

TITLE = "海辺の子ども食堂と学習支援"
Check = Callable[[Page, str], None]


def labelled(scope: Page | Locator, text: str) -> Locator:
    control = scope.locator("input:not([type=checkbox]):not([type=radio]), select, textarea")
    return scope.get_by_label(re.compile(rf"^{re.escape(text)}(\s*必須)?$")).and_(control)


def form_with(scope: Page | Locator, label: str) -> Locator:
    """The form in `scope` that holds the field labelled `label`."""
    return scope.locator("form").filter(has_text=label)


def first_year(page: Page) -> Locator:
    """The money of the project's first year (each year has its own section)."""
    return page.locator("main .money-year").first


def test_one_project_year_with_money_reports_settlement_and_evaluation(
    new_page: Callable[..., Page],
    login: Callable[..., None],
    assert_accessible: Check,
    tmp_path: Path,
) -> None:
    check = assert_accessible
    section = factories.SectionFactory(name="こども支援課")
    group = factories.CivicGroupFactory(registered=True, name="海辺の子ども応援団")
    rep_user = factories.member(group, GroupRole.REPRESENTATIVE, full_name="海辺 花子")
    dept_user = factories.staff_user(Role.DEPARTMENT, section=section, full_name="こども 課員")
    office_user = factories.staff_user(Role.OFFICE, full_name="協働 担当")
    # Adopted for three years (the city 400,000 / 300,000 / 200,000, the group 100,000 a
    # year), made final, its agreement concluded: the browser starts from the running year.
    project = make_final(office_user, adopted(office_user, group, section, title=TITLE))
    conclude(project, rep_user, dept_user, office_user, dt.date(2026, 4, 1))
    year1 = project.segments.get(year_index=1)

    def step(page: Page, name: str, label: str | re.Pattern[str], *, role: str = "button") -> None:
        page.get_by_role(role, name=label).first.click()  # type: ignore[arg-type]
        page.wait_for_load_state("load")
        check(page, name)

    def send(page: Page, name: str, form: Locator, button: str = "送る") -> None:
        form.get_by_role("button", name=button).click()
        page.wait_for_load_state("load")
        check(page, name)

    def home(page: Page, name: str) -> None:
        page.get_by_role("navigation", name="メインメニュー").get_by_role(
            "link", name="マイページ"
        ).click()
        page.wait_for_load_state("load")
        check(page, f"{name}-dashboard")

    def to_project(page: Page, name: str, *, via_menu: bool = False) -> None:
        home(page, name)
        if via_menu:  # staff: the projects' list from the menu
            step(page, f"{name}-projects", "協働事業（協定書）", role="link")
        step(page, f"{name}-project", TITLE, role="link")
        expect(page.locator("h1")).to_have_text(TITLE)

    rep, dept, office = new_page(), new_page(), new_page()
    login(rep, rep_user)
    login(dept, dept_user)
    login(office, office_user)

    # --- the office: the year's share, an instalment, the report schedule --------------------
    to_project(office, "office", via_menu=True)
    decide = form_with(first_year(office), "交付決定額（円）")
    labelled(decide, "交付決定額（円）").fill("４００，０００")
    labelled(decide, "交付決定日").fill("令和8年4月10日")
    send(office, "office-decided", decide)
    instalment = form_with(first_year(office), "支払額（円）")
    labelled(instalment, "支払額（円）").fill("400,000円")
    labelled(instalment, "支払期日").fill("2026-05-31")
    send(office, "office-instalment", instalment)
    schedule = form_with(office.locator("main"), "提出期限（1行に1つ）")
    labelled(schedule, "報告の時期").select_option(label="最終報告のみ")
    labelled(schedule, "提出期限（1行に1つ）").fill("令和9年4月30日")
    send(office, "office-schedule", schedule, "報告の予定を保存する")

    # --- the group claims it; the office pays -------------------------------------------------
    home(rep, "rep")
    step(rep, "rep-claim", re.compile(f"{TITLE}：負担金の支払"), role="link")
    step(rep, "rep-claimed", "請求する")
    home(office, "office-pay")
    step(office, "office-pay-page", re.compile(f"{TITLE}：負担金の支払"), role="link")
    step(office, "office-paid", "支払（返還の受領）を記録する")
    funding = Funding.objects.get(segment=year1)
    assert [(p.amount, p.status) for p in Payment.objects.filter(funding=funding)] == [
        (400_000, "paid")
    ]

    # --- the results report, with a photo -----------------------------------------------------
    to_project(rep, "rep-report")
    step(rep, "rep-report-page", "実績報告書", role="link")
    step(rep, "rep-report-edit", "報告を書く・直す", role="link")
    form = rep.locator("main form.form")
    labelled(form, "実施した内容").fill("食堂を12回開き、学習支援を24回行った")
    labelled(form, "目標に対する成果").fill("延べ420人（目標500人の84%）")
    step(rep, "rep-report-saved", "保存する")
    photo = tmp_path / "食堂.png"
    photo.write_bytes(PNG_BYTES)
    add = form_with(rep.locator("main"), "説明（写っている内容）")
    labelled(add, "写真").set_input_files(str(photo))
    labelled(add, "説明（写っている内容）").fill("子ども食堂で配膳する様子")
    add.get_by_label(re.compile("公開ページ）に載せてよい")).check()
    send(rep, "rep-photo", add, "写真を追加する")
    expect(rep.get_by_role("img", name="子ども食堂で配膳する様子")).to_be_visible()
    step(rep, "rep-report-submitted", "報告を提出する")
    # The office and the department find it on their dashboards.
    home(office, "office-report")
    step(office, "office-report-page", f"{TITLE}：実績報告書", role="link")
    step(office, "office-report-checked", "確認した（担当課に回す）")
    home(dept, "dept-report")
    step(dept, "dept-report-page", f"{TITLE}：実績報告書", role="link")
    step(dept, "dept-report-accepted", "受理する")

    # --- the settlement: a table like the budget's, one line explained -----------------------
    to_project(rep, "rep-settlement")
    step(rep, "rep-settlement-page", re.compile("収支決算書（予算との比較"), role="link")
    step(rep, "rep-settlement-edit", "収入と支出の決算額を入力する", role="link")
    rep.get_by_label("1年目 収入1 金額", exact=True).fill("400,000")
    rep.get_by_label("1年目 収入2 金額", exact=True).fill("０")
    rep.get_by_label("1年目 支出1 単価", exact=True).fill("３８７，６５０")
    rep.get_by_label("1年目 支出1 数量", exact=True).fill("1")
    step(rep, "rep-settlement-saved", "収支決算を保存する")
    expect(rep.locator("main")).to_contain_text("基準を超える差額")
    notes = rep.locator("main form").filter(has_text="説明を保存する")
    for box in notes.locator("textarea").all():
        box.fill("食材の寄付があり、自己資金を使わずに済んだ")
    send(rep, "rep-notes", notes, "説明を保存する")
    step(rep, "rep-settlement-confirm", "収支決算書を提出する")
    step(rep, "rep-settlement-submitted", "提出する")
    home(office, "office-settlement")
    step(office, "office-settlement-page", f"{TITLE}（令和8年度）", role="link")
    step(office, "office-settlement-passed", re.compile("担当課に回す"))
    home(dept, "dept-settlement")
    step(dept, "dept-settlement-page", f"{TITLE}（令和8年度）", role="link")
    step(dept, "dept-settlement-accepted", re.compile("受理"))

    # --- the office confirms the amount: a refund ---------------------------------------------
    to_project(office, "office-confirm", via_menu=True)
    confirm = form_with(first_year(office), "対象経費（円）")
    labelled(confirm, "対象経費（円）").fill("387,650")
    send(office, "office-confirmed", confirm)
    funding.refresh_from_db()
    # min(cap 500,000; 387,650; decided 400,000) = 387,650 → 387,000; 400,000 − 387,000.
    assert funding.confirmed_amount == 387_000
    refund = Payment.objects.get(funding=funding, kind="refund")
    assert refund.amount == 13_000
    expect(office.locator("main")).to_contain_text("13,000円")

    # --- the evaluation: each side from its dashboard -----------------------------------------
    def evaluate(page: Page, name: str, progress: str, reason: str = "") -> None:
        home(page, name)
        page.locator("main").get_by_role("link", name=re.compile(re.escape(TITLE))).filter(
            has_text="年度"
        ).first.click()
        page.wait_for_load_state("load")
        check(page, f"{name}-form")
        for fieldset in page.locator("main fieldset").all():
            fieldset.locator("select").select_option(index=3)  # 3: as planned
        page.locator("main fieldset").filter(has_text="事業の進捗").locator("select").select_option(
            progress
        )
        if reason:
            page.get_by_label("「事業の進捗（事業計画との比較）」の理由").fill(reason)
        step(page, f"{name}-saved", "下書きを保存する")
        step(page, f"{name}-confirm", "評価を提出する")
        step(page, f"{name}-submitted", "提出する")

    evaluate(rep, "rep-evaluation", "2", "参加者が目標の8割にとどまった")
    evaluate(dept, "dept-evaluation", "4")

    home(office, "office-evaluation")
    step(office, "office-evaluation-index", "協働事業の評価", role="link")
    step(office, "office-evaluation-project", TITLE, role="link")
    expect(office.locator("main")).to_contain_text("要協議")
    step(office, "office-outcome", "評価の結果を記録する", role="link")
    office.locator("main").get_by_label("改善して継続", exact=True).check()
    labelled(office.locator("main"), "理由").fill("内容の評価は高く、周知に課題")
    labelled(office.locator("main"), "次年度への反映（公開）").fill("学校を通じて周知する")
    step(office, "office-outcome-recorded", "記録する")
    step(office, "office-budget-list", "次年度予算要求の一覧", role="link")
    expect(office.locator("main")).to_contain_text(TITLE)
    line = BudgetRequestLine.objects.get(project=project)
    assert (line.fiscal_year, line.amount) == (2027, 300_000)
    assert Project.objects.get(pk=project.pk).segments.count() == 3
