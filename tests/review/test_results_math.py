"""The committee's arithmetic on a hand-computed fixture (review.results, no database).

Fixture: criteria A (weight 2), B (weight 1, N/A allowed), C (weight 1), all on 1–5,
normalised by range to 100, pass when the total is at least 60, two rounds. Five members
m1…m5; m5 has a conflict on P1 (its marks are in the data and must not count). m2
answers N/A on P1's B in round 2. P1 and P2 were scored in both rounds (round 2 counts);
P3 only in round 1 (round 1 counts); P4 was never scored.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from kyodo.review.results import (
    FRACTION_OF_MAX,
    NO_VERDICT,
    SUM_OF_MEANS,
    CriterionSpec,
    Mark,
    Rules,
    call_results,
    display,
    member_total,
)

RULES = Rules(
    criteria=(
        CriterionSpec("A", F(2)),
        CriterionSpec("B", F(1), allow_na=True),
        CriterionSpec("C", F(1)),
    ),
    pass_line=F(60),
    rounds=2,
)


def sheet(proposal: str, member: str, rnd: int, a: int | None, b: int | None, c: int | None):
    return [
        Mark(proposal, member, rnd, "A", a),
        Mark(proposal, member, rnd, "B", b),
        Mark(proposal, member, rnd, "C", c),
    ]


MARKS = [
    # P1, round 1 (superseded by round 2)
    *sheet("P1", "m1", 1, 1, 1, 1),
    *sheet("P1", "m2", 1, 2, 2, 2),
    *sheet("P1", "m3", 1, 1, 1, 1),
    *sheet("P1", "m4", 1, 1, 1, 1),
    # P1, round 2; m5 is conflicted, m2 answers N/A on B
    *sheet("P1", "m1", 2, 5, 4, 4),
    *sheet("P1", "m2", 2, 4, None, 4),
    *sheet("P1", "m3", 2, 5, 5, 4),
    *sheet("P1", "m4", 2, 4, 4, 3),
    *sheet("P1", "m5", 2, 1, 1, 1),
    # P2, round 1 (superseded)
    *[m for member in ("m1", "m2", "m3", "m4", "m5") for m in sheet("P2", member, 1, 5, 5, 5)],
    # P2, round 2
    *sheet("P2", "m1", 2, 3, 3, 3),
    *sheet("P2", "m2", 2, 4, 4, 4),
    *sheet("P2", "m3", 2, 3, 4, 2),
    *sheet("P2", "m4", 2, 2, 3, 3),
    *sheet("P2", "m5", 2, 3, 2, 3),
    # P3, round 1 only
    *sheet("P3", "m1", 1, 3, 3, 3),
    *sheet("P3", "m2", 1, 3, 3, 3),
    *sheet("P3", "m3", 1, 3, 4, 3),
    *sheet("P3", "m4", 1, 3, 3, 3),
    *sheet("P3", "m5", 1, 3, 3, 3),
]
CONFLICTS = [("P1", "m5")]


@pytest.fixture
def results():
    return {r.proposal: r for r in call_results(RULES, ["P1", "P2", "P3", "P4"], MARKS, CONFLICTS)}


def test_it_computes_p1_from_round_two_without_the_conflicted_member_and_the_na(results):
    p1 = results["P1"]
    assert p1.round == 2
    assert p1.members == 4  # m5 left out
    # A: (5+4+5+4)/4 = 4.5; B: (4+5+4)/3 = 13/3 (m2's N/A left out); C: (4+4+4+3)/4 = 3.75
    assert p1.means == {"A": F(9, 2), "B": F(13, 3), "C": F(15, 4)}
    assert p1.counts == {"A": 4, "B": 3, "C": 4}
    # normalised: A 3.5/4 = 7/8, B (10/3)/4 = 5/6, C 2.75/4 = 11/16
    # total = (2·7/8 + 5/6 + 11/16) / 4 × 100 = (157/48) / 4 × 100 = 15700/192 = 81.77…
    assert p1.total == F(15700, 192)
    assert display(p1.total) == "81.8"
    assert p1.sum_of_means == F(9, 2) + F(13, 3) + F(15, 4)  # 151/12
    assert p1.passed is True
    assert p1.rank == 1 and not p1.tied


def test_it_computes_p2_from_round_two_and_rounds_half_up_only_for_display(results):
    p2 = results["P2"]
    assert p2.round == 2 and p2.members == 5
    # A: 15/5 = 3; B: (3+4+4+3+2)/5 = 3.2; C: (3+4+2+3+3)/5 = 3
    assert p2.means == {"A": F(3), "B": F(16, 5), "C": F(3)}
    # (2·1/2 + 11/20 + 1/2) / 4 × 100 = 2.05 / 4 × 100 = 51.25
    assert p2.total == F(5125, 100)
    assert display(p2.total) == "51.3"
    assert p2.passed is False


def test_it_falls_back_to_round_one_when_round_two_was_not_scored(results):
    p3 = results["P3"]
    assert p3.round == 1 and p3.members == 5
    assert p3.means == {"A": F(3), "B": F(16, 5), "C": F(3)}
    assert p3.total == F(5125, 100)
    assert p3.passed is False


def test_it_shows_ties_as_ties_with_competition_ranking(results):
    assert [results[p].rank for p in ("P1", "P2", "P3")] == [1, 2, 2]
    assert results["P2"].tied and results["P3"].tied


def test_it_leaves_an_unscored_proposal_without_figures_verdict_or_rank(results):
    p4 = results["P4"]
    assert p4.round is None and p4.total is None and p4.passed is None and p4.rank is None
    assert p4.means == {"A": None, "B": None, "C": None}


def test_it_ranks_1_2_2_4():
    rules = Rules(criteria=(CriterionSpec("A", F(1)),), rounds=1)
    marks = [Mark(p, "m1", 1, "A", v) for p, v in (("w", 5), ("x", 4), ("y", 4), ("z", 2))]
    ranks = [r.rank for r in call_results(rules, ["w", "x", "y", "z"], marks)]
    assert ranks == [1, 2, 2, 4]


def test_it_uses_round_one_when_only_one_round_is_configured():
    rules = Rules(criteria=(CriterionSpec("A", F(1)),), rounds=1)
    marks = [Mark("p", "m1", 1, "A", 2), Mark("p", "m1", 2, "A", 5)]
    (result,) = call_results(rules, ["p"], marks)
    assert result.round == 1 and result.total == 25


def test_it_expresses_obu_zero_to_five_as_fraction_of_max():
    # 公益性 worth 30 of 100 points, the rest 70; 0 is a real score; adopt at 50.
    rules = Rules(
        criteria=(
            CriterionSpec("public", F(30), scale_min=0, scale_max=5),
            CriterionSpec("rest", F(70), scale_min=0, scale_max=5),
        ),
        normalisation=FRACTION_OF_MAX,
        pass_line=F(50),
    )
    marks = [
        *[Mark("p", m, 1, "public", v) for m, v in (("a", 4), ("b", 4))],
        *[Mark("p", m, 1, "rest", v) for m, v in (("a", 0), ("b", 5))],
    ]
    (result,) = call_results(rules, ["p"], marks)
    # (30·4/5 + 70·2.5/5) / 100 × 100 = 24 + 35 = 59
    assert result.total == 59 and result.passed is True


def test_it_expresses_sanda_sum_of_means():
    # 10 items of 1–5 (50 points), adopt when the sum of the item means is at least 30.
    rules = Rules(
        criteria=tuple(CriterionSpec(f"i{n}", F(1)) for n in range(10)),
        pass_rule=SUM_OF_MEANS,
        pass_line=F(30),
    )
    marks = [Mark("p", m, 1, f"i{n}", 3) for m in ("a", "b") for n in range(10)]
    marks += [Mark("q", "a", 1, f"i{n}", 3) for n in range(9)] + [Mark("q", "a", 1, "i9", 2)]
    p, q = call_results(rules, ["p", "q"], marks)
    assert p.sum_of_means == 30 and p.passed is True
    assert q.sum_of_means == 29 and q.passed is False
    assert (p.rank, q.rank) == (1, 2)


def test_it_expresses_mobara_without_a_pass_line():
    rules = Rules(
        criteria=tuple(CriterionSpec(f"i{n}", F(1)) for n in range(12)),
        pass_rule=NO_VERDICT,
        pass_line=None,
    )
    marks = [Mark("p", "a", 1, f"i{n}", 5) for n in range(12)]
    (result,) = call_results(rules, ["p"], marks)
    assert result.sum_of_means == 60 and result.passed is None and result.rank == 1


def test_it_totals_one_members_sheet_for_the_office():
    assert member_total(RULES, {"A": 5, "B": None, "C": 1}) == F(2 * 1 + 0, 3) * 100
