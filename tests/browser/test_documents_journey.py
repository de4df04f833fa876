"""Documents in a real browser, every step a click from the person's dashboard.

A committee member builds their committee pack from the dashboard panel, watches the
progress page and downloads one PDF; a group's representative goes from the dashboard to
the group, its certificate, and downloads the certificate as PDF and as Word.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kyodo.accounts.models import Role
from kyodo.registry.models import GroupRole
from kyodo.review import services
from kyodo.review.models import MemberKind
from kyodo.review.seed import seed_review
from tests import factories
from tests.proposals import factories as pf
from tests.review.conftest import ready_proposal, small_set

pytestmark = pytest.mark.browser

Check = Callable[[Page, str], None]


def test_it_builds_a_committee_pack_and_downloads_a_certificate_by_clicking(
    page: Page,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    assert_accessible: Check,
) -> None:
    seed_review()
    office = factories.staff_user(Role.OFFICE, full_name="協働 担当")
    group = factories.CivicGroupFactory(
        registered=True, name="髙﨑の浜辺を守る会", name_kana="たかさきのはまべをまもるかい"
    )
    rep = factories.member(group, GroupRole.REPRESENTATIVE, full_name="髙橋 𠮷子")
    call = pf.CallFactory(title="令和8年度 協働事業提案")
    committee = services.committee_create(actor=office, call=call, criteria_set=small_set())
    member = factories.UserFactory(roles=[Role.COMMITTEE], full_name="審査 二郎")
    services.committee_add_member(
        actor=office, committee=committee, user=member, kind=MemberKind.objects.first()
    )
    proposal = services.review_start(
        actor=office, proposal=ready_proposal(call, group=group, title="浜辺の清掃と見守り")
    )
    other = factories.CivicGroupFactory(registered=True, name="別の会", name_kana="べつのかい")
    services.declaration_make(actor=member, proposal=proposal, has_conflict=False)
    services.review_start(
        actor=office, proposal=ready_proposal(call, group=other, title="公園の花壇")
    )

    # The member: dashboard → build the pack → progress page → download.
    login(page, member)
    page.goto("/dashboard/")
    assert_accessible(page, "member-dashboard")
    page.get_by_role("button", name="審査資料一式（PDF）を作成する").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_contain_text("審査資料一式")
    expect(page.get_by_role("status")).to_contain_text("完成")
    assert_accessible(page, "bundle")
    with page.expect_download() as info:
        page.locator("main").get_by_role("link", name="ダウンロード：").click()
    download = info.value
    assert download.suggested_filename.endswith("_審査資料一式_審査 二郎.pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # The group's representative: dashboard → the group → its certificate → PDF and Word.
    rep_page = new_page()
    login(rep_page, rep)
    rep_page.goto("/dashboard/")
    rep_page.get_by_role("link", name="髙﨑の浜辺を守る会").first.click()
    rep_page.wait_for_load_state("load")
    assert_accessible(rep_page, "my-group")
    rep_page.get_by_role("link", name="登録証を表示").click()
    rep_page.wait_for_load_state("load")
    assert_accessible(rep_page, "certificate")
    for fmt, magic in (("PDF", b"%PDF-"), ("Word", b"PK")):
        with rep_page.expect_download() as info:
            rep_page.locator(".document-links").get_by_role("link", name=fmt).click()
        download = info.value
        assert download.suggested_filename.startswith("市民活動団体登録証_髙﨑の浜辺を守る会")
        with open(download.path(), "rb") as handle:
            assert handle.read(len(magic)) == magic
