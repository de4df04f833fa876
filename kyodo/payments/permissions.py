"""Who may see and do what with a project year's money: whoever sees the project sees its
money (projects.view); the group applies, claims, asks changes and reports (its settlement,
収支決算書, editable until it is submitted); the office decides, sets instalments, checks the
results report, pays and confirms the amount; the department in charge accepts the report."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.permissions import ALLOW, Decision, check, deny, describe, predicate
from kyodo.projects.permissions import is_department_of, is_office


def _project(obj: Any) -> Any:
    """The project of a Funding or a Payment."""
    if hasattr(obj, "funding"):
        obj = obj.funding
    return obj.segment.project


@describe(_("団体のメンバー（団体の登録が有効な間）"))
@predicate("payments.act_as_group")
def can_act_as_group(user: Any, funding: Any) -> Decision:
    """The group's side: a member of the group with a current registration."""
    return check("registry.act_for_group", user, _project(funding).group)


@describe(_("協働担当課"))
@predicate("payments.decide")
def can_decide(user: Any, obj: Any = None) -> Decision:
    if not is_office(user):
        return deny(_("交付決定・支払・額の確定は、協働担当課が行います。"))
    return ALLOW


@predicate("payments.edit_settlement")
def can_edit_settlement(user: Any, funding: Any) -> Decision:
    """The group writes its settlement, its explanations and its receipts until it submits."""
    from kyodo.payments.workflow import SETTLEMENT_EDITABLE

    decision = can_act_as_group(user, funding)
    if not decision:
        return decision
    if funding.status not in SETTLEMENT_EDITABLE:
        return deny(_("提出した収支決算書は、差し戻されるまで直せません。"))
    return ALLOW


@describe(_("事業の担当課"))
@predicate("payments.accept_report")
def can_accept_report(user: Any, funding: Any) -> Decision:
    if not is_department_of(user, _project(funding)):
        return deny(_("実績報告の受理は、事業の担当課が行います。"))
    return ALLOW


@predicate("payments.view")
def can_view(user: Any, funding: Any) -> Decision:
    return check("projects.view", user, _project(funding))


@predicate("payments.due_list")
def can_see_due_list(user: Any, obj: Any = None) -> Decision:
    if not is_office(user):
        return deny(_("支払予定の一覧は、協働担当課が使えます。"))
    return ALLOW


@predicate("payments.move_payment")
def can_move_payment(user: Any, target: tuple[Any, str]) -> Decision:
    """Whose move it is on a payment: the group claims, the office pays (the table's rule)."""
    from kyodo.payments.workflow import PAYMENT

    payment, action = target
    return PAYMENT.transitions[action].permission(user, payment)


@predicate("payments.move_funding")
def can_move_funding(user: Any, target: tuple[Any, str]) -> Decision:
    """Whose move it is on a year's money: the table's rule for the action."""
    from kyodo.payments.workflow import FUNDING

    funding, action = target
    return FUNDING.transitions[action].permission(user, funding)
