"""A decision against the pass rule needs a reason, at the pass line exactly, and the reason
is published with the results; the results say how the figures were computed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyodo.review import selectors, services
from kyodo.review.models import Outcome
from tests.conftest import login
from tests.review.conftest import answers, make_scene


def _scored_at_sixty(office):
    """Five members: A 4, B 3,3,3,2,2 (mean 2.6), C 3 → (2×0.75 + 0.4 + 0.5) / 4 = 60.0."""
    scene = make_scene(office, proposals=1, members=5)
    (p1,) = scene.proposals
    for user, b in zip(scene.members, (3, 3, 3, 2, 2), strict=True):
        services.declaration_make(actor=user, proposal=p1, has_conflict=False)
        services.sheet_save(
            actor=user, proposal=p1, round_number=1, answers=answers(scene, 4, b, 3), submit=True
        )
    services.advice_record(actor=office, proposal=p1, recommendation="adopt")
    p1.refresh_from_db()
    return scene, p1


def test_it_asks_a_reason_to_not_adopt_a_proposal_exactly_at_the_pass_line(office_staff):
    scene, p1 = _scored_at_sixty(office_staff)
    (row,) = selectors.committee_results(scene.committee).rows
    assert row.result.total == 60 and row.result.passed is True
    with pytest.raises(services.ReviewRefused) as refused:
        services.decision_record(
            actor=office_staff, proposal=p1, outcome=Outcome.NOT_ADOPTED, reason="予算の都合"
        )
    assert "rule_reason" in refused.value.errors
    decision = services.decision_record(
        actor=office_staff,
        proposal=p1,
        outcome=Outcome.NOT_ADOPTED,
        reason="予算の都合",
        rule_reason="同じ内容の市の事業が始まるため",
    )
    assert decision.rule_reason == "同じ内容の市の事業が始まるため"


def test_it_adopts_at_the_pass_line_without_a_reason(office_staff):
    _scene, p1 = _scored_at_sixty(office_staff)
    decision = services.decision_record(
        actor=office_staff, proposal=p1, outcome=Outcome.ADOPTED, rule_reason="不要な理由"
    )
    assert decision.rule_reason == ""  # nothing to explain: not stored, not published


def test_it_asks_a_reason_to_adopt_just_under_the_pass_line_and_publishes_it(office_staff):
    scene, p1 = _scored_at_sixty(office_staff)
    cs = scene.committee.criteria_set
    cs.pass_line = Decimal("60.01")
    cs.save(update_fields=["pass_line"])
    cache.clear()
    with pytest.raises(services.ReviewRefused) as refused:
        services.decision_record(actor=office_staff, proposal=p1, outcome=Outcome.ADOPTED)
    assert "rule_reason" in refused.value.errors
    # The form keeps it at the field.
    client = login(Client(), office_staff)
    response = client.post(
        reverse("review:staff_proposal_act", args=[p1.pk, "decision"]),
        {"outcome": Outcome.ADOPTED, "conditions": "", "reason": "", "rule_reason": ""},
    )
    assert response.status_code == 400
    assert "rule_reason" in response.context["decision_form"].errors
    services.decision_record(
        actor=office_staff,
        proposal=p1,
        outcome=Outcome.ADOPTED,
        rule_reason="地域で唯一の取組で、市の計画に欠かせないため",
    )
    committee = scene.committee
    committee.results_published_at = timezone.now()
    committee.save(update_fields=["results_published_at"])
    page = Client().get(reverse("review:results", args=[scene.call.pk])).content.decode()
    assert "地域で唯一の取組で、市の計画に欠かせないため" in page
    assert "点数の出し方" in page and "60.01点以上" in page
    assert 'data-label="採点した委員の数">5</td>' in page  # how many members scored it


def test_the_office_exports_scores_and_results_to_excel(office_staff):
    from io import BytesIO

    from openpyxl import load_workbook

    scene, p1 = _scored_at_sixty(office_staff)
    client = login(Client(), office_staff)
    response = client.get(reverse("review:export", args=[scene.call.pk]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    results_sheet, _method, scores = book.worksheets
    rows = list(results_sheet.values)
    assert rows[1][1] == p1.title and rows[1][5] == 5 and "60.0" in rows[1]
    assert len(list(scores.values)) == 1 + 5  # header and five sheets


def test_the_explanation_reads_as_english_in_english(office_staff):
    from django.utils import translation

    scene = make_scene(office_staff, proposals=1, members=1)
    cs = scene.committee.criteria_set
    with translation.override("en"):
        text = " ".join(cs.explanation(scene.criteria))
    assert "Conversion to 100 points" in text and "meets the pass line" in text
    for mark in "、。（）：":
        assert mark not in text.replace("公益性", "").replace("協働の効果", "").replace(
            "実現可能性", ""
        ), mark
