"""The results selector reads the marks added up in SQL (review.tallies, stored as they are
written; review.selectors.counted_tallies); it must give exactly the figures of the pure
review.results.call_results over the same marks, for any sheets, N/A answers, partial
sheets, drafts, declarations (standing, revoked, no conflict) and group memberships
(hypothesis, on a real database). The rows here are written directly, so the tallies are
recomputed from them (`tallies_rebuild`); the services keep them up to date themselves
(tests/review/test_tallies.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo.registry.models import GroupMembership
from kyodo.review import results, selectors
from kyodo.review.models import ConflictDeclaration, Score, ScoreSheet
from kyodo.review.tallies import tallies_rebuild
from tests.review.conftest import make_scene

SHEET = st.sampled_from(["none", "draft", "submitted", "submitted"])
# None: no row for the criterion (a partial sheet); "na": N/A; "na3": N/A with a stale value
ANSWER = st.one_of(st.none(), st.sampled_from(["na", "na3"]), st.integers(min_value=1, max_value=5))


@st.composite
def world(draw, proposals: int, members: int):
    sheets = {
        (p, m, r): (draw(SHEET), [draw(ANSWER) for _ in range(3)])
        for p in range(proposals)
        for m in range(members)
        for r in (1, 2)
    }
    declarations = {
        (p, m): draw(st.sampled_from(["none", "no_conflict", "conflict", "revoked"]))
        for p in range(proposals)
        for m in range(members)
    }
    in_group = draw(
        st.lists(st.tuples(st.integers(0, proposals - 1), st.integers(0, members - 1)), max_size=2)
    )
    rules = {
        "normalisation": draw(st.sampled_from(results.NORMALISATIONS)),
        "pass_rule": draw(st.sampled_from(results.PASS_RULES)),
        "pass_line": Decimal(draw(st.integers(min_value=0, max_value=100))),
        "rounds": draw(st.sampled_from([1, 2])),
    }
    return sheets, declarations, in_group, rules


def _summary(rows):
    return [
        (r.round, r.members, r.means, r.counts, r.total, r.sum_of_means, r.passed, r.rank, r.tied)
        for r in rows
    ]


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_it_adds_up_in_sql_exactly_what_the_pure_function_computes(office_staff, data):
    sheets, declarations, in_group, rule_fields = data.draw(world(3, 4))
    now = timezone.now()
    cache.clear()  # every example computes (the cache is pinned by the test below)
    with transaction.atomic():  # rolled back: every example starts from the same database
        scene = make_scene(office_staff, proposals=3, members=4)
        cs = scene.committee.criteria_set
        for name, value in rule_fields.items():
            setattr(cs, name, value)
        cs.save()
        marks = []
        for (p, m, rnd), (state, answers) in sheets.items():
            if state == "none":
                continue
            proposal, seat = scene.proposals[p], scene.seats[m]
            sheet = ScoreSheet.objects.create(
                member=seat,
                proposal=proposal,
                round=rnd,
                submitted_at=now if state == "submitted" else None,
            )
            for criterion, answer in zip(scene.criteria, answers, strict=True):
                if answer is None:  # a partial sheet: no row for this criterion
                    continue
                na = answer in ("na", "na3")
                Score.objects.create(
                    sheet=sheet,
                    criterion=criterion,
                    value=3 if answer == "na3" else None if na else answer,
                    not_applicable=na,
                )
                if state == "submitted":
                    marks.append(
                        results.Mark(
                            proposal.pk, seat.pk, rnd, criterion.key, None if na else answer
                        )
                    )
        conflicts = set()
        for (p, m), kind in declarations.items():
            proposal, seat = scene.proposals[p], scene.seats[m]
            if kind == "none":
                continue
            ConflictDeclaration.objects.create(
                member=seat,
                proposal=proposal,
                has_conflict=kind != "no_conflict",
                revoked_at=now if kind == "revoked" else None,
                revoked_by=office_staff if kind == "revoked" else None,
            )
            if kind == "conflict":
                conflicts.add((proposal.pk, seat.pk))
        for p, m in in_group:
            proposal, seat = scene.proposals[p], scene.seats[m]
            GroupMembership.objects.get_or_create(group_id=proposal.group_id, user=seat.user)
            conflicts.add((proposal.pk, seat.pk))

        tallies_rebuild(call_id=scene.call.pk)
        rules = cs.rules(scene.criteria)
        expected = results.call_results(rules, [p.pk for p in scene.proposals], marks, conflicts)
        data_ = selectors.committee_results(selectors.committee_for_call(scene.call.pk))

        assert [r.proposal.pk for r in data_.rows] == [p.pk for p in scene.proposals]
        assert _summary([r.result for r in data_.rows]) == _summary(expected)
        transaction.set_rollback(True)


def _figures(scene) -> list:
    data = selectors.committee_results(selectors.committee_for_call(scene.call.pk))
    return [(r.result.total, r.result.members, r.progress, r.means) for r in data.rows]


def test_it_never_serves_cached_figures_after_a_sheet_a_conflict_or_a_membership_changes(
    office_staff,
):
    from kyodo.review import services
    from tests.review.conftest import answers

    scene = make_scene(office_staff, proposals=2, members=3)
    p1, p2 = scene.proposals
    for user in scene.members:
        for p in scene.proposals:
            services.declaration_make(actor=user, proposal=p, has_conflict=False)
            for rnd in (1, 2):
                services.sheet_save(
                    actor=user,
                    proposal=p,
                    round_number=rnd,
                    answers=answers(scene, 4, 3, 5),
                    submit=True,
                )

    def fresh() -> list:
        cache.clear()
        return _figures(scene)

    seen = [_figures(scene)]  # now cached
    services.sheet_save(
        actor=scene.members[0],
        proposal=p1,
        round_number=2,
        answers=answers(scene, 1, 1, 1),
        submit=True,
    )
    seen.append(_figures(scene))
    assert seen[-1] == fresh() and seen[-1] != seen[-2]

    standing = ConflictDeclaration.objects.get(
        member=scene.seats[1], proposal=p1, revoked_at__isnull=True
    )
    services.declaration_revoke(actor=office_staff, declaration=standing, reason="再申告")
    services.declaration_make(
        actor=scene.members[1], proposal=p1, has_conflict=True, reason="親族が代表"
    )
    seen.append(_figures(scene))
    assert seen[-1] == fresh() and seen[-1] != seen[-2]

    GroupMembership.objects.create(group_id=p2.group_id, user=scene.members[2])
    seen.append(_figures(scene))
    assert seen[-1] == fresh() and seen[-1] != seen[-2]


def test_it_never_serves_a_stale_public_results_table(office_staff):
    from django.test import Client
    from django.urls import reverse

    from kyodo.proposals.models import Proposal
    from kyodo.review import services
    from kyodo.review.models import Advice
    from tests.review.conftest import answers

    scene = make_scene(office_staff, proposals=1, members=3)
    (p1,) = scene.proposals
    for user, mark in zip(scene.members, (5, 1, 3), strict=True):
        services.declaration_make(actor=user, proposal=p1, has_conflict=False)
        for rnd in (1, 2):
            services.sheet_save(
                actor=user,
                proposal=p1,
                round_number=rnd,
                answers=answers(scene, mark, mark, mark),
                submit=True,
            )
    Proposal.objects.filter(pk=p1.pk).update(status="adopted")
    advice = Advice.objects.create(
        proposal=p1, recommendation="adopt", review_comment="最初の講評", recorded_by=office_staff
    )
    scene.committee.results_published_at = timezone.now()
    scene.committee.save(update_fields=["results_published_at"])
    url = reverse("review:results", args=[scene.call.pk])

    def page() -> str:
        response = Client().get(url)
        assert response.status_code == 200
        return response.content.decode()

    first = page()
    assert '">3.0</td>' in first and "最初の講評" in first  # (5 + 1 + 3) / 3
    GroupMembership.objects.create(group_id=p1.group_id, user=scene.members[1])
    assert '">4.0</td>' in page()  # the member of the group no longer counts: (5 + 3) / 2
    advice.review_comment = "直した講評"
    advice.save(update_fields=["review_comment"])
    assert "直した講評" in page()
    p1.group.name = "改名した団体"
    p1.group.save(update_fields=["name"])
    assert "改名した団体" in page()


def test_it_works_out_the_public_tables_figures_without_a_second_cache(office_staff):
    """The public results page caches its table under public_results_key, which covers the
    figures' inputs: on a miss the figures are worked out, not read from or written to the
    figures' own cache (their stamp queries and pickling would be work for nothing)."""
    from unittest import mock

    from django.test import Client
    from django.urls import reverse

    scene = make_scene(office_staff, proposals=1, members=2)
    scene.committee.results_published_at = timezone.now()
    scene.committee.save(update_fields=["results_published_at"])
    cache.clear()
    with mock.patch.object(selectors, "cache") as figures_cache:
        response = Client().get(reverse("review:results", args=[scene.call.pk]))
    assert response.status_code == 200
    assert figures_cache.method_calls == []
    committee = selectors.committee_for_call(scene.call.pk)
    with mock.patch.object(selectors, "cache") as figures_cache:
        figures_cache.get.return_value = None
        selectors.committee_results(committee)
    assert [name for name, *_ in figures_cache.method_calls] == ["get", "set"]


def test_it_leaves_the_results_rows_to_reference_counting_not_the_garbage_collector(
    office_staff,
):
    """A proposal loaded with its advice and decision (select_related) is not left in a
    reference cycle with them: a call's rows are freed when no longer used, not by a
    collection that a later request pays for all at once."""
    import gc

    from kyodo.proposals.models import Proposal
    from kyodo.review.models import Advice, CityDecision

    scene = make_scene(office_staff, proposals=2, members=2)
    Proposal.objects.filter(pk__in=[p.pk for p in scene.proposals]).update(status="adopted")
    for p in scene.proposals:
        Advice.objects.create(proposal=p, recommendation="adopt", recorded_by=office_staff)
        CityDecision.objects.create(
            proposal=p, outcome="adopted", decided_by=office_staff, reason="理由"
        )
    committee = selectors.committee_for_call(scene.call.pk)
    gc.collect()
    gc.disable()
    try:
        data = selectors.committee_results(committee, cached=False)
        assert all(r.proposal.advice and r.proposal.decision for r in data.rows)
        del data
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, (Proposal, Advice, CityDecision))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []
