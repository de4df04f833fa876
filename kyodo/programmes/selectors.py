"""Reads of the programme's configuration."""

from __future__ import annotations

from kyodo.programmes.models import BudgetCategory, Programme


def expense_categories(programme: Programme | int) -> list[str]:
    """The expense categories (費目) a proposal's budget offers, in the office's order."""
    programme_id = programme if isinstance(programme, int) else programme.pk
    return list(
        BudgetCategory.objects.filter(programme_id=programme_id, is_active=True)
        .order_by("order", "pk")
        .values_list("name", flat=True)
    )
