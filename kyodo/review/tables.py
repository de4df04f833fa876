"""The public results table's body and the review comments, written in one piece.

A call of 200 proposals made the template resolve some 2,700 variables for these two
loops, most of the time of the first request after a score changed. The markup is the one
the template wrote (tests/review/test_it_writes_the_results_table_as_the_template_did.py
renders both and compares them); format_html_join escapes each value as the template did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from kyodo.proposals import workflow
from kyodo.review import selectors
from kyodo.review.models import Committee, Criterion
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
    # The words every row repeats (the cells' labels, "tied", each state's public name)
    # are escaped once for the table, not once per row: format_html leaves escaped text
    # as it is.
    rank, tied, total, members, result = (
        conditional_escape(gettext(text))
        for text in ("順位", "（同点）", "100点換算", "採点した委員の数", "結果")
    )
    states: dict[str, SafeString] = {}

    def state(row: Row) -> SafeString:
        status = row.proposal.status
        if status not in states:
            states[status] = conditional_escape(str(row.proposal.state.public))
        return states[status]

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
                state(row),
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


@dataclass(frozen=True)
class PublicTable:
    """What the public results page's cached fragment shows, all it keeps of the results."""

    criteria: list[Criterion]
    rows: SafeString  # results_rows
    comments: SafeString  # review_comments
    against_rule: list[Row]  # decided otherwise than the pass rule said, with the reason


def public_table(committee: Committee) -> PublicTable:
    """The public results of a committee's decided proposals, written out. The results are
    not cached apart (the page caches this under a key that covers their inputs), and
    only this is kept: the call's rows are freed when it returns, not held by the page
    until it is sent."""
    data = selectors.committee_results(committee, states=workflow.DECIDED_STATES, cached=False)
    rows = selectors.published_rows(data)
    return PublicTable(
        criteria=data.criteria,
        rows=results_rows(rows),
        comments=review_comments(rows),
        against_rule=[
            r
            for r in rows
            if getattr(r.proposal, "decision", None) and r.proposal.decision.rule_reason
        ],
    )
