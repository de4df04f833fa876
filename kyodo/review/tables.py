"""The public results table's body and the review comments, written in one piece.

A call of 200 proposals made the template resolve some 2,700 variables for these two
loops, most of the time of the first request after a score changed. The markup is the one
the template wrote (tests/review/test_it_writes_the_results_table_as_the_template_did.py
renders both and compares them); format_html_join escapes each value as the template did.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from kyodo.review.selectors import Row

ROW = (
    "<tr>\n"
    '    <td data-label="{}">{}{}</td>\n'
    '    <th scope="row">{}<br><span class="muted">{}</span></th>\n'
    "    {}\n"
    '    <td data-label="{}">{}</td><td data-label="{}">{}</td><td data-label="{}">{}</td>\n'
    "  </tr>"
)


def results_rows(rows: Iterable[Row]) -> SafeString:
    """<tr> per proposal: rank, title and group, the means, the total, members, result."""
    rank, tied = gettext("順位"), gettext("（同点）")
    total, members, result = gettext("100点換算"), gettext("採点した委員の数"), gettext("結果")
    return format_html_join(
        "",
        ROW,
        (
            (
                rank,
                str(row.result.rank),
                tied if row.result.tied else "",
                row.proposal.title,
                row.proposal.group.name,
                row.mean_cells,
                total,
                row.total,
                members,
                str(row.result.members),
                result,
                row.proposal.state.public_label,
            )
            for row in rows
        ),
    )


def _comment(row: Row) -> str:
    advice = getattr(row.proposal, "advice", None)
    return advice.review_comment if advice is not None else ""


def review_comments(rows: Iterable[Row]) -> SafeString:
    """A heading and the committee's review comment for each proposal that has one."""
    return format_html_join(
        "",
        "<h3>{}</h3><p>{}</p>",
        (
            (row.proposal.title, linebreaksbr(_comment(row), autoescape=True))
            for row in rows
            if _comment(row)
        ),
    )
