"""The portal's own menu entries and its inbox panel (see kyodo.core.navigation)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import DashboardPanel, MenuEntry, register_menu, register_panel


def _unread(user: Any) -> dict[str, Any] | None:
    from kyodo.portal.selectors import unread_notices

    notices = unread_notices(user)
    return {"notices": notices} if notices else None


register_menu(
    MenuEntry(_("ホーム"), "portal:home", public=True, order=0),
    MenuEntry(_("マイページ"), "portal:dashboard", order=50),
    MenuEntry(_("お知らせ"), "portal:inbox", order=55),
    MenuEntry(_("メールの送信状況"), "portal:mail_list", permission="portal.manage_mail", order=97),
    MenuEntry(
        _("手続きの流れ"),
        "portal:workflow_list",
        permission="portal.view_workflows",
        order=98,
        current=("portal:workflow_detail",),
    ),
)
register_panel(DashboardPanel("inbox", "portal/_dashboard_inbox.html", _unread, 0))
