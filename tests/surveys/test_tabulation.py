"""The tables of one edition, against tables worked out by hand (tests/surveys/builders.py).

Eight respondents, so every base is under 30 and marked 「*」."""

from __future__ import annotations

from kyodo.surveys import selectors, tabulate
from kyodo.surveys.tabulate import Table
from tests.surveys.builders import Built


def _column(table: Table) -> list[tuple[str, int, str]]:
    return [(r.label, r.cell.count, r.cell.percent) for r in table.all_rows]


def _table(civic: Built, code: str) -> Table:
    results = selectors.edition_results(civic.edition)
    return next(t for t in results.tables if t.question.code == code)


def test_it_takes_percentages_of_n_with_no_answer_as_its_own_row(civic: Built) -> None:
    table = _table(civic, "Q1")
    assert table.base == 8
    assert _column(table) == [
        ("関心がある", 3, "37.5"),
        ("少し関心がある", 2, "25.0"),
        ("あまり関心がない", 1, "12.5"),
        ("関心がない", 1, "12.5"),
        ("無回答", 1, "12.5"),
    ]
    assert (table.total.label, table.total.cell.count, table.total.cell.percent) == (
        "計",
        8,
        "100.0",
    )
    assert table.mark == "*"


def test_it_gives_each_multiple_answer_of_n_and_a_mt_total_over_100(civic: Built) -> None:
    table = _table(civic, "Q4")
    assert table.base == 8
    assert _column(table) == [
        ("時間がない", 5, "62.5"),
        ("情報がない", 3, "37.5"),
        ("きっかけがない", 4, "50.0"),
        ("無回答", 1, "12.5"),
    ]
    assert (table.total.label, table.total.cell.count, table.total.cell.percent) == (
        "M.T.",
        13,
        "162.5",
    )


def test_it_counts_only_the_first_k_and_uses_the_sub_group_as_base(civic: Built) -> None:
    # Asked of Q2 = 1 or 2 only: r1, r2, r5, r8 (n = 4). r1 marked 1, 2 and 3 on an
    # "up to 2" question: 3 does not count. r3 answered without being asked: not counted.
    table = _table(civic, "Q3")
    assert table.base == 4
    assert table.question.conditional
    assert table.question.condition_label == "Q2で「現在参加している・以前参加していた」と答えた方"
    assert _column(table) == [
        ("自治会・町内会", 1, "25.0"),
        ("PTA・子ども会", 2, "50.0"),
        ("NPO法人", 1, "25.0"),
        ("任意の市民活動団体", 1, "25.0"),
        ("無回答", 1, "25.0"),
    ]
    assert table.total.cell.count == 6 and table.total.cell.percent == "150.0"


def test_it_summarises_numbers_and_counts_their_blanks(civic: Built) -> None:
    table = _table(civic, "Q7")
    assert table.number is not None
    assert (table.number.answered, table.number.mean) == (2, "37.5")
    assert (table.no_answer.cell.count, table.no_answer.cell.percent) == (6, "75.0")


def test_it_compares_with_the_previous_edition_in_points(civic: Built, office_staff) -> None:
    from tests.surveys.builders import build_questionnaire, key_all

    before = build_questionnaire(office_staff, fiscal_year=2024, survey=civic.edition.survey)
    key_all(office_staff, before.edition, [{"Q1": [1]}, {"Q1": [1]}, {"Q1": [2]}, {"Q1": [3]}])
    table = _table(civic, "Q1")
    # 2024: 50.0 / 25.0 / 25.0 / 0.0 / 無回答 0.0; 2025: 37.5 / 25.0 / 12.5 / 12.5 / 12.5
    assert [r.points for r in table.all_rows] == ["-12.5", "±0.0", "-12.5", "+12.5", "+12.5"]


def test_it_shows_a_dash_for_no_respondents() -> None:
    question = tabulate.QuestionInfo(1, "Q9", "x", "single", (tabulate.OptionInfo(5, 1, "a"),))
    table = tabulate.question_table(question, base=0, by_position={})
    assert [r.cell.percent for r in table.all_rows] == ["-", "-"]
    assert table.mark == ""
