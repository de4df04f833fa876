"""Who may see and do what with rooms and bookings."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, check, deny, describe, predicate

BOOKING_STAFF = (Role.CENTER, Role.OFFICE)


def is_booking_staff(user: Any) -> bool:
    return is_person(user) and user.has_role(*BOOKING_STAFF)


def _member_of(user: Any, group: Any) -> bool:
    from kyodo.registry.permissions import membership_role

    return bool(membership_role(user, group))


@predicate("booking.manage")
def can_manage(user: Any, obj: Any = None) -> Decision:
    """Facilities, rooms, their rules, closures, lotteries, the window and the statistics."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not is_booking_staff(user):
        return deny(_("施設予約の管理は、市民活動センターと協働担当課の職員が行います。"))
    return ALLOW


@predicate("booking.book")
def can_book(user: Any, obj: Any = None) -> Decision:
    """Opening the booking screen (the room's own rules are checked on sending)."""
    return ALLOW if is_person(user) else deny(LOGIN_REQUIRED)


@predicate("booking.book_for_group")
def can_book_for_group(user: Any, group: Any) -> Decision:
    if is_booking_staff(user):
        return ALLOW
    return check("registry.act_for_group", user, group)


@predicate("booking.view")
def can_view(user: Any, booking: Any) -> Decision:
    """A booking's page: the group's members, the person who booked it, and staff."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_booking_staff(user) or booking.booked_by_id == user.pk:
        return ALLOW
    if booking.group_id is not None and _member_of(user, booking.group):
        return ALLOW
    return deny(_("この予約は、予約した団体のメンバーとセンター職員だけが見られます。"))


@describe(
    _(
        "予約した団体のメンバー（団体の登録が有効な間）、団体でない予約では予約した本人、または市民活動センター・協働担当課"
    )
)
def can_act_for_booking(user: Any, booking: Any) -> Decision:
    """Changing or cancelling: the group's members (with a current registration), the person
    who booked it without a group, and staff."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_booking_staff(user):
        return ALLOW
    if booking.group_id is not None:
        return check("registry.act_for_group", user, booking.group)
    if booking.booked_by_id == user.pk:
        return ALLOW
    return deny(_("この予約を変更・取消しできるのは、予約した団体のメンバーとセンター職員です。"))


@predicate("booking.change")
def can_change(user: Any, booking: Any) -> Decision:
    from kyodo.booking.rules import cancel_deadline_passed
    from kyodo.booking.workflow import ACTIVE, HELD

    decision = can_act_for_booking(user, booking)
    if not decision:
        return decision
    if booking.status not in ACTIVE or booking.status == HELD:
        return deny(_("この予約は変更できません。"))
    from django.utils import timezone

    if not is_booking_staff(user) and cancel_deadline_passed(booking, timezone.now()):
        return deny(
            _("変更の期限（利用日の%(days)s日前）を過ぎています。窓口にご連絡ください。")
            % {"days": booking.room.cancel_days}
        )
    return ALLOW
