"""The committee's part of `manage.py seed_demo`: a committee for this year's demo call,
committee@kyodo.example as its chair, four more members, and proposals in review, moved
there through the real services (idempotent)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kyodo.accounts.models import Role, RoleAssignment, Section, User
from kyodo.proposals import consultations as proposal_consultations
from kyodo.proposals import fourparty as proposal_fourparty
from kyodo.proposals import services as proposal_services
from kyodo.proposals.demo import _call, _prepare_group, _proposal
from kyodo.registry.models import CivicGroup
from kyodo.review import services
from kyodo.review.models import Committee, MemberKind
from kyodo.review.seed import seed_review

MEMBERS = [
    ("committee2@kyodo.example", "選考委員 市民活動", "市民活動に関し知識経験を有する者"),
    ("committee3@kyodo.example", "選考委員 NPO", "市民活動に関し知識経験を有する者"),
    ("committee4@kyodo.example", "選考委員 市民", "市民"),
    ("committee5@kyodo.example", "選考委員 市職員", "市職員"),
]
TITLES = ["海辺の環境学習（審査中）", "多世代の居場所づくり（審査中）"]


def seed_review_demo(
    *, office: User, chair: User, rep: User, group: CivicGroup, password: str
) -> Committee:
    criteria_set = seed_review()
    call = _call(timezone.localdate())
    committee = Committee.objects.filter(call=call).first()
    if committee is not None:
        return committee
    committee = services.committee_create(
        actor=office,
        call=call,
        criteria_set=criteria_set,
        document_deadline=timezone.now() + dt.timedelta(days=14),
        presentation_deadline=timezone.now() + dt.timedelta(days=30),
        presentation_place="鎌倉市役所 講堂",
    )
    kinds = {k.name: k for k in MemberKind.objects.all()}
    services.committee_add_member(
        actor=office, committee=committee, user=chair, kind=kinds["学識経験者"], is_chair=True
    )
    for email, name, kind in MEMBERS:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=password, full_name=name, email_verified=True
        )
        RoleAssignment.objects.get_or_create(user=user, role=Role.COMMITTEE, section=None)
        services.committee_add_member(
            actor=office, committee=committee, user=user, kind=kinds[kind]
        )
    _prepare_group(group, timezone.localdate())
    for order, title in enumerate(TITLES, start=1):
        proposal = _proposal(rep=rep, group=group, call=call, title=title)
        proposal_services.proposal_transition(actor=rep, proposal=proposal, action="submit")
        proposal_consultations.proposal_assign_section(
            actor=office, proposal=proposal, section=Section.objects.get(name="こども支援課")
        )
        proposal_services.proposal_transition(actor=office, proposal=proposal, action="accept")
        meeting = proposal_fourparty.fourparty_schedule(
            actor=office, proposal=proposal, scheduled_at=timezone.now() - dt.timedelta(days=3)
        )
        proposal_fourparty.fourparty_record(
            actor=office, meeting=meeting, minutes="役割分担を確認した。", outcome="proceed"
        )
        services.review_start(actor=office, proposal=proposal)
        # On the call's presentation day (after its deadline), from 13:00 Japan time.
        day = call.presentation_on or call.closes_on + dt.timedelta(days=30)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(13, 0)))
        start += dt.timedelta(minutes=30 * (order - 1))
        services.slot_set(
            actor=office,
            committee=committee,
            proposal=proposal,
            order=order,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=25),
        )
    services.schedule_publish(actor=office, committee=committee)
    return committee
