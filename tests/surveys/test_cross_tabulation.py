"""Cross-tabulations against tables worked out by hand (tests/surveys/builders.py)."""

from __future__ import annotations

from kyodo.surveys import selectors
from kyodo.surveys.tabulate import CrossTab
from tests.surveys.builders import Built


def _rows(tab: CrossTab) -> list[tuple[str, int, list[str]]]:
    return [(r.label, r.base, [c.percent for c in r.cells]) for r in tab.rows]


def test_it_cross_tabulates_by_a_single_answer_with_total_and_unknown_rows(civic: Built) -> None:
    tab = selectors.cross_tab(civic.q["Q1"], civic.q["Q5"], 8)
    assert tab.column_labels[-1] == "無回答"
    assert _rows(tab) == [
        ("全体", 8, ["37.5", "25.0", "12.5", "12.5", "12.5"]),
        ("男性", 3, ["66.7", "0.0", "33.3", "0.0", "0.0"]),
        ("女性", 4, ["25.0", "50.0", "0.0", "25.0", "0.0"]),
        ("答えたくない", 0, ["-", "-", "-", "-", "-"]),
        ("無回答", 1, ["0.0", "0.0", "0.0", "0.0", "100.0"]),
    ]
    assert not tab.overlapping
    assert tab.dropped == 1  # r5 did not give a sex: the footnote names them


def test_it_cross_tabulates_by_a_multiple_answer_question_in_overlapping_rows(civic: Built) -> None:
    tab = selectors.cross_tab(civic.q["Q1"], civic.q["Q4"], 8)
    assert tab.overlapping
    assert _rows(tab) == [
        ("全体", 8, ["37.5", "25.0", "12.5", "12.5", "12.5"]),
        ("時間がない", 5, ["40.0", "20.0", "0.0", "20.0", "20.0"]),
        ("情報がない", 3, ["33.3", "66.7", "0.0", "0.0", "0.0"]),
        ("きっかけがない", 4, ["25.0", "50.0", "0.0", "0.0", "25.0"]),
        ("無回答", 1, ["0.0", "0.0", "100.0", "0.0", "0.0"]),
    ]
    # the rows overlap: their bases add up to more than the total
    assert sum(r.base for r in tab.groups) == 12 > tab.total.base


def test_it_uses_the_sub_group_within_each_row_for_a_follow_up_question(civic: Built) -> None:
    tab = selectors.cross_tab(civic.q["Q3"], civic.q["Q5"], 8)
    assert _rows(tab) == [
        ("全体", 4, ["25.0", "50.0", "25.0", "25.0", "25.0"]),
        ("男性", 1, ["100.0", "100.0", "0.0", "0.0", "0.0"]),
        ("女性", 2, ["0.0", "50.0", "50.0", "50.0", "0.0"]),
        ("答えたくない", 0, ["-", "-", "-", "-", "-"]),
        ("無回答", 1, ["0.0", "0.0", "0.0", "0.0", "100.0"]),
    ]
    assert tab.groups[0].mark == "*"
    assert tab.groups[0].mt.percent == "200.0"


def test_it_drills_every_cell_down_to_its_respondents(civic: Built) -> None:
    edition, q = civic.edition, civic.q
    interested = q["Q1"].options.get(number=1)
    women = q["Q5"].options.get(number=2)
    assert [
        r.paper_number for r in selectors.respondents_in_cell(edition, q["Q1"], interested.pk)
    ] == ["1", "2", "7"]
    assert [r.paper_number for r in selectors.respondents_in_cell(edition, q["Q1"], None)] == ["5"]
    assert [r.paper_number for r in selectors.respondents_in_cell(edition, q["Q3"], None)] == ["5"]
    cell = selectors.respondents_in_cell(edition, q["Q1"], interested.pk, q["Q5"], women.pk)
    assert [r.paper_number for r in cell] == ["2"]
    unknown = selectors.respondents_in_cell(edition, q["Q1"], None, q["Q5"], None)
    assert [r.paper_number for r in unknown] == ["5"]
