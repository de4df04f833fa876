"""The booking app's menu entries and dashboard panels (see kyodo.core.navigation)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import DashboardPanel, MenuEntry, register_menu, register_panel
from kyodo.core.permissions import check


def _mine(user: Any) -> dict[str, Any] | None:
    """For members of groups: their next bookings, wins to confirm, lotteries and freed slots."""
    from kyodo.booking import selectors
    from kyodo.booking.permissions import is_booking_staff

    if is_booking_staff(user) or not user.group_memberships.exists():
        return None
    return {
        "bookings": selectors.person_bookings(user)[:5],
        "to_confirm": selectors.entries_of(user).filter(status="won"),
        "lotteries": selectors.open_lotteries(),
    }


def _staff(user: Any) -> dict[str, Any] | None:
    from django.utils import timezone

    from kyodo.booking import selectors

    if not check("booking.manage", user):
        return None
    return {
        "awaiting": selectors.awaiting_approval().count(),
        "today": selectors.day_sheet(timezone.localdate())
        .filter(status__in=["requested", "confirmed", "held"])
        .count(),
    }


register_menu(
    MenuEntry(_("施設の予約"), "booking:rooms", public=True, order=20, current=("booking:room",)),
    MenuEntry(_("施設予約の管理"), "booking:staff", permission="booking.manage", order=75),
)
register_panel(
    DashboardPanel("booking_mine", "booking/_dashboard_mine.html", _mine, 30),
    DashboardPanel("booking_staff", "booking/_dashboard_staff.html", _staff, 15),
)
