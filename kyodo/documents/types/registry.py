"""The registry's documents: the registration certificate (登録証) and the group profile
with its officer list (団体概要書・役員名簿), which is also the blank registration form."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo.documents.layout import Document, fields, heading, paragraph, table
from kyodo.documents.registry import DocumentType, Issue, register
from kyodo.documents.types.common import BLANK_DATE, center, day, safe_name, today
from kyodo.registry.models import CivicGroup, GroupMembership, GroupRole


def _load_group(pk: int) -> CivicGroup:
    return get_object_or_404(
        CivicGroup.objects.select_related("area").prefetch_related("fields"), pk=pk
    )


def certificate(group: CivicGroup, issue: Issue) -> Document:
    return Document(
        kind="certificate",
        filename=f"{_('市民活動団体登録証')}_{safe_name(group.name)}",
        number=issue.number,
        date=day(issue.issued_on),
        addressee=_("%(name)s 様") % {"name": group.name},
        sender=[center()],
        subject=_("市民活動団体 登録証"),
        blocks=[
            fields(
                [
                    (_("登録番号"), group.registration_number or ""),
                    (_("団体名"), group.name),
                    (_("代表者"), group.representative_name),
                    (_("初回登録日"), day(group.first_registered_on)),
                    (_("有効期限"), day(group.registered_until)),
                ]
            ),
            paragraph(
                _("上記の団体を%(center)sの登録団体として登録したことを証します。")
                % {"center": center()}
            ),
        ],
    )


def _profile(group: CivicGroup | None, officers: list[tuple[str, str]]) -> Document:
    g: Any = group
    value = (lambda attr: str(getattr(g, attr) or "")) if g else (lambda attr: "")
    return Document(
        kind="group_profile",
        filename=f"{_('団体概要書')}_{safe_name(g.name) if g else _('様式')}",
        form_number=_("様式第1号"),
        date=day(today()) if g else BLANK_DATE,
        addressee=_("%(center)s 様") % {"center": center()},
        subject=_("市民活動団体 概要書・役員名簿"),
        blocks=[
            heading(_("１　団体の概要")),
            fields(
                [
                    (_("団体名"), value("name")),
                    (_("団体名（ふりがな）"), value("name_kana")),
                    (_("法人格"), g.get_legal_form_display() if g else ""),
                    (_("法人番号"), value("corporate_number")),
                    (_("代表者名"), value("representative_name")),
                    (_("連絡担当者名"), value("contact_name")),
                    (_("所在地"), f"〒{g.postal_code} {g.address}".strip() if g else ""),
                    (_("電話番号"), value("phone")),
                    (_("メールアドレス"), value("email")),
                    (_("設立年月日"), day(g.founded_on) if g else ""),
                    (
                        _("会員数・役員数"),
                        _("会員 %(m)s人（うち市内 %(c)s人）・役員 %(o)s人")
                        % {"m": g.member_count, "c": g.citizen_member_count, "o": g.officer_count}
                        if g
                        else "",
                    ),
                    (_("活動分野"), "、".join(f.short_name for f in g.fields.all()) if g else ""),
                    (_("主な活動地域"), str(g.area or "") if g else ""),
                    (_("活動日"), value("activity_days")),
                    (_("目的"), value("purpose")),
                    (_("主な活動"), value("activities")),
                ],
                blank_lines=2,
            ),
            heading(_("２　役員名簿")),
            table(
                [_("役職"), _("氏名")],
                officers or [["", ""] for _i in range(5)],
                widths=[1, 3],
            ),
        ],
    )


def group_profile(group: CivicGroup, issue: Issue) -> Document:
    memberships = GroupMembership.objects.filter(group=group).select_related("user")
    officers = [[_("代表者"), group.representative_name]] + [
        [m.get_role_display(), m.user.full_name]
        for m in memberships.order_by("role", "user__full_name")
        if m.role == GroupRole.REPRESENTATIVE and m.user.full_name != group.representative_name
    ]
    return _profile(group, officers)  # type: ignore[arg-type]


def group_profile_blank() -> Document:
    return _profile(None, [])


register(
    DocumentType(
        key="certificate",
        label=gettext_lazy("登録証"),
        load=_load_group,
        permission="documents.certificate",
        build=certificate,
        numbered=True,
        order=10,
    )
)
register(
    DocumentType(
        key="group_profile",
        label=gettext_lazy("団体概要書・役員名簿"),
        load=_load_group,
        permission="registry.view_private",
        build=group_profile,
        blank=group_profile_blank,
        order=20,
    )
)
