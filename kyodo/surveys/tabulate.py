"""The arithmetic of a Japanese municipal survey report, as pure functions over counts.

The conventions (../shared/domain/survey_conventions.md), one place each:

- The base of a question is n, the respondents to whom the question was put: every
  respondent of the edition, or, for a follow-up asked only of a sub-group, that
  sub-group (its n is shown beside the table). Blank answers are counted as 無回答, its own
  row, never dropped: 無回答 = n − the people who answered.
- Percentages are of n, to one decimal, rounded half up, in integers (tenths of a per
  cent): tenths = ⌊(2·1000·count + n) / (2·n)⌋. No float ever rounds a figure.
  A single-answer column may add up to 99.9 or 100.1; that is the convention.
- Multiple answers: every option is a percentage of n, and the M.T. (multiple total) row
  adds the counts (無回答 included) and is usually over 100 %.
- "Up to k" answers: only the first k options marked count (`position` ≤ k).
- 「-」 where there is no respondent (n = 0); a value under 0.05 shows as 「0.0」; a base
  under 30 is marked 「*」 (too few to read percentages from).
- A cross-tabulation puts the groups of another question in rows: each row has its own n
  (the respondents in the column question's base who belong to the group); a multiple-
  answer grouping question gives overlapping rows (each option its own group, marked);
  the respondents whose attribute is unknown (無回答, or not asked it) form the 無回答
  row and are named in a footnote, because the rows then do not add up to the total.
- Comparison between editions: the difference of the two percentages, in points.

The selectors (kyodo.surveys.selectors) count the answer columns (kyodo.surveys.columns)
and hand the counts to this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

SMALL_BASE = 30


def percent_tenths(count: int, base: int) -> int | None:
    """count / base as tenths of a per cent, rounded half up; None when base is 0."""
    if base <= 0:
        return None
    return (2 * 1000 * count + base) // (2 * base)


def format_tenths(tenths: int | None) -> str:
    if tenths is None:
        return "-"
    return f"{tenths // 10}.{tenths % 10}"


def format_points(points_tenths: int | None) -> str:
    """A difference between two percentages, in points: +3.2 / -0.4 / ±0.0."""
    if points_tenths is None:
        return "-"
    if points_tenths == 0:
        return "±0.0"
    sign = "+" if points_tenths > 0 else "-"
    return sign + format_tenths(abs(points_tenths))


def base_mark(base: int) -> str:
    return "*" if 0 < base < SMALL_BASE else ""


@dataclass(frozen=True)
class Cell:
    count: int
    base: int

    @property
    def tenths(self) -> int | None:
        return percent_tenths(self.count, self.base)

    @property
    def percent(self) -> str:
        return format_tenths(self.tenths)


@dataclass(frozen=True)
class OptionInfo:
    id: int
    number: int
    label: str


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    code: str
    text: str
    kind: str
    options: tuple[OptionInfo, ...] = ()
    max_choices: int | None = None
    conditional: bool = False
    condition_label: str = ""

    @property
    def multiple(self) -> bool:
        return self.kind == "multiple"

    @property
    def is_choice(self) -> bool:
        return self.kind in ("single", "multiple", "scale")


@dataclass(frozen=True)
class Row:
    label: str
    cell: Cell
    option_id: int | None = None  # None: the 無回答 row
    points: str = ""  # against the previous edition, when there is one


@dataclass
class NumberSummary:
    answered: int
    total: Decimal
    minimum: Decimal | None
    maximum: Decimal | None

    @property
    def mean(self) -> str:
        if not self.answered:
            return "-"
        mean = (self.total / self.answered).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return str(mean)


@dataclass
class Table:
    question: QuestionInfo
    base: int
    rows: list[Row]
    no_answer: Row
    answered: int
    number: NumberSummary | None = None

    @property
    def mark(self) -> str:
        return base_mark(self.base)

    @property
    def total(self) -> Row:
        """The total row: 100 % of n for one answer; the M.T. (sum of every count, 無回答
        included, as a percentage of n) for multiple answers."""
        count = sum(r.cell.count for r in self.rows) + self.no_answer.cell.count
        return Row("M.T." if self.question.multiple else _("計"), Cell(count, self.base))

    @property
    def all_rows(self) -> list[Row]:
        return [*self.rows, self.no_answer]


def counted(
    question: QuestionInfo, by_position: Mapping[tuple[int | None, int], int]
) -> tuple[dict[int | None, int], int]:
    """Counts per option under the first-k rule, and the number of people who answered.

    `by_position` maps (option id, position) to a count of answer rows."""
    limit = question.max_choices if question.multiple and question.max_choices else None
    per_option: dict[int | None, int] = {}
    answered = 0
    for (option_id, position), count in by_position.items():
        if position == 1:
            answered += count
        if limit is None or position <= limit:
            per_option[option_id] = per_option.get(option_id, 0) + count
    return per_option, answered


def question_table(
    question: QuestionInfo,
    *,
    base: int,
    by_position: Mapping[tuple[int | None, int], int],
    number: NumberSummary | None = None,
) -> Table:
    per_option, answered = counted(question, by_position)
    return table_of(question, base=base, per_option=per_option, answered=answered, number=number)


def table_of(
    question: QuestionInfo,
    *,
    base: int,
    per_option: Mapping[int | None, int],
    answered: int,
    number: NumberSummary | None = None,
) -> Table:
    """A question's table from its counts already under the first-k rule: respondents per
    option, and the number of people who answered."""
    rows = [Row(o.label, Cell(per_option.get(o.id, 0), base), o.id) for o in question.options]
    no_answer = Row(_("無回答"), Cell(max(base - answered, 0), base))
    return Table(question, base, rows, no_answer, answered, number)


def compare(current: Table, previous: Table | None) -> Table:
    """Fill each row's difference from the previous edition, in points, matching the options
    by their label (option numbers may be re-ordered between editions)."""
    if previous is None or previous.base == 0 or current.base == 0:
        return current
    before = {r.label: r.cell.tenths for r in previous.all_rows}
    rows = []
    for row in current.all_rows:
        old = before.get(row.label)
        now = row.cell.tenths
        points = format_points(now - old) if old is not None and now is not None else "-"
        rows.append(Row(row.label, row.cell, row.option_id, points))
    current.rows, current.no_answer = rows[:-1], rows[-1]
    return current


@dataclass(frozen=True)
class CrossRow:
    label: str
    base: int
    cells: tuple[Cell, ...]  # one per column option, then 無回答
    group_option_id: int | None = None
    kind: str = "group"  # "total", "group", "unknown"

    @property
    def mark(self) -> str:
        return base_mark(self.base)

    @property
    def mt(self) -> Cell:
        return Cell(sum(c.count for c in self.cells), self.base)


@dataclass
class CrossTab:
    column: QuestionInfo
    by: QuestionInfo
    total: CrossRow
    groups: list[CrossRow]
    unknown: CrossRow
    overlapping: bool
    dropped: int = 0
    column_labels: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[CrossRow]:
        return [self.total, *self.groups, self.unknown]


Counted = tuple[Mapping[int | None, int], int]  # respondents per option, and who answered


def _cross_row(
    label: str,
    column: QuestionInfo,
    base: int,
    counts: Counted,
    *,
    kind: str,
    group_option_id: int | None = None,
) -> CrossRow:
    per_option, answered = counts
    cells = [Cell(per_option.get(o.id, 0), base) for o in column.options]
    cells.append(Cell(max(base - answered, 0), base))
    return CrossRow(label, base, tuple(cells), group_option_id, kind)


def cross_tab(
    column: QuestionInfo,
    by: QuestionInfo,
    *,
    total_base: int,
    total_counts: Mapping[tuple[int | None, int], int],
    group_bases: Mapping[int, int],
    group_counts: Mapping[int, Mapping[tuple[int | None, int], int]],
    unknown_base: int,
    unknown_counts: Mapping[tuple[int | None, int], int],
) -> CrossTab:
    """`column` tabulated within each group of `by`.

    total_base / total_counts: the column question's own n and (option, position) → rows;
    group_bases / group_counts: the same within each group (by the group's option id);
    unknown_base / unknown_counts: the same for the respondents of the base who are in no
    group (did not answer, or were not asked, the grouping question)."""
    return cross_tab_of(
        column,
        by,
        total_base=total_base,
        total=counted(column, total_counts),
        group_bases=group_bases,
        groups={g: counted(column, c) for g, c in group_counts.items()},
        unknown_base=unknown_base,
        unknown=counted(column, unknown_counts),
    )


def cross_tab_of(
    column: QuestionInfo,
    by: QuestionInfo,
    *,
    total_base: int,
    total: Counted,
    group_bases: Mapping[int, int],
    groups: Mapping[int, Counted],
    unknown_base: int,
    unknown: Counted,
) -> CrossTab:
    """`cross_tab` from counts already under the first-k rule (see `table_of`)."""
    total_row = _cross_row(_("全体"), column, total_base, total, kind="total")
    group_rows = [
        _cross_row(
            o.label,
            column,
            group_bases.get(o.id, 0),
            groups.get(o.id, ({}, 0)),
            kind="group",
            group_option_id=o.id,
        )
        for o in by.options
    ]
    unknown_row = _cross_row(_("無回答"), column, unknown_base, unknown, kind="unknown")
    labels = [o.label for o in column.options] + [_("無回答")]
    return CrossTab(
        column, by, total_row, group_rows, unknown_row, by.multiple, unknown_base, labels
    )


def sampling_error_table(
    *,
    population: int | None,
    sizes: Iterable[int],
    proportions: Sequence[int] = (10, 20, 30, 40, 50),
) -> list[tuple[int, list[str]]]:
    """The sampling-error reference table of a report (95 % confidence), in points:
    ±1.96 · √((N − n)/(N − 1) · p(1 − p)/n), for p = 10 % … 50 % (p and 1 − p give the same
    error), one decimal, half up. Without a population size the finite-population correction
    is left out."""
    table = []
    for n in sizes:
        if n <= 1:
            continue
        values = []
        for p in proportions:
            share = Decimal(p) / 100
            variance = share * (1 - share) / n
            if population and population > n:
                variance *= Decimal(population - n) / Decimal(population - 1)
            error = Decimal("1.96") * variance.sqrt() * 100
            values.append(f"±{error.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}")
        table.append((n, values))
    return table
