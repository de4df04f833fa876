"""The committee's dashboard panel (see kyodo.core.navigation)."""

from __future__ import annotations

from typing import Any

from kyodo.core.navigation import DashboardPanel, register_panel
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


register_panel(DashboardPanel("review", "review/_dashboard.html", _review, 30))
