"""Numbers that officials cite: one locked counter per kind and fiscal year.

Registration numbers, document numbers, agreement and payment numbers all come from
`next_number(kind, fiscal_year)`, which locks the counter row (SELECT … FOR UPDATE on
PostgreSQL, the database write lock on SQLite, whose transactions start IMMEDIATE here) and
increments it inside the caller's transaction: a rolled-back caller gives its number back,
and two callers never get the same one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from kyodo.core.models import NumberSequence


def next_value(kind: str, fiscal_year: int, *, start_after: Callable[[], int] | None = None) -> int:
    """The next integer of the (kind, fiscal_year) sequence, starting at 1 — or above
    `start_after()` (numbers issued before the counter existed) when the counter is new."""
    with transaction.atomic():
        row = NumberSequence.objects.select_for_update().filter(kind=kind, year=fiscal_year).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = NumberSequence.objects.create(
                        kind=kind, year=fiscal_year, last=start_after() if start_after else 0
                    )
            except IntegrityError:  # another transaction created it first: lock theirs
                row = NumberSequence.objects.select_for_update().get(kind=kind, year=fiscal_year)
        row.last += 1
        row.save(update_fields=["last"])
        return row.last


def next_number(
    kind: str,
    fiscal_year: int,
    *,
    width: int = 4,
    start_after: Callable[[], int] | None = None,
) -> str:
    """'2026-0001' style: the fiscal year, a hyphen and the zero-padded counter."""
    return f"{fiscal_year}-{next_value(kind, fiscal_year, start_after=start_after):0{width}d}"


def seed_from(kind: str, fiscal_year: int, highest: int) -> None:
    """Raise the counter to at least `highest` (numbers issued before the counter existed)."""
    with transaction.atomic():
        row, _ = NumberSequence.objects.select_for_update().get_or_create(
            kind=kind, year=fiscal_year, defaults={"last": 0}
        )
        if row.last < highest:
            row.last = highest
            row.save(update_fields=["last"])
