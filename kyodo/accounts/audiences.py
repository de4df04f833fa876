"""Who the city's roles are, for notifications (kyodo.core.events): said once, here."""

from __future__ import annotations

from collections.abc import Iterable

from kyodo.accounts.models import Role, RoleAssignment, Section
from kyodo.core.events import Recipient, register_audience


def _role(role: str) -> Iterable[Recipient]:
    for assignment in RoleAssignment.objects.filter(role=role, user__is_active=True).select_related(
        "user"
    ):
        yield Recipient(assignment.user.email, assignment.user)


def _section(section_id: int | None) -> Iterable[Recipient]:
    """A 課: its department staff and its own address."""
    if not section_id:
        return
    for assignment in RoleAssignment.objects.filter(
        role=Role.DEPARTMENT, section_id=section_id, user__is_active=True
    ).select_related("user"):
        yield Recipient(assignment.user.email, assignment.user)
    for email in Section.objects.filter(pk=section_id).values_list("email", flat=True):
        if email:
            yield Recipient(email)


register_audience("office", lambda: _role(Role.OFFICE))
register_audience("center", lambda: _role(Role.CENTER))
register_audience("section", _section)
