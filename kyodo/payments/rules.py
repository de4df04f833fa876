"""The arithmetic of a project year's money, with no database writes.

Every claim is measured against the same limits: the approved amount of the year (the
agreed city share, kyodo.projects.ProjectYear.approved_amount — never what was requested),
the course's cap, and the course's share of the year's cost. The confirmation of the amount
(額の確定) is the smallest of the cap, the share rate times the eligible actual cost and the
decided amount, cut to the course's rounding unit; what was paid beyond it is refunded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kyodo.programmes.models import Course, PaymentType


def cut(amount: int | Fraction, unit: int) -> int:
    """Round down to a multiple of `unit` yen (unit 1000: 千円未満切り捨て)."""
    whole = int(amount // 1)  # floor, for a Fraction too
    unit = max(unit or 1, 1)
    return whole - whole % unit


def is_grant(course: Course) -> bool:
    return course.payment_type == PaymentType.GRANT


def cap_of(course: Course) -> int | None:
    """The yearly cap of the course (a first adoption's, where caps go by adoption)."""
    return course.cap_for_adoption(0)


def share_of(course: Course, year_index: int) -> Fraction:
    """The city's share of the year's cost (100 % when the course sets none)."""
    return course.share_for_year(year_index) or Fraction(1)


@dataclass(frozen=True)
class Limit:
    label: str | Promise
    amount: int


def limits(segment: Any, course: Course) -> list[Limit]:
    """What any money of this year is measured against (approved, cap, share of cost)."""
    rows = [Limit(_("承認額（協定の市の負担額）"), segment.approved_amount)]
    cap = cap_of(course)
    if cap is not None:
        rows.append(Limit(_("コースの上限額"), cap))
    share = share_of(course, segment.year_index)
    rows.append(Limit(_("事業費に対する割合の上限"), cut(share * segment.total_cost, 1)))
    return rows


def ceiling(segment: Any, course: Course) -> int:
    return min(limit.amount for limit in limits(segment, course))


def advance_limit(decided_amount: int, course: Course) -> int:
    """The advance payment may reach the course's share of the decided grant (floor)."""
    return cut(course.advance_fraction() * decided_amount, 1)


def confirmed_amount(
    *, course: Course, year_index: int, eligible_cost: int, decided_amount: int
) -> int:
    """額の確定 = min(cap, share rate × eligible actual cost, decided amount), cut."""
    candidates: list[int | Fraction] = [
        share_of(course, year_index) * eligible_cost,
        decided_amount,
    ]
    cap = cap_of(course)
    if cap is not None:
        candidates.append(cap)
    return cut(min(candidates), course.rounding_unit)


def is_minor_change(*, course: Course, decided_amount: int, new_amount: int) -> bool:
    """A change below the course's share of the decided amount needs no approval."""
    return abs(new_amount - decided_amount) < course.minor_change_fraction() * decided_amount


# --- the settlement (収支決算書) compared with the approved budget ---------------------------


def needs_explanation(*, course: Course, budgeted: int, actual: int) -> bool:
    """Is the difference of a line over the course's threshold? Each rule the course sets
    (a share of the budgeted line, a number of yen) must be exceeded — strictly: a
    difference exactly at the threshold needs no explanation. No rule set: never."""
    difference = abs(actual - budgeted)
    share = course.settlement_diff_fraction()
    yen = course.settlement_diff_yen
    if share is None and yen is None:
        return False
    if share is not None and not difference > share * budgeted:
        return False
    return not (yen is not None and not difference > yen)


def approved_income(
    budget: dict[str, int], *, city: str, own: str, approved: int, group_part: int
) -> dict[str, int]:
    """The approved budget's income by source: the proposal's budget of the year, with the
    city's part replaced by what the agreement concluded (ProjectYear.approved_amount) and
    the group's own funds (自己資金) taking up the rest of the group's agreed part
    (ProjectYear.group_amount) beside its other budgeted sources."""
    rows = dict(budget)
    rows[city] = approved
    others = sum(v for k, v in rows.items() if k not in (city, own))
    rest = max(group_part - others, 0)
    if rest or own in rows:
        rows[own] = rest
    return rows


@dataclass(frozen=True)
class Compared:
    """One line of the comparison: a source of income or a category of expense."""

    kind: str
    key: str
    label: str | Promise
    budget: int
    actual: int
    flagged: bool

    @property
    def difference(self) -> int:
        return self.actual - self.budget


def compare(
    *,
    course: Course,
    kind: str,
    budget: dict[str, int],
    actual: dict[str, int],
    labels: Mapping[str, str | Promise] | None = None,
) -> list[Compared]:
    """Budget and actual side by side, key by key: the budget's keys in their order, then
    any key only the actuals have."""
    labels = labels or {}
    keys = list(budget) + [k for k in actual if k not in budget]
    return [
        Compared(
            kind=kind,
            key=key,
            label=labels.get(key, key),
            budget=budget.get(key, 0),
            actual=actual.get(key, 0),
            flagged=needs_explanation(
                course=course, budgeted=budget.get(key, 0), actual=actual.get(key, 0)
            ),
        )
        for key in keys
    ]
