"""The proposal cycle end to end in a real browser, for both tracks.

consultation → draft → eligibility failure shown → fixed → submitted → returned for changes
→ resubmitted (diff visible) → four-party consultation → ready for review; and a stop whose
reason the group reads. The group, the center, the department and the office each use their
own browser context; every page is checked with axe and for console errors.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from kyodo.accounts.models import Role
from kyodo.proposals import fourparty, services
from kyodo.proposals.models import Proposal
from kyodo.registry.models import DocumentKind, GroupDocument, GroupRole
from tests import factories
from tests.proposals import factories as pf

pytestmark = pytest.mark.browser

Check = Callable[[Page, str], None]


def labelled(scope: Page | Locator, text: str) -> Locator:
    control = scope.locator("input:not([type=checkbox]):not([type=radio]), select, textarea")
    return scope.get_by_label(re.compile(rf"^{re.escape(text)}(\s*必須)?$")).and_(control)


def people() -> dict[str, Any]:
    section = factories.SectionFactory(name="こども支援課")
    group = factories.CivicGroupFactory(
        registered=True,
        name="海辺の子ども応援団",
        name_kana="うみべのこどもおうえんだん",
        citizen_member_count=3,
        officer_count=3,
    )
    rep = factories.member(group, GroupRole.REPRESENTATIVE, full_name="海辺 花子")
    GroupDocument.objects.create(
        group=group,
        kind=DocumentKind.RULES,
        file="registry/rules.pdf",
        original_name="会則.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=rep,
    )
    return {
        "group": group,
        "rep": rep,
        "section": section,
        "office": factories.staff_user(Role.OFFICE, full_name="協働 担当"),
        "center": factories.staff_user(Role.CENTER, full_name="センター 職員"),
        "dept": factories.staff_user(Role.DEPARTMENT, section=section, full_name="こども 課員"),
        "call": pf.CallFactory(title="令和8年度 つながる鎌倉エール事業"),
    }


def fill_plan(page: Page, purpose: str) -> None:
    form = page.locator("main form.form")
    labelled(form, "地域・社会の課題").fill("放課後にひとりで過ごす子どもが増えている")
    labelled(form, "事業の目的").fill(purpose)
    labelled(form, "事業の内容").fill("月2回の食堂と学習支援")
    labelled(form, "団体の役割").fill("食堂の運営")
    labelled(form, "市（担当課）の役割").fill("学校との調整と広報")
    labelled(form, "アピール：協働の効果").fill("学校と組める")
    labelled(form, "5月の実施内容").fill("食堂を始める")


def budget_cell(page: Page, year: int, kind: str, row: int, label: str) -> Locator:
    """A cell of the 収支予算書 tables, by its label: "1年目 支出2 単価"."""
    return page.get_by_label(f"{year}年目 {kind}{row} {label}", exact=True)


def fill_budget(page: Page, city: str, own: str, price: str, qty: str, year: int = 1) -> None:
    budget_cell(page, year, "収入", 1, "収入の種類").select_option("city")
    budget_cell(page, year, "収入", 1, "金額").fill(city)
    budget_cell(page, year, "収入", 2, "収入の種類").select_option("own")
    budget_cell(page, year, "収入", 2, "金額").fill(own)
    budget_cell(page, year, "支出", 1, "費目").select_option(label="材料費")
    budget_cell(page, year, "支出", 1, "単価").fill(price)
    budget_cell(page, year, "支出", 1, "数量").fill(qty)


def go(page: Page, check: Check, url: str, name: str) -> None:
    page.goto(url)
    check(page, name)


def click(page: Page, check: Check, name: str, role_name: str, *, role: str = "button") -> None:
    page.get_by_role(role, name=role_name).first.click()  # type: ignore[arg-type]
    page.wait_for_load_state("load")
    check(page, name)


def journey(
    track: str,
    p: dict[str, Any],
    page: Page,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    check: Check,
) -> tuple[Proposal, Page]:
    """Everything up to a scheduled four-party consultation; returns the office's page."""
    group, call = p["group"], p["call"]
    rep = page
    login(rep, p["rep"])
    check(rep, f"{track}-rep-dashboard")

    theme = None
    if track == "city":
        # --- the department drafts a theme; the office publishes it ----------------------------
        dept = new_page()
        login(dept, p["dept"])
        check(dept, "dept-dashboard")
        go(dept, check, "/staff/themes/new/", "theme-new")
        form = dept.locator("main form.form")
        labelled(form, "募集").select_option(label=call.title)
        labelled(form, "コース").select_option(label="協働コース")
        labelled(form, "担当課").select_option(index=1)
        labelled(form, "テーマ").fill("子どもの居場所づくり")
        labelled(form, "背景と課題").fill("放課後の居場所が足りない")
        labelled(form, "事業の構想・概要").fill("地域の団体と居場所を開く")
        labelled(form, "協働の相手に期待すること").fill("子ども支援の経験")
        labelled(form, "予算の上限（年度あたり）").fill("４０万円")
        labelled(form, "事業年数").fill("1")
        labelled(form, "問い合わせ先").fill("こども支援課")
        click(dept, check, "theme-saved", "保存する")
        expect(dept.locator("main")).to_contain_text("下書き")
        office = new_page()
        login(office, p["office"])
        check(office, "office-dashboard-theme")
        click(office, check, "theme-to-publish", "子どもの居場所づくり", role="link")
        click(office, check, "theme-published", "このテーマを公開する")
        from kyodo.programmes.models import CityTheme

        theme = CityTheme.objects.get(title="子どもの居場所づくり")
        go(rep, check, f"/calls/{call.pk}/", "public-call")
        click(rep, check, "public-theme", "子どもの居場所づくり", role="link")

    # --- consultation ---------------------------------------------------------------------
    go(rep, check, f"/my/groups/{group.pk}/consultations/new/?call={call.pk}", "consult-form")
    form = rep.locator("main form.form")
    if theme:
        labelled(form, "応募を考えている市提案テーマ（団体提案の場合は空欄）").select_option(
            label=theme.title
        )
    labelled(form, "事業のアイデア").fill("子ども食堂と学習支援")
    labelled(form, "解決したい地域・社会の課題").fill("孤食")
    click(rep, check, "consult-sent", "相談を申し込む")
    sheet_url = rep.url

    center = new_page()
    login(center, p["center"])
    check(center, "center-dashboard")
    go(center, check, sheet_url, "center-consultation")
    labelled(center.locator("main"), "担当課").select_option(index=1)
    click(center, check, "center-assigned", "担当課を決める")
    labelled(center.locator("main"), "相談日").fill("令和8年5月10日")
    labelled(center.locator("main"), "出席者").fill("団体代表、センター")
    labelled(center.locator("main"), "相談の内容").fill("役割分担を話し合った")
    click(center, check, "center-meeting", "記録する")

    go(rep, check, sheet_url, "rep-consultation-history")
    expect(rep.locator("main")).to_contain_text("役割分担を話し合った")

    # --- draft ----------------------------------------------------------------------------
    click(rep, check, "proposal-new", "この相談をもとに提案書を作る", role="link")
    form = rep.locator("main form.form")
    labelled(form, "コース").select_option(label="協働コース")
    labelled(form, "事業名").fill("海辺の子ども食堂")
    labelled(form, "もとになった事前相談").select_option(index=1)
    click(rep, check, "proposal-editor", "下書きを作る")
    expect(rep.locator(".eligibility")).to_contain_text("市民の構成員が5人以上必要です（現在3人）")
    fill_plan(rep, "居場所をつくる")
    click(rep, check, "plan-saved", "保存して収支予算へ")
    city = "５０万円" if theme else "300,000"
    # Balanced: 300,000 + 60,000 = 15,000 × 24; on a theme 500,000 + 55,000 = 15,000 × 37,
    # which is over the theme's 400,000 ceiling.
    fill_budget(
        rep, city, "60000円" if not theme else "55,000", "15,000", "24" if not theme else "37"
    )
    click(rep, check, "budget-saved", "収支予算を保存する")
    if theme:
        expect(rep.locator(".eligibility")).to_contain_text("テーマの予算上限は400,000円です")

    proposal = Proposal.objects.get(title="海辺の子ども食堂")
    go(rep, check, f"/proposals/{proposal.pk}/", "proposal-draft")
    click(rep, check, "submit-refused-confirm", "提出する")  # the confirmation page asks first
    click(rep, check, "submit-refused", "提出する")
    expect(rep.locator(".messages")).to_contain_text("市民の構成員が5人以上必要です（現在3人）")

    # --- fix: the group corrects its registry profile (and, on a theme, the budget) ---------
    go(rep, check, f"/my/groups/{group.pk}/edit/", "group-edit")
    labelled(rep.locator("main form.form"), "市内在住・在勤・在学の会員数").fill("６")
    rep.locator("main form.form").get_by_role("button", name="保存する").click()
    rep.wait_for_load_state("load")
    check(rep, "group-saved")
    # The counts are public: the center accepts the change from its dashboard first.
    go(center, check, "/dashboard/", "center-dashboard-change")
    center.get_by_role("link", name=group.name, exact=True).first.click()
    center.wait_for_load_state("load")
    check(center, "center-public-change")
    click(center, check, "center-change-accepted", "変更を公開する")
    if theme:
        go(rep, check, f"/proposals/{proposal.pk}/budget/", "budget-fix")
        fill_budget(rep, "40万", "125,000", "15,000", "35")
        click(rep, check, "budget-fixed", "収支予算を保存する")
    go(rep, check, f"/proposals/{proposal.pk}/", "proposal-fixed")
    expect(rep.locator("main")).not_to_contain_text("まだ提出できません")
    click(rep, check, "submitted-confirm", "提出する")  # the confirmation page asks first
    click(rep, check, "submitted", "提出する")
    expect(rep.locator(".proposal-state")).to_contain_text("提出済み")

    # --- intake: returned for changes -----------------------------------------------------
    office = new_page()
    login(office, p["office"])
    check(office, "office-dashboard")
    expect(office.locator("main")).to_contain_text("海辺の子ども食堂")
    click(office, check, "office-proposal", "海辺の子ども食堂", role="link")
    labelled(office.locator("main"), "理由（団体に表示されます）").fill(
        "効果の測り方を書いてください"
    )
    click(office, check, "returned", "差し戻す")

    go(rep, check, f"/proposals/{proposal.pk}/", "rep-returned")
    expect(rep.locator("#return-reason")).to_contain_text("効果の測り方を書いてください")
    click(rep, check, "edit-after-return", "提案書を編集する", role="link")
    labelled(rep.locator("main form.form"), "事業の目的").fill("居場所を週3回ひらく")
    labelled(rep.locator("main form.form"), "効果の測り方").fill("参加者数とアンケート")
    click(rep, check, "plan-resaved", "下書きを保存する")
    go(rep, check, f"/proposals/{proposal.pk}/", "before-resubmit")
    click(rep, check, "resubmitted-confirm", "提出する")  # the confirmation page asks first
    click(rep, check, "resubmitted", "提出する")

    # --- the office sees the differences, accepts, and holds the four-party consultation ----
    go(office, check, f"/proposals/{proposal.pk}/", "office-resubmitted")
    click(office, check, "versions-diff", "版の違いを見る", role="link")
    expect(office.locator("ins").first).to_be_visible()
    expect(office.locator("main")).to_contain_text("週3回ひらく")
    go(office, check, f"/proposals/{proposal.pk}/", "office-before-accept")
    click(office, check, "accepted", "受理する")
    main = office.locator("main")
    labelled(main, "日付").fill("令和8年6月15日")
    labelled(main, "開始時刻").fill("14:00")
    labelled(main, "出席予定者（団体・担当課・協働担当課・センター）").fill("4者")
    click(office, check, "scheduled", "4者協議を設定する")
    return proposal, office


def record_outcome(office: Page, check: Check, outcome: str, reason: str = "") -> None:
    main = office.locator("main")
    labelled(main, "議事録").fill("役割分担と予算を確認した")
    main.get_by_label(outcome, exact=True).check()
    if reason:
        labelled(
            main, "理由・修正してほしい点（修正・中止・統合のときは必須。団体に表示されます）"
        ).fill(reason)
    click(office, check, f"recorded-{outcome}", "結果を記録する")


@pytest.mark.parametrize("track", ["group", "city"])
def test_it_takes_a_proposal_from_consultation_to_ready_for_review(
    track: str,
    page: Page,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    assert_accessible: Check,
) -> None:
    p = people()
    proposal, office = journey(track, p, page, new_page, login, assert_accessible)
    record_outcome(office, assert_accessible, "審査に進む")
    proposal.refresh_from_db()
    assert proposal.status == "ready_for_review"
    assert proposal.versions.count() == 2
    go(page, assert_accessible, f"/proposals/{proposal.pk}/", "rep-ready")
    expect(page.locator(".proposal-state")).to_have_text("審査に進みます")


def test_it_shows_the_group_why_its_proposal_was_stopped(
    page: Page,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    assert_accessible: Check,
) -> None:
    p = people()
    group = p["group"]
    group.citizen_member_count = 6
    group.save(update_fields=["citizen_member_count"])
    proposal = pf.ProposalFactory(
        call=p["call"], group=group, title="海辺の見守り", section=p["section"]
    )
    pf.balanced_budget(proposal, city=200_000, own=20_000)
    services.proposal_transition(actor=p["rep"], proposal=proposal, action="submit")
    services.proposal_transition(actor=p["office"], proposal=proposal, action="accept")
    fourparty.fourparty_schedule(
        actor=p["office"], proposal=proposal, scheduled_at=timezone.now() - dt.timedelta(hours=1)
    )
    office = page
    login(office, p["office"])
    assert_accessible(office, "office-dashboard")
    click(office, assert_accessible, "office-fourparty", "海辺の見守り", role="link")
    record_outcome(office, assert_accessible, "中止", reason="市の既存事業と内容が重なるため")

    rep = new_page()
    login(rep, p["rep"])
    assert_accessible(rep, "rep-dashboard")
    expect(rep.locator("main")).to_contain_text("中止となった提案")
    click(rep, assert_accessible, "rep-stopped", "海辺の見守り", role="link")
    expect(rep.locator("#stop-reason")).to_contain_text("市の既存事業と内容が重なるため")
    expect(rep.locator(".proposal-state")).to_contain_text("中止")


def test_it_keeps_the_programme_and_list_pages_accessible(
    page: Page,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    assert_accessible: Check,
) -> None:
    p = people()
    pf.ProposalFactory(call=p["call"], group=p["group"], title="一覧に出る提案")
    office = page
    login(office, p["office"])
    assert_accessible(office, "office-dashboard")
    course = p["call"].courses.get(key="collaboration")
    for url, name in [
        ("/staff/proposals/", "staff-list"),
        (f"/staff/proposals/?call={p['call'].pk}&status=draft&q=一覧", "staff-list-filtered"),
        ("/staff/consultations/", "staff-consultations"),
        ("/staff/programmes/", "programme-settings"),
        (f"/staff/programmes/courses/{course.pk}/", "course-form"),
        ("/staff/programmes/calls/new/", "call-form"),
        ("/staff/programmes/issues/new/", "issue-form"),
        ("/staff/themes/", "theme-list"),
    ]:
        go(office, assert_accessible, url, name)
    # A bad share is refused next to its field, and what was typed stays.
    go(office, assert_accessible, f"/staff/programmes/courses/{course.pk}/", "course-form-2")
    labelled(office.locator("main form.form"), "事業費に対する市の負担の上限割合（年次ごと）").fill(
        "九割"
    )
    click(office, assert_accessible, "course-form-error", "保存する")
    expect(office.locator(".error-summary")).to_contain_text("割合は「90%」「2/3」のように")
    expect(
        labelled(office.locator("main form.form"), "事業費に対する市の負担の上限割合（年次ごと）")
    ).to_have_value("九割")

    rep = new_page(phone=True)
    login(rep, p["rep"])
    assert_accessible(rep, "rep-dashboard-phone")
    for url, name in [
        (f"/my/groups/{p['group'].pk}/proposals/", "group-proposals-phone"),
        ("/calls/", "calls-phone"),
        ("/department-issues/", "issues-phone"),
    ]:
        go(rep, assert_accessible, url, name)


def test_the_group_enters_a_two_year_budget_and_fixes_an_error_without_losing_a_cell(
    page: Page,
    login: Callable[..., None],
    assert_accessible: Check,
) -> None:
    p = people()
    proposal = pf.ProposalFactory(call=p["call"], group=p["group"], title="二年の見守り", years=2)
    rep = page
    login(rep, p["rep"])
    assert_accessible(rep, "rep-dashboard")
    click(rep, assert_accessible, "proposal", "二年の見守り", role="link")  # its drafts
    click(rep, assert_accessible, "budget", "収支予算を編集する", role="link")

    # Year 1, with a quantity the page cannot read; year 2 in a row added in place.
    fill_budget(rep, "30万", "３千円", "1,000", "三百三")
    fill_budget(rep, "200,000", "10,000", "30,000", "7", year=2)
    year2 = rep.locator("[data-budget-year]").nth(1)
    # The totals follow the typing (the script), the city's share by its source.
    expect(year2.locator("[data-total=income]")).to_have_text("210,000円")
    expect(year2.locator("[data-total=city]")).to_have_text("200,000円")
    expect(year2.locator("[data-total=balance]")).to_have_text("0円")
    year2.get_by_role("button", name="2年目の支出に行を追加").click()
    budget_cell(rep, 2, "支出", 3, "費目").select_option(label="会議費")
    budget_cell(rep, 2, "支出", 3, "単価").fill("0")
    budget_cell(rep, 2, "支出", 3, "数量").fill("1")
    click(rep, assert_accessible, "budget-error", "収支予算を保存する")

    # The summary on top, focused, names the cell; every typed cell is still there.
    summary = rep.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("1年目 支出 1行目 数量")
    expect(budget_cell(rep, 1, "収入", 2, "金額")).to_have_value("３千円")
    expect(budget_cell(rep, 2, "支出", 1, "単価")).to_have_value("30,000")
    expect(budget_cell(rep, 2, "支出", 3, "費目")).to_have_value("会議費")
    summary.get_by_role("link").first.click()
    expect(budget_cell(rep, 1, "支出", 1, "数量")).to_be_focused()
    budget_cell(rep, 1, "支出", 1, "数量").fill("303")
    click(rep, assert_accessible, "budget-saved", "収支予算を保存する")
    expect(rep.locator(".messages")).to_contain_text("収支予算を保存しました。")

    years = services.year_budgets(proposal)
    assert [(y.income_total, y.expense_total, y.city_part) for y in years] == [
        (303_000, 303_000, 300_000),
        (210_000, 210_000, 200_000),
    ]
