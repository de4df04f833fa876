"""The states of a year's money (Funding) and of each sum (Payment), as tables on the
workflow engine (kyodo.core.workflow): their statuses change only through these.

Moves that carry figures (the application, the decision, the report, the confirmation) are
started by kyodo.payments.services, which checks the figures first (by_person=False); the
buttons are the change approval's answer, a return with a reason, and paying.

The results report is the settlement (収支決算書): the group submits it (`report`, its
expense total becoming the actual cost), the office checks it and passes it to the
department in charge, which accepts it — as a project's reports go
(kyodo.projects.workflow.REPORT); either returns it with comments and the group corrects
and submits again. The office confirms the amount of an accepted report. A scheduled
instalment no longer due when the year is settled is cancelled (`cancel`).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kyodo.core.permissions import ALLOW, Decision, deferred, deny, describe
from kyodo.core.workflow import Move, State, Transition, Workflow, states, table
from kyodo.japan.calendar import wareki_or_iso

PREPARING = "preparing"
APPLIED = "applied"
DECIDED = "decided"
CHANGE_REQUESTED = "change_requested"
REPORTED = "reported"
REPORT_WITH_DEPARTMENT = "report_with_department"
REPORT_ACCEPTED = "report_accepted"
CONFIRMED = "confirmed"
SETTLED = "settled"

SCHEDULED = "scheduled"
CLAIMED = "claimed"
PAID = "paid"
REFUSED = "refused"
CANCELLED = "cancelled"

# Before the results report is submitted the group may still change its settlement.
SETTLEMENT_EDITABLE = frozenset({PREPARING, APPLIED, DECIDED, CHANGE_REQUESTED})


_group = deferred("kyodo.payments.permissions.can_act_as_group")
_office = deferred("kyodo.payments.permissions.can_decide")
_department = deferred("kyodo.payments.permissions.can_accept_report")


@describe(_("市が支払うお金は団体のメンバー（団体の登録が有効な間）、団体からの返還は協働担当課"))
def _payment_claimer(user: Any, payment: Any) -> Decision:
    """The group claims what the city pays it; the office asks a refund back."""
    if payment.to_city:
        return _office(user, payment)
    return _group(user, payment.funding)


def _needs(description: str | Promise, *names: str) -> Any:
    """A guard that the service handed these figures to the move; `description` says which,
    for the staff's page of the workflow."""

    @describe(description)
    def guard(user: Any, obj: Any, params: dict[str, Any]) -> Decision:
        if any(params.get(n) is None for n in names):
            return deny(_("金額と日付を入力してください。"))
        return ALLOW

    return guard


def _set_params(*names: str) -> Any:
    def effect(move: Move[Any]) -> None:
        values = {n: move.params[n] for n in names}
        move.set(**values)
        move.changes.update({n: [None, str(v)] for n, v in values.items()})

    return effect


def _number_decision(move: Move[Any]) -> None:
    from kyodo.core.numbering import next_number

    move.set(decision_number=next_number("grant_decision", move.obj.segment.fiscal_year))
    move.payload["number"] = move.obj.decision_number


def _number_confirmation(move: Move[Any]) -> None:
    from kyodo.core.numbering import next_number

    move.set(confirmation_number=next_number("grant_confirmation", move.obj.segment.fiscal_year))


def _approve_change(move: Move[Any]) -> None:
    move.changes["decided_amount"] = [move.obj.decided_amount, move.obj.change_amount]
    move.set(decided_amount=move.obj.change_amount, change_amount=None, change_reason="")


def _drop_change(move: Move[Any]) -> None:
    move.set(change_amount=None, change_reason="")


def _returned(move: Move[Any]) -> None:
    move.set(return_reason=move.reason)


def _clear_return(move: Move[Any]) -> None:
    move.set(return_reason="")


def _today(name: str) -> Any:
    """Records the date `name`: the one the person gave, else today in Japan."""

    def effect(move: Move[Any]) -> None:
        move.set(**{name: move.params.get(name) or timezone.localdate(move.now)})

    return effect


@describe(_("請求日を記録するときは、未来の日付でないこと"))
def _claimed_on_plausible(user: Any, payment: Any, params: dict[str, Any]) -> Decision:
    claimed_on = params.get("claimed_on")
    if claimed_on is not None and claimed_on > timezone.localdate():
        return deny(_("請求日に未来の日付は入力できません。"))
    return ALLOW


@describe(_("支払日（返還を受けた日）を入力したときは、請求日より前でも未来でもないこと"))
def _paid_on_plausible(user: Any, payment: Any, params: dict[str, Any]) -> Decision:
    paid_on = params.get("paid_on")
    if paid_on is None:
        return ALLOW
    if paid_on > timezone.localdate():
        return deny(_("支払日に未来の日付は入力できません。"))
    if payment.claimed_on and paid_on < payment.claimed_on:
        return deny(
            _("支払日は請求日（%(date)s）より前にできません。")
            % {"date": wareki_or_iso(payment.claimed_on)}
        )
    return ALLOW


def _after_paid(move: Move[Any]) -> None:
    from kyodo.payments.services import settle_when_paid

    settle_when_paid(payment=move.obj, actor=move.actor)


FUNDING: Workflow[Any] = Workflow(
    key="funding",
    label=_("事業年度のお金（交付・精算）"),
    model_label="payments.Funding",
    noun=_("交付の手続き"),
    audit_prefix="funding",
    lock_related=("segment__project__group", "segment__project__course"),
    touch=("updated_at",),
    initial=PREPARING,
    states=states(
        [
            State(PREPARING, _("交付申請前"), _("交付申請をしてください")),
            State(APPLIED, _("交付申請あり（決定待ち）"), _("交付申請済み（決定待ち）")),
            State(DECIDED, _("交付決定済み"), _("交付決定済み")),
            State(CHANGE_REQUESTED, _("変更承認申請あり"), _("変更承認申請中")),
            State(
                REPORTED,
                _("実績報告・収支決算書あり（協働担当課が確認中）"),
                _("実績報告済み（協働担当課が確認中）"),
            ),
            State(
                REPORT_WITH_DEPARTMENT,
                _("実績報告を担当課が確認中"),
                _("実績報告済み（担当課が確認中）"),
            ),
            State(
                REPORT_ACCEPTED,
                _("実績報告を受理（額の確定待ち）"),
                _("実績報告が受理されました（額の確定待ち）"),
            ),
            State(CONFIRMED, _("額の確定済み（精算中）"), _("額の確定済み（精算中）")),
            State(SETTLED, _("精算済み"), _("精算済み"), final=True),
        ]
    ),
    transitions=table(
        [
            Transition(
                "apply",
                _("交付申請"),
                frozenset({PREPARING}),
                APPLIED,
                _group,
                guards=(_needs(_("交付申請額が入力されていること"), "requested_amount"),),
                by_person=False,
                effects=(_set_params("requested_amount"), _today("applied_on"), _clear_return),
                event="funding.apply",
            ),
            Transition(
                "return_application",
                _("交付申請を差し戻す"),
                frozenset({APPLIED}),
                PREPARING,
                _office,
                needs_reason=True,
                event="funding.return",
            ),
            Transition(
                "decide",
                _("交付決定"),
                frozenset({APPLIED, PREPARING}),
                DECIDED,
                _office,
                guards=(
                    _needs(
                        _("交付決定額と交付決定日が入力されていること"),
                        "decided_amount",
                        "decided_on",
                    ),
                ),
                by_person=False,
                effects=(_set_params("decided_amount", "decided_on"), _number_decision),
                event="funding.decide",
            ),
            Transition(
                "request_change",
                _("変更承認申請"),
                frozenset({DECIDED}),
                CHANGE_REQUESTED,
                _group,
                guards=(_needs(_("変更後の申請額が入力されていること"), "change_amount"),),
                needs_reason=True,
                by_person=False,
                effects=(_set_params("change_amount"),),
                event="funding.request_change",
            ),
            Transition(
                "approve_change",
                _("変更を承認する"),
                frozenset({CHANGE_REQUESTED}),
                DECIDED,
                _office,
                effects=(_approve_change,),
                event="funding.approve_change",
            ),
            Transition(
                "refuse_change",
                _("変更を承認しない"),
                frozenset({CHANGE_REQUESTED}),
                DECIDED,
                _office,
                needs_reason=True,
                effects=(_drop_change,),
                event="funding.refuse_change",
            ),
            Transition(
                "report",
                _("実績報告（収支決算書）を提出する"),
                frozenset({DECIDED}),
                REPORTED,
                _group,
                guards=(
                    _needs(
                        _("実際にかかった事業費（収支決算書の支出の合計）があること"), "actual_cost"
                    ),
                ),
                by_person=False,
                effects=(_set_params("actual_cost"), _today("reported_on"), _clear_return),
                event="funding.report",
            ),
            Transition(
                "pass_report",
                _("確認した（担当課に回す）"),
                frozenset({REPORTED}),
                REPORT_WITH_DEPARTMENT,
                _office,
                event="funding.pass_report",
            ),
            Transition(
                "return_report",
                _("実績報告を差し戻す"),
                frozenset({REPORTED}),
                DECIDED,
                _office,
                needs_reason=True,
                effects=(_returned,),
                event="funding.return",
            ),
            Transition(
                "accept_report",
                _("実績報告を受理する"),
                frozenset({REPORT_WITH_DEPARTMENT}),
                REPORT_ACCEPTED,
                _department,
                event="funding.accept_report",
            ),
            Transition(
                "department_return_report",
                _("実績報告を差し戻す（担当課）"),
                frozenset({REPORT_WITH_DEPARTMENT}),
                DECIDED,
                _department,
                needs_reason=True,
                effects=(_returned,),
                event="funding.return",
            ),
            Transition(
                "confirm",
                _("額の確定"),
                frozenset({REPORT_ACCEPTED}),
                CONFIRMED,
                _office,
                guards=(
                    _needs(
                        _("対象経費と確定額が入力されていること"),
                        "eligible_cost",
                        "confirmed_amount",
                    ),
                ),
                by_person=False,
                effects=(
                    _set_params("eligible_cost", "confirmed_amount"),
                    _today("confirmed_on"),
                    _number_confirmation,
                ),
                event="funding.confirm",
            ),
            Transition(
                "settle",
                _("精算の完了"),
                frozenset({CONFIRMED}),
                SETTLED,
                _office,
                by_person=False,
                event="funding.settle",
            ),
        ]
    ),
)

PAYMENT: Workflow[Any] = Workflow(
    key="payment",
    label=_("支払・返還"),
    model_label="payments.Payment",
    noun=_("支払"),
    audit_prefix="payment",
    lock_related=("funding__segment__project__group",),
    initial=SCHEDULED,
    states=states(
        [
            State(SCHEDULED, _("予定（請求前）"), _("請求できます")),
            State(CLAIMED, _("請求あり（支払待ち）"), _("請求済み（支払待ち）")),
            State(PAID, _("支払済み"), _("支払済み"), final=True),
            State(REFUSED, _("支払わない"), _("支払われません"), final=True),
            State(
                CANCELLED, _("取消し（精算済み）"), _("取り消されました（精算で清算）"), final=True
            ),
        ]
    ),
    transitions=table(
        [
            Transition(
                "claim",
                _("請求する"),
                frozenset({SCHEDULED}),
                CLAIMED,
                _payment_claimer,
                guards=(_claimed_on_plausible,),
                effects=(_today("claimed_on"),),
                event="payment.claim",
            ),
            Transition(
                "pay",
                _("支払（返還の受領）を記録する"),
                frozenset({CLAIMED}),
                PAID,
                _office,
                guards=(_paid_on_plausible,),
                effects=(_today("paid_on"),),
                after=(_after_paid,),
                event="payment.pay",
            ),
            Transition(
                "refuse",
                _("支払わない"),
                frozenset({CLAIMED}),
                REFUSED,
                _office,
                needs_reason=True,
                event="payment.refuse",
            ),
            # A share course's instalment still scheduled when the amount is confirmed: the
            # settlement pays or refunds the difference instead, so it is never paid too.
            Transition(
                "cancel",
                _("支払の予定を取り消す"),
                frozenset({SCHEDULED}),
                CANCELLED,
                _office,
                needs_reason=True,
                by_person=False,
                event="payment.cancel",
            ),
        ]
    ),
)
