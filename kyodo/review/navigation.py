"""The committee's dashboard panel (see kyodo.core.navigation)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import DashboardPanel, MenuEntry, register_menu, register_panel
from kyodo.core.permissions import check


def _review(user: Any) -> dict[str, Any] | None:
    from kyodo.review import selectors

    context = {
        "review_inbox": selectors.member_inbox(user),
        "review_progress": (
            [selectors.committee_results(c) for c in selectors.office_committees()]
            if check("review.manage", user)
            else None
        ),
    }
    if not context["review_inbox"] and context["review_progress"] is None:
        return None
    return context


register_menu(
    MenuEntry(
        _("選考委員会"),
        "review:staff_index",
        permission="review.manage",
        order=86,
        current=(
            "review:committee",
            "review:criteria",
            "review:member_kinds",
            "review:staff_results",
            "review:staff_proposal",
        ),
    ),
    MenuEntry(
        _("審査（委員）"),
        "review:member_home",
        permission="review.member_area",
        order=52,
        current=("review:proposal", "review:declare", "review:score"),
    ),
)
register_panel(DashboardPanel("review", "review/_dashboard.html", _review, 30))
