"""An agreement (協定書) end to end in a real browser: the group, the department and the
office each log in as themselves and start from their dashboards. The group edits the
draft and passes it on, the department edits it and moves it to confirmation, both
confirm, the office settles the adoption's condition and records the conclusion with the
signed scan; the group reads the differences between versions. Every page is checked with
axe and for console errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from kyodo.accounts.models import Role
from kyodo.projects.models import Project
from kyodo.registry.models import GroupRole
from tests import factories
from tests.gates.conftest import PDF_BYTES
from tests.projects.conftest import adopted, make_final

pytestmark = pytest.mark.browser

TITLE = "海辺の子ども食堂と学習支援"


def labelled(scope: Page | Locator, text: str) -> Locator:
    control = scope.locator("input:not([type=checkbox]):not([type=radio]), select, textarea")
    return scope.get_by_label(re.compile(rf"^{re.escape(text)}(\s*必須)?$")).and_(control)


def test_the_group_the_department_and_the_office_conclude_an_agreement(
    new_page: Callable[..., Page],
    login: Callable[..., None],
    assert_accessible: Callable[[Page, str], None],
    tmp_path: Path,
) -> None:
    section = factories.SectionFactory(name="こども支援課")
    group = factories.CivicGroupFactory(registered=True, name="海辺の子ども応援団")
    rep_user = factories.member(group, GroupRole.REPRESENTATIVE, full_name="海辺 花子")
    dept_user = factories.staff_user(Role.DEPARTMENT, section=section, full_name="こども 課員")
    office_user = factories.staff_user(Role.OFFICE, full_name="協働 担当")
    project = make_final(office_user, adopted(office_user, group, section, title=TITLE))

    def step(page: Page, name: str, label: str, *, role: str = "button") -> None:
        page.get_by_role(role, name=label).first.click()  # type: ignore[arg-type]
        page.wait_for_load_state("load")
        assert_accessible(page, name)

    def to_project(page: Page, name: str) -> None:
        page.goto("/dashboard/")
        assert_accessible(page, f"{name}-dashboard")
        step(page, f"{name}-project", TITLE, role="link")
        expect(page.locator("h1")).to_have_text(TITLE)

    # --- the group edits the draft made from its proposal and passes it on ------------------
    rep = new_page()
    login(rep, rep_user)
    to_project(rep, "rep")
    step(rep, "rep-editor", "協定書の案を編集する", role="link")
    labelled(rep.locator("main form.form"), "目的").fill("子どもと高齢者の孤食をなくす")
    step(rep, "rep-saved", "保存する")
    expect(rep.locator(".messages")).to_contain_text("新しい版として残しました")
    step(rep, "rep-passed", "担当課に回す")
    expect(rep.locator(".agreement-state")).to_contain_text("担当課")

    # --- the department edits its part and moves the text to confirmation -----------------
    dept = new_page()
    login(dept, dept_user)
    to_project(dept, "dept")
    step(dept, "dept-editor", "協定書の案を編集する", role="link")
    labelled(dept.locator("main form.form"), "市（担当課）の役割").fill("学校と公民館との調整")
    step(dept, "dept-saved", "保存する")
    step(dept, "dept-to-confirm", "双方の確認に進める")

    # --- both confirm -------------------------------------------------------------------------
    to_project(rep, "rep-again")
    step(rep, "rep-confirmed", "団体として内容を確認した")
    to_project(dept, "dept-again")
    step(dept, "dept-confirmed", "担当課として内容を確認した")

    # --- the office settles the condition and records the conclusion ------------------------
    office = new_page()
    login(office, office_user)
    to_project(office, "office")
    labelled(office.locator("main"), "対応の記録").fill("安全管理の計画を受け取った")
    step(office, "office-settled", "対応を記録する")
    scan = tmp_path / "協定書.pdf"
    scan.write_bytes(PDF_BYTES)
    form = office.locator("main form.form").filter(has_text="記名押印した協定書の写し")
    labelled(form, "締結日").fill("令和8年4月1日")
    labelled(form, "記名押印した協定書の写し").set_input_files(str(scan))
    form.get_by_role("button", name="締結を記録する").click()
    office.wait_for_load_state("load")
    assert_accessible(office, "office-concluded")
    expect(office.locator(".agreement-state")).to_have_text("締結済み")

    # --- the group reads what changed between versions -----------------------------------
    to_project(rep, "rep-concluded")
    step(rep, "rep-versions", "版の違いを見る", role="link")
    # The last two versions by default: the department's change.
    expect(rep.locator("main ins").first).to_contain_text("と公民館との調整")
    rep.get_by_label("比べる版").select_option(label="第1版")
    step(rep, "rep-versions-1-3", "比較する")
    expect(rep.locator("main ins", has_text="と高齢者")).to_have_count(1)
    agreement: Any = Project.objects.get(pk=project.pk).agreement  # type: ignore[attr-defined]
    assert agreement.status == "concluded"
    assert agreement.scans.count() == 1
