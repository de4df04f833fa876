"""The accounts' objects in the gate world: the department persona's 課 and its 部."""

from __future__ import annotations

from typing import Any

from kyodo.accounts.models import Section


def accounts_world(world: Any) -> dict[str, Any]:
    section = Section.objects.select_related("division").get(name="こども支援課")
    return {"section": section, "division": section.division}
