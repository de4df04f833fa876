"""Every write to the group registry."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kyodo.accounts.models import Role, User
from kyodo.audit.services import audit_record, diff, jsonable
from kyodo.core import numbering
from kyodo.core.editing import expect_version
from kyodo.core.errors import DomainError
from kyodo.core.events import address, audience, mail_subject, notify
from kyodo.core.permissions import authorize
from kyodo.japan.calendar import fiscal_year, fiscal_year_end
from kyodo.registry import selectors, workflow
from kyodo.registry.models import (
    OFFICER_ROLES,
    ActivityField,
    ApplicationKind,
    Area,
    CivicGroup,
    GroupDocument,
    GroupInvitation,
    GroupMemberEntry,
    GroupMembership,
    GroupRole,
    PendingPublicChange,
    RegistrationApplication,
    public_keys,
)

PROFILE_FIELDS = [
    "name",
    "name_kana",
    "legal_form",
    "corporate_number",
    "representative_name",
    "representative_kana",
    "contact_name",
    "postal_code",
    "address",
    "phone",
    "email",
    "website",
    "social_links",
    "founded_on",
    "member_count",
    "officer_count",
    "citizen_member_count",
    "purpose",
    "activities",
    "area",
    "activity_days",
    "public_items",
]
INVITATION_DAYS = 14
# Counted from the member list once the group keeps one; typed until then.
COUNT_FIELDS = ("member_count", "officer_count", "citizen_member_count")


def group_profile(group: CivicGroup) -> dict[str, Any]:
    values = {name: getattr(group, name) for name in PROFILE_FIELDS}
    values["area"] = group.area.name if group.area is not None else ""
    values["fields"] = sorted(f.number for f in group.fields.all()) if group.pk else []
    return values


def _apply(group: CivicGroup, data: dict[str, Any]) -> None:
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(group, name, data[name])
    group.refresh_derived()


@transaction.atomic
def group_start_registration(
    *, actor: User, data: dict[str, Any], fields: Iterable[ActivityField]
) -> RegistrationApplication:
    group = CivicGroup()
    _apply(group, data)
    group.save()
    group.fields.set(fields)
    GroupMembership.objects.create(group=group, user=actor, role=GroupRole.REPRESENTATIVE)
    application = RegistrationApplication.objects.create(
        group=group, kind=ApplicationKind.NEW, fiscal_year=fiscal_year(timezone.localdate())
    )
    audit_record(
        actor=actor, action="group.create", target=group, changes=diff({}, group_profile(group))
    )
    audit_record(actor=actor, action="registration.create", target=application)
    return application


@transaction.atomic
def group_update(
    *,
    actor: User,
    group: CivicGroup,
    data: dict[str, Any],
    fields: Iterable[ActivityField],
    expected_version: int,
) -> CivicGroup:
    locked = CivicGroup.objects.select_for_update().get(pk=group.pk)
    authorize(actor, "registry.edit_group", locked)
    expect_version(locked, expected_version)
    before = group_profile(locked)
    if locked.member_entries.exists():
        data = {k: v for k, v in data.items() if k not in COUNT_FIELDS}
    fields = list(fields)
    if _holds_public_changes(actor, locked):
        held = _hold_public_changes(actor=actor, group=locked, data=data, fields=fields)
        data = {k: v for k, v in data.items() if k not in held}
        if "fields" in held:
            fields = list(locked.fields.all())
    _apply(locked, data)
    locked.save()
    locked.fields.set(fields)
    selectors.directory_changed()
    changes = diff(before, group_profile(locked))
    if changes:
        audit_record(actor=actor, action="group.update", target=locked, changes=changes)
    return locked


# --- changes to what the public sees, after approval: held for the center ------------------


def _holds_public_changes(actor: User, group: CivicGroup) -> bool:
    """A registered group's changes to its public items wait for the center; the center's
    own edits do not."""
    return bool(group.registration_number) and not actor.has_role(Role.CENTER)


def _storable(key: str, value: Any) -> Any:
    if key == "area":
        return value.pk if isinstance(value, Area) else value
    return jsonable(value)


def _hold_public_changes(
    *, actor: User, group: CivicGroup, data: dict[str, Any], fields: list[ActivityField]
) -> set[str]:
    """Keep the changes to public items aside (PendingPublicChange) and return their keys;
    the public keeps the approved values until the center accepts."""
    approved = group_profile(group)
    pending = PendingPublicChange.objects.select_for_update().filter(group=group).first()
    wanted = {
        **{k: _storable(k, v) for k, v in data.items() if k in PROFILE_FIELDS},
        "fields": sorted(f.number for f in fields),
    }
    current = {
        **{k: _storable(k, getattr(group, k)) for k in PROFILE_FIELDS},
        "fields": approved["fields"],
    }
    keys = public_keys(approved["public_items"], wanted.get("public_items", []))
    proposed = {k: wanted[k] for k in sorted(keys) if k in wanted and wanted[k] != current[k]}
    if not proposed:
        if pending is not None:  # the group put everything back as approved
            pending.delete()
        return keys
    first = pending is None
    if pending is None:
        pending = PendingPublicChange(group=group)
    pending.proposed, pending.changed_by, pending.changed_at = proposed, actor, timezone.now()
    pending.save()
    audit_record(
        actor=actor,
        action="group.public_change.propose",
        target=group,
        changes={k: [current[k], v] for k, v in proposed.items()},
    )
    if first:
        notify(
            to=[audience("center")],
            subject=mail_subject(
                gettext_noop("【協働】登録団体の公開内容の変更：%(name)s"), name=group.name
            ),
            template="registry/email/public_change.txt",
            context={
                "group": group,
                "path": reverse("registry:public_change", args=[pending.pk]),
            },
        )
    return keys


def proposed_profile(group: CivicGroup) -> dict[str, Any]:
    """The group's profile as the group last saved it: the approved values with its held
    changes on top (what the group sees and edits, and what a renewal submits)."""
    profile = group_profile(group)
    pending = PendingPublicChange.objects.filter(group=group).first()
    if pending is not None:
        for key, value in pending.proposed.items():
            if key == "area":
                area = Area.objects.filter(pk=value).first()
                profile[key] = area.name if area else ""
            elif key == "founded_on":
                profile[key] = dt.date.fromisoformat(value) if value else None
            else:
                profile[key] = value
    return profile


def _apply_proposed(group: CivicGroup, proposed: dict[str, Any]) -> None:
    for key, value in proposed.items():
        if key == "fields":
            group.fields.set(ActivityField.objects.filter(number__in=value))
        elif key == "area":
            group.area = Area.objects.filter(pk=value).first()
        elif key == "founded_on":
            group.founded_on = dt.date.fromisoformat(value) if value else None
        else:
            setattr(group, key, value)
    group.refresh_derived()


@transaction.atomic
def public_change_accept(*, actor: User, change: PendingPublicChange) -> CivicGroup:
    authorize(actor, "registry.review_public_change", change)
    locked = CivicGroup.objects.select_for_update().get(pk=change.group_id)
    change = PendingPublicChange.objects.select_for_update().get(pk=change.pk)
    before = group_profile(locked)
    _apply_proposed(locked, change.proposed)
    locked.version += 1  # an edit form opened before this must not overwrite it unseen
    locked.save()
    change.delete()
    selectors.directory_changed()
    audit_record(
        actor=actor,
        action="group.public_change.accept",
        target=locked,
        changes=diff(before, group_profile(locked)),
    )
    _tell_group_of_public_change(locked, accepted=True, reason="")
    return locked


@transaction.atomic
def public_change_decline(*, actor: User, change: PendingPublicChange, reason: str) -> None:
    authorize(actor, "registry.review_public_change", change)
    change = (
        PendingPublicChange.objects.select_for_update().select_related("group").get(pk=change.pk)
    )
    group = change.group
    audit_record(
        actor=actor,
        action="group.public_change.decline",
        target=group,
        summary=reason,
        changes={k: [v, None] for k, v in change.proposed.items()},
    )
    change.delete()
    _tell_group_of_public_change(group, accepted=False, reason=reason)


def _tell_group_of_public_change(group: CivicGroup, *, accepted: bool, reason: str) -> None:
    subject = (
        gettext_noop("【協働】公開内容の変更が反映されました")
        if accepted
        else gettext_noop("【協働】公開内容の変更は反映されませんでした")
    )
    notify(
        to=[audience("group", group)],
        subject=mail_subject(subject),
        template="registry/email/public_change_decided.txt",
        context={
            "group": group,
            "accepted": accepted,
            "reason": reason,
            "path": reverse("registry:my_group", args=[group.pk]),
        },
    )


def _registration_fiscal_year(group: CivicGroup, today: dt.date) -> int:
    # A group still registered renews ahead for the next year; a lapsed one for this year.
    if group.registered_until and group.registered_until >= today:
        return fiscal_year(group.registered_until + dt.timedelta(days=1))
    return fiscal_year(today)


@transaction.atomic
def renewal_start(*, actor: User, group: CivicGroup) -> RegistrationApplication:
    authorize(actor, "registry.start_renewal", group)
    application = RegistrationApplication.objects.create(
        group=group,
        kind=ApplicationKind.RENEWAL,
        fiscal_year=_registration_fiscal_year(group, timezone.localdate()),
    )
    audit_record(
        actor=actor,
        action="registration.create",
        target=application,
        summary=_("登録更新の申請を開始"),
    )
    return application


def group_register(*, actor: User, application: RegistrationApplication) -> CivicGroup:
    """An approved application registers its group until the end of the fiscal year; a group
    registered for the first time gets its number from the locked sequence (YYYY-NNNN)."""
    group = application.group
    fields = ["registered_until"]
    before: dict[str, Any] = {
        "registered_until": group.registered_until,
        "registration_number": None,
    }
    if not group.registration_number:
        group.registration_number = numbering.next_number(
            "registration",
            application.fiscal_year,
            start_after=lambda: _highest_registration_number(application.fiscal_year),
        )
        group.first_registered_on = timezone.localdate()
        fields += ["registration_number", "first_registered_on"]
    else:
        before["registration_number"] = group.registration_number
    group.registered_until = fiscal_year_end(application.fiscal_year)
    group.save(update_fields=fields)
    # The center approved the profile as submitted, held public changes included.
    pending = PendingPublicChange.objects.filter(group=group).first()
    if pending is not None:
        before_public = group_profile(group)
        _apply_proposed(group, pending.proposed)
        group.save()
        pending.delete()
        audit_record(
            actor=actor,
            action="group.public_change.accept",
            target=group,
            changes=diff(before_public, group_profile(group)),
        )
    selectors.directory_changed()
    audit_record(
        actor=actor,
        action="group.register",
        target=group,
        changes={
            "registered_until": [before["registered_until"], group.registered_until],
            "registration_number": [before["registration_number"], group.registration_number],
        },
    )
    return group


def _highest_registration_number(year: int) -> int:
    """Numbers issued before the sequence existed (imported registers): start above them."""
    numbers = CivicGroup.objects.filter(registration_number__startswith=f"{year}-").values_list(
        "registration_number", flat=True
    )
    return max(
        (int(n.split("-", 1)[1]) for n in numbers if n and n.split("-", 1)[1].isdigit()), default=0
    )


def application_transition(
    *, application: RegistrationApplication, action: str, actor: User, reason: str = ""
) -> RegistrationApplication:
    """Move an application (kyodo.registry.workflow); notices follow its events
    (kyodo.registry.handlers)."""
    return workflow.REGISTRATION.transition(
        actor=actor, obj=application, action=action, reason=reason
    )


@transaction.atomic
def invitation_create(*, actor: User, group: CivicGroup, email: str, role: str) -> GroupInvitation:
    authorize(actor, "registry.manage_members", group)
    invitation = GroupInvitation.objects.create(
        group=group,
        email=email.lower(),
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        actor=actor,
        action="membership.invite",
        target=group,
        changes={"invited": [None, f"{email} ({role})"]},
    )
    notify(
        to=[address(invitation.email)],
        subject=mail_subject(gettext_noop("【協働】%(name)s への招待"), name=group.name),
        template="registry/email/invitation.txt",
        context={
            "invitation": invitation,
            "path": reverse("registry:accept_invitation", args=[invitation.token]),
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, invitation: GroupInvitation) -> GroupMembership:
    locked = (
        GroupInvitation.objects.select_for_update().select_related("group").get(pk=invitation.pk)
    )
    authorize(actor, "registry.accept_invitation", locked)
    membership, _created = GroupMembership.objects.update_or_create(
        group=locked.group, user=actor, defaults={"role": locked.role}
    )
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    audit_record(
        actor=actor,
        action="membership.join",
        target=locked.group,
        changes={"member": [None, f"{actor} ({locked.role})"]},
    )
    return membership


def _lock_for_member_change(membership: GroupMembership) -> GroupMembership:
    """Lock the membership and every representative row of its group, then re-read it.

    Without the lock two representatives stepping down at once each see the other and
    both succeed, leaving the group with none."""
    list(
        GroupMembership.objects.select_for_update()
        .filter(group_id=membership.group_id, role=GroupRole.REPRESENTATIVE)
        .values_list("pk", flat=True)
    )
    return (
        GroupMembership.objects.select_for_update()
        .select_related("group", "user")
        .get(pk=membership.pk)
    )


def _is_last_representative(membership: GroupMembership) -> bool:
    return (
        membership.role == GroupRole.REPRESENTATIVE
        and not GroupMembership.objects.filter(
            group_id=membership.group_id, role=GroupRole.REPRESENTATIVE
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_set_role(*, actor: User, membership: GroupMembership, role: str) -> GroupMembership:
    authorize(actor, "registry.manage_members", membership.group)
    membership = _lock_for_member_change(membership)
    if membership.role == role:
        return membership
    if _is_last_representative(membership):
        raise DomainError(_("団体には少なくとも1人の代表者が必要です。"), field="role")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="membership.role",
        target=membership.group,
        changes={str(membership.user): [before, role]},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: GroupMembership) -> None:
    authorize(actor, "registry.manage_members", membership.group)
    membership = _lock_for_member_change(membership)
    if _is_last_representative(membership):
        raise DomainError(_("団体には少なくとも1人の代表者が必要です。"), field="role")
    group, label = membership.group, f"{membership.user} ({membership.role})"
    membership.delete()
    audit_record(
        actor=actor, action="membership.remove", target=group, changes={"member": [label, None]}
    )


@transaction.atomic
def document_upload(
    *, actor: User, group: CivicGroup, kind: str, upload: UploadedFile, is_public: bool
) -> GroupDocument:
    authorize(actor, "registry.edit_group", group)
    document = GroupDocument.objects.create(
        group=group,
        kind=kind,
        is_public=is_public,
        **GroupDocument.fields_for(upload, uploaded_by=actor),
    )
    audit_record(
        actor=actor,
        action="document.upload",
        target=group,
        changes={"document": [None, f"{document.get_kind_display()}: {document.original_name}"]},
    )
    selectors.directory_changed()  # a public document shows on the group page
    return document


@transaction.atomic
def document_delete(*, actor: User, document: GroupDocument) -> None:
    authorize(actor, "registry.edit_group", document.group)
    group, label = document.group, f"{document.get_kind_display()}: {document.original_name}"
    storage, name = document.file.storage, document.file.name
    document.delete()
    selectors.directory_changed()
    # The file goes only once the row is gone for good; a rollback keeps both.
    if name:  # FieldFile.name is typed Optional; a document's required file always has one
        transaction.on_commit(lambda: storage.delete(name))
    audit_record(
        actor=actor, action="document.delete", target=group, changes={"document": [label, None]}
    )


def member_counts(group: CivicGroup) -> dict[str, int]:
    """The counts as the member list gives them: everyone, the officers (the representative
    is one), and those who live, work or study in the city."""
    entries = list(group.member_entries.values_list("role", "is_citizen"))
    return {
        "member_count": len(entries),
        "officer_count": sum(1 for role, _c in entries if role in OFFICER_ROLES),
        "citizen_member_count": sum(1 for _r, citizen in entries if citizen),
    }


def _recount(actor: User, group: CivicGroup) -> None:
    locked = CivicGroup.objects.select_for_update().get(pk=group.pk)
    counts = member_counts(locked)
    before = {name: getattr(locked, name) for name in COUNT_FIELDS}
    if before == counts:
        return
    for name, value in counts.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*COUNT_FIELDS, "updated_at"])
    selectors.directory_changed()  # the counts may be public
    audit_record(actor=actor, action="group.recount", target=locked, changes=diff(before, counts))


def _entry_label(entry: GroupMemberEntry) -> str:
    citizen = _("市内") if entry.is_citizen else _("市外")
    return f"{entry.name} ({entry.get_role_display()}, {citizen})"


@transaction.atomic
def member_entry_add(
    *, actor: User, group: CivicGroup, name: str, role: str, is_citizen: bool
) -> GroupMemberEntry:
    authorize(actor, "registry.edit_member_list", group)
    entry = GroupMemberEntry.objects.create(
        group=group, name=name, role=role, is_citizen=is_citizen
    )
    audit_record(
        actor=actor,
        action="member_list.add",
        target=group,
        changes={"member_list": [None, _entry_label(entry)]},
    )
    _recount(actor, group)
    return entry


@transaction.atomic
def member_entry_update(
    *, actor: User, entry: GroupMemberEntry, name: str, role: str, is_citizen: bool
) -> GroupMemberEntry:
    authorize(actor, "registry.edit_member_list", entry.group)
    locked = GroupMemberEntry.objects.select_for_update().select_related("group").get(pk=entry.pk)
    before = _entry_label(locked)
    locked.name, locked.role, locked.is_citizen = name, role, is_citizen
    locked.save(update_fields=["name", "role", "is_citizen"])
    after = _entry_label(locked)
    if before != after:
        audit_record(
            actor=actor,
            action="member_list.update",
            target=locked.group,
            changes={"member_list": [before, after]},
        )
    _recount(actor, locked.group)
    return locked


@transaction.atomic
def member_entry_remove(*, actor: User, entry: GroupMemberEntry) -> None:
    authorize(actor, "registry.edit_member_list", entry.group)
    group, label = entry.group, _entry_label(entry)
    entry.delete()
    audit_record(
        actor=actor,
        action="member_list.remove",
        target=group,
        changes={"member_list": [label, None]},
    )
    _recount(actor, group)
