"""The selection committee end to end in a real browser.

The office starts the review of a proposal that is ready for it; one member declares a
conflict and cannot open the proposal; the two others declare none and score both rounds
(one answers 該当なし); the office reads the figures, records the committee's advice and
the city's decision, and publishes the results; the group follows the link in its mail to
its notice (which prints as a letter); the public reads the results page. Each person uses
their own browser context; every page is checked with axe and for console errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from kyodo.accounts.models import Role
from kyodo.proposals import workflow
from kyodo.proposals.models import Proposal
from kyodo.registry.models import GroupRole
from kyodo.review import services
from kyodo.review.models import MemberKind
from kyodo.review.seed import seed_review
from tests import factories
from tests.proposals import factories as pf
from tests.review.conftest import ready_proposal, small_set

pytestmark = pytest.mark.browser

Check = Callable[[Page, str], None]


def world() -> dict:
    seed_review()
    office = factories.staff_user(Role.OFFICE, full_name="協働 担当")
    group = factories.CivicGroupFactory(
        registered=True, name="浜辺の見守り隊", name_kana="はまべのみまもりたい"
    )
    rep = factories.member(group, GroupRole.REPRESENTATIVE, full_name="浜辺 花子")
    call = pf.CallFactory(title="令和8年度 協働事業提案")
    committee = services.committee_create(actor=office, call=call, criteria_set=small_set())
    kinds = list(MemberKind.objects.all())
    members = []
    for n, name in enumerate(("利害 一郎", "審査 二郎", "審査 三子")):
        user = factories.UserFactory(roles=[Role.COMMITTEE], full_name=name)
        services.committee_add_member(
            actor=office, committee=committee, user=user, kind=kinds[n % len(kinds)]
        )
        members.append(user)
    proposal = ready_proposal(call, group=group, title="浜辺の清掃と見守り")
    assert proposal.status == workflow.READY_FOR_REVIEW
    return {
        "office": office,
        "rep": rep,
        "call": call,
        "members": members,
        "proposal": proposal,
    }


def declare(page: Page, check: Check, *, conflict: bool) -> None:
    page.goto("/review/")
    check(page, "member-home")
    row = page.get_by_role("row").filter(has_text="浜辺の清掃と見守り")
    row.get_by_role("link", name="申告する").click()
    page.wait_for_load_state("load")
    check(page, "declare")
    if conflict:
        page.get_by_label("利害関係があります（この提案の審査に加わりません）").check()
        page.get_by_label("利害関係の内容（ある場合は必須）").fill("提案団体の理事の親族です")
    else:
        page.get_by_label("利害関係はありません").check()
    page.locator("main form").get_by_role("button", name="申告する").click()
    page.wait_for_load_state("load")


def score(page: Page, check: Check, round_label: str, marks: dict[str, str]) -> None:
    """From the proposal page: open the round's sheet, answer every criterion, submit."""
    page.locator("li").filter(has_text=round_label).get_by_role("link", name="採点する").click()
    page.wait_for_load_state("load")
    check(page, "score")
    for criterion, mark in marks.items():
        card = page.locator("fieldset.card").filter(has_text=criterion)
        card.get_by_label(mark, exact=True).check()
    page.get_by_label("全体の所見（任意）").fill("地域の課題に合っている")
    page.get_by_role("button", name="提出する").click()
    page.wait_for_load_state("load")
    check(page, "proposal-after-score")
    expect(page.get_by_text("採点を提出しました。")).to_be_visible()


def test_it_runs_the_committee_in_a_browser_from_declaration_to_public_results(
    page: Page,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    assert_accessible: Check,
) -> None:
    w = world()
    call, proposal = w["call"], w["proposal"]
    conflicted, *scorers = w["members"]

    # The office starts the review of the proposal that is ready for it.
    office = page
    login(office, w["office"])
    office.goto(f"/staff/review/calls/{call.pk}/")
    assert_accessible(office, "committee")
    office.get_by_role("button", name="審査待ちの提案の審査を始める").click()
    office.wait_for_load_state("load")
    assert_accessible(office, "committee-started")
    expect(office.get_by_text("1件の提案の審査を始めました。")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == workflow.IN_REVIEW

    # A member declares a conflict and cannot open the proposal.
    member = new_page()
    login(member, conflicted)
    declare(member, assert_accessible, conflict=True)
    assert_accessible(member, "member-home-declared")
    expect(member.get_by_text("利害関係ありと申告しました。")).to_be_visible()
    row = member.get_by_role("row").filter(has_text="浜辺の清掃と見守り")
    expect(row.get_by_text("利害関係あり（審査しません）")).to_be_visible()
    expect(row.get_by_role("link", name="浜辺の清掃と見守り")).to_have_count(0)
    # Typing the address does not open it either. (Fetched with the page's own cookies, not
    # navigated to: Chromium logs every 403 document as a console error, which the harness
    # rightly counts as a failure of the page.)
    for url in (f"/review/proposals/{proposal.pk}/", f"/review/proposals/{proposal.pk}/score/1/"):
        refused = member.request.get(url)
        assert refused.status == 403
        assert "利害関係を申告したため" in refused.text()

    # The others declare no conflict and score both rounds; round 2 is what counts.
    rounds = {
        scorers[0]: (
            {"公益性": "3", "協働の効果": "3", "実現可能性": "3"},
            {"公益性": "4", "協働の効果": "該当なし", "実現可能性": "5"},
        ),
        scorers[1]: (
            {"公益性": "2", "協働の効果": "2", "実現可能性": "2"},
            {"公益性": "5", "協働の効果": "4", "実現可能性": "3"},
        ),
    }
    for user, (first, second) in rounds.items():
        scorer = new_page()
        login(scorer, user)
        declare(scorer, assert_accessible, conflict=False)
        assert_accessible(scorer, "proposal")
        expect(scorer.get_by_role("heading", level=1)).to_have_text("浜辺の清掃と見守り")
        score(scorer, assert_accessible, "第1回", first)
        score(scorer, assert_accessible, "第2回", second)

    # The office reads the figures: A (4 + 5) / 2 = 4.5, B 4 (one N/A), C (5 + 3) / 2 = 4;
    # total = (2 × 3.5/4 + 3/4 + 3/4) / 4 × 100 = 81.25, shown as 81.3.
    office.goto(f"/staff/review/calls/{call.pk}/results/")
    assert_accessible(office, "staff-results")
    progress = office.get_by_role("table").get_by_role("row").filter(has_text="浜辺の清掃と見守り")
    expect(progress).to_contain_text("2 / 2")  # the conflicted member is not expected to score
    expect(progress).to_contain_text("81.3")
    expect(progress).to_contain_text("基準以上")
    office.goto(f"/staff/review/proposals/{proposal.pk}/")
    assert_accessible(office, "staff-proposal")
    summary = office.locator("section", has=office.get_by_role("heading", name="集計"))
    expect(summary).to_contain_text("4.5")
    expect(summary).to_contain_text("81.3")
    # ... records the committee's advice, then the city's decision.
    advice = office.locator("form", has=office.get_by_role("button", name="答申を記録する"))
    advice.get_by_label("採択が適当", exact=True).check()
    advice.get_by_label("講評（審査結果のページで公表します）").fill(
        "地域の見守りと清掃を結びつけた点を評価します。"
    )
    advice.get_by_role("button", name="答申を記録する").click()
    office.wait_for_load_state("load")
    assert_accessible(office, "advised")
    decision = office.locator(
        "form", has=office.get_by_role("button", name="決定を記録して通知する")
    )
    decision.get_by_label("採択", exact=True).check()
    decision.get_by_role("button", name="決定を記録して通知する").click()
    office.wait_for_load_state("load")
    assert_accessible(office, "decided")
    expect(office.get_by_role("link", name="通知書")).to_be_visible()
    assert Proposal.objects.get(pk=proposal.pk).status == workflow.ADOPTED
    # ... and publishes the results.
    office.goto(f"/staff/review/calls/{call.pk}/")
    assert_accessible(office, "committee-decided")
    publish = office.locator("form", has=office.get_by_role("button", name="審査結果を公表する"))
    publish.get_by_role("textbox").fill("地域に根ざした提案がそろいました。")
    publish.get_by_role("button", name="審査結果を公表する").click()
    office.wait_for_load_state("load")
    assert_accessible(office, "published")
    expect(office.get_by_text("記録しました。")).to_be_visible()

    # The group follows the link in its mail to its notice, which prints as a letter.
    (notice_mail,) = [m for m in mail.outbox if w["rep"].email in m.to and "審査結果" in m.subject]
    path = re.search(r"/proposals/\d+/notice/", notice_mail.body)
    assert path is not None
    group = new_page()
    login(group, w["rep"])
    group.goto(path.group(0))
    assert_accessible(group, "notice")
    letter = group.locator("article.letter")
    expect(letter.get_by_role("heading", level=1)).to_have_text(
        "協働事業の提案の審査結果について（通知）"
    )
    expect(letter).to_contain_text("浜辺の見守り隊")
    expect(letter).to_contain_text("採択")
    expect(letter).to_contain_text("地域の見守りと清掃を結びつけた点を評価します。")
    group.emulate_media(media="print")
    style = "(e, p) => getComputedStyle(e)[p]"
    assert letter.locator(".letter__from").evaluate(style, "textAlign") == "right"
    assert letter.get_by_role("heading", level=1).evaluate(style, "textAlign") == "center"
    expect(group.locator(".site-header")).to_be_hidden()
    expect(group.get_by_role("link", name="提案に戻る")).to_be_hidden()
    group.emulate_media(media="screen")

    # The public reads the results page.
    public = new_page()
    public.goto(f"/calls/{call.pk}/results/")
    assert_accessible(public, "public-results")
    table = public.get_by_role("table")
    result_row = table.get_by_role("row").filter(has_text="浜辺の清掃と見守り")
    expect(result_row).to_contain_text("81.3")
    expect(result_row).to_contain_text("4.5")
    expect(public.get_by_text("地域に根ざした提案がそろいました。")).to_be_visible()
    expect(public.get_by_text("地域の見守りと清掃を結びつけた点を評価します。")).to_be_visible()
    expect(public.get_by_text("審査 二郎")).to_have_count(0)  # no member's name or scores

    # On a 390-pixel phone, from the home page: the table restacks, nothing scrolls sideways.
    phone = new_page(phone=True)
    phone.goto("/")
    phone.get_by_role("link", name="協働事業の募集").first.click()
    phone.wait_for_load_state("load")
    phone.get_by_role("link", name=re.compile("審査結果")).first.click()
    phone.wait_for_load_state("load")
    assert_accessible(phone, "phone-results")
    expect(phone.locator("td[data-label]").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
