"""Downloads of the registry: open data for the public, full lists for staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.core.exports import csv_response, xlsx_response
from kyodo.core.snapshots import Row, SnapshotSpec, compare
from kyodo.japan.calendar import wareki_date
from kyodo.registry.models import (
    PUBLISHABLE_ITEMS,
    ActivityField,
    Area,
    CivicGroup,
    LegalForm,
    PendingPublicChange,
)
from kyodo.registry.services import PROFILE_FIELDS

PUBLIC_COLUMNS: list[tuple[str, str]] = [
    ("registration_number", "登録番号"),
    ("name", "団体名"),
    ("name_kana", "ふりがな"),
    ("legal_form", "法人格"),
    ("fields", "活動分野"),
    ("area", "主な活動地域"),
    ("representative_name", "代表者名"),
    ("address", "所在地"),
    ("phone", "電話番号"),
    ("email", "メールアドレス"),
    ("website", "ウェブサイト"),
    ("founded_on", "設立年月日"),
    ("member_count", "会員数"),
    ("purpose", "目的"),
    ("activities", "主な活動"),
    ("activity_days", "活動日"),
]
ALWAYS_PUBLIC = {"registration_number", "name", "name_kana", "legal_form", "fields", "area"}


def _fields_text(group: CivicGroup) -> str:
    return "・".join(f.short_name for f in group.fields.all())


def public_row(group: CivicGroup) -> list[Any]:
    """One open-data row: a private item is an empty cell, whatever is stored."""
    public = group.public_values()
    row: list[Any] = []
    for key, _label in PUBLIC_COLUMNS:
        if key == "legal_form":
            row.append(LegalForm(group.legal_form).label)
        elif key == "fields":
            row.append(_fields_text(group))
        elif key == "area":
            row.append(group.area.name if group.area is not None else "")
        elif key in ALWAYS_PUBLIC:
            row.append(getattr(group, key))
        elif key == "address":
            row.append(" ".join(v for v in (public.get("postal_code"), public.get("address")) if v))
        else:
            row.append(public.get(key, ""))
    return row


def public_csv(groups: Iterable[CivicGroup]) -> HttpResponse:
    return csv_response(
        filename=f"kyodo-groups-{timezone.localdate():%Y%m%d}.csv",
        header=[label for _key, label in PUBLIC_COLUMNS],
        rows=(public_row(g) for g in groups),
    )


STAFF_COLUMNS: list[tuple[str, str]] = [
    ("registration_number", "登録番号"),
    ("name", "団体名"),
    ("name_kana", "ふりがな"),
    ("legal_form", "法人格"),
    ("corporate_number", "法人番号"),
    ("representative_name", "代表者名"),
    ("representative_kana", "代表者ふりがな"),
    ("contact_name", "連絡担当者"),
    ("postal_code", "郵便番号"),
    ("address", "住所"),
    ("phone", "電話番号"),
    ("email", "メールアドレス"),
    ("website", "ウェブサイト"),
    ("social_links", "SNS"),
    ("founded_on", "設立年月日"),
    ("member_count", "会員数"),
    ("officer_count", "役員数"),
    ("citizen_member_count", "市民会員数"),
    ("fields", "活動分野"),
    ("purpose", "目的"),
    ("activities", "主な活動"),
    ("area", "活動地域"),
    ("activity_days", "活動日"),
    ("registered_until", "登録期限"),
    ("first_registered_on", "初回登録日"),
]


def staff_row(group: CivicGroup) -> list[Any]:
    row: list[Any] = []
    for key, _label in STAFF_COLUMNS:
        if key == "legal_form":
            row.append(LegalForm(group.legal_form).label)
        elif key == "fields":
            row.append(";".join(str(f.number) for f in group.fields.all()))
        elif key == "area":
            row.append(group.area.name if group.area is not None else "")
        else:
            value = getattr(group, key)
            row.append(value.isoformat() if hasattr(value, "isoformat") else value)
    return row


def staff_export(groups: Iterable[CivicGroup], fmt: str) -> HttpResponse:
    header = [label for _key, label in STAFF_COLUMNS]
    name = f"kyodo-groups-staff-{timezone.localdate():%Y%m%d}.{fmt}"
    rows = (staff_row(g) for g in groups)
    if fmt == "xlsx":
        return xlsx_response(filename=name, header=header, rows=rows, title=_("登録団体"))
    return csv_response(filename=name, header=header, rows=rows)


def snapshot_rows(snapshot: dict[str, Any], previous: dict[str, Any] | None) -> list[Row]:
    """Rows for the review page: each item as submitted and, for a renewal, last year's
    (the shared snapshot-and-compare mechanism, kyodo.core.snapshots)."""
    field_names = dict(ActivityField.objects.values_list("number", "short_name"))

    def labels() -> dict[str, Any]:
        names = {
            f.name: f.verbose_name
            for f in CivicGroup._meta.get_fields()
            if hasattr(f, "verbose_name")
        }
        names["fields"] = _("活動分野")
        return {key: names.get(key, key) for key in [*PROFILE_FIELDS, "fields"]}

    spec = SnapshotSpec(
        labels=labels, text=lambda key, value: _snapshot_text(key, value, field_names)
    )
    return compare(spec, previous, snapshot)


def profile_rows(group: CivicGroup) -> list[Row]:
    """Every item the group entered, as the center will read it: what the group checks
    before it submits (the same rows as the review page, without a previous year)."""
    from kyodo.audit.services import jsonable
    from kyodo.registry.services import proposed_profile

    return snapshot_rows(jsonable(proposed_profile(group)), None)


def public_change_rows(change: PendingPublicChange) -> list[Row]:
    """The approved profile beside the one with the group's held changes."""
    from kyodo.audit.services import jsonable
    from kyodo.registry.services import group_profile, proposed_profile

    group = change.group
    return snapshot_rows(jsonable(proposed_profile(group)), jsonable(group_profile(group)))


def pending_initial(group: CivicGroup) -> dict[str, Any]:
    """The edit form's values for the changes the group made that await the center."""
    pending = PendingPublicChange.objects.filter(group=group).first()
    if pending is None:
        return {}
    initial: dict[str, Any] = {}
    for key, value in pending.proposed.items():
        if key == "fields":
            initial[key] = list(ActivityField.objects.filter(number__in=value))
        elif key == "area":
            initial[key] = Area.objects.filter(pk=value).first()
        else:
            initial[key] = value
    return initial


def _snapshot_text(key: str, value: Any, field_names: dict[int, str]) -> str:
    """A snapshot value as a reviewer reads it: labels, not codes or Python lists."""
    if value in (None, "", []):
        return ""
    if key == "legal_form":
        return str(LegalForm(value).label) if value in LegalForm.values else str(value)
    if key == "fields":
        return "、".join(field_names.get(n, str(n)) for n in value)
    if key == "public_items":
        items = dict(PUBLISHABLE_ITEMS)
        return "、".join(str(items.get(k, k)) for k in value)
    if key == "founded_on":
        try:
            return wareki_date(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
