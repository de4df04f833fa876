"""Who may use the portal's own pages: the inbox, the mail deliveries, the workflow maps."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import STAFF_ROLES, Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, deny, predicate


@predicate("portal.inbox")
def can_use_inbox(user: Any, notice: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if notice is not None and notice.user_id != user.pk:
        return deny(_("このお知らせはあなた宛てではありません。"))
    return ALLOW


@predicate("portal.manage_mail")
def can_manage_mail(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if user.has_role(Role.OFFICE, Role.ADMIN):
        return ALLOW
    return deny(_("メールの送信状況は、協働担当課とシステム管理者が確認します。"))


@predicate("portal.view_workflows")
def can_view_workflows(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if user.has_role(*STAFF_ROLES):
        return ALLOW
    return deny(_("手続きの流れの一覧は、市とセンターの職員が見られます。"))
