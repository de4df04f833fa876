"""The four parties' own tasks in a real browser, each person starting at their dashboard and
clicking only (issue 9): the department edits its draft theme and concludes a consultation it
was given; the department and the center co-write the four-party minutes and the office
records the outcome; a committee member with no conflict opens a proposal's attachment.
Every page is checked with axe and for console errors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from kyodo.accounts.models import Role
from kyodo.programmes.models import CityTheme
from kyodo.proposals import consultations, fourparty, workflow
from kyodo.proposals.models import (
    ConsultationOutcome,
    ConsultationSheet,
    FourPartyConsultation,
    ProposalAttachment,
)
from kyodo.registry.models import GroupRole
from kyodo.review import services as review
from kyodo.review.models import MemberKind
from kyodo.review.seed import seed_review
from tests import factories
from tests.proposals import factories as pf
from tests.review.conftest import ready_proposal, small_set

pytestmark = pytest.mark.browser

Check = Callable[[Page, str], None]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def labelled(scope: Page | Locator, text: str) -> Locator:
    control = scope.locator("input:not([type=checkbox]):not([type=radio]), select, textarea")
    return scope.get_by_label(re.compile(rf"^{re.escape(text)}(\s*必須)?$")).and_(control)


def click(page: Page, check: Check, name: str, text: str, *, role: str = "button") -> None:
    page.get_by_role(role, name=text).first.click()  # type: ignore[arg-type]
    page.wait_for_load_state("load")
    check(page, name)


def from_dashboard(page: Page, check: Check, name: str, link: str) -> None:
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="マイページ"
    ).click()
    page.wait_for_load_state("load")
    check(page, f"{name}-dashboard")
    click(page, check, name, link, role="link")


def test_the_department_edits_its_theme_concludes_a_consultation_and_co_writes_the_minutes(
    page: Page,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    assert_accessible: Check,
) -> None:
    check = assert_accessible
    section = factories.SectionFactory(name="こども支援課")
    dept_user = factories.staff_user(Role.DEPARTMENT, section=section, full_name="こども 課員")
    center_user = factories.staff_user(Role.CENTER, full_name="センター 職員")
    office_user = factories.staff_user(Role.OFFICE, full_name="協働 担当")
    call = pf.CallFactory(title="令和8年度 つながる鎌倉エール事業")
    pf.CityThemeFactory(call=call, section=section, status="draft", title="子どもの居場所づくり")
    group = factories.CivicGroupFactory(registered=True, name="海辺の子ども応援団")
    rep = factories.member(group, GroupRole.REPRESENTATIVE, full_name="海辺 花子")
    sheet = ConsultationSheet.objects.create(
        group=group, call=call, idea="子ども食堂と学習支援", issue="孤食", created_by=rep
    )
    consultations.consultation_assign(actor=office_user, sheet=sheet, section=section)
    proposal = pf.ProposalFactory(
        call=call, group=group, created_by=rep, title="海辺の子ども食堂", section=section
    )
    pf.balanced_budget(proposal, city=300_000, own=60_000)
    proposal.status = workflow.ACCEPTED  # the intake is another journey's (test_proposal_journeys)
    proposal.save(update_fields=["status"])
    fourparty.fourparty_schedule(
        actor=office_user, proposal=proposal, scheduled_at=timezone.now() - dt.timedelta(hours=2)
    )

    # --- the department: its draft theme, from the dashboard -------------------------------
    dept = page
    login(dept, dept_user)
    check(dept, "dept-dashboard")
    click(dept, check, "dept-theme", "子どもの居場所づくり", role="link")
    click(dept, check, "dept-theme-edit", "このテーマを編集する", role="link")
    labelled(dept.locator("main form.form"), "背景と課題").fill("放課後にひとりで過ごす子が増えた")
    click(dept, check, "dept-theme-saved", "保存する")
    assert CityTheme.objects.get(title="子どもの居場所づくり").background == (
        "放課後にひとりで過ごす子が増えた"
    )

    # --- the consultation it was given: record the meeting, conclude ------------------------
    from_dashboard(dept, check, "dept-consultation", "海辺の子ども応援団：子ども食堂と学習支援")
    main = dept.locator("main")
    labelled(main, "相談日").fill("令和8年5月10日")
    labelled(main, "出席者").fill("団体代表、こども支援課")
    labelled(main, "相談の内容").fill("学校との連携を話し合った")
    click(dept, check, "dept-consultation-met", "記録する")
    labelled(dept.locator("main"), "相談の結果").select_option(label="担当課が決まり、提案の準備へ")
    labelled(dept.locator("main"), "結果の説明（団体に表示されます）").fill(
        "提案書を一緒に作ります"
    )
    click(dept, check, "dept-consultation-concluded", "結果を記録する")
    sheet.refresh_from_db()
    assert sheet.outcome == ConsultationOutcome.MATCHED

    # --- the four-party minutes: the department starts them ---------------------------------
    from_dashboard(dept, check, "dept-fourparty", "海辺の子ども食堂")
    labelled(dept.locator("main"), "議事録").fill("役割分担：団体が食堂を運営する")
    click(dept, check, "dept-minutes-saved", "議事録を保存する")
    expect(dept.locator("main")).to_contain_text("こども 課員さんが")

    # --- the center adds its part, from its own dashboard -----------------------------------
    center = new_page()
    login(center, center_user)
    check(center, "center-dashboard")
    click(center, check, "center-fourparty", "海辺の子ども食堂", role="link")
    minutes = labelled(center.locator("main"), "議事録")
    expect(minutes).to_have_value("役割分担：団体が食堂を運営する")
    minutes.fill("役割分担：団体が食堂を運営する\nセンター：ボランティア募集を支援する")
    click(center, check, "center-minutes-saved", "議事録を保存する")

    # --- the office records the outcome on the minutes both wrote ---------------------------
    office = new_page()
    login(office, office_user)
    check(office, "office-dashboard")
    click(office, check, "office-fourparty", "海辺の子ども食堂", role="link")
    expect(labelled(office.locator("main"), "議事録")).to_have_value(
        "役割分担：団体が食堂を運営する\nセンター：ボランティア募集を支援する"
    )
    office.locator("main").get_by_label("審査に進む", exact=True).check()
    click(office, check, "office-recorded", "結果を記録する")
    meeting = FourPartyConsultation.objects.get(proposal=proposal)
    assert meeting.outcome == "proceed"
    assert "ボランティア募集を支援する" in meeting.minutes
    proposal.refresh_from_db()
    assert proposal.status == workflow.READY_FOR_REVIEW


def test_a_member_without_a_conflict_opens_an_attachment_from_the_dashboard(
    page: Page, login: Callable[..., None], assert_accessible: Check
) -> None:
    check = assert_accessible
    seed_review()
    office = factories.staff_user(Role.OFFICE, full_name="協働 担当")
    call = pf.CallFactory(title="令和8年度 協働事業提案")
    committee = review.committee_create(actor=office, call=call, criteria_set=small_set())
    member = factories.UserFactory(roles=[Role.COMMITTEE], full_name="審査 二郎")
    review.committee_add_member(
        actor=office, committee=committee, user=member, kind=MemberKind.objects.first()
    )
    proposal = ready_proposal(call, title="浜辺の清掃と見守り")
    ProposalAttachment.objects.create(
        proposal=proposal,
        kind="rules",
        file=ContentFile(PDF, name="rules.pdf"),
        original_name="会則.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=proposal.created_by,
        frozen_in_version=1,
    )
    review.review_start(actor=office, proposal=proposal)  # the office's part: another journey

    login(page, member)
    check(page, "member-dashboard")
    row = page.get_by_role("row").filter(has_text="浜辺の清掃と見守り")
    row.get_by_role("link", name="申告する").click()
    page.wait_for_load_state("load")
    check(page, "member-declare")
    page.get_by_label("利害関係はありません").check()
    page.locator("main form").get_by_role("button", name="申告する").click()
    page.wait_for_load_state("load")
    check(page, "member-declared")
    from_dashboard(page, check, "member-proposal", "浜辺の清掃と見守り")
    with page.expect_download() as download:
        page.get_by_role("link", name="会則.pdf").click()
    path = download.value.path()
    assert path is not None and open(path, "rb").read() == PDF  # noqa: PTH123, SIM115
