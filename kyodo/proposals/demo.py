"""Demo data for the proposal cycle: this fiscal year's call, themes, issues, and proposals
of the demo group in several states, all made through the real services (idempotent)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kyodo.accounts.models import Section, User
from kyodo.japan.calendar import fiscal_year, wareki_fiscal_year
from kyodo.programmes import services as programme_services
from kyodo.programmes.models import Call, CityTheme, DepartmentIssue
from kyodo.programmes.seed import seed_programme
from kyodo.proposals import consultations, fourparty, services
from kyodo.proposals.models import Proposal
from kyodo.registry.models import CivicGroup

_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _call(today: dt.date) -> Call:
    programme = seed_programme()
    year = fiscal_year(today)
    call = Call.objects.filter(programme=programme, fiscal_year=year).first()
    if call is None:
        call = Call.objects.create(
            programme=programme,
            fiscal_year=year,
            title=f"{wareki_fiscal_year(year)} {programme.name} 提案募集",
            summary="市民活動団体と市が、お互いの得意を生かして地域の課題に取り組む事業を募集します。",
            briefing_on=today - dt.timedelta(days=30),
            consultation_deadline=today + dt.timedelta(days=7),
            opens_on=today - dt.timedelta(days=14),
            closes_on=today + dt.timedelta(days=30),
            presentation_on=today + dt.timedelta(days=60),
            decision_on=today + dt.timedelta(days=90),
            is_published=True,
        )
        call.courses.set(programme.courses.all())
    return call


def _theme(call: Call, office: User, section_name: str, title: str, publish: bool) -> CityTheme:
    existing = CityTheme.objects.filter(call=call, title=title).first()
    if existing:
        return existing
    theme = CityTheme.objects.create(
        call=call,
        course=call.courses.get(key="collaboration"),
        section=Section.objects.get(name=section_name),
        title=title,
        background="担い手の高齢化と、行政だけでは届かない相談が増えています。",
        outline="地域の団体と担当課が役割を分けて、3年間で仕組みをつくります。",
        expectations="地域での活動経験と、住民とのつながり。",
        budget_ceiling=400_000,
        years=3,
        contact=f"{section_name}（0467-23-3000）",
        created_by=office,
    )
    if publish:
        theme = programme_services.theme_publish(actor=office, theme=theme)
    return theme


def _prepare_group(group: CivicGroup, today: dt.date) -> None:
    """The demo group meets the collaboration course's rules, so its proposals can move."""
    CivicGroup.objects.filter(pk=group.pk).update(
        officer_count=max(group.officer_count, 3),
        citizen_member_count=max(group.citizen_member_count, 6),
        member_count=max(group.member_count, 8),
        founded_on=min(group.founded_on or today, today - dt.timedelta(days=900)),
        legal_form=group.legal_form if group.legal_form != "other" else "voluntary",
    )
    group.refresh_from_db()


def _proposal(
    *, rep: User, group: CivicGroup, call: Call, title: str, theme: CityTheme | None = None
) -> Proposal:
    proposal = services.proposal_create(
        actor=rep,
        group=group,
        call=call,
        course=call.courses.get(key="collaboration"),
        title=title,
        theme=theme,
    )
    services.proposal_update(
        actor=rep,
        proposal=proposal,
        data={
            "issue": "放課後にひとりで過ごす子どもが増えている。",
            "purpose": "地域の大人と子どもが一緒に食べ、学ぶ居場所をつくる。",
            "content": "月2回の食堂と学習支援。公民館と空き店舗を使う。",
            "beneficiaries": "小中学生と保護者（年間延べ600人）",
            "schedule": [
                {"month": 4, "activity": "準備・広報"},
                {"month": 5, "activity": "食堂の開始"},
                {"month": 3, "activity": "振り返りと報告"},
            ],
            "expected_effect": "孤食の減少、地域の見守りの広がり。",
            "measurement": "参加者数、アンケートの満足度。",
            "group_role": "食堂の運営、ボランティアの募集",
            "city_role": "学校・公民館との調整、広報",
            "appeal_pioneering": "空き店舗の活用",
            "appeal_public_benefit": "誰でも参加できる",
            "appeal_collaboration": "学校との連携は市と組むことで可能になる",
        },
    )
    services.budget_replace(
        actor=rep,
        proposal=proposal,
        lines=[
            {
                "year_index": 1,
                "kind": "income",
                "source": "city",
                "amount": 300_000,
            },
            {"year_index": 1, "kind": "income", "source": "fees", "amount": 60_000},
            {
                "year_index": 1,
                "kind": "expense",
                "category": "材料費",
                "description": "食材",
                "unit_price": 15_000,
                "quantity": 20,
            },
            {
                "year_index": 1,
                "kind": "expense",
                "category": "使用料及び賃借料（リース）",
                "description": "会場",
                "unit_price": 5_000,
                "quantity": 12,
            },
        ],
    )
    services.attachment_add(
        actor=rep,
        proposal=proposal,
        kind="rules",
        upload=SimpleUploadedFile("kaisoku.pdf", _PDF, content_type="application/pdf"),
    )
    return proposal


def seed_proposal_demo(*, office: User, rep: User, center: User, group: CivicGroup) -> str:
    today = timezone.localdate()
    call = _call(today)
    children = _theme(call, office, "こども支援課", "子どもの居場所づくり", publish=True)
    _theme(call, office, "環境保全課", "海岸の環境を守る仕組みづくり", publish=True)
    _theme(call, office, "こども支援課", "若者の相談窓口の協働運営", publish=False)
    for section, title in [
        ("こども支援課", "放課後の子どもの居場所が足りない"),
        ("高齢者いきいき課", "一人暮らし高齢者の見守りの担い手"),
    ]:
        DepartmentIssue.objects.get_or_create(
            section=Section.objects.get(name=section),
            fiscal_year=call.fiscal_year,
            title=title,
            defaults={"description": "一緒に取り組める団体を探しています。", "is_published": True},
        )
    if Proposal.objects.filter(group=group).exists():
        return "proposals already there"
    _prepare_group(group, today)
    consultations.consultation_create(
        actor=rep,
        group=group,
        call=call,
        data={
            "idea": "海岸清掃と子どもの環境学習を組み合わせたい",
            "issue": "海ごみの増加",
            "wished_section_text": "環境の担当課",
        },
    )
    _proposal(rep=rep, group=group, call=call, title="多世代食堂（作成中）")
    submitted = _proposal(rep=rep, group=group, call=call, title="地域の学習支援（提出済み）")
    services.proposal_transition(actor=rep, proposal=submitted, action="submit")
    returned = _proposal(rep=rep, group=group, call=call, title="見守りマップ（差戻し）")
    services.proposal_transition(actor=rep, proposal=returned, action="submit")
    services.proposal_transition(
        actor=office,
        proposal=returned,
        action="return",
        reason="効果の測り方を具体的に書いてください（例：参加者数の目標）。",
    )
    on_theme = _proposal(
        rep=rep, group=group, call=call, title="こども食堂の協働運営（4者協議）", theme=children
    )
    services.proposal_transition(actor=rep, proposal=on_theme, action="submit")
    services.proposal_transition(actor=office, proposal=on_theme, action="accept")
    fourparty.fourparty_schedule(
        actor=office,
        proposal=on_theme,
        scheduled_at=timezone.now() + dt.timedelta(days=5),
        place="市役所 第3会議室",
        participants="団体代表、こども支援課、地域のつながり課、市民活動センター",
    )
    return "proposals added"
