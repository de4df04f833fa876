"""The registry's extra objects in the gate world: a line of group A's private member list
and a change to its public items that awaits the center."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kyodo.registry.models import GroupMemberEntry, MemberListRole, PendingPublicChange


def registry_world(world: Any) -> dict[str, Any]:
    entry = GroupMemberEntry.objects.create(
        group=world.group_a, name="名簿 太郎", role=MemberListRole.OFFICER, is_citizen=True
    )
    change = PendingPublicChange.objects.create(
        group=world.group_a,
        proposed={"purpose": "公開前の新しい目的"},
        changed_by=world.users["representative_a"],
        changed_at=timezone.now(),
    )
    return {"member_entry_a": entry, "public_change_a": change}
