"""The projects' part of `manage.py seed_demo`: one proposal of the demo group from an
earlier call of this fiscal year, taken through intake, the four-party consultation, the
committee, a decision with conditions and the budget passing — all through the real
services — so that it is a three-year project whose agreement is being drafted: the group
and the department have each saved a version and the department returned it to the group.
Its first year has a report schedule with an overdue interim report. Idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kyodo.accounts.models import Section, User
from kyodo.japan.calendar import fiscal_year, fiscal_year_start, wareki_fiscal_year
from kyodo.programmes.models import Call
from kyodo.programmes.seed import seed_programme
from kyodo.projects import services
from kyodo.projects.models import Project
from kyodo.proposals import consultations, fourparty
from kyodo.proposals import services as proposal_services
from kyodo.proposals.demo import _prepare_group, _proposal
from kyodo.registry.models import CivicGroup
from kyodo.review import services as review
from kyodo.review.models import Committee
from kyodo.review.seed import seed_review

TITLE = "放課後の子ども食堂と学習支援（協働事業）"


def demo_call(year: int, *, label: str, summary: str) -> Call:
    """A call of fiscal year `year`, opened 200 days before the year and decided long ago:
    the demo's projects come from such calls."""
    programme = seed_programme()
    title = f"{wareki_fiscal_year(year)} {programme.name} 提案募集（{label}）"
    call = Call.objects.filter(programme=programme, title=title).first()
    if call is None:
        opens = fiscal_year_start(year) - dt.timedelta(days=200)
        call = Call.objects.create(
            programme=programme,
            fiscal_year=year,
            title=title,
            summary=summary,
            briefing_on=opens - dt.timedelta(days=30),
            consultation_deadline=opens + dt.timedelta(days=10),
            opens_on=opens,
            closes_on=opens + dt.timedelta(days=30),
            presentation_on=opens + dt.timedelta(days=60),
            decision_on=opens + dt.timedelta(days=90),
            is_published=True,
        )
        call.courses.set(programme.courses.all())
    return call


@dataclass(frozen=True)
class Adoption:
    """What a demo proposal says on its way to adoption, beside its text and budget."""

    minutes: str  # of the four-party consultation
    met_at: dt.datetime
    review_comment: str
    conditions: str  # of the adoption
    note: str = ""  # the committee's 付帯意見


def adopt_demo_proposal(
    *,
    office: User,
    rep: User,
    group: CivicGroup,
    call: Call,
    section: Section,
    title: str,
    data: dict[str, Any],
    lines: list[dict[str, Any]],
    adoption: Adoption,
) -> Project:
    """A proposal of `group` in `call`, through the real services: submitted on the call's
    second day, assigned to `section`, accepted, consulted by the four parties, reviewed,
    adopted with a condition and made final when the budget passed before the year."""
    _prepare_group(group, call.opens_on)  # eligible on the day it proposed, whatever today is
    proposal = _proposal(rep=rep, group=group, call=call, title=title)
    proposal = proposal_services.proposal_update(actor=rep, proposal=proposal, data=data)
    proposal_services.budget_replace(actor=rep, proposal=proposal, lines=lines)
    proposal_services.proposal_transition(
        actor=rep, proposal=proposal, action="submit", today=call.opens_on + dt.timedelta(days=1)
    )
    consultations.proposal_assign_section(actor=office, proposal=proposal, section=section)
    proposal_services.proposal_transition(actor=office, proposal=proposal, action="accept")
    meeting = fourparty.fourparty_schedule(
        actor=office, proposal=proposal, scheduled_at=adoption.met_at
    )
    fourparty.fourparty_record(
        actor=office, meeting=meeting, minutes=adoption.minutes, outcome="proceed"
    )
    committee = Committee.objects.filter(call=call).first() or review.committee_create(
        actor=office, call=call, criteria_set=seed_review()
    )
    review.review_start(actor=office, proposal=proposal)
    review.advice_record(
        actor=office,
        proposal=proposal,
        recommendation="adopt_with_conditions",
        note=adoption.note,
        review_comment=adoption.review_comment,
    )
    review.decision_record(
        actor=office,
        proposal=proposal,
        outcome="adopted_with_conditions",
        conditions=adoption.conditions,
    )
    review.budget_passed(
        actor=office,
        committee=committee,
        passed_on=fiscal_year_start(call.fiscal_year) - dt.timedelta(days=10),
    )
    return Project.objects.get(proposal=proposal)


def seed_project_demo(
    *, office: User, rep: User, department: User, group: CivicGroup
) -> Project | None:
    existing = Project.objects.filter(group=group, title=TITLE).first()
    if existing is not None:
        return existing
    section = Section.objects.filter(name="こども支援課").first()
    if section is None:
        return None
    call = demo_call(
        fiscal_year(timezone.localdate()),
        label="前期・採択済み",
        summary="前期の募集です。採択された事業が協定の協議に入っています。",
    )
    lines = []
    for year, city in ((1, 300_000), (2, 250_000), (3, 200_000)):
        lines += [
            {"year_index": year, "kind": "income", "source": "city", "amount": city},
            {"year_index": year, "kind": "income", "source": "fees", "amount": 60_000},
            {
                "year_index": year,
                "kind": "expense",
                "category": "材料費",
                "description": "食材",
                "unit_price": 10_000,
                "quantity": (city + 60_000) // 10_000,
            },
        ]
    project = adopt_demo_proposal(
        office=office,
        rep=rep,
        group=group,
        call=call,
        section=section,
        title=TITLE,
        data={"years": 3},
        lines=lines,
        adoption=Adoption(
            minutes="役割と費用の分担を確認した。",
            met_at=timezone.now() - dt.timedelta(days=120),
            review_comment="地域の子どもの居場所として期待できる。",
            conditions="食品衛生責任者の講習を受けること",
            note="学校との連携の方法を、協定までに具体化されたい。",
        ),
    )
    agreement = project.agreement  # type: ignore[attr-defined]
    services.agreement_update(
        actor=rep,
        agreement=agreement,
        content={"group_role": "食堂の運営、ボランティアの募集と研修、参加者への連絡"},
        note="ボランティアの研修を加えました",
    )
    services.agreement_transition(actor=rep, agreement=agreement, action="to_department")
    services.agreement_update(
        actor=department,
        agreement=agreement,
        content={"department_role": "学校・公民館との調整、市の広報紙での周知、会場の確保の支援"},
        note="会場の確保の支援を加えました",
    )
    services.agreement_transition(
        actor=department,
        agreement=agreement,
        action="to_group",
        reason="2年目以降の団体の負担額を、参加費の見込みに合わせて見直してください。",
    )
    # Reports: the office set year 1's schedule; the interim report is five days overdue
    # (the office's list of reports due shows it), the results report after the year's end.
    from kyodo.japan.calendar import fiscal_year_end
    from kyodo.projects.reports import schedule_set

    today = timezone.localdate()
    schedule_set(
        actor=office,
        segment=project.segments.get(year_index=1),
        kind="periodic",
        due_dates=[
            today - dt.timedelta(days=5),
            fiscal_year_end(call.fiscal_year) + dt.timedelta(days=30),
        ],
    )
    return project
