"""The registry's extra objects in the gate world: a line of group A's private member list."""

from __future__ import annotations

from typing import Any

from kyodo.registry.models import GroupMemberEntry, MemberListRole


def registry_world(world: Any) -> dict[str, Any]:
    entry = GroupMemberEntry.objects.create(
        group=world.group_a, name="名簿 太郎", role=MemberListRole.OFFICER, is_citizen=True
    )
    return {"member_entry_a": entry}
