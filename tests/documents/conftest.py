"""One proposal's whole life, with long Japanese text and rare name glyphs, for the
documents tests: a registered group, a consultation with a meeting, a proposal with a plan
and a two-year budget, four-party minutes, a committee of two who scored it, the advice,
the city's decision and published results."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kyodo.accounts.models import Role, User
from kyodo.documents import registry, services, word
from kyodo.documents.layout import Document
from kyodo.documents.types.stats import CurrentState
from kyodo.japan.calendar import fiscal_year
from kyodo.projects.models import Agreement
from kyodo.projects.services import agreement_update, project_create_from_proposal
from kyodo.proposals.models import (
    BudgetLine,
    ConsultationMeeting,
    ConsultationSheet,
    FourPartyConsultation,
    Proposal,
)
from kyodo.registry.models import CivicGroup, GroupMembership, GroupRole
from kyodo.review import services as review
from kyodo.review.models import Committee, MemberKind, ScoreSheet
from kyodo.review.seed import seed_review
from tests import factories
from tests.proposals import factories as pf
from tests.review.conftest import ready_proposal, small_set

RARE = "髙﨑𠮷𩸽ヶ々"
GROUP_NAME = "特定非営利活動法人 髙﨑𠮷𩸽ヶ々の海辺を守る会"
REPRESENTATIVE = "髙橋 𠮷子"
# Long text without spaces, as people write Japanese: it must wrap and run across pages.
LONG = (
    "鎌倉の海と山をつなぐ市民の居場所づくりを進めるため、地域の子どもから高齢者までが"
    "気軽に立ち寄れる拠点を、自治会・学校・商店会と協力して毎週開きます。"
) * 12


@dataclass
class Scene:
    office: User
    representative: User
    members: list[User]
    group: CivicGroup
    sheet: ConsultationSheet
    proposal: Proposal
    meeting: FourPartyConsultation
    committee: Committee
    score_sheet: ScoreSheet
    agreement: Agreement
    funding: Any = None

    def record(self, key: str) -> Any:
        return {
            "certificate": self.group,
            "group_profile": self.group,
            "consultation": self.sheet,
            "proposal": self.proposal,
            "fourparty": self.meeting,
            "score_sheet": self.score_sheet,
            "results": self.committee,
            "notice": self.proposal,
            "current_state": CurrentState(fiscal_year(timezone.localdate())),
            "agreement": self.agreement,
            "change_agreement": self.agreement,
            "grant_decision": self.funding,
            "amount_confirmation": self.funding,
            "settlement": self.funding,
        }[key]


def build_scene(
    office: User, *, title: str = "海辺の子ども食堂と学びの場", long: str = LONG
) -> Scene:
    seed_review()
    group = factories.CivicGroupFactory(
        registered=True,
        name=GROUP_NAME,
        representative_name=REPRESENTATIVE,
        purpose=long,
        activities=long,
    )
    rep = factories.UserFactory(full_name=REPRESENTATIVE)
    GroupMembership.objects.create(group=group, user=rep, role=GroupRole.REPRESENTATIVE)
    call = pf.CallFactory(title="令和7年度 協働事業提案制度", fiscal_year=2025)
    sheet = ConsultationSheet.objects.create(
        group=group, call=call, idea=long, issue="海辺の清掃と子どもの孤食", created_by=rep
    )
    ConsultationMeeting.objects.create(
        sheet=sheet,
        held_on=dt.date(2025, 5, 1),
        attendees="センター職員、𠮷田",
        notes="事業の対象を小学生に絞る案を相談した。",
        next_steps="担当課と日程を調整する",
        recorded_by=office,
    )
    proposal = ready_proposal(
        call,
        group=group,
        title=title,
        issue=long,
        purpose="子どもの孤食をなくす",
        content=long,
        beneficiaries="市内の小学生と保護者",
        expected_effect=long,
        measurement="参加者数と満足度の調査",
        group_role="会場の運営と食材の調達",
        city_role="学校・自治会への周知",
        appeal_pioneering="海辺の清掃と食堂を組み合わせる",
        appeal_public_benefit="誰でも参加できる",
        appeal_collaboration="市の広報力と団体の機動力",
        years=2,
        schedule=[
            {"month": 4, "activity": "準備会"},
            {"month": 7, "activity": "夏休み食堂"},
            {"month": 3, "activity": "報告会"},
        ],
        consultation=sheet,
        created_by=rep,
    )
    for year in (1, 2):
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(
                    proposal=proposal,
                    year_index=year,
                    kind="income",
                    source="city",
                    category="市の負担金・補助金",
                    amount=500_000,
                ),
                BudgetLine(
                    proposal=proposal,
                    year_index=year,
                    kind="income",
                    source="own",
                    category="自己資金",
                    description="会費",
                    amount=120_000,
                ),
                BudgetLine(
                    proposal=proposal,
                    year_index=year,
                    kind="expense",
                    category="謝金",
                    description="講師謝礼",
                    unit_price=10_000,
                    quantity=12,
                    amount=120_000,
                ),
                BudgetLine(
                    proposal=proposal,
                    year_index=year,
                    kind="expense",
                    category="食材費",
                    description="食堂の食材",
                    unit_price=12_500,
                    quantity=40,
                    amount=500_000,
                ),
            ]
        )
    meeting = FourPartyConsultation.objects.create(
        proposal=proposal,
        scheduled_at=timezone.now() - dt.timedelta(days=30),
        place="市役所本庁舎 第3会議室",
        participants="団体：髙橋、担当課：𠮷田、協働担当課、センター",
        minutes=long,
        outcome="proceed",
        reason="役割分担が明確になったため",
        scheduled_by=office,
        recorded_by=office,
        recorded_at=timezone.now() - dt.timedelta(days=29),
    )
    committee = review.committee_create(actor=office, call=call, criteria_set=small_set())
    kind = MemberKind.objects.first()
    members = []
    for n, name in enumerate(("﨑山 委員", "髙木 委員")):
        user = factories.UserFactory(roles=[Role.COMMITTEE], full_name=name)
        review.committee_add_member(
            actor=office, committee=committee, user=user, kind=kind, is_chair=n == 0
        )
        members.append(user)
    proposal = review.review_start(actor=office, proposal=proposal)
    criteria = list(committee.criteria_set.criteria.all())
    for user in members:
        review.declaration_make(actor=user, proposal=proposal, has_conflict=False)
        for rnd in (1, 2):
            review.sheet_save(
                actor=user,
                proposal=proposal,
                round_number=rnd,
                answers={c.pk: review.Answer(4, comment="よく練られている") for c in criteria},
                comment="地域の課題に合っている。",
                submit=True,
            )
    review.advice_record(
        actor=office,
        proposal=proposal,
        recommendation="adopt_with_conditions",
        review_comment="子どもの居場所として期待できる。安全管理の計画を具体化されたい。",
    )
    review.decision_record(
        actor=office,
        proposal=proposal,
        outcome="adopted_with_conditions",
        conditions="食品衛生の講習を受けること",
    )
    review.results_publish(
        actor=office, committee=committee, general_comment="全体に水準が高かった。"
    )
    proposal = Proposal.objects.get(pk=proposal.pk)
    # The project and its agreement (made here rather than by the budget passing, which
    # would make the notice final); the group rewrote the purpose once.
    agreement = project_create_from_proposal(proposal=proposal, actor=office).agreement
    agreement_update(
        actor=rep,
        agreement=agreement,
        content={"purpose": "子どもと高齢者の孤食をなくし、𠮷田地区に居場所をつくる"},
    )
    score_sheet = ScoreSheet.objects.filter(proposal=proposal, member__user=members[0]).first()
    assert score_sheet is not None
    # The first year's grant, as the office decided and confirmed it (a past state): an
    # advance of 400,000 paid, 372,000 confirmed, so 28,000 to give back.
    from kyodo.payments.models import Funding, Payment

    segment = agreement.project.segments.order_by("year_index").first()
    funding = Funding.objects.create(
        segment=segment,
        status="settled",
        requested_amount=500_000,
        applied_on=dt.date(2026, 4, 10),
        decided_amount=500_000,
        decision_number="2026-0007",
        decided_on=dt.date(2026, 4, 20),
        actual_cost=413_500,
        eligible_cost=413_500,
        confirmed_amount=372_000,
        confirmation_number="2026-0031",
        confirmed_on=dt.date(2027, 4, 15),
    )
    Payment.objects.create(
        funding=funding, kind="advance", status="paid", amount=400_000, paid_on=dt.date(2026, 5, 1)
    )
    # Its settlement (収支決算書): one line far from its budget, explained in a few lines.
    from kyodo.payments.models import DifferenceNote, SettlementLine

    SettlementLine.objects.bulk_create(
        [
            SettlementLine(
                funding=funding,
                kind="income",
                source="city",
                category="市の負担金・補助金",
                amount=372_000,
            ),
            SettlementLine(
                funding=funding, kind="income", source="own", category="自己資金", amount=41_500
            ),
            SettlementLine(
                funding=funding,
                kind="expense",
                category="消耗品費",
                description="𠮷田地区の居場所の備品",
                unit_price=4_135,
                quantity=100,
                amount=413_500,
            ),
        ]
    )
    DifferenceNote.objects.create(funding=funding, kind="expense", key="消耗品費", text=LONG[:120])
    return Scene(
        office,
        rep,
        members,
        group,
        sheet,
        proposal,
        meeting,
        committee,
        score_sheet,
        agreement,
        funding,
    )


@pytest.fixture
def scene(office_staff: User) -> Scene:
    return build_scene(office_staff)


KEYS = [t.key for t in registry.all_types()]
BLANK_KEYS = [t.key for t in registry.blank_types()]


def document_for(scene: Scene, key: str) -> Document:
    doc_type = registry.get(key)
    return services.document_build(doc_type=doc_type, record=scene.record(key), actor=scene.office)


def squeeze(text: str) -> str:
    """Text with all white space removed: line wrapping and pdftotext's spacing between
    Latin and Japanese characters must not hide a field."""
    return "".join(text.replace("\u200b", "").split())


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    # -raw keeps the content stream's order: each table cell's text stays in one piece.
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def docx_text(data: bytes) -> str:
    return word.text_of(data)
