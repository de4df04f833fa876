"""Who may see and do what in the group registry."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, deny, describe, predicate
from kyodo.registry.models import (
    CivicGroup,
    GroupDocument,
    GroupInvitation,
    GroupRole,
    PendingPublicChange,
    RegistrationApplication,
)

REGISTRY_STAFF = (Role.CENTER, Role.OFFICE, Role.ADMIN)


def membership_role(user: Any, group: CivicGroup) -> str | None:
    if not is_person(user):
        return None
    cache = user.__dict__.setdefault("_group_roles", {})
    if group.pk not in cache:
        cache[group.pk] = group.memberships.filter(user=user).values_list("role", flat=True).first()
    return cache[group.pk]


def is_registry_staff(user: Any) -> bool:
    return is_person(user) and user.has_role(*REGISTRY_STAFF)


@predicate("registry.view_staff_pages")
def can_view_staff_pages(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not is_registry_staff(user):
        return deny(_("団体登録の管理画面は、市民活動センターと協働担当課の職員だけが使えます。"))
    return ALLOW


@predicate("registry.import_groups")
def can_import_groups(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not user.has_role(Role.CENTER, Role.ADMIN):
        return deny(_("登録団体の一括取込は、市民活動センター職員とシステム管理者だけが行えます。"))
    return ALLOW


@predicate("registry.view_group")
def can_view_group(user: Any, group: CivicGroup) -> Decision:
    if group.is_registered() or can_view_private(user, group):
        return ALLOW
    return deny(_("この団体は現在、公開されていません。"))


@predicate("registry.view_private")
def can_view_private(user: Any, group: CivicGroup) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_registry_staff(user) or membership_role(user, group):
        return ALLOW
    return deny(_("非公開の項目は、団体のメンバーとセンター職員だけが見られます。"))


@predicate("registry.edit_group")
def can_edit_group(user: Any, group: CivicGroup) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if membership_role(user, group) == GroupRole.REPRESENTATIVE or user.has_role(Role.CENTER):
        return ALLOW
    return deny(_("団体の情報を変更できるのは、団体の代表者とセンター職員です。"))


@predicate("registry.view_member_list")
def can_view_member_list(user: Any, group: CivicGroup) -> Decision:
    """The member list holds people's names: the group's own people and registry staff."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_registry_staff(user) or membership_role(user, group):
        return ALLOW
    return deny(_("会員名簿は、団体のメンバーとセンター・協働担当課の職員だけが見られます。"))


@predicate("registry.edit_member_list")
def can_edit_member_list(user: Any, group: CivicGroup) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if membership_role(user, group) == GroupRole.REPRESENTATIVE or user.has_role(Role.CENTER):
        return ALLOW
    return deny(_("会員名簿を変更できるのは、団体の代表者とセンター職員です。"))


@predicate("registry.manage_members")
def can_manage_members(user: Any, group: CivicGroup) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if membership_role(user, group) != GroupRole.REPRESENTATIVE:
        return deny(_("メンバーの招待と役割の変更は、団体の代表者が行います。"))
    return ALLOW


@predicate("registry.act_for_group")
def can_act_for_group(user: Any, group: CivicGroup) -> Decision:
    """Group-only rights (proposals, bookings, …) need a current registration."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not membership_role(user, group):
        return deny(_("この団体のメンバーではありません。"))
    if not group.is_registered():
        if group.is_lapsed():
            return deny(
                _("団体の登録が失効しています（3月31日で期限切れ）。登録を更新してください。")
            )
        return deny(_("団体の登録がまだ承認されていません。"))
    return ALLOW


@predicate("registry.start_renewal")
def can_start_renewal(user: Any, group: CivicGroup) -> Decision:
    decision = can_manage_members(user, group)
    if not decision:
        return deny(_("登録の更新は、団体の代表者が申請します。"))
    if group.registration_number is None:
        return deny(_("まだ登録されていない団体は、新規登録の申請を続けてください。"))
    if group.applications.filter(status__in=["draft", "submitted", "returned"]).exists():
        return deny(_("手続き中の申請があります。"))
    if group.registered_until is not None and group.registered_until > _this_fiscal_year_end():
        # Renewed ahead for next year already: the button must not come back until the
        # registration runs out at the end of a fiscal year again.
        return deny(_("次年度の登録更新は済んでいます。"))
    return ALLOW


def _this_fiscal_year_end() -> Any:
    from django.utils import timezone

    from kyodo.japan.calendar import fiscal_year, fiscal_year_end

    return fiscal_year_end(fiscal_year(timezone.localdate()))


@describe(_("団体の代表者"))
@predicate("registry.submit_application")
def can_submit_application(user: Any, application: RegistrationApplication) -> Decision:
    if membership_role(user, application.group) != GroupRole.REPRESENTATIVE:
        return deny(_("申請・取下げは団体の代表者が行います。"))
    return ALLOW


@describe(_("市民活動センターまたは協働担当課"))
@predicate("registry.review_application")
def can_review_application(
    user: Any, application: RegistrationApplication | None = None
) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not user.has_role(Role.CENTER, Role.OFFICE):
        return deny(_("登録申請の審査は、市民活動センターと協働担当課の職員が行います。"))
    return ALLOW


@predicate("registry.review_public_change")
def can_review_public_change(user: Any, change: PendingPublicChange | None = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not user.has_role(Role.CENTER, Role.OFFICE):
        return deny(_("公開内容の変更の確認は、市民活動センターと協働担当課の職員が行います。"))
    return ALLOW


@predicate("registry.transition")
def can_transition(user: Any, target: tuple[RegistrationApplication, str]) -> Decision:
    """May this person take this move on the application now (its workflow decides)?"""
    from kyodo.registry.workflow import REGISTRATION

    application, action = target
    return REGISTRATION.check(user, application, action)


@predicate("registry.download_document")
def can_download_document(user: Any, document: GroupDocument) -> Decision:
    if document.is_public and document.group.is_registered():
        return ALLOW
    return can_view_private(user, document.group)


@predicate("registry.accept_invitation")
def can_accept_invitation(user: Any, invitation: GroupInvitation) -> Decision:
    """An invitation link is for the address it was sent to: a forwarded link must not let
    someone else join the group."""
    from django.utils import timezone

    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if invitation.accepted_at is not None or invitation.expires_at < timezone.now():
        return deny(
            _(
                "この招待はすでに使われたか、有効期限が切れています。団体の代表者にもう一度招待してもらってください。"
            )
        )
    if user.email.lower() != invitation.email.lower():
        return deny(
            _("この招待は %(email)s あてです。そのメールアドレスでログインしてください。")
            % {"email": invitation.email}
        )
    return ALLOW
