"""A programme's evaluation settings from the [evaluation] table of the city's TOML
(programmes/data/kamakura.toml), loaded once per programme: after that they are the office's
to edit (kyodo.evaluation.views.settings_page). Running it again adds missing axes only."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.db import transaction

from kyodo.evaluation.models import Axis, Outcome, Scheme
from kyodo.programmes.models import Programme
from kyodo.programmes.seed import KAMAKURA_TOML

# The TOML's outcome words → Kyodo's outcomes. Kamakura's "continue" covers continuing as
# is and expanding; its "end" both stopping and completing.
OUTCOME_ALIASES: dict[str, tuple[str, ...]] = {
    "expand": (Outcome.EXPAND,),
    "continue": (Outcome.CONTINUE, Outcome.EXPAND),
    "continue_with_changes": (Outcome.IMPROVE,),
    "improve": (Outcome.IMPROVE,),
    "end": (Outcome.STOP, Outcome.COMPLETED),
    "stop": (Outcome.STOP,),
    "completed": (Outcome.COMPLETED,),
}
AXIS_ENGLISH = {
    "synergy": "Synergy of the collaboration",
    "progress": "Progress against the plan",
    "method": "Whether collaboration is the right method",
    "satisfaction": "Satisfaction of residents (beneficiaries)",
    "outcome": "Outcomes and effects (worth the cost)",
}


def outcomes_from(words: list[str]) -> list[str]:
    found: list[str] = []
    for word in words:
        for outcome in OUTCOME_ALIASES.get(word, ()):
            if outcome not in found:
                found.append(str(outcome))
    # In the order of the Outcome choices, whatever order the city wrote them in.
    return [o for o in Outcome.values if o in found] or list(Outcome.values)


@transaction.atomic
def scheme_from_data(programme: Programme, data: dict[str, Any]) -> Scheme:
    """The scheme of `programme` from an [evaluation] table (made once, then kept)."""
    scheme, created = Scheme.objects.get_or_create(
        programme=programme,
        defaults={
            "scale_min": data.get("scale_min", 1),
            "scale_max": data.get("scale_max", 5),
            "as_planned": data.get("as_planned", 3),
            "scale_labels": {str(k): v for k, v in (data.get("scale_labels") or {}).items()},
            "reason_at_or_below": data.get("reason_required_at_or_below", 2),
            "difference_steps": data.get("difference_steps", 2),
            "evaluators": list(data.get("evaluators") or ["group", "department", "committee"]),
            "plan_fields": list((data.get("plan_fields") or {}).get("fields") or []),
            "outcomes": outcomes_from(list(data.get("outcomes") or [])),
        },
    )
    known = set(scheme.axes.values_list("key", flat=True))
    for order, entry in enumerate(data.get("axis", []), start=1):
        if entry["key"] in known:
            continue
        Axis.objects.create(
            scheme=scheme,
            key=entry["key"],
            name=entry["name"],
            name_en=entry.get("name_en") or AXIS_ENGLISH.get(entry["key"], ""),
            order=order,
        )
    return scheme


def seed_evaluation(programme: Programme, path: Path = KAMAKURA_TOML) -> Scheme:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return scheme_from_data(programme, data.get("evaluation", {}))
