"""The documents app's menu entry (the blank forms) and dashboard panel (bundles)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import DashboardPanel, MenuEntry, register_menu, register_panel


def _bundles(user: Any) -> dict[str, Any] | None:
    from kyodo.documents.models import BuiltBundle

    if not getattr(user, "is_authenticated", False):
        return None
    bundles = list(BuiltBundle.objects.filter(requested_by=user)[:5])
    return {"bundles": bundles} if bundles else None


register_menu(MenuEntry(_("様式のダウンロード"), "documents:forms", public=True, order=95))
register_panel(DashboardPanel("document_bundles", "documents/_dashboard.html", _bundles, 50))
