"""The public results table's body and the review comments, written in one piece.

A call of 200 proposals made the template resolve some 2,700 variables for these two
loops, most of the time of the first request after a score changed. The markup is the one
the template wrote (tests/review/test_it_writes_the_results_table_as_the_template_did.py
renders both and compares them); each value is escaped as the template escaped it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kyodo.review.selectors import Row


def _text(value: object) -> str:
    return escape(str(value))


def results_rows(rows: Iterable[Row]) -> SafeString:
    """<tr> per proposal: rank, title and group, the means, the total, members, result."""
    rank_label = _text(gettext("順位"))
    tied_label = _text(gettext("（同点）"))
    total_label = _text(gettext("100点換算"))
    members_label = _text(gettext("採点した委員の数"))
    result_label = _text(gettext("結果"))
    out = []
    for row in rows:
        result, proposal = row.result, row.proposal
        tied = tied_label if result.tied else ""
        out.append(
            "<tr>\n"
            f'    <td data-label="{rank_label}">{_text(result.rank)}{tied}</td>\n'
            f'    <th scope="row">{_text(proposal.title)}<br>'
            f'<span class="muted">{_text(proposal.group.name)}</span></th>\n'
            f"    {row.mean_cells}\n"
            f'    <td data-label="{total_label}">{_text(row.total)}</td>'
            f'<td data-label="{members_label}">{_text(result.members)}</td>'
            f'<td data-label="{result_label}">{_text(proposal.state.public_label)}</td>\n'
            "  </tr>"
        )
    return mark_safe("".join(out))  # noqa: S308  (every value escaped above)


def review_comments(rows: Iterable[Row]) -> SafeString:
    """A heading and the committee's review comment for each proposal that has one."""
    out = []
    for row in rows:
        advice = getattr(row.proposal, "advice", None)
        comment = advice.review_comment if advice is not None else ""
        if comment:
            out.append(
                f"<h3>{_text(row.proposal.title)}</h3>"
                f"<p>{linebreaksbr(comment, autoescape=True)}</p>"
            )
    return mark_safe("".join(out))  # noqa: S308  (every value escaped above)
