"""Who "the group" is, for notifications (kyodo.core.events): its representatives and the
group's own address."""

from __future__ import annotations

from collections.abc import Iterable

from kyodo.core.events import Recipient, register_audience
from kyodo.registry.models import CivicGroup, GroupMembership, GroupRole


def _group(group: CivicGroup) -> Iterable[Recipient]:
    for membership in GroupMembership.objects.filter(
        group=group, role=GroupRole.REPRESENTATIVE, user__is_active=True
    ).select_related("user"):
        yield Recipient(membership.user.email, membership.user)
    if group.email:
        yield Recipient(group.email)


register_audience("group", _group)
