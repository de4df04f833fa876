from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, deny, predicate


@predicate("audit.view_log")
def can_view_log(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not user.has_role(Role.OFFICE, Role.CENTER, Role.ADMIN):
        return deny(_("監査ログを見られるのは、協働担当課・センター職員・システム管理者です。"))
    return ALLOW
