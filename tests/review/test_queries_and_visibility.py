"""The results selector's query count is flat, and a member's scores appear only where the
office looks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kyodo.review import selectors, services
from tests import factories
from tests.conftest import login
from tests.review.conftest import answers, make_scene


def _score_all(scene, marker: str) -> None:
    for user in scene.members:
        for p in scene.proposals:
            services.declaration_make(actor=user, proposal=p, has_conflict=False)
            for rnd in (1, 2):
                services.sheet_save(
                    actor=user,
                    proposal=p,
                    round_number=rnd,
                    answers=answers(scene, 4, 3, 5),
                    comment=f"{marker}-{user.pk}",
                    submit=True,
                )


def _queries(scene) -> int:
    committee = selectors.committee_for_call(scene.call.pk)
    with CaptureQueriesContext(connection) as ctx:
        data = selectors.committee_results(committee)
    assert all(r.result.total is not None for r in data.rows)
    return len(ctx.captured_queries)


def test_it_loads_results_with_the_same_queries_for_2_and_20_proposals(office_staff):
    small = make_scene(office_staff, proposals=2, members=3)
    _score_all(small, "s")
    large = make_scene(office_staff, proposals=20, members=3)
    _score_all(large, "l")
    assert _queries(small) == _queries(large)


def _public_page_queries(scene) -> int:
    """Queries of the public results page as its first visitor after a change sees it."""
    from django.core.cache import cache
    from django.utils import timezone

    from kyodo.proposals.models import Proposal

    Proposal.objects.filter(pk__in=[p.pk for p in scene.proposals]).update(status="adopted")
    scene.committee.results_published_at = timezone.now()
    scene.committee.save(update_fields=["results_published_at"])
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get(reverse("review:results", args=[scene.call.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>\n    <td data-label=") == len(scene.proposals)
    return len(ctx.captured_queries)


def test_it_serves_the_public_results_in_12_queries_whatever_the_proposals(office_staff):
    """The committee with its call and criteria set, the criteria once, the members, the
    decided proposals and three stamps (public_results_key), then on a miss the members,
    proposals, declared conflicts, group memberships and tallies (committee_results)."""
    small = make_scene(office_staff, proposals=2, members=3)
    _score_all(small, "s")
    large = make_scene(office_staff, proposals=8, members=3)
    _score_all(large, "l")
    assert _public_page_queries(small) == _public_page_queries(large) == 12


@pytest.mark.parametrize(
    "viewer", ["anonymous", "resident", "group_member", "other_member", "department"]
)
def test_it_never_shows_a_members_scores_to_a_role_that_may_not_see_them(
    viewer, office_staff, representative_a, group_a, resident, department_staff
):
    scene = make_scene(office_staff, proposals=2, members=3)
    p1 = scene.proposals[0]
    p1.group = group_a
    p1.save(update_fields=["group"])
    _score_all(scene, "SECRET")
    for p in scene.proposals:
        services.advice_record(actor=office_staff, proposal=p, recommendation="adopt")
        services.decision_record(actor=office_staff, proposal=p, outcome="adopted")
    services.results_publish(actor=office_staff, committee=scene.committee)
    people = {
        "anonymous": None,
        "resident": resident,
        "group_member": representative_a,
        "other_member": factories.UserFactory(roles=["committee"]),
        "department": department_staff,
    }
    client = Client()
    if people[viewer] is not None:
        login(client, people[viewer])
    urls = [
        reverse("review:results", args=[scene.call.pk]),
        reverse("review:schedule", args=[scene.call.pk]),
        reverse("review:notice", args=[p1.pk]),
        reverse("review:staff_results", args=[scene.call.pk]),
        reverse("review:staff_proposal", args=[p1.pk]),
        reverse("review:member_home"),
        reverse("portal:dashboard"),
    ]
    for url in urls:
        page = client.get(url).content.decode()
        assert "SECRET" not in page, url
        for user in scene.members:
            assert user.full_name not in page, url
    # …while the office does see them.
    office = login(Client(), office_staff)
    page = office.get(reverse("review:staff_proposal", args=[p1.pk])).content.decode()
    assert f"SECRET-{scene.members[0].pk}" in page
