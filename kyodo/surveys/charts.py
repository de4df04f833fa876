"""Bar charts drawn on the server as SVG: the geometry here, the markup in
templates/surveys/_chart.html (role="img", <title>, <desc>; the table stands beside it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kyodo.surveys.tabulate import Table

WIDTH = 640
LABEL_WIDTH = 230
BAR_SPACE = 330
ROW_HEIGHT = 28
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    percent: str
    y: int
    text_y: int
    width: int
    value_x: int
    no_answer: bool


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    axis_x: int = LABEL_WIDTH
    counts: bool = False  # plain counts, not percentages


def _short(label: str, limit: int = 16) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(table: Table) -> Chart | None:
    """One bar per row (無回答 included) on a 0–100 % scale; None for questions without
    options (numbers, dates, free text) or with no respondent."""
    if not table.question.is_choice or table.base == 0:
        return None
    bars = []
    for i, row in enumerate(table.all_rows):
        tenths = row.cell.tenths or 0
        y = TOP + i * ROW_HEIGHT
        width = BAR_SPACE * tenths // 1000
        bars.append(
            Bar(
                label=_short(row.label),
                percent=row.cell.percent,
                y=y + 4,
                text_y=y + 18,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
                no_answer=row.option_id is None,
            )
        )
    description = "、".join(f"{r.label} {r.cell.percent}%" for r in table.all_rows)
    note = _("（複数回答）") if table.question.multiple else ""
    return Chart(
        key=f"chart-{table.question.id}",
        title=f"{table.question.code} {table.question.text}{note}（n={table.base}）",
        description=description,
        bars=bars,
        height=TOP * 2 + ROW_HEIGHT * len(bars),
    )


def count_chart(key: str, title: str, items: list[tuple[str, int]], unit: str = "") -> Chart | None:
    """Bars for plain counts (the statistics of 「市民活動の現状」), scaled to the largest."""
    if not items:
        return None
    top = max(value for _label, value in items) or 1
    bars = []
    for i, (label, value) in enumerate(items):
        y = TOP + i * ROW_HEIGHT
        width = BAR_SPACE * value // top
        bars.append(
            Bar(
                label=_short(label),
                percent=f"{value:,}{unit}",
                y=y + 4,
                text_y=y + 18,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
                no_answer=False,
            )
        )
    return Chart(
        key=key,
        title=title,
        description="、".join(f"{label} {value:,}{unit}" for label, value in items),
        bars=bars,
        height=TOP * 2 + ROW_HEIGHT * len(bars),
        counts=True,
    )
