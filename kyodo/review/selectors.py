"""Reads of the committee's work that feed pages, with a fixed number of queries.

`committee_results` loads a whole call (criteria, proposals, conflicts, slots, advice,
decisions) in a constant number of queries, and has the database add up the marks that
count (`counted_tallies`: per proposal, round and criterion the sum and number of the
scores, conflicted members left out in SQL), then hands those exact integers to
review.results; no query runs per proposal and no score row reaches Python.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, OneToOneRel, Prefetch
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from kyodo.proposals import workflow
from kyodo.proposals.models import Proposal
from kyodo.registry.models import GroupMembership
from kyodo.review import results
from kyodo.review.conflicts import conflicted_pairs, declared_pairs, group_pairs, standing
from kyodo.review.models import (
    Committee,
    CommitteeMember,
    ConflictDeclaration,
    Criterion,
    RoundTally,
    Score,
    ScoreSheet,
)

# Proposals the committee looks at: from the start of review onwards.
COMMITTEE_STATES = workflow.REVIEW_STATES | workflow.DECIDED_STATES
# The results pages and exports show a proposal's title, group, state, review comment and
# the city's decision: only those columns are loaded (a proposal row has dozens, most of
# them long texts and dates, whose conversion was most of a 200-proposal call's page). A
# page that shows more loads the proposal itself.
ROW_FIELDS = (
    "pk",
    "call_id",
    "group_id",
    "title",
    "status",
    "group__name",
    "advice__review_comment",
    "decision__outcome",
    "decision__rule_reason",
)


def committee_for_call(call_id: int) -> Committee | None:
    return Committee.objects.select_related("call", "criteria_set").filter(call_id=call_id).first()


def conflicts_of(committee: Committee, proposals: list[Proposal], members: list[Any]) -> set:
    """(proposal_id, member_id) pairs that never count (kyodo.review.conflicts)."""
    return conflicted_pairs(committee, proposals, members)


def counted_tallies(
    committee: Committee,
    criteria: list[Criterion],
    proposals: list[Proposal],
    declared: set[tuple[int, int]],
    in_group: set[tuple[int, int]],
) -> tuple[dict[int, dict[int, results.Tally]], dict[tuple[int, int], int]]:
    """proposal id → round → Tally, from the stored tallies (review.tallies), and the
    submitted sheets per (proposal, round). The stored figures leave out declared
    conflicts; a member of the proposing group (`in_group`, conflicts.group_pairs)
    without such a declaration (rare: Kyodo flags them when review starts) is taken out
    here, from that member's own marks. The same figures as results.tally over the marks
    that count, exactly."""
    key_of = {c.pk: c.key for c in criteria}
    wanted = {p.pk for p in proposals}
    out: dict[int, dict[int, results.Tally]] = defaultdict(dict)
    submitted: dict[tuple[int, int], int] = {}
    key_of_id = {str(pk): key for pk, key in key_of.items()}
    for proposal_id, rnd, n_submitted, counted, sums in RoundTally.objects.filter(
        proposal__call_id=committee.call_id
    ).values_list("proposal_id", "round", "submitted", "counted", "sums"):
        if proposal_id in wanted:
            submitted[(proposal_id, rnd)] = n_submitted
            out[proposal_id][rnd] = results.Tally(
                counted,
                {
                    key_of_id[criterion_id]: (total, n)
                    for criterion_id, (total, n) in sums.items()
                    if criterion_id in key_of_id
                },
            )
    undeclared = in_group - declared
    if undeclared:
        _take_out(committee, undeclared, key_of, out)
    return out, submitted


def _take_out(
    committee: Committee,
    pairs: set[tuple[int, int]],
    key_of: dict[int, str],
    out: dict[int, dict[int, results.Tally]],
) -> None:
    """Subtract these (proposal, member) pairs' submitted marks from the tallies."""
    sheets: set[tuple[int, int, int]] = set()
    for sheet_id, proposal_id, member_id, rnd, criterion_id, value, na in Score.objects.filter(
        sheet__member_id__in={m for _p, m in pairs},
        sheet__proposal_id__in={p for p, _m in pairs},
        sheet__submitted_at__isnull=False,
        sheet__member__committee=committee,
    ).values_list(
        "sheet_id",
        "sheet__proposal_id",
        "sheet__member_id",
        "sheet__round",
        "criterion_id",
        "value",
        "not_applicable",
    ):
        if (proposal_id, member_id) not in pairs or proposal_id not in out:
            continue
        sheets.add((proposal_id, rnd, sheet_id))
        key = key_of.get(criterion_id)
        if key is None or na or value is None:
            continue
        tally = out[proposal_id][rnd]
        total, n = tally.sums[key]
        if n == 1:
            del tally.sums[key]
        else:
            tally.sums[key] = (total - value, n - 1)
    for proposal_id, rnd, _sheet_id in sheets:
        tally = out[proposal_id][rnd]
        out[proposal_id][rnd] = results.Tally(tally.members - 1, tally.sums)


@dataclass(frozen=True)
class Shown:
    """A proposal's figures as displayed (results.display: digits, a point, a minus sign or
    "—"), worked out once and cached with the figures."""

    means: tuple[str, ...]
    total: str
    sum_of_means: str
    # The means as table cells in one piece (see Row.mean_cells).
    cells: str = ""  # a SafeString, from format_html

    @classmethod
    def of(
        cls,
        result: results.ProposalResult,
        criteria: list[Criterion],
        cells_format: str | None = None,
    ) -> Shown:
        means = tuple(results.display(result.means.get(c.key)) for c in criteria)
        if cells_format is None:
            cells_format = mean_cells_format(criteria)
        # (format_html wants at least one value: a set without criteria has no cells.)
        cells = format_html(cells_format, *map(_escaped, means)) if means else _escaped("")
        return cls(
            means,
            results.display(result.total),
            results.display(result.sum_of_means, 2),
            cells,
        )


@lru_cache(maxsize=4096)
def _escaped(shown: str) -> SafeString:
    """A figure as shown (results.display), escaped: a call's 2,000 means are a few hundred
    distinct strings, each escaped once (format_html leaves them as they are then)."""
    return conditional_escape(shown)


def mean_cells_format(criteria: list[Criterion]) -> str:
    """A row's means as table cells, one `{}` per criterion for format_html (which escapes
    each mean), made once for all the rows: the openings, criterion names escaped, are
    written into it (their braces doubled), so a row is one format_html call rather than
    one per cell. data-label: on a phone the table restacks, each cell under its
    criterion's name."""
    return "".join(
        format_html('<td data-label="{}">', c.name).replace("{", "{{").replace("}", "}}")
        + "{}</td>"
        for c in criteria
    )


@dataclass
class Row:
    proposal: Proposal
    result: results.ProposalResult
    criteria: list[Criterion]
    progress: dict[int, tuple[int, int]] = field(default_factory=dict)  # round → (done, of)
    shown: Shown | None = None

    def __post_init__(self) -> None:
        if self.shown is None:
            self.shown = Shown.of(self.result, self.criteria)

    @property
    def means(self) -> list[tuple[Criterion, str]]:
        assert self.shown is not None
        return list(zip(self.criteria, self.shown.means, strict=True))

    @property
    def mean_cells(self) -> str:
        """The per-criterion means as table cells in one piece, made with the figures
        (Shown.of) and cached with them: a 200-proposal table of 10 criteria would
        otherwise run the template's loop 2,000 times per page."""
        assert self.shown is not None
        return self.shown.cells

    @property
    def total(self) -> str:
        assert self.shown is not None
        return self.shown.total

    @property
    def sum_of_means(self) -> str:
        assert self.shown is not None
        return self.shown.sum_of_means


@dataclass
class CallResults:
    committee: Committee
    criteria: list[Criterion]
    members: list[CommitteeMember]
    rows: list[Row]
    rules: results.Rules


# Figures are cached per committee under a key that changes whenever anything they are
# computed from changes (see `_results_key`), so a stale figure is never served; the
# timeout only bounds how long unused entries stay.
RESULTS_CACHE_SECONDS = 600
# Part of the key: figures cached by a version of Kyodo whose Shown had other fields are
# not read back by this one (3: Shown.cells).
SHOWN_FORMAT = 3


def _inputs_stamp(committee: Committee, user_ids: list[int]) -> tuple:
    """Three small aggregates over what the figures add up: the call's sheets (sheet_save
    stamps updated_at whenever a sheet or its scores change; a deletion changes the
    count), the committee's declarations, and the members' group memberships."""
    sheets = ScoreSheet.objects.filter(proposal__call_id=committee.call_id).aggregate(
        n=Count("pk"), changed=Max("updated_at"), submitted=Max("submitted_at")
    )
    declarations = ConflictDeclaration.objects.filter(member__committee=committee).aggregate(
        n=Count("pk"), declared=Max("declared_at"), revoked=Max("revoked_at"), last=Max("pk")
    )
    memberships = GroupMembership.objects.filter(user_id__in=user_ids).aggregate(
        n=Count("pk"), joined=Max("joined_at"), last=Max("pk")
    )
    return (sorted(sheets.items()), sorted(declarations.items()), sorted(memberships.items()))


def _digest(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _results_key(
    committee: Committee,
    states: frozenset[str],
    rules: results.Rules,
    criteria: list[Criterion],
    members: list[CommitteeMember],
    proposals: list[Proposal],
) -> str:
    """A cache key for the figures and progress of a committee's proposals: the rows the
    selector loads anyway (rules, criteria, members, each proposal's state and group) and
    `_inputs_stamp`. Three cheap queries."""
    digest = _digest(
        SHOWN_FORMAT,
        committee.pk,
        sorted(states),
        rules,
        [(c.pk, c.key) for c in criteria],
        [(m.pk, m.user_id) for m in members],
        [(p.pk, p.status, p.group_id) for p in proposals],
        _inputs_stamp(committee, [m.user_id for m in members]),
    )
    return f"review:results:{committee.pk}:{digest}"


def public_results_key(committee: Committee) -> str:
    """What the public results table and review comments are made of, as one digest, read
    without building the results (6 light queries): a template fragment cached under it is
    never stale. Covers the figures' inputs as in `_results_key`, the criteria's names, and
    each decided proposal's title, group name, state and review comment."""
    criteria = list(committee.criteria_set.criteria.all())
    members = list(committee.members.order_by("pk").values_list("pk", "user_id"))
    proposals = list(
        Proposal.objects.filter(call_id=committee.call_id, status__in=workflow.DECIDED_STATES)
        .order_by("pk")
        .values_list(
            "pk",
            "status",
            "group_id",
            "title",
            "group__name",
            "advice__review_comment",
            "decision__rule_reason",
        )
    )
    return _digest(
        committee.pk,
        committee.criteria_set.rules(criteria),
        [(c.pk, c.key, c.name) for c in criteria],
        members,
        proposals,
        _inputs_stamp(committee, [user_id for _pk, user_id in members]),
    )


def committee_results(
    committee: Committee, *, states: frozenset[str] | None = None, cached: bool = True
) -> CallResults:
    """The figures of the committee's proposals in `states`, cached (`_results_key`) unless
    `cached` is False: a caller that caches what it makes of them under a key covering the
    same inputs (the public results page: `public_results_key`) computes them only on that
    cache's miss, when these would be missed too, and the stamp queries and pickling of a
    second cache would be work for nothing."""
    wanted = states or COMMITTEE_STATES
    criteria = list(committee.criteria_set.criteria.all())
    rules = committee.criteria_set.rules(criteria)
    members = list(committee.members.select_related("user", "kind"))
    proposals = list(
        Proposal.objects.filter(call_id=committee.call_id, status__in=wanted)
        .select_related("group", "advice", "decision")
        .only(*ROW_FIELDS)
        .order_by("pk")
    )
    _forget_proposals(proposals)
    if cached:
        key = _results_key(committee, wanted, rules, criteria, members, proposals)
        figures = cache.get(key)
        if figures is None:
            figures = _figures(committee, wanted, rules, criteria, members, proposals)
            cache.set(key, figures, RESULTS_CACHE_SECONDS)
    else:
        figures = _figures(committee, wanted, rules, criteria, members, proposals)
    computed, progress, shown = figures
    rows = [
        Row(proposal, result, criteria, progress[proposal.pk], shown[proposal.pk])
        for proposal, result in zip(proposals, computed, strict=True)
    ]
    return CallResults(committee, criteria, members, rows, rules)


def _forget_proposals(proposals: list[Proposal]) -> None:
    """select_related of a reverse one-to-one also caches the proposal on its advice and
    decision: a reference cycle per row, which only the garbage collector frees, all at
    once (a 200-proposal call left some 2,400 objects per request to it). Forgotten, a
    call's rows are freed as soon as they are no longer used; an advice or decision that
    is asked for its proposal loads it again."""
    for name in ("advice", "decision"):
        reverse = Proposal._meta.get_field(name)  # the one-to-one seen from the proposal
        assert isinstance(reverse, OneToOneRel)
        for proposal in proposals:
            related = reverse.get_cached_value(proposal, default=None)
            if related is not None:
                reverse.remote_field.delete_cached_value(related)


def _figures(
    committee: Committee,
    states: frozenset[str],
    rules: results.Rules,
    criteria: list[Criterion],
    members: list[CommitteeMember],
    proposals: list[Proposal],
) -> tuple[list[results.ProposalResult], dict[int, dict[int, tuple[int, int]]], dict[int, Shown]]:
    """Each proposal's figures, its progress per round (submitted sheets / members without
    a conflict) and its figures as shown, in a fixed number of queries."""
    declared = declared_pairs(committee)
    in_group = group_pairs(proposals, members)
    conflicts = declared | in_group
    tallies, submitted = counted_tallies(committee, criteria, proposals, declared, in_group)
    computed = results.call_results_from_tallies(rules, [p.pk for p in proposals], tallies)
    conflicted: dict[int, int] = defaultdict(int)  # every pair is of a committee member
    for proposal_id, _member_id in conflicts:
        conflicted[proposal_id] += 1
    progress = {
        p.pk: {
            rnd: (submitted.get((p.pk, rnd), 0), len(members) - conflicted[p.pk])
            for rnd in range(1, rules.rounds + 1)
        }
        for p in proposals
    }
    cells_format = mean_cells_format(criteria)
    shown = {
        p.pk: Shown.of(r, criteria, cells_format) for p, r in zip(proposals, computed, strict=True)
    }
    return computed, progress, shown


def published_rows(data: CallResults) -> list[Row]:
    """The public results page: proposals that were presented (scored), ranked."""
    rows = [
        r for r in data.rows if r.result.scored and r.proposal.status in workflow.DECIDED_STATES
    ]
    return sorted(rows, key=lambda r: (r.result.rank or 10**6, r.proposal.pk))


@dataclass
class IndividualSheet:
    member: CommitteeMember
    sheet: ScoreSheet | None
    conflicted: bool
    total: str


def individual_sheets(committee: Committee, proposal: Proposal) -> dict[int, list[IndividualSheet]]:
    """The office's view of each member's sheet, per round (a fixed number of queries)."""
    criteria = list(committee.criteria_set.criteria.all())
    rules = committee.criteria_set.rules(criteria)
    members = list(committee.members.select_related("user", "kind"))
    conflicts = conflicts_of(committee, [proposal], members)
    sheets = ScoreSheet.objects.filter(proposal=proposal).prefetch_related(
        Prefetch("scores", queryset=Score.objects.select_related("criterion"))
    )
    by_key = {(s.member_id, s.round): s for s in sheets}
    out: dict[int, list[IndividualSheet]] = {}
    for rnd in range(1, rules.rounds + 1):
        out[rnd] = []
        for m in members:
            sheet = by_key.get((m.pk, rnd))
            answers = (
                {
                    s.criterion.key: (None if s.not_applicable else s.value)
                    for s in sheet.scores.all()
                }
                if sheet
                else {}
            )
            total = results.member_total(rules, answers) if sheet and sheet.submitted_at else None
            out[rnd].append(
                IndividualSheet(m, sheet, (proposal.pk, m.pk) in conflicts, results.display(total))
            )
    return out


@dataclass
class InboxItem:
    proposal: Proposal
    declaration: ConflictDeclaration | None
    sheets: dict[int, ScoreSheet]
    in_group: bool

    @property
    def may_open(self) -> bool:
        return standing(in_group=self.in_group, declaration=self.declaration).may_open


def member_inbox(user: Any) -> list[tuple[CommitteeMember, list[InboxItem]]]:
    """For a committee member: each committee and its proposals under review, with what the
    member still has to do (declare, score). Queries do not grow with proposals."""
    seats = list(
        CommitteeMember.objects.filter(user=user).select_related(
            "committee__call", "committee__criteria_set", "kind"
        )
    )
    if not seats:
        return []
    call_ids = [s.committee.call_id for s in seats]
    proposals = list(
        Proposal.objects.filter(call_id__in=call_ids, status__in=workflow.REVIEW_STATES)
        .select_related("group")
        .order_by("pk")
    )
    declarations = {
        (d.member_id, d.proposal_id): d
        for d in ConflictDeclaration.objects.filter(member__in=seats, revoked_at__isnull=True)
    }
    sheets: dict[tuple[int, int], dict[int, ScoreSheet]] = defaultdict(dict)
    for sheet in ScoreSheet.objects.filter(member__in=seats):
        sheets[(sheet.member_id, sheet.proposal_id)][sheet.round] = sheet
    groups = set(
        GroupMembership.objects.filter(
            user=user, group_id__in={p.group_id for p in proposals}
        ).values_list("group_id", flat=True)
    )
    out = []
    for seat in seats:
        items = [
            InboxItem(
                p,
                declarations.get((seat.pk, p.pk)),
                sheets.get((seat.pk, p.pk), {}),
                p.group_id in groups,
            )
            for p in proposals
            if p.call_id == seat.committee.call_id
        ]
        out.append((seat, items))
    return out


def office_committees() -> list[Committee]:
    return list(
        Committee.objects.select_related("call", "criteria_set").order_by(
            "-call__fiscal_year", "pk"
        )
    )
