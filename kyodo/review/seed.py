"""Kamakura's committee kinds and default criteria set, from programmes/data/kamakura.toml.

Idempotent: running it again updates what is there and adds what is missing."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from kyodo.programmes.seed import KAMAKURA_TOML
from kyodo.review.models import CriteriaSet, Criterion, MemberKind

KAMAKURA_CRITERIA_NAME = "鎌倉市 協働事業 審査基準（既定）"
# Names the city's TOML may use for review.results' pass rules.
PASS_RULE_ALIASES = {"mean_total_percent": "mean_total"}


def criteria_set_from_data(name: str, scoring: dict[str, Any]) -> CriteriaSet:
    """A criteria set from the [scoring] table of a city's TOML (or any dict like it)."""
    pass_line = scoring.get("pass_line")
    criteria_set, _created = CriteriaSet.objects.update_or_create(
        name=name,
        defaults={
            "normalisation": scoring.get("normalisation", "range"),
            "normalise_to": scoring.get("normalise_to", 100),
            "scale_min": scoring.get("scale_min", 1),
            "scale_max": scoring.get("scale_max", 5),
            "scale_labels": {str(k): v for k, v in scoring.get("scale_labels", {}).items()},
            "pass_rule": PASS_RULE_ALIASES.get(
                scoring.get("pass_rule", "mean_total"), scoring.get("pass_rule", "mean_total")
            ),
            "pass_line": Decimal(str(pass_line)) if pass_line is not None else None,
            "rounds": 2 if scoring.get("two_rounds") else 1,
            "confirmed": bool(scoring.get("confirmed", False)),
        },
    )
    for order, entry in enumerate(scoring.get("criterion", []), start=1):
        Criterion.objects.update_or_create(
            criteria_set=criteria_set,
            key=entry["key"],
            defaults={
                "name": entry["name"],
                "question": entry.get("question", ""),
                "weight": Decimal(str(entry.get("weight", 1))),
                "scale_min": entry.get("scale_min", scoring.get("scale_min", 1)),
                "scale_max": entry.get("scale_max", scoring.get("scale_max", 5)),
                "allow_na": bool(entry.get("allow_na", False)),
                "order": order,
            },
        )
    return criteria_set


@transaction.atomic
def seed_review(path: Path = KAMAKURA_TOML) -> CriteriaSet:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for order, entry in enumerate(data.get("committee", {}).get("composition", []), start=1):
        MemberKind.objects.update_or_create(
            name=entry["kind"],
            defaults={
                "order": order,
                "usual_count": entry.get("count", 1),
                "name_en": entry.get("kind_en", ""),
            },
        )
    return criteria_set_from_data(KAMAKURA_CRITERIA_NAME, data.get("scoring", {}))
