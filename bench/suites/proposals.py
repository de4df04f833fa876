"""The office's proposal list (proposal cycle I): realistic scale is about 30 proposals a
year over 5 years (150); the issue's 100× is 15,000. The list is timed unfiltered and with
the filters the office uses (a call, a course and a state), signed in as office staff."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.suites import Scenario, Suite

YEARS = 5
OFFICE_EMAIL = "bench-proposals-office@example.jp"


def proposals_for(scale: int) -> int:
    """The bench's scales count groups (400 realistic, 50,000 large): map them to 150 and
    15,000 proposals."""
    return 150 if scale < 10_000 else 15_000


def generate_proposals(scale: int) -> int:
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kyodo.accounts.models import Division, Role, RoleAssignment, Section, User
    from kyodo.programmes.models import Call, CityTheme
    from kyodo.programmes.seed import seed_programme
    from kyodo.proposals import workflow
    from kyodo.proposals.models import Proposal
    from kyodo.registry.models import CivicGroup

    rng = random.Random(7)
    total = proposals_for(scale)
    programme = seed_programme()
    courses = list(programme.courses.all())
    office = User.objects.create_user(email=OFFICE_EMAIL, full_name="bench office")
    RoleAssignment.objects.create(user=office, role=Role.OFFICE)
    TOTPDevice.objects.create(user=office, name="bench", confirmed=True)
    division, _ = Division.objects.get_or_create(name="ベンチ部")
    sections = [
        Section.objects.get_or_create(division=division, name=f"ベンチ課{n}")[0] for n in range(8)
    ]
    today = timezone.localdate()
    this_year = today.year if today.month >= 4 else today.year - 1
    calls = []
    for offset in range(YEARS):
        year = this_year - offset
        call = Call.objects.create(
            programme=programme,
            fiscal_year=year,
            title=f"ベンチ募集 {year}",
            opens_on=dt.date(year - 1, 10, 1),
            closes_on=dt.date(year - 1, 11, 30),
            is_published=True,
        )
        call.courses.set(courses)
        calls.append(call)
    themes = [
        CityTheme.objects.create(
            call=calls[n % YEARS],
            course=courses[1],
            section=sections[n % len(sections)],
            title=f"ベンチテーマ{n}",
            background="背景",
            outline="概要",
            expectations="期待",
            budget_ceiling=400_000,
            contact="担当",
            status="published",
            created_by=office,
        )
        for n in range(YEARS * 4)
    ]
    groups = CivicGroup.objects.bulk_create(
        CivicGroup(name=f"ベンチ提案団体{n}", name_kana=f"べんちていあんだんたい{n}")
        for n in range(max(50, total // 5))
    )
    states = list(workflow.STATES)
    now = timezone.now()
    proposals = []
    for n in range(total):
        theme = themes[n % len(themes)] if n % 4 == 0 else None
        status = states[rng.randrange(len(states))]
        proposals.append(
            Proposal(
                call=theme.call if theme else calls[n % YEARS],
                course=theme.course if theme else courses[n % len(courses)],
                group=groups[rng.randrange(len(groups))],
                track="city_proposed" if theme else "group_proposed",
                theme=theme,
                section=sections[n % len(sections)] if n % 3 == 0 else None,
                title=f"ベンチ提案{n} 地域の居場所づくり",
                created_by=office,
                version_number=0 if status == "draft" else 1,
                submitted_at=None if status == "draft" else now - dt.timedelta(minutes=n),
                # Generated rows of a benchmark database, not a transition.
                **{"status": status},
            )
        )
    Proposal.objects.bulk_create(proposals, batch_size=2000)
    return total


def _login(client: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kyodo.accounts.models import User

    office = User.objects.get(email=OFFICE_EMAIL)
    client.force_login(office)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=office).persistent_id
    session.save()


@dataclass(frozen=True)
class SignedInScenario(Scenario):
    """A scenario timed with the client signed in (bench.run calls `login(client)`)."""

    login: Callable[[Any], None] | None = None


def _unfiltered(scale: int) -> str:
    return "/staff/proposals/"


def _filtered(scale: int) -> str:
    from kyodo.programmes.models import Call, Course

    call = Call.objects.filter(title__startswith="ベンチ募集").order_by("-fiscal_year").first()
    course = Course.objects.get(key="collaboration")
    return f"/staff/proposals/?call={call.pk}&course={course.pk}&status=submitted"


def _search(scale: int) -> str:
    return "/staff/proposals/?status=ready_for_review&q=%E5%B1%85%E5%A0%B4%E6%89%80"


SUITE = Suite(
    name="proposals",
    generate=generate_proposals,
    scenarios=[
        SignedInScenario("proposal_list", "提案一覧（協働担当課）", _unfiltered, login=_login),
        SignedInScenario(
            "proposal_list_filtered", "提案一覧 募集・コース・状態で絞込", _filtered, login=_login
        ),
        SignedInScenario(
            "proposal_list_search", "提案一覧 状態＋事業名検索", _search, login=_login
        ),
    ],
)
