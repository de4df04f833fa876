"""The stored tallies (review.tallies) follow every write the services make: after each
submit, draft, conflict declared, revoked or flagged, they equal what recomputing them from
the sheets gives, and the results read from them equal the pure function's."""

from __future__ import annotations

from django.core.cache import cache

from kyodo.registry.models import GroupMembership
from kyodo.review import results, selectors, services
from kyodo.review.models import ConflictDeclaration, RoundTally, Score
from kyodo.review.tallies import tallies_rebuild
from tests.review.conftest import answers, make_scene


def _stored() -> tuple[set, set]:
    return (
        set(RoundTally.objects.values_list("proposal_id", "round", "submitted", "counted")),
        {
            (r.proposal_id, r.round, key, tuple(value))
            for r in RoundTally.objects.all()
            for key, value in r.sums.items()
        },
    )


def _pure(scene) -> list:
    marks = [
        results.Mark(
            s.sheet.proposal_id,
            s.sheet.member_id,
            s.sheet.round,
            s.criterion.key,
            None if s.not_applicable else s.value,
        )
        for s in Score.objects.filter(sheet__submitted_at__isnull=False).select_related(
            "sheet", "criterion"
        )
    ]
    conflicts = selectors.conflicts_of(scene.committee, scene.proposals, scene.seats)
    rules = scene.committee.criteria_set.rules(scene.criteria)
    return [
        (r.round, r.members, r.means, r.total, r.passed, r.rank)
        for r in results.call_results(rules, [p.pk for p in scene.proposals], marks, conflicts)
    ]


def _check(scene) -> None:
    stored = _stored()
    tallies_rebuild(call_id=scene.call.pk)
    assert stored == _stored()
    cache.clear()
    data = selectors.committee_results(selectors.committee_for_call(scene.call.pk))
    got = [
        (
            r.result.round,
            r.result.members,
            r.result.means,
            r.result.total,
            r.result.passed,
            r.result.rank,
        )
        for r in data.rows
    ]
    assert got == _pure(scene)


def test_it_keeps_the_tallies_exact_through_every_service_write(office_staff):
    scene = make_scene(office_staff, proposals=2, members=3)
    p1, p2 = scene.proposals
    for user in scene.members:
        for p in scene.proposals:
            services.declaration_make(actor=user, proposal=p, has_conflict=False)
    _check(scene)
    for n, user in enumerate(scene.members):
        services.sheet_save(
            actor=user,
            proposal=p1,
            round_number=1,
            answers=answers(scene, 5, None, n + 1),
            submit=True,
        )
        _check(scene)
    services.sheet_save(
        actor=scene.members[0],
        proposal=p1,
        round_number=2,
        answers=answers(scene, 2, 3, 4),
        submit=True,
    )
    _check(scene)
    # Saved again as a draft: out of the figures until submitted again.
    services.sheet_save(
        actor=scene.members[1], proposal=p1, round_number=1, answers=answers(scene, 1, 1, 1)
    )
    _check(scene)
    standing = ConflictDeclaration.objects.get(
        member=scene.seats[2], proposal=p1, revoked_at__isnull=True
    )
    services.declaration_revoke(actor=office_staff, declaration=standing, reason="再申告")
    _check(scene)
    services.declaration_make(actor=scene.members[2], proposal=p1, has_conflict=True, reason="親族")
    _check(scene)
    assert RoundTally.objects.get(proposal=p1, round=1).counted == 1  # member 0 only


def test_it_leaves_out_a_member_who_joins_the_proposing_group_after_scoring(office_staff):
    scene = make_scene(office_staff, proposals=1, members=2)
    (p1,) = scene.proposals
    for user, mark in zip(scene.members, (5, 1), strict=True):
        services.declaration_make(actor=user, proposal=p1, has_conflict=False)
        services.sheet_save(
            actor=user,
            proposal=p1,
            round_number=1,
            answers=answers(scene, mark, mark, mark),
            submit=True,
        )
    GroupMembership.objects.create(group_id=p1.group_id, user=scene.members[1])
    _check(scene)
    cache.clear()
    (row,) = selectors.committee_results(scene.committee).rows
    assert row.result.members == 1 and row.result.total == 100
