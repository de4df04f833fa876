"""Who may import NPO data and enter the city's yearly figures."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, deny, predicate


@predicate("stats.manage")
def can_manage(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not user.has_role(Role.OFFICE, Role.CENTER):
        return deny(_("統計の管理は、協働担当課と市民活動センターの職員だけが行えます。"))
    return ALLOW


@predicate("stats.view_current_state")
def can_view_current_state(user: Any, obj: Any = None) -> Decision:
    """「市民活動の現状」 is public, on the web and as its PDF report."""
    return ALLOW
