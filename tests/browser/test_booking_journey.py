"""Issue 13 end to end in a real browser, every step starting from the person's dashboard:

1. group A enters a lottery, the center draws it, group A wins and confirms;
2. group B's win is not confirmed by the deadline and is released (the automatic step);
   group C finds the freed slot in the list and books it first come (2次予約);
3. the center books at the window for a person without an account and prints the 利用承認書;
4. group A cancels its booking and the freed slot appears in the list.

Each person uses their own browser context; every page is checked with axe and for
console errors, and saved as a screenshot under test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from kyodo.accounts.models import Role
from kyodo.booking import services
from kyodo.booking.models import Booking, Facility, LotteryRound, Room
from kyodo.booking.rules import at
from kyodo.japan.calendar import wareki_or_iso
from kyodo.registry.models import GroupRole
from tests import factories

pytestmark = pytest.mark.browser

Check = Callable[[Page, str], None]


def labelled(scope: Page | Locator, text: str) -> Locator:
    return scope.get_by_label(re.compile(rf"^{re.escape(text)}(\s*必須)?$"))


def dashboard(page: Page, check: Check, name: str) -> None:
    page.goto("/dashboard/")
    check(page, name)


def test_it_runs_a_lottery_a_first_come_booking_a_window_booking_and_a_cancellation(
    page: Page, new_page: Callable[..., Page], login: Callable[..., None], assert_accessible: Check
) -> None:
    check = assert_accessible
    facility = Facility.objects.create(name="市民活動センター本館")
    hall = Room.objects.create(
        facility=facility, name="多目的ホール", capacity=60, max_active=0, max_per_month=0
    )
    Room.objects.create(
        facility=facility,
        name="作業室",
        capacity=8,
        who_may_book="anyone",
        max_active=0,
        max_per_month=0,
    )
    reps = {}
    for key, name in (("a", "浜辺の見守り隊"), ("b", "朗読の会"), ("c", "子ども食堂みんな")):
        group = factories.CivicGroupFactory(registered=True, name=name, name_kana="だんたい")
        reps[key] = (
            factories.member(group, GroupRole.REPRESENTATIVE, full_name=f"代表 {key.upper()}"),
            group,
        )
    staff = factories.staff_user(Role.CENTER, full_name="センター 職員")
    today = timezone.localdate()
    first = today + dt.timedelta(days=30)
    lottery = LotteryRound.objects.create(
        title="来月の多目的ホール抽選",
        first_day=first,
        last_day=first + dt.timedelta(days=10),
        entries_open_at=timezone.now() - dt.timedelta(days=1),
        entries_close_at=timezone.now() + dt.timedelta(days=1),
        confirm_by=timezone.now() + dt.timedelta(days=7),
    )
    lottery.rooms.add(hall)
    b_day = first + dt.timedelta(days=1)
    services.lottery_enter(
        actor=reps["b"][0],
        lottery=lottery,
        request=services.Request(
            room=hall,
            starts_at=at(b_day, dt.time(18)),
            ends_at=at(b_day, dt.time(21, 30)),
            group=reps["b"][1],
            purpose="朗読練習",
            attendees=10,
        ),
    )

    # --- 1. group A enters the lottery from its dashboard ------------------------------------
    rep_a = page
    login(rep_a, reps["a"][0])
    check(rep_a, "a-dashboard")
    rep_a.get_by_role("link", name=re.compile(r"抽選（1件）")).click()
    check(rep_a, "a-lotteries")
    rep_a.get_by_role("link", name="来月の多目的ホール抽選").click()
    check(rep_a, "a-lottery")
    rep_a.get_by_role("link", name=re.compile("多目的ホール の抽選に申し込む")).click()
    check(rep_a, "a-lottery-enter")
    form = rep_a.locator("main form.form")
    labelled(form, "時間帯").select_option("evening")
    labelled(form, "利用人数").fill("２０")
    labelled(form, "利用目的").fill("海辺の清掃の打合せ")
    form.get_by_role("button", name="抽選に申し込む").click()
    expect(rep_a.locator(".message--success")).to_contain_text("抽選に申し込みました")
    check(rep_a, "a-lottery-entered")

    # --- the entries close; the center draws from its dashboard ------------------------------
    LotteryRound.objects.filter(pk=lottery.pk).update(
        entries_close_at=timezone.now() - dt.timedelta(minutes=1)
    )
    desk = new_page()
    login(desk, staff)
    check(desk, "staff-dashboard")
    desk.get_by_role("link", name="施設予約の管理").first.click()
    check(desk, "staff-booking")
    desk.get_by_role("link", name="抽選の一覧").click()
    check(desk, "staff-lotteries")
    desk.get_by_role("link", name="来月の多目的ホール抽選").click()
    check(desk, "staff-lottery")
    desk.get_by_role("button", name=re.compile("抽選を行う")).click()
    expect(desk.locator(".message--success")).to_contain_text("抽選を行いました")
    expect(desk.get_by_text("再計算の結果：記録と一致しました。")).to_be_visible()
    check(desk, "staff-lottery-drawn")

    # --- group A sees its win on the dashboard and confirms ----------------------------------
    dashboard(rep_a, check, "a-dashboard-won")
    rep_a.locator(".notice").get_by_role("link", name=re.compile("来月の多目的ホール抽選")).click()
    check(rep_a, "a-lottery-won")
    rep_a.get_by_role("button", name=re.compile("の当選を確定する")).click()
    expect(rep_a.locator(".message--success")).to_contain_text("当選を確定しました")
    check(rep_a, "a-lottery-confirmed")
    won = Booking.objects.get(group=reps["a"][1])
    assert won.status == "confirmed" and won.channel == "lottery"

    # --- 2. B did not confirm: the deadline passes, the automatic step releases it ------------
    LotteryRound.objects.filter(pk=lottery.pk).update(
        confirm_by=timezone.now() - dt.timedelta(minutes=1)
    )
    assert services.lottery_release_due() == 1
    rep_c = new_page(phone=True)
    login(rep_c, reps["c"][0])
    check(rep_c, "c-dashboard")
    rep_c.get_by_role("link", name="空いた枠").click()
    check(rep_c, "c-freed")
    rep_c.get_by_role("link", name=re.compile(r"多目的ホール（.*）の空きを見る")).click()
    check(rep_c, "c-room-day")
    rep_c.get_by_role("link", name=f"{b_day.month}/{b_day.day} 18:00から予約する").click()
    check(rep_c, "c-book")
    form = rep_c.locator("main form.form")
    labelled(form, "利用人数").fill("15")
    labelled(form, "利用目的").fill("子ども食堂の準備会")
    form.get_by_role("button", name="予約する").click()
    expect(rep_c.locator(".message--success")).to_have_text("予約が確定しました。")
    check(rep_c, "c-booked")
    taken = Booking.objects.get(group=reps["c"][1])
    assert (taken.room, taken.status, taken.starts_at) == (
        hall,
        "confirmed",
        at(b_day, dt.time(18)),
    )

    # --- 3. the center books at the window for someone without an account --------------------
    dashboard(desk, check, "staff-dashboard-again")
    desk.get_by_role("link", name="窓口で予約を受け付ける").click()
    check(desk, "staff-rooms")
    desk.get_by_role("link", name=re.compile("作業室")).first.click()
    check(desk, "staff-room")
    desk.get_by_role("link", name=re.compile("から予約する")).last.click()
    check(desk, "staff-book")
    form = desk.locator("main form.form")
    labelled(form, "受付の方法").select_option("window")
    labelled(form, "利用者名（団体で予約しないとき）").fill("窓口 ハナ")
    labelled(form, "連絡先電話番号").fill("0467-00-0000")
    labelled(form, "利用人数").fill("3")
    labelled(form, "利用目的").fill("俳句の会")
    form.get_by_role("button", name="予約する").click()
    expect(desk.locator(".message--success")).to_have_text("予約が確定しました。")
    check(desk, "staff-booked")
    desk.get_by_role("link", name="利用承認書を表示・印刷する").click()
    expect(desk.locator("h1")).to_have_text("施設利用承認書")
    check(desk, "staff-approval")
    walk_in = Booking.objects.get(holder_name="窓口 ハナ")
    assert walk_in.channel == "window" and walk_in.booked_by == staff and walk_in.number

    # --- 4. group A cancels; the freed slot appears in the list -----------------------------
    dashboard(rep_a, check, "a-dashboard-booked")
    rep_a.get_by_role("link", name=re.compile("多目的ホール")).first.click()
    check(rep_a, "a-booking")
    rep_a.get_by_role("button", name="予約を取り消す").click()
    expect(rep_a.locator(".message--success")).to_contain_text("予約を取り消す")
    check(rep_a, "a-cancelled")
    dashboard(rep_a, check, "a-dashboard-cancelled")
    rep_a.get_by_role("link", name="空いた枠").click()
    check(rep_a, "a-freed")
    day = f"{wareki_or_iso(first)} 18:00"
    expect(rep_a.get_by_role("row").filter(has_text=day)).to_have_count(1)
