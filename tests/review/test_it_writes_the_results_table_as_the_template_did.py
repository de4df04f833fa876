"""The public results table's rows and the review comments are written in Python
(kyodo/review/tables.py) rather than by two template loops; what they write is, byte for
byte, what those loops wrote, in Japanese and in English."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

from kyodo.proposals.models import Proposal
from kyodo.review import selectors, services, tables
from kyodo.review.models import Criterion
from tests.review.conftest import answers, make_scene

# The loops as public_results.html had them before kyodo/review/tables.py.
TEMPLATE_ROWS = """{% load i18n %}{% for row in rows %}<tr>
    <td data-label="{% translate "順位" %}">{{ row.result.rank }}{% if row.result.tied %}{% translate "（同点）" %}{% endif %}</td>
    <th scope="row">{{ row.proposal.title }}<br><span class="muted">{{ row.proposal.group.name }}</span></th>
    {{ row.mean_cells }}
    <td data-label="{% translate "100点換算" %}">{{ row.total }}</td><td data-label="{% translate "採点した委員の数" %}">{{ row.result.members }}</td><td data-label="{% translate "結果" %}">{{ row.proposal.state.public_label }}</td>
  </tr>{% endfor %}"""  # noqa: E501
TEMPLATE_COMMENTS = """{% for row in rows %}{% if row.proposal.advice.review_comment %}<h3>{{ row.proposal.title }}</h3><p>{{ row.proposal.advice.review_comment|linebreaksbr }}</p>{% endif %}{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["ja", "en"])
def test_it_writes_the_rows_and_comments_the_template_wrote(office_staff, language):
    scene = make_scene(office_staff, proposals=4, members=3)
    p1, p2, p3, _unscored = scene.proposals
    Proposal.objects.filter(pk=p1.pk).update(title="<script>\"&'提案")
    for proposal, marks in ((p1, (4, 3, 5)), (p2, (4, 3, 5)), (p3, (2, None, 1))):
        for user in scene.members:
            services.declaration_make(actor=user, proposal=proposal, has_conflict=False)
            services.sheet_save(
                actor=user,
                proposal=proposal,
                round_number=1,
                answers=answers(scene, *marks),
                submit=True,
            )
    services.advice_record(
        actor=office_staff,
        proposal=p1,
        recommendation="adopt",
        review_comment="一行目 <b>&\n二行目\r\n三行目",
    )
    services.advice_record(actor=office_staff, proposal=p2, recommendation="adopt")
    rows = selectors.committee_results(scene.committee).rows
    assert {r.result.tied for r in rows} == {True, False}  # p1 and p2 share a rank
    assert any(r.result.rank is None for r in rows)  # the unscored proposal
    engine = engines["django"]
    with translation.override(language):
        assert tables.results_rows(rows) == engine.from_string(TEMPLATE_ROWS).render({"rows": rows})
        comments = tables.review_comments(rows)
        assert comments == engine.from_string(TEMPLATE_COMMENTS).render({"rows": rows})
    assert "&lt;b&gt;&amp;<br>二行目<br>三行目" in comments


# The means' cells as public_results.html and _progress_table.html wrote them before
# Row.mean_cells (commit 5c6dd55).
TEMPLATE_MEANS = (
    """{% for c, mean in row.means %}<td data-label="{{ c.name }}">{{ mean }}</td>{% endfor %}"""  # noqa: E501
)


def test_it_writes_the_means_cells_the_template_loop_wrote(office_staff):
    """Row.mean_cells is one format_html call per row over a format made once per call
    (selectors.mean_cells_format): a criterion's name is escaped there, braces and all."""
    scene = make_scene(office_staff, proposals=2, members=2)
    Criterion.objects.filter(pk=scene.criteria[0].pk).update(name='<b>"{0}" & {}</b>')
    p1, _unscored = scene.proposals
    for user, marks in zip(scene.members, ((4, 3, 5), (3, None, 2)), strict=True):
        services.declaration_make(actor=user, proposal=p1, has_conflict=False)
        services.sheet_save(
            actor=user, proposal=p1, round_number=1, answers=answers(scene, *marks), submit=True
        )
    rows = selectors.committee_results(scene.committee, cached=False).rows
    template = engines["django"].from_string(TEMPLATE_MEANS)
    assert [r.mean_cells for r in rows] == [template.render({"row": r}) for r in rows]
    assert rows[0].mean_cells.startswith(
        '<td data-label="&lt;b&gt;&quot;{0}&quot; &amp; {}&lt;/b&gt;">3.5</td>'
    )
    assert rows[1].mean_cells.count(">—</td>") == 3
