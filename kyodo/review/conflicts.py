"""The conflict-of-interest rule, in one place.

A committee member takes no part in a proposal — never opens it, and none of their marks
count — when they belong to the proposing group, or when they have a standing (not revoked)
declaration of a conflict. A member who has not declared yet may not open the proposal
either, but has no conflict. `standing()` is the rule for one member and proposal (used by
the permission predicates and the member's inbox); `conflicted_pairs()` applies it to a whole
committee in two queries (results); `sql_conflict()` is the same rule as NOT EXISTS
anti-joins for the queries that add up marks in the database. tests/review pins that the
three agree.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from typing import Any

from django.db.models import Exists, OuterRef

from kyodo.registry.models import GroupMembership
from kyodo.review.models import ConflictDeclaration


class Standing(enum.Enum):
    UNDECLARED = "undeclared"  # may not open it yet; no conflict
    CLEAR = "clear"  # declared no conflict: opens and scores
    DECLARED_CONFLICT = "declared_conflict"
    GROUP_MEMBER = "group_member"

    @property
    def conflicted(self) -> bool:
        return self in (Standing.DECLARED_CONFLICT, Standing.GROUP_MEMBER)

    @property
    def may_open(self) -> bool:
        return self is Standing.CLEAR


def standing(*, in_group: bool, declaration: ConflictDeclaration | None) -> Standing:
    """The rule. `declaration`: the member's standing (not revoked) one, if any."""
    if in_group:
        return Standing.GROUP_MEMBER
    if declaration is None:
        return Standing.UNDECLARED
    return Standing.DECLARED_CONFLICT if declaration.has_conflict else Standing.CLEAR


def standing_declaration(member: Any, proposal: Any) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(
        member=member, proposal=proposal, revoked_at__isnull=True
    ).first()


def standing_of(member: Any, proposal: Any) -> Standing:
    in_group = GroupMembership.objects.filter(
        user_id=member.user_id, group_id=proposal.group_id
    ).exists()
    return standing(in_group=in_group, declaration=standing_declaration(member, proposal))


def declared_pairs(committee: Any) -> set[tuple[int, int]]:
    """(proposal_id, member_id) pairs with a standing declared conflict. One query."""
    return set(
        ConflictDeclaration.objects.filter(
            member__committee=committee, has_conflict=True, revoked_at__isnull=True
        ).values_list("proposal_id", "member_id")
    )


def group_pairs(proposals: list[Any], members: list[Any]) -> set[tuple[int, int]]:
    """(proposal_id, member_id) pairs where the member belongs to the proposing group."""
    member_by_user = {m.user_id: m.pk for m in members}
    groups: dict[int, list[int]] = defaultdict(list)
    for p in proposals:
        groups[p.group_id].append(p.pk)
    pairs = set()
    for user_id, group_id in GroupMembership.objects.filter(
        user_id__in=member_by_user, group_id__in=groups
    ).values_list("user_id", "group_id"):
        for proposal_id in groups[group_id]:
            pairs.add((proposal_id, member_by_user[user_id]))
    return pairs


def conflicted_pairs(
    committee: Any, proposals: list[Any], members: list[Any]
) -> set[tuple[int, int]]:
    """(proposal_id, member_id) pairs that never count, for a whole committee. Two queries."""
    return declared_pairs(committee) | group_pairs(proposals, members)


def sql_conflict(prefix: str = "") -> tuple[Exists, Exists]:
    """The rule as two EXISTS subqueries over a ScoreSheet (`prefix` "") or a Score
    ("sheet__") row: negate both to keep the marks that count."""
    declared = ConflictDeclaration.objects.filter(
        member_id=OuterRef(f"{prefix}member_id"),
        proposal_id=OuterRef(f"{prefix}proposal_id"),
        has_conflict=True,
        revoked_at__isnull=True,
    )
    in_group = GroupMembership.objects.filter(
        user_id=OuterRef(f"{prefix}member__user_id"),
        group_id=OuterRef(f"{prefix}proposal__group_id"),
    )
    return Exists(declared), Exists(in_group)
