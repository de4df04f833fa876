"""The selection committee's results (issue: proposal cycle II): a call of 200 proposals ×
10 members × 10 criteria × 2 rounds, every sheet submitted; the public results page, as
most visitors get it (the table is cached until anything it shows changes) and as the
first visitor after a change gets it (cache emptied before every request: the results
are added up in SQL and rendered)."""

from __future__ import annotations

import datetime as dt
import random

from bench.suites import ColdScenario, Scenario, Suite, empty_cache

PROPOSALS, MEMBERS, CRITERIA, ROUNDS = 200, 10, 10, 2


def generate_review(scale: int) -> int:
    """Ignores `scale`: the issue fixes the size. Returns the rows of scores created."""
    from django.utils import timezone

    from kyodo.accounts.models import Role, RoleAssignment, User
    from kyodo.programmes.models import Call
    from kyodo.programmes.seed import seed_programme
    from kyodo.proposals.models import Proposal
    from kyodo.registry.models import CivicGroup
    from kyodo.review.models import (
        Advice,
        CityDecision,
        Committee,
        CommitteeMember,
        CriteriaSet,
        Criterion,
        MemberKind,
        Score,
        ScoreSheet,
    )
    from kyodo.review.seed import seed_review
    from kyodo.review.tallies import tallies_rebuild

    rng = random.Random(11)
    seed_review()
    programme = seed_programme()
    course = programme.courses.get(key="collaboration")
    today = timezone.localdate()
    call = Call.objects.create(
        programme=programme,
        fiscal_year=2099,
        title="ベンチマーク募集",
        opens_on=today - dt.timedelta(days=60),
        closes_on=today - dt.timedelta(days=30),
    )
    office = User.objects.create_user(email="bench-office@example.jp", full_name="bench")
    RoleAssignment.objects.create(user=office, role=Role.OFFICE)
    criteria_set = CriteriaSet.objects.create(name="bench 10 items", rounds=ROUNDS, pass_line=60)
    criteria = Criterion.objects.bulk_create(
        Criterion(
            criteria_set=criteria_set,
            key=f"c{n}",
            name=f"項目{n}",
            weight=1 + n % 3,
            allow_na=n % 5 == 0,
            order=n,
        )
        for n in range(CRITERIA)
    )
    committee = Committee.objects.create(
        call=call,
        name="bench",
        criteria_set=criteria_set,
        results_published_at=timezone.now(),
    )
    kind = MemberKind.objects.first()
    users = User.objects.bulk_create(
        User(email=f"bench-member{n}@example.jp", full_name=f"委員{n}") for n in range(MEMBERS)
    )
    members = CommitteeMember.objects.bulk_create(
        CommitteeMember(committee=committee, user=u, kind=kind, order=n)
        for n, u in enumerate(users)
    )
    groups = CivicGroup.objects.bulk_create(
        CivicGroup(name=f"ベンチ団体{n}", name_kana=f"べんちだんたい{n}") for n in range(20)
    )
    proposals = Proposal.objects.bulk_create(
        Proposal(
            call=call,
            course=course,
            group=groups[n % len(groups)],
            title=f"ベンチ提案{n}",
            created_by=office,
            **{"status": "adopted" if n % 3 else "not_adopted"},
        )
        for n in range(PROPOSALS)
    )
    Advice.objects.bulk_create(
        Advice(proposal=p, recommendation="adopt", review_comment="講評", recorded_by=office)
        for p in proposals
    )
    CityDecision.objects.bulk_create(
        CityDecision(proposal=p, outcome=p.status, decided_by=office, reason="理由")
        for p in proposals
    )
    now = timezone.now()
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(member=m, proposal=p, round=r, submitted_at=now)
        for p in proposals
        for m in members
        for r in range(1, ROUNDS + 1)
    )
    scores = [
        Score(
            sheet=s,
            criterion=c,
            value=None if (c.allow_na and rng.random() < 0.1) else rng.randint(1, 5),
        )
        for s in sheets
        for c in criteria
    ]
    for score in scores:
        score.not_applicable = score.value is None
    Score.objects.bulk_create(scores, batch_size=5000)
    tallies_rebuild(call_id=call.pk)  # bulk_create bypasses the services that keep them
    return len(scores)


def _results(scale: int) -> str:
    from kyodo.programmes.models import Call

    return f"/calls/{Call.objects.get(title='ベンチマーク募集').pk}/results/"


SUITE = Suite(
    name="review",
    generate=generate_review,
    scenarios=[
        Scenario("review_results", "審査結果 200件×10人×10項目×2回", _results),
        ColdScenario(
            "review_results_cold",
            "審査結果 同上・変更後の初回",
            _results,
            empty_cache,
            target_ms=100.0,  # issue 9: the first request after a score changes
        ),
    ],
)
