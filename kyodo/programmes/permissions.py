"""Who may configure the programme, and who drafts and publishes city themes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, deny, predicate
from kyodo.programmes.models import Call, CityTheme, ThemeStatus


def is_office(user: Any) -> bool:
    return is_person(user) and user.has_role(Role.OFFICE)


@predicate("programmes.configure")
def can_configure(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not is_office(user):
        return deny(_("制度・コース・募集の設定は、協働担当課の職員が行います。"))
    return ALLOW


@predicate("programmes.view_call")
def can_view_call(user: Any, call: Call) -> Decision:
    if call.is_published or is_office(user):
        return ALLOW
    return deny(_("この募集はまだ公開されていません。"))


@predicate("programmes.draft_theme")
def can_draft_theme(user: Any, obj: Any = None) -> Decision:
    """Departments draft themes for their own sections; the office may draft for any."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_office(user) or user.section_ids:
        return ALLOW
    return deny(_("市提案テーマは、担当課と協働担当課の職員が作成します。"))


@predicate("programmes.edit_theme")
def can_edit_theme(user: Any, theme: CityTheme) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if theme.status != ThemeStatus.DRAFT:
        return deny(_("公開したテーマは変更できません。"))
    if is_office(user) or theme.section_id in user.section_ids:
        return ALLOW
    return deny(_("このテーマを編集できるのは、担当課と協働担当課の職員です。"))


@predicate("programmes.publish_theme")
def can_publish_theme(user: Any, theme: CityTheme) -> Decision:
    from kyodo.programmes.workflow import THEME

    return THEME.check(user, theme, "publish")


@predicate("programmes.view_theme")
def can_view_theme(user: Any, theme: CityTheme) -> Decision:
    if theme.status == ThemeStatus.PUBLISHED and theme.call.is_published:
        return ALLOW
    if is_person(user) and (is_office(user) or theme.section_id in user.section_ids):
        return ALLOW
    return deny(_("このテーマは公開されていません。"))
