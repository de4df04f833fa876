"""Properties of review.results that hold for any scores (hypothesis)."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.review.results import (
    FRACTION_OF_MAX,
    MEAN_TOTAL,
    RANGE,
    SUM_OF_MEANS,
    CriterionSpec,
    Mark,
    ProposalResult,
    Rules,
    assign_ranks,
    call_results,
)

MEMBERS = ["m1", "m2", "m3", "m4", "m5"]
PROPOSALS = ["p1", "p2", "p3"]


@st.composite
def scenario(draw):
    n = draw(st.integers(min_value=1, max_value=4))
    scale_min = draw(st.sampled_from([0, 1]))
    criteria = tuple(
        CriterionSpec(
            f"c{i}",
            F(draw(st.integers(min_value=1, max_value=30))),
            scale_min=scale_min,
            scale_max=5,
            allow_na=True,
        )
        for i in range(n)
    )
    rules = Rules(
        criteria=criteria,
        normalisation=draw(st.sampled_from([RANGE, FRACTION_OF_MAX])),
        pass_rule=draw(st.sampled_from([MEAN_TOTAL, SUM_OF_MEANS])),
        pass_line=F(draw(st.integers(min_value=0, max_value=100))),
        rounds=draw(st.sampled_from([1, 2])),
    )
    marks = []
    for proposal in PROPOSALS:
        for member in MEMBERS:
            for rnd in (1, 2):
                if draw(st.booleans()):
                    for c in criteria:
                        value = draw(
                            st.one_of(st.none(), st.integers(min_value=scale_min, max_value=5))
                        )
                        marks.append(Mark(proposal, member, rnd, c.key, value))
    conflicts = draw(
        st.lists(st.tuples(st.sampled_from(PROPOSALS), st.sampled_from(MEMBERS)), max_size=4)
    )
    return rules, marks, conflicts


def _summary(results):
    return [(r.round, r.means, r.total, r.sum_of_means, r.passed, r.rank) for r in results]


@settings(max_examples=200, deadline=None)
@given(scenario(), st.integers(min_value=2, max_value=1000))
def test_it_changes_no_verdict_when_every_weight_is_multiplied(case, k):
    rules, marks, conflicts = case
    scaled = Rules(
        criteria=tuple(
            CriterionSpec(c.key, c.weight * k, c.scale_min, c.scale_max, c.allow_na)
            for c in rules.criteria
        ),
        normalisation=rules.normalisation,
        pass_rule=rules.pass_rule,
        pass_line=rules.pass_line,
        rounds=rules.rounds,
    )
    before = call_results(rules, PROPOSALS, marks, conflicts)
    after = call_results(scaled, PROPOSALS, marks, conflicts)
    assert [r.passed for r in before] == [r.passed for r in after]
    assert _summary(before) == _summary(after)


@settings(max_examples=200, deadline=None)
@given(scenario(), st.data())
def test_it_ignores_a_conflicted_members_scores_whatever_they_are(case, data):
    rules, marks, conflicts = case
    proposal = data.draw(st.sampled_from(PROPOSALS))
    member = data.draw(st.sampled_from(MEMBERS))
    conflicts = [*conflicts, (proposal, member)]
    without = [m for m in marks if not (m.proposal == proposal and m.member == member)]
    extra = [
        Mark(proposal, member, rnd, c.key, data.draw(st.integers(c.scale_min, c.scale_max)))
        for rnd in (1, 2)
        for c in rules.criteria
    ]
    reference = _summary(call_results(rules, PROPOSALS, without, conflicts))
    assert _summary(call_results(rules, PROPOSALS, marks, conflicts)) == reference
    assert _summary(call_results(rules, PROPOSALS, without + extra, conflicts)) == reference


@settings(max_examples=100, deadline=None)
@given(scenario())
def test_it_keeps_totals_between_zero_and_the_normalised_maximum(case):
    rules, marks, conflicts = case
    for r in call_results(rules, PROPOSALS, marks, conflicts):
        assert r.total is None or 0 <= r.total <= 100


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.fractions(min_value=0, max_value=3)), max_size=12))
def test_it_ranks_by_the_definition_whatever_the_ties(figures):
    """assign_ranks (one sort, runs of equal figures) gives each scored proposal 1 + the
    number of higher figures, tied when another has the same; an unscored one no rank."""
    rules = Rules(criteria=(CriterionSpec("c", F(1)),))
    results = [ProposalResult(proposal=n, total=f) for n, f in enumerate(figures)]
    assign_ranks(rules, results)
    scored = [f for f in figures if f is not None]
    expected = [
        (None, False)
        if f is None
        else (1 + sum(g > f for g in scored), sum(g == f for g in scored) > 1)
        for f in figures
    ]
    assert [(r.rank, r.tied) for r in results] == expected
