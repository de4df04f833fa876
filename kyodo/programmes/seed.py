"""Kamakura's programme and courses, loaded from data/kamakura.toml (idempotent)."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

from django.db import transaction

from kyodo.programmes.models import (
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
    return programme


def budget_categories(path: Path = KAMAKURA_TOML) -> tuple[list[str], list[str]]:
    """(income sources, expense categories) for the budget form."""
    income, expense = _budget_categories(path)
    return list(income), list(expense)


@functools.cache
def _budget_categories(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Every line of the budget form asks twice: parsing the city's TOML each time cost the
    # budget page about half a second.
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    budget = data.get("budget", {})
    return tuple(budget.get("income_sources", [])), tuple(budget.get("expense_categories", []))
