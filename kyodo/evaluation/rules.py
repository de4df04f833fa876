"""The evaluation's rules as plain functions (no database): when a reason is required, and
which axes the group and the department differ on enough to discuss them together.

The scale is integers (letters or words are labels of its points, kyodo.evaluation.models
.Scheme), so a difference is always counted in steps of the scale."""

from __future__ import annotations

from collections.abc import Mapping


def needs_reason(score: int | None, *, at_or_below: int) -> bool:
    """A score at or below the threshold needs a written reason (2 does, 3 does not, with
    Kamakura's threshold of 2)."""
    return score is not None and score <= at_or_below


def steps_apart(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return None
    return abs(a - b)


def differs(a: int | None, b: int | None, *, steps: int) -> bool:
    """The two scores are `steps` or more apart (both given)."""
    apart = steps_apart(a, b)
    return apart is not None and apart >= steps


def marked_axes(
    group: Mapping[str, int | None], department: Mapping[str, int | None], *, steps: int
) -> list[str]:
    """The axes (keys, in the group's order) on which the two evaluations differ by `steps`
    or more: the agenda of the mutual review meeting."""
    return [key for key in group if differs(group[key], department.get(key), steps=steps)]
