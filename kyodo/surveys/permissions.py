"""Who may build surveys, key paper answers and see whose answers are whose."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, deny, describe, predicate
from kyodo.surveys.models import Edition, EditionStatus

SURVEY_STAFF = (Role.OFFICE, Role.CENTER)


@describe(_("協働担当課または市民活動センター"))
@predicate("surveys.manage")
def can_manage(user: Any, obj: Any = None) -> Decision:
    """Build questionnaires, key and import answers, read every result down to respondents."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not user.has_role(*SURVEY_STAFF):
        return deny(_("調査の管理は、協働担当課と市民活動センターの職員だけが行えます。"))
    return ALLOW


@predicate("surveys.answer")
def can_answer(user: Any, edition: Edition) -> Decision:
    if edition.status != EditionStatus.OPEN:
        return deny(_("この調査は、いまは回答を受け付けていません。"))
    return ALLOW


@predicate("surveys.view_results")
def can_view_results(user: Any, edition: Edition) -> Decision:
    if edition.results_public:
        return ALLOW
    if can_manage(user):
        return ALLOW
    return deny(_("この調査の結果はまだ公開されていません。"))
