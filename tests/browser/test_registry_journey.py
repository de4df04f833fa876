"""Issue 2 end to end in a real browser: a group registers, is sent back, fixes, is approved,
and the public finds it by typing half-width katakana.

Three people, each in their own browser context: the representative, a center staff member
(log-in with a real TOTP code) and an anonymous visitor. Every page any of them sees is checked
with axe (WCAG 2.1 AA), for console errors, and saved as a screenshot under test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from playwright.sync_api import Locator, Page, expect

from kyodo.accounts.models import Role
from kyodo.registry.models import CivicGroup
from tests import factories

pytestmark = pytest.mark.browser

NAME = "カマクラ海辺の会"
READING = "かまくらうみべのかい"
READING_STORED = "カマクラウミベノカイ"  # readings are kept in katakana
RETURN_REASON = "会則を添付してください。活動日は「毎月第2日曜日」のように具体的に書いてください。"


def labelled(scope: Page | Locator, text: str) -> Locator:
    """The text box or select labelled `text` (a required field's label ends in 必須); the
    checkboxes of 公開する項目 repeat some labels, so they are left out."""
    control = scope.locator("input:not([type=checkbox]):not([type=radio]), select, textarea")
    return scope.get_by_label(re.compile(rf"^{re.escape(text)}(\s*必須)?$")).and_(control)


def fill_group_form(page: Page, *, reading: str) -> None:
    form = page.locator("main form.form")
    labelled(form, "団体名").fill(NAME)
    labelled(form, "団体名（ふりがな）").fill(reading)
    labelled(form, "法人格").select_option(label="任意団体")
    labelled(form, "設立年月日").fill("令和2年4月1日")
    labelled(form, "代表者名").fill("海辺 花子")
    labelled(form, "代表者名（ふりがな）").fill("うみべ はなこ")
    labelled(form, "郵便番号").fill("２４８－０００５")
    labelled(form, "住所").fill("鎌倉市雪ノ下１－１－１")
    labelled(form, "電話番号").fill("０４６７－２３－３０００")
    labelled(form, "会員数").fill("１５")
    labelled(form, "役員数").fill("３")
    labelled(form, "市内在住・在勤・在学の会員数").fill("１２")
    for field in ("まちづくり", "環境の保全", "子どもの健全育成"):
        form.get_by_label(field, exact=True).check()
    labelled(form, "目的").fill("由比ガ浜と材木座の海辺を、子どもと一緒にきれいに保つ。")
    labelled(form, "主な活動").fill("毎月の海岸清掃と、夏休みの子ども向け観察会。")
    labelled(form, "主な活動地域").select_option(label="鎌倉地域")
    labelled(form, "活動日").fill("毎月1回")


def test_it_registers_returns_fixes_approves_and_finds_a_group_by_half_width_kana(
    page: Page,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    assert_accessible: Callable[[Page, str], None],
) -> None:
    representative = factories.UserFactory(roles=[Role.RESIDENT], full_name="海辺 花子")
    staff = factories.staff_user(Role.CENTER, full_name="センター 職員")

    # --- the representative fills the form; the reading in kanji is refused, nothing lost ---
    rep = page
    login(rep, representative)
    expect(rep.locator("h1")).to_have_text("マイページ")
    assert_accessible(rep, "representative-dashboard")

    rep.get_by_role("link", name="新しく団体登録を申請する").click()
    expect(rep.locator("h1")).to_have_text("団体登録の申請")
    assert_accessible(rep, "group-form-empty")

    fill_group_form(rep, reading="鎌倉海辺の会")
    rep.get_by_role("button", name="下書きを保存して確認へ").click()
    expect(rep.locator(".error-summary")).to_be_visible()
    assert_accessible(rep, "group-form-reading-in-kanji")
    reading = labelled(rep, "団体名（ふりがな）")
    expect(reading).to_have_attribute("aria-invalid", "true")
    error = rep.locator(f"#{reading.get_attribute('aria-describedby').split()[-1]}")
    expect(error).to_have_text("ふりがなは、ひらがなまたはカタカナで入力してください。")
    # Everything typed is still there, as typed.
    expect(reading).to_have_value("鎌倉海辺の会")
    expect(labelled(rep, "団体名")).to_have_value(NAME)
    expect(labelled(rep, "会員数")).to_have_value("１５")
    expect(labelled(rep, "設立年月日")).to_have_value("令和2年4月1日")
    expect(rep.get_by_label("環境の保全", exact=True)).to_be_checked()
    expect(labelled(rep, "主な活動地域")).to_have_value(re.compile(r"\d+"))
    assert not CivicGroup.objects.exists()

    reading.fill(READING)
    rep.get_by_role("button", name="下書きを保存して確認へ").click()
    expect(rep.locator(".message--success")).to_contain_text("下書きを保存しました")
    assert_accessible(rep, "my-group-draft")
    group = CivicGroup.objects.get(name=NAME)
    assert (group.name_kana, group.member_count, group.citizen_member_count) == (
        READING_STORED,
        15,
        12,
    )
    assert str(group.founded_on) == "2020-04-01"
    assert sorted(f.short_name for f in group.fields.all()) == sorted(
        ["まちづくり", "環境の保全", "子どもの健全育成"]
    )

    rep.get_by_role("button", name="申請する").click()
    expect(rep.locator("h1")).to_contain_text("申請")  # the confirmation page asks first
    assert_accessible(rep, "confirm-submit")
    rep.locator("main form").get_by_role("button", name="申請する").click()
    expect(rep.locator(".status-panel")).to_contain_text("申請中")
    assert_accessible(rep, "my-group-submitted")

    # --- center staff logs in with TOTP and sends it back with a reason ---------------------
    desk = new_page()
    login(desk, staff)
    assert_accessible(desk, "staff-dashboard")
    desk.get_by_role("link", name="登録団体の管理").click()
    assert_accessible(desk, "staff-group-list")
    desk.get_by_role("link", name=re.compile(r"審査待ちの申請（1件）")).click()
    expect(desk.locator("h1")).to_have_text("審査待ちの登録申請")
    assert_accessible(desk, "staff-applications")
    desk.get_by_role("link", name=NAME).click()
    expect(desk.locator("h1")).to_contain_text(NAME)
    assert_accessible(desk, "staff-application")

    desk.get_by_role("button", name="差し戻す").click()  # no reason given yet
    expect(desk.get_by_label(re.compile("差戻しの理由"))).to_have_attribute("aria-invalid", "true")
    assert_accessible(desk, "staff-application-return-without-reason")
    desk.get_by_label(re.compile("差戻しの理由")).fill(RETURN_REASON)
    desk.get_by_role("button", name="差し戻す").click()
    expect(desk.locator(".message--success")).to_have_text("申請を差し戻しました。")
    assert_accessible(desk, "staff-applications-after-return")

    # --- the representative reads the reason, fixes the form and applies again ----------------
    rep.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="わたしの団体"
    ).click()
    assert_accessible(rep, "my-groups")
    rep.get_by_role("link", name=NAME).click()
    expect(rep.locator(".notice")).to_contain_text(RETURN_REASON)
    expect(rep.locator(".status-panel")).to_contain_text("差戻し")
    assert_accessible(rep, "my-group-returned")

    rep.get_by_role("link", name="申請内容を修正する").click()
    expect(labelled(rep, "団体名（ふりがな）")).to_have_value(READING_STORED)
    assert_accessible(rep, "group-form-edit")
    labelled(rep, "活動日").fill("毎月第2日曜日")
    rep.get_by_role("button", name="保存する").click()
    expect(rep.locator(".message--success")).to_have_text("団体の情報を保存しました。")
    assert_accessible(rep, "my-group-fixed")
    rep.get_by_role("button", name="申請する").click()
    expect(rep.locator("h1")).to_contain_text("申請")  # the confirmation page asks first
    assert_accessible(rep, "confirm-resubmit")
    rep.locator("main form").get_by_role("button", name="申請する").click()
    expect(rep.locator(".status-panel")).to_contain_text("申請中")
    assert_accessible(rep, "my-group-resubmitted")

    # --- staff approves ----------------------------------------------------------------------
    desk.reload()  # the queue page is still open at the desk
    assert_accessible(desk, "staff-applications-resubmitted")
    desk.get_by_role("link", name=NAME).click()
    expect(desk.locator("table")).to_contain_text("毎月第2日曜日")
    assert_accessible(desk, "staff-application-resubmitted")
    desk.get_by_role("button", name="承認する").click()
    expect(desk.locator(".message--success")).to_have_text("申請を承認しました。")
    assert_accessible(desk, "staff-applications-after-approval")
    group.refresh_from_db()
    assert group.registration_number
    assert any(representative.email in m.to for m in mail.outbox)

    # --- an anonymous visitor, on a phone, finds it by typing half-width katakana -----------
    visitor = new_page(phone=True)
    visitor.goto("/groups/")
    assert_accessible(visitor, "directory")
    labelled(visitor, "団体名・ふりがなで探す").fill("ｶﾏｸﾗｳﾐﾍﾞ")
    visitor.get_by_role("button", name="検索").click()
    results = visitor.locator(".group-list")
    expect(results.get_by_role("link", name=NAME)).to_be_visible()
    expect(labelled(visitor, "団体名・ふりがなで探す")).to_have_value("ｶﾏｸﾗｳﾐﾍﾞ")
    assert_accessible(visitor, "directory-search-half-width-kana")

    results.get_by_role("link", name=NAME).click()
    expect(visitor.locator("h1")).to_contain_text(NAME)
    details = visitor.locator("dl.details")
    expect(details).to_contain_text(group.registration_number)
    expect(details).to_contain_text("令和2年4月1日")
    expect(details).to_contain_text("毎月第2日曜日")
    expect(details).not_to_contain_text("０４６７")  # the phone stays private by default
    assert_accessible(visitor, "group-page")
