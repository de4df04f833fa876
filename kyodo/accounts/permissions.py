"""Predicates for people and roles."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.core.permissions import ALLOW, Decision, deny, predicate

LOGIN_REQUIRED = _("ログインが必要です。")


def is_person(user: Any) -> bool:
    return bool(user and user.is_authenticated)


@predicate("accounts.manage_users")
def can_manage_users(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not user.has_role(Role.ADMIN):
        return deny(_("利用者と役割の管理はシステム管理者だけが行えます。"))
    return ALLOW


@predicate("accounts.view_own_account")
def can_view_own_account(user: Any, obj: Any = None) -> Decision:
    return ALLOW if is_person(user) else deny(LOGIN_REQUIRED)


@predicate("accounts.manage_organisation")
def can_manage_organisation(user: Any, obj: Any = None) -> Decision:
    """The city's 部 and 課: kept by the administrator and the collaboration office."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not user.has_role(Role.ADMIN, Role.OFFICE):
        return deny(_("部と課の管理は、システム管理者と協働担当課が行います。"))
    return ALLOW
