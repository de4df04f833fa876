"""The dashboard inbox for members and the office; Kamakura's seeded criteria."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from django.urls import reverse

from kyodo.review.models import MemberKind
from kyodo.review.seed import seed_review
from tests.conftest import login
from tests.review.conftest import make_scene


def test_it_lists_what_awaits_a_member_and_the_offices_progress(office_staff):
    scene = make_scene(office_staff, proposals=2, members=3)
    page = login(Client(), scene.members[0]).get(reverse("portal:dashboard")).content.decode()
    assert "提案1" in page and "申告する" in page
    page = login(Client(), office_staff).get(reverse("portal:dashboard")).content.decode()
    assert "選考委員会の採点状況" in page and "0 / 3" in page


def test_it_seeds_kamakuras_panel_and_default_criteria(db):
    criteria_set = seed_review()
    assert [k.name for k in MemberKind.objects.all()] == [
        "学識経験者",
        "市民活動に関し知識経験を有する者",
        "市民",
        "市職員",
    ]
    assert sum(k.usual_count for k in MemberKind.objects.all()) == 5
    assert criteria_set.pass_rule == "mean_total" and criteria_set.pass_line == Decimal(60)
    assert criteria_set.rounds == 2
    assert [c.weight for c in criteria_set.criteria.all()][:2] == [Decimal(2), Decimal(2)]
    assert seed_review().pk == criteria_set.pk  # idempotent


def test_it_keeps_the_revoke_reason_typed_and_says_why_at_its_field(office_staff) -> None:
    from kyodo.review.models import ConflictDeclaration

    scene = make_scene(office_staff, proposals=1, members=1)
    declaration = ConflictDeclaration.objects.create(
        member=scene.seats[0], proposal=scene.proposals[0], has_conflict=True, reason="親族"
    )
    client = login(Client(), office_staff)
    url = reverse("review:declaration_revoke", args=[declaration.pk])
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="revoke-{declaration.pk}-error"' in html
    assert f'aria-describedby="revoke-{declaration.pk}-error"' in html
    declaration.refresh_from_db()
    assert declaration.revoked_at is None
