"""The booking's and the lottery entry's states and moves, as two tables on the one engine.

Booking: 承認待ち (requested) → 予約確定 (confirmed) → 取消し / 無断不使用; a lottery win is a
booking 当選・確定待ち (held) until the group confirms it or the deadline releases it. A
staff correction (voided) frees the room without counting against the group.
Lottery entry: 申込中 (entered) → 当選 (won) / 落選 (lost); 当選 → 確定 (confirmed) / 失効 (released).
Only `WORKFLOW.transition(...)` and `ENTRY_WORKFLOW.transition(...)` change these statuses.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo.core.permissions import ALLOW, Decision, deferred, deny, describe
from kyodo.core.workflow import Move, State, Transition, Workflow, states, table

REQUESTED, CONFIRMED, HELD = "requested", "confirmed", "held"
CANCELLED, REJECTED, NO_SHOW, VOIDED, RELEASED = (
    "cancelled",
    "rejected",
    "no_show",
    "voided",
    "released",
)
# A booking in one of these holds its room (models.ACTIVE_STATUSES says the same to the
# database constraint).
ACTIVE = frozenset({REQUESTED, CONFIRMED, HELD})
# States that free the room again and so make a freed slot.
FREEING = frozenset({CANCELLED, REJECTED, VOIDED, RELEASED})


def _is_staff(user: Any) -> bool:
    from kyodo.booking.permissions import is_booking_staff

    return is_booking_staff(user)


_group_or_staff = deferred("kyodo.booking.permissions.can_act_for_booking")


@describe(_("市民活動センターまたは協働担当課"))
def _staff(user: Any, booking: Any) -> Decision:
    if _is_staff(user):
        return ALLOW
    return deny(_("この操作は、市民活動センターまたは協働担当課の職員が行います。"))


@describe(
    _(
        "部屋ごとの取消しの期限（利用日の何日前まで）を過ぎていないこと（職員は期限の後も取り消せる）"
    )
)
def _before_cancel_deadline(actor: Any, booking: Any, params: dict[str, Any]) -> Decision:
    """Groups cancel online until the room's deadline; staff may cancel later at the window."""
    from kyodo.booking.rules import cancel_deadline_passed

    if _is_staff(actor) or not cancel_deadline_passed(booking, timezone.now()):
        return ALLOW
    return deny(
        _(
            "取消しの期限（利用日の%(days)s日前）を過ぎています。"
            "取り消す場合は市民活動センターの窓口にご連絡ください。"
        )
        % {"days": booking.room.cancel_days}
    )


@describe(_("利用時間がまだ始まっていないこと"))
def _not_started(actor: Any, booking: Any, params: dict[str, Any]) -> Decision:
    if booking.starts_at > timezone.now():
        return ALLOW
    return deny(_("利用時間が始まった予約は取り消せません。"))


@describe(_("利用時間が始まっていること"))
def _started(actor: Any, booking: Any, params: dict[str, Any]) -> Decision:
    if booking.starts_at <= timezone.now():
        return ALLOW
    return deny(_("無断不使用は、利用時間が始まってから記録できます。"))


@describe(_("抽選で当選した予約は、当選確定の期限より前であること"))
def _before_confirm_deadline(actor: Any, booking: Any, params: dict[str, Any]) -> Decision:
    entry = getattr(booking, "lottery_entry", None)
    if entry is None or timezone.now() < entry.round.confirm_by:
        return ALLOW
    return deny(_("当選確定の期限を過ぎました。"))


# Moves only the booking services start (by_service), whoever acts for them, or no one for a
# scheduled job: their description says when they happen.
@describe(_("自動（承認のいらない部屋の予約と、職員が受け付けた予約は、申込みと同時に確定）"))
def _on_booking(user: Any, booking: Any) -> Decision:
    return ALLOW


@describe(_("抽選の実行（職員が行うか、申込期間の終わった抽選を自動で）"))
def _by_the_draw(user: Any, obj: Any) -> Decision:
    return ALLOW


@describe(_("自動（当選確定の期限が過ぎたとき）"))
def _at_confirm_deadline(user: Any, obj: Any) -> Decision:
    return ALLOW


def _free_slot(move: Move[Any]) -> None:
    from kyodo.booking.services import slot_freed

    slot_freed(booking=move.obj, now=move.now)


BOOKING_STATES = states(
    [
        State(
            REQUESTED, _("承認待ち"), _("申込中（センターの承認待ち）"), _("予約あり（承認待ち）")
        ),
        State(CONFIRMED, _("予約確定"), _("予約確定"), _("予約あり")),
        State(
            HELD,
            _("当選（確定待ち）"),
            _("当選しました（期限までに確定してください）"),
            _("予約あり"),
        ),
        State(CANCELLED, _("取消し"), _("取消し"), _("空き"), final=True),
        State(REJECTED, _("不承認"), _("不承認（理由をご確認ください）"), _("空き"), final=True),
        State(NO_SHOW, _("無断不使用"), _("無断不使用"), _("予約あり"), final=True),
        State(VOIDED, _("職員が訂正"), _("センターが訂正しました"), _("空き"), final=True),
        State(RELEASED, _("当選失効"), _("確定期限を過ぎたため失効"), _("空き"), final=True),
    ]
)

WORKFLOW: Workflow[Any] = Workflow(
    key="booking",
    label=_("施設予約"),
    model_label="booking.Booking",
    states=BOOKING_STATES,
    initial=REQUESTED,
    noun=_("予約"),
    lock_related=("room",),
    touch=("updated_at",),
    transitions=table(
        [
            Transition(
                "auto_confirm",
                _("予約を確定する"),
                frozenset({REQUESTED}),
                CONFIRMED,
                permission=_on_booking,
                by_person=False,
                event="booking.confirm",
            ),
            Transition(
                "approve",
                _("承認する"),
                frozenset({REQUESTED}),
                CONFIRMED,
                permission=_staff,
                event="booking.approve",
            ),
            Transition(
                "reject",
                _("承認しない"),
                frozenset({REQUESTED}),
                REJECTED,
                permission=_staff,
                needs_reason=True,
                after=(_free_slot,),
                event="booking.reject",
            ),
            Transition(
                "hold",
                _("当選として仮押さえする"),
                frozenset({REQUESTED}),
                HELD,
                permission=_by_the_draw,
                by_person=False,
            ),
            Transition(
                "confirm_win",
                _("当選を確定する"),
                frozenset({HELD}),
                CONFIRMED,
                permission=_group_or_staff,
                guards=(_before_confirm_deadline,),
                by_person=False,
                event="booking.confirm_win",
            ),
            Transition(
                "release",
                _("確定期限切れで失効させる"),
                frozenset({HELD}),
                RELEASED,
                permission=_at_confirm_deadline,
                by_person=False,
                after=(_free_slot,),
                event="booking.release",
            ),
            Transition(
                "cancel",
                _("予約を取り消す"),
                frozenset({REQUESTED, CONFIRMED}),
                CANCELLED,
                permission=_group_or_staff,
                guards=(_not_started, _before_cancel_deadline),
                after=(_free_slot,),
                event="booking.cancel",
            ),
            Transition(
                "void",
                _("誤りとして訂正する（団体の取消しに数えない）"),
                frozenset({REQUESTED, CONFIRMED, HELD}),
                VOIDED,
                permission=_staff,
                needs_reason=True,
                after=(_free_slot,),
                event="booking.void",
            ),
            Transition(
                "no_show",
                _("無断不使用を記録する"),
                frozenset({CONFIRMED}),
                NO_SHOW,
                permission=_staff,
                guards=(_started,),
                event="booking.no_show",
            ),
        ]
    ),
)

ENTERED, WON, LOST = "entered", "won", "lost"


@describe(_("抽選で当選した時間の予約が取れていること"))
def _draw_booked(actor: Any, entry: Any, params: dict[str, Any]) -> Decision:
    """The draw has booked the won time."""
    if params.get("booking") is None:
        return deny(_("当選した時間の予約がありません。抽選を実行してください。"))
    return ALLOW


@describe(
    _("申し込んだ団体のメンバー（団体の登録が有効な間）、または市民活動センターか協働担当課の職員")
)
def _group_entry(user: Any, entry: Any) -> Decision:
    """The rule of the confirm button's view (staff confirm at the window, e.g. for a group
    whose registration lapsed between its entry and the draw)."""
    from kyodo.core.permissions import check

    return check("booking.book_for_group", user, entry.group)


@describe(_("当選確定の期限より前であること"))
def _entry_before_deadline(actor: Any, entry: Any, params: dict[str, Any]) -> Decision:
    if timezone.now() < entry.round.confirm_by:
        return ALLOW
    return deny(_("当選確定の期限を過ぎました。この枠は2次予約に回りました。"))


ENTRY_WORKFLOW: Workflow[Any] = Workflow(
    key="lottery_entry",
    label=_("抽選申込"),
    model_label="booking.LotteryEntry",
    states=states(
        [
            State(ENTERED, _("申込中"), _("申込中（抽選前）")),
            State(WON, _("当選"), _("当選（期限までに確定してください）")),
            State(LOST, _("落選"), _("落選"), final=True),
            State(CONFIRMED, _("当選確定"), _("当選確定（予約になりました）"), final=True),
            State(RELEASED, _("失効"), _("確定期限を過ぎたため失効"), final=True),
        ]
    ),
    initial=ENTERED,
    noun=_("抽選申込"),
    lock_related=("round",),
    transitions=table(
        [
            Transition(
                "win",
                _("当選"),
                frozenset({ENTERED}),
                WON,
                permission=_by_the_draw,
                by_person=False,
                # The draw books the won time first and hands the booking to this move.
                guards=(_draw_booked,),
                effects=(lambda move: move.set(booking=move.params["booking"]),),
                event="lottery.win",
            ),
            Transition(
                "lose",
                _("落選"),
                frozenset({ENTERED}),
                LOST,
                permission=_by_the_draw,
                by_person=False,
                event="lottery.lose",
            ),
            Transition(
                "confirm",
                _("当選を確定する"),
                frozenset({WON}),
                CONFIRMED,
                permission=_group_entry,
                guards=(_entry_before_deadline,),
                event="lottery.confirm",
            ),
            Transition(
                "release",
                _("失効"),
                frozenset({WON}),
                RELEASED,
                permission=_at_confirm_deadline,
                by_person=False,
            ),
        ]
    ),
)
