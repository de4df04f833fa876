"""Percentages to one decimal, rounded half up, in integer arithmetic."""

from __future__ import annotations

from kyodo.surveys.tabulate import Cell, base_mark, format_points, percent_tenths


def test_it_rounds_a_half_tenth_up_where_float_rounding_goes_down() -> None:
    assert round(1 / 400 * 100, 1) == 0.2  # banker's/float rounding: the trap
    assert Cell(1, 400).percent == "0.3"  # 0.25 → 0.3
    assert Cell(3, 8).percent == "37.5"
    assert Cell(1, 2000).percent == "0.1"  # exactly 0.05
    assert Cell(5, 1600).percent == "0.3"  # 0.3125
    assert Cell(1, 6).percent == "16.7"  # 16.666…


def test_it_shows_0_0_under_0_05_and_a_dash_without_respondents() -> None:
    assert Cell(1, 2001).percent == "0.0"  # 0.04997…
    assert Cell(0, 12).percent == "0.0"
    assert Cell(0, 0).percent == "-"
    assert percent_tenths(0, 0) is None


def test_it_lets_a_single_answer_column_add_up_to_99_9() -> None:
    thirds = [Cell(1, 3).percent] * 3
    assert thirds == ["33.3", "33.3", "33.3"]


def test_it_marks_bases_under_30() -> None:
    assert [base_mark(n) for n in (0, 1, 29, 30, 1000)] == ["", "*", "*", "", ""]


def test_it_writes_differences_in_points_with_a_sign() -> None:
    assert [format_points(x) for x in (75, -4, 0, None)] == ["+7.5", "-0.4", "±0.0", "-"]
