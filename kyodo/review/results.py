"""The selection committee's arithmetic, as one pure module over plain data (no ORM).

Everything is exact (fractions.Fraction); numbers are rounded only for display, to one
decimal, half up (`display`). The selector in review.selectors feeds this module with a
fixed number of queries, the marks already added up per proposal, round and criterion by
the database (`Tally`, `call_results_from_tallies`); tests call `call_results` directly
with hand-computed fixtures, and check that both ways give the same figures.

Definitions (a city chooses among them in its criteria set, never in code):

Which marks count
    Only submitted score sheets. A member with a conflict of interest on a proposal (a
    declared conflict that the office has not revoked, or membership of the proposing
    group) is left out of every figure for that proposal. A "not applicable" (N/A) answer is
    left out of that criterion's mean only.

Which round counts
    With two rounds (document pre-score, then the score revised after the presentation),
    round 2 counts for a proposal as soon as one counted member has submitted a round-2
    sheet for it; until then round 1 counts. With one round, round 1 counts. The other
    round never mixes in: each proposal's figures come from one round only.

Per-criterion mean
    mean_c = (sum of the counted members' scores on c) / (their number), over the members
    who gave c a score (not N/A). A criterion nobody scored has no mean (None).

Normalised total (to `normalise_to`, 100 by default)
    total = Σ_c w_c × n(mean_c) / Σ_c w_c × normalise_to, both sums over the criteria that
    have a mean, where n() is, by the set's `normalisation`:
      "range"           n(m) = (m − scale_min) / (scale_max − scale_min)
                        (1–5 scales: a 1 is 0 %, a 5 is 100 %)
      "fraction_of_max" n(m) = m / scale_max
                        (0–5 scales such as Obu's, where 0 is a real score)
    Multiplying every weight by the same constant changes nothing.

Sum of means
    sum_of_means = Σ_c mean_c over criteria with a mean, in raw points, unweighted (Sanda:
    10 items of 5 points, pass at 30; Mobara: 12 items × 5 = 60).

Pass rule (verdict)
    "mean_total"    passed when total ≥ pass_line (Kamakura default: 60; Obu: 50)
    "sum_of_means"  passed when sum_of_means ≥ pass_line (Sanda: 30)
    "none"          no verdict, ranking only (Mobara)
    A proposal with no counted score has no verdict (None).

Rank
    Competition ranking ("1, 2, 2, 4") by the figure the pass rule uses (sum_of_means for
    "sum_of_means", else total), highest first; exact ties share a rank. Proposals with no
    counted score are not ranked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from operator import itemgetter
from typing import TypeVar

_Key = TypeVar("_Key", bound=Hashable)  # a proposal's key: the same type in both arguments

RANGE = "range"
FRACTION_OF_MAX = "fraction_of_max"
NORMALISATIONS = (RANGE, FRACTION_OF_MAX)
MEAN_TOTAL = "mean_total"
SUM_OF_MEANS = "sum_of_means"
NO_VERDICT = "none"
PASS_RULES = (MEAN_TOTAL, SUM_OF_MEANS, NO_VERDICT)


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    weight: Fraction
    scale_min: int = 1
    scale_max: int = 5
    allow_na: bool = False

    def __post_init__(self) -> None:
        if self.scale_max <= self.scale_min:
            raise ValueError(f"criterion {self.key}: scale_max must exceed scale_min")
        if self.weight <= 0:
            raise ValueError(f"criterion {self.key}: weight must be positive")


@dataclass(frozen=True)
class Rules:
    criteria: tuple[CriterionSpec, ...]
    normalisation: str = RANGE
    normalise_to: Fraction = Fraction(100)
    pass_rule: str = MEAN_TOTAL
    pass_line: Fraction | None = Fraction(60)
    rounds: int = 1

    def __post_init__(self) -> None:
        if self.normalisation not in NORMALISATIONS:
            raise ValueError(f"unknown normalisation {self.normalisation!r}")
        if self.pass_rule not in PASS_RULES:
            raise ValueError(f"unknown pass rule {self.pass_rule!r}")
        if self.rounds not in (1, 2):
            raise ValueError("rounds must be 1 or 2")


@dataclass(frozen=True)
class Mark:
    """One submitted answer: `value` None means N/A."""

    proposal: Hashable
    member: Hashable
    round: int
    criterion: str
    value: int | None


@dataclass
class ProposalResult:
    proposal: Hashable
    round: int | None = None
    members: int = 0  # counted members who submitted in the round used
    means: dict[str, Fraction | None] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    total: Fraction | None = None
    sum_of_means: Fraction | None = None
    passed: bool | None = None
    rank: int | None = None
    tied: bool = False

    @property
    def scored(self) -> bool:
        return self.total is not None


def normalised(spec: CriterionSpec, mean: Fraction, normalisation: str) -> Fraction:
    if normalisation == FRACTION_OF_MAX:
        return mean / spec.scale_max
    return (mean - spec.scale_min) / (spec.scale_max - spec.scale_min)


@dataclass(frozen=True)
class Tally:
    """What counts of one proposal's marks in one round, added up: how many counted members
    submitted marks, and per criterion the sum and the number of their scores (N/A left
    out). Exact integers, so a database can add them up (review.selectors) and give the
    same figures as `tally` over the marks themselves."""

    members: int
    sums: dict[str, tuple[int, int]] = field(default_factory=dict)  # criterion → (Σ, n)


def tally(marks: Iterable[Mark]) -> dict[int, Tally]:
    """Round → Tally of the given (already counted) marks of one proposal."""
    members: dict[int, set[Hashable]] = defaultdict(set)
    sums: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for mark in marks:
        members[mark.round].add(mark.member)
        if mark.value is not None:
            total, n = sums[mark.round].get(mark.criterion, (0, 0))
            sums[mark.round][mark.criterion] = (total + mark.value, n + 1)
    return {rnd: Tally(len(who), sums[rnd]) for rnd, who in members.items()}


def proposal_result(
    rules: Rules,
    proposal: Hashable,
    marks: Iterable[Mark],
    conflicted: frozenset[Hashable] | set[Hashable] = frozenset(),
) -> ProposalResult:
    """Figures for one proposal from its marks; members in `conflicted` do not count."""
    counted = [m for m in marks if m.proposal == proposal and m.member not in conflicted]
    return result_from_tallies(rules, proposal, tally(counted))


def result_from_tallies(
    rules: Rules, proposal: Hashable, tallies: dict[int, Tally]
) -> ProposalResult:
    """Figures for one proposal from its counted marks added up per round (see `Tally`)."""
    return _result_from_tallies(rules, _terms(rules), proposal, tallies)


# Per criterion, what its figures need as integers: its key, its weight's numerator and
# denominator, and n() as (mean − offset) / divisor (see the definitions above).
_Term = tuple[str, int, int, int, int]


def _terms(rules: Rules) -> tuple[_Term, ...]:
    of_max = rules.normalisation == FRACTION_OF_MAX
    return tuple(
        (
            spec.key,
            spec.weight.numerator,
            spec.weight.denominator,
            0 if of_max else spec.scale_min,
            spec.scale_max if of_max else spec.scale_max - spec.scale_min,
        )
        for spec in rules.criteria
    )


@lru_cache(maxsize=4096)
def _mean(total: int, n: int) -> Fraction:
    """A criterion's mean: a call has a few hundred distinct ones (Fractions are immutable,
    so one object may stand for all the equal ones)."""
    return Fraction(total, n)


def _result_from_tallies(
    rules: Rules, terms: tuple[_Term, ...], proposal: Hashable, tallies: dict[int, Tally]
) -> ProposalResult:
    result = ProposalResult(proposal=proposal)
    present = {rnd for rnd, t in tallies.items() if t.members}
    if rules.rounds == 2 and 2 in present:
        result.round = 2
    elif 1 in present:
        result.round = 1
    else:
        result.means = {c.key: None for c in rules.criteria}
        result.counts = {c.key: 0 for c in rules.criteria}
        return result
    used = tallies[result.round]
    result.members = used.members
    # The same exact sums as in the definitions, each kept as one integer numerator over
    # one integer denominator: a Fraction per step reduces by gcd every time, which was
    # most of a 200-proposal call's arithmetic; one Fraction at the end is equal to it.
    w_num, w_den = 0, 1  # Σ w_c over criteria with a mean
    t_num, t_den = 0, 1  # Σ w_c × n(mean_c)
    s_num, s_den = 0, 1  # Σ mean_c
    sums, means, counts = used.sums, result.means, result.counts
    for key, wn, wd, offset, divisor in terms:
        total, n = sums.get(key, (0, 0))
        counts[key] = n
        if not n:
            means[key] = None
            continue
        means[key] = _mean(total, n)
        s_num, s_den = s_num * n + total * s_den, s_den * n
        w_num, w_den = w_num * wd + wn * w_den, w_den * wd
        # w × (Σ/n − offset) / divisor
        num, den = wn * (total - offset * n), wd * n * divisor
        t_num, t_den = t_num * den + num * t_den, t_den * den
    if w_num:
        to = rules.normalise_to
        result.total = Fraction(t_num * w_den * to.numerator, t_den * w_num * to.denominator)
        result.sum_of_means = Fraction(s_num, s_den)
        result.passed = verdict(rules, result)
    return result


def verdict(rules: Rules, result: ProposalResult) -> bool | None:
    if rules.pass_rule == NO_VERDICT or rules.pass_line is None or result.total is None:
        return None
    figure = result.sum_of_means if rules.pass_rule == SUM_OF_MEANS else result.total
    assert figure is not None
    return figure >= rules.pass_line


def rank_key(rules: Rules, result: ProposalResult) -> Fraction | None:
    return result.sum_of_means if rules.pass_rule == SUM_OF_MEANS else result.total


def assign_ranks(rules: Rules, results: Sequence[ProposalResult]) -> None:
    """Competition ranking (1, 2, 2, 4), highest first; exact ties share a rank."""
    scored = [(figure, r) for r in results if (figure := rank_key(rules, r)) is not None]
    # Sorted once, highest first: equal figures are then side by side, and each run of them
    # takes the position of its first (no Fraction is hashed, which is slow).
    scored.sort(key=itemgetter(0), reverse=True)
    for r in results:
        r.rank, r.tied = None, False
    start = 0
    while start < len(scored):
        figure = scored[start][0]
        end = start + 1
        while end < len(scored) and scored[end][0] == figure:
            end += 1
        for _figure, r in scored[start:end]:
            r.rank, r.tied = start + 1, end - start > 1
        start = end


def call_results(
    rules: Rules,
    proposals: Sequence[Hashable],
    marks: Iterable[Mark],
    conflicts: Iterable[tuple[Hashable, Hashable]] = (),
) -> list[ProposalResult]:
    """Figures and ranks for every proposal, in the order given.

    `conflicts` holds (proposal, member) pairs whose marks never count."""
    by_proposal: dict[Hashable, list[Mark]] = defaultdict(list)
    for mark in marks:
        by_proposal[mark.proposal].append(mark)
    conflicted: dict[Hashable, set[Hashable]] = defaultdict(set)
    for proposal, member in conflicts:
        conflicted[proposal].add(member)
    results = [
        proposal_result(rules, p, by_proposal.get(p, []), frozenset(conflicted.get(p, set())))
        for p in proposals
    ]
    assign_ranks(rules, results)
    return results


def call_results_from_tallies(
    rules: Rules, proposals: Sequence[_Key], tallies: Mapping[_Key, dict[int, Tally]]
) -> list[ProposalResult]:
    """`call_results` for marks already added up per proposal and round (conflicted
    members' marks left out beforehand): proposal → round → Tally."""
    terms = _terms(rules)
    results = [_result_from_tallies(rules, terms, p, tallies.get(p, {})) for p in proposals]
    assign_ranks(rules, results)
    return results


def member_total(rules: Rules, answers: dict[str, int | None]) -> Fraction | None:
    """One member's own normalised total for one sheet (the office's individual view)."""
    weighted = Fraction(0)
    weights = Fraction(0)
    for spec in rules.criteria:
        value = answers.get(spec.key)
        if value is None:
            continue
        weighted += spec.weight * normalised(spec, Fraction(value), rules.normalisation)
        weights += spec.weight
    return weighted / weights * rules.normalise_to if weights else None


def display(value: Fraction | None, places: int = 1) -> str:
    """'72.5' — exact value rounded half up to `places` decimals, only for showing."""
    if value is None:
        return "—"
    return _display(value.numerator, value.denominator, places)


# A call's means are a few hundred distinct fractions (a sum of marks over a number of
# members) shown thousands of times: each is worked out once. Keyed by plain integers,
# which hash faster than a Fraction.
@lru_cache(maxsize=4096)
def _display(numerator: int, denominator: int, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    exact = Decimal(numerator) / Decimal(denominator)
    return str(exact.quantize(quantum, rounding=ROUND_HALF_UP))
