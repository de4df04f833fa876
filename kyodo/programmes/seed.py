"""Kamakura's programme and courses, loaded from data/kamakura.toml (idempotent)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.db import transaction

from kyodo.programmes.models import (
    BudgetCategory,
    Course,
    FundingSource,
    PaymentType,
    Programme,
    RulesRequirement,
    Track,
)

KAMAKURA_TOML = Path(__file__).resolve().parent / "data" / "kamakura.toml"

# toml key → Course column; keys not listed are copied as they are.
_RENAMES = {
    "payment": "payment_type",
    "requires_center_registration": "requires_registration",
}


def course_values(entry: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in entry.items():
        if key in ("key", "name"):
            continue
        values[_RENAMES.get(key, key)] = value
    values.setdefault("payment_type", PaymentType.GRANT)
    values.setdefault("funding_source", FundingSource.GENERAL)
    values.setdefault("requires_rules", RulesRequirement.NONE)
    # A course that names no tracks accepts the group's own plans only.
    values.setdefault("tracks", [Track.GROUP_PROPOSED.value])
    return values


@transaction.atomic
def seed_programme(path: Path = KAMAKURA_TOML) -> Programme:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    meta = data["programme"]
    programme, _created = Programme.objects.update_or_create(
        name=meta["name"],
        defaults={
            "office_name": meta.get("office", ""),
            "center_name": meta.get("center", ""),
            "fund_name": meta.get("fund", ""),
        },
    )
    for order, entry in enumerate(data.get("course", []), start=1):
        Course.objects.update_or_create(
            programme=programme,
            key=entry["key"],
            defaults={"name": entry["name"], "order": order, **course_values(entry)},
        )
    seed_budget_categories(programme, path)
    return programme


# English for the expense categories a city ships with (the office edits both later).
CATEGORY_ENGLISH = {
    "報償費（謝礼）": "Honoraria",
    "人件費": "Staff costs",
    "旅費（交通費）": "Travel",
    "消耗品費": "Consumables",
    "材料費": "Materials",
    "印刷製本費": "Printing and binding",
    "通信運搬費": "Postage and communication",
    "会議費": "Meetings",
    "広告宣伝費": "Publicity",
    "使用料及び賃借料（リース）": "Rent and leases",
    "保険料": "Insurance",
    "委託料": "Contracted services",
    "その他": "Other",
}


def seed_budget_categories(programme: Programme, path: Path = KAMAKURA_TOML) -> None:
    """The city's expense categories, once: after that they are the office's to edit."""
    if programme.budget_categories.exists():
        return
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    names = data.get("budget", {}).get("expense_categories", [])
    BudgetCategory.objects.bulk_create(
        BudgetCategory(
            programme=programme, name=name, name_en=CATEGORY_ENGLISH.get(name, ""), order=order
        )
        for order, name in enumerate(names, start=1)
    )
