"""A call with a committee of five, a small criteria set with N/A, and proposals in review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kyodo.accounts.models import Role, User
from kyodo.programmes.models import Call
from kyodo.proposals.models import Proposal, ProposalVersion
from kyodo.review import services
from kyodo.review.models import Committee, CommitteeMember, CriteriaSet, Criterion, MemberKind
from kyodo.review.seed import seed_review
from tests import factories
from tests.proposals import factories as pf


def small_set() -> CriteriaSet:
    n = CriteriaSet.objects.count() + 1
    cs = CriteriaSet.objects.create(name=f"テスト基準{n}", pass_line=Decimal(60), rounds=2)
    Criterion.objects.create(criteria_set=cs, key="A", name="公益性", weight=2, order=1)
    Criterion.objects.create(
        criteria_set=cs, key="B", name="協働の効果", weight=1, allow_na=True, order=2
    )
    Criterion.objects.create(criteria_set=cs, key="C", name="実現可能性", weight=1, order=3)
    return cs


def ready_proposal(call: Call, **kwargs: Any) -> Proposal:
    proposal = pf.ProposalFactory(call=call, ready=True, **kwargs)
    ProposalVersion.objects.create(
        proposal=proposal,
        number=1,
        snapshot={"title": proposal.title, "purpose": "居場所をつくる（提出版）"},
        submitted_by=proposal.created_by,
        submitted_at=timezone.now(),
    )
    return proposal


@dataclass
class Scene:
    call: Call
    committee: Committee
    office: User
    members: list[User]
    seats: list[CommitteeMember]
    proposals: list[Proposal]
    criteria: list[Criterion]


def make_scene(office: User, proposals: int = 2, members: int = 5) -> Scene:
    seed_review()
    call = pf.CallFactory()
    cs = small_set()
    committee = services.committee_create(actor=office, call=call, criteria_set=cs)
    kinds = list(MemberKind.objects.all())
    users = [
        factories.UserFactory(roles=[Role.COMMITTEE], full_name=f"委員{n}")
        for n in range(1, members + 1)
    ]
    seats = [
        services.committee_add_member(
            actor=office, committee=committee, user=u, kind=kinds[n % len(kinds)], is_chair=n == 0
        )
        for n, u in enumerate(users)
    ]
    props = [ready_proposal(call, title=f"提案{n}") for n in range(1, proposals + 1)]
    services.review_start_all(actor=office, committee=committee)
    for p in props:
        p.refresh_from_db()
    return Scene(call, committee, office, users, seats, props, list(cs.criteria.all()))


def answers(scene: Scene, a: int | None, b: int | None, c: int | None) -> dict[int, Any]:
    by_key = {cr.key: cr for cr in scene.criteria}
    return {
        by_key["A"].pk: services.Answer(a),
        by_key["B"].pk: services.Answer(b, not_applicable=b is None),
        by_key["C"].pk: services.Answer(c),
    }


@pytest.fixture
def scene(office_staff: User) -> Scene:
    return make_scene(office_staff)


def past(days: int = 1) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
