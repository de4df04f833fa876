"""The proposal cycle's documents: the consultation sheet (事前相談シート), the proposal
(協働事業提案書 with its plan, role split and 収支予算書) and the four-party minutes."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo.documents.layout import Block, Document, fields, heading, ijo, ki, paragraph, table
from kyodo.documents.registry import DocumentType, Issue, register
from kyodo.documents.types.common import (
    BLANK_DATE,
    day,
    day_time,
    mayor,
    nendo,
    safe_name,
    today,
    yen,
)
from kyodo.proposals.models import (
    BudgetKind,
    BudgetLine,
    ConsultationSheet,
    FourPartyConsultation,
    Proposal,
)
from kyodo.proposals.services import FISCAL_MONTHS

# --- the consultation sheet ------------------------------------------------------------


def _load_sheet(pk: int) -> ConsultationSheet:
    return get_object_or_404(
        ConsultationSheet.objects.select_related(
            "group", "call", "theme", "wished_section", "assigned_section"
        ).prefetch_related("meetings"),
        pk=pk,
    )


def _consultation(sheet: ConsultationSheet | None) -> Document:
    s: Any = sheet
    meetings = (
        [[day(m.held_on), m.attendees, m.notes, m.next_steps] for m in s.meetings.all()]
        if s
        else []
    )
    blocks: list[Block] = [
        fields(
            [
                (_("団体名"), s.group.name if s else ""),
                (_("募集"), s.call.title if s else ""),
                (_("市提案テーマ"), (s.theme.title if s.theme else "") if s else ""),
                (_("事業のアイデア"), s.idea if s else ""),
                (_("解決したい地域・社会の課題"), s.issue if s else ""),
                (
                    _("協働を希望する担当課"),
                    (str(s.wished_section or "") or s.wished_section_text) if s else "",
                ),
            ],
            blank_lines=4,
        )
    ]
    if s:
        blocks += [
            heading(_("相談の結果（センター・協働担当課記入）")),
            fields(
                [
                    (_("調整した担当課"), str(s.assigned_section or "")),
                    (_("相談の結果"), s.get_outcome_display()),
                    (_("結果の説明"), s.outcome_note),
                ]
            ),
        ]
        if meetings:
            blocks += [
                heading(_("相談の記録")),
                table(
                    [_("相談日"), _("出席者"), _("相談の内容"), _("次にすること")],
                    meetings,
                    widths=[2, 2, 4, 3],
                ),
            ]
    return Document(
        kind="consultation",
        filename=f"{_('事前相談シート')}_{safe_name(s.group.name) if s else _('様式')}",
        date=day(s.created_at) if s else BLANK_DATE,
        subject=_("協働事業 事前相談シート"),
        blocks=blocks,
    )


def consultation(sheet: ConsultationSheet, issue: Issue) -> Document:
    return _consultation(sheet)


# --- the proposal ----------------------------------------------------------------------


def _load_proposal(pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related(
            "call", "course", "group", "theme", "section"
        ).prefetch_related("budget_lines"),
        pk=pk,
    )


def _budget(lines: list[BudgetLine], years: int) -> list[Block]:
    blocks: list[Block] = []
    for year in range(1, years + 1):
        of_year = [line for line in lines if line.year_index == year]
        if years > 1:
            blocks.append(paragraph(_("（%(n)s年目）") % {"n": year}))
        for kind, label in (
            (BudgetKind.INCOME, _("収入の部")),
            (BudgetKind.EXPENSE, _("支出の部")),
        ):
            rows = [
                [
                    # Income by its typed source, in the document's language.
                    line.get_source_display() if line.source else line.category,
                    line.description,
                    yen(line.unit_price) if kind == BudgetKind.EXPENSE else "",
                    str(line.quantity) if kind == BudgetKind.EXPENSE else "",
                    yen(line.amount),
                ]
                for line in of_year
                if line.kind == kind
            ]
            total = sum(line.amount for line in of_year if line.kind == kind)
            blocks.append(
                table(
                    [label, _("内訳"), _("単価"), _("数量"), _("金額")],
                    rows or [["", "", "", "", ""] for _i in range(4)],
                    widths=[3, 5, 2, 1, 2],
                    numeric=[2, 3, 4],
                    footer=[_("合計"), "", "", "", yen(total) if rows else ""],
                )
            )
    return blocks


def _proposal(p: Any) -> Document:
    """The proposal, or (p is None) the blank form with room to write."""
    text = (lambda attr: getattr(p, attr) or "") if p else (lambda attr: "")
    schedule = {item["month"]: item.get("activity", "") for item in (p.schedule or [])} if p else {}
    group_profile: dict[str, Any] = (p.group_profile or {}) if p else {}
    representative = group_profile.get("representative_name") or (
        p.group.representative_name if p else ""
    )
    lines = list(p.budget_lines.all()) if p else []
    sections = [
        (_("１　地域・社会の課題"), "issue"),
        (_("２　事業の目的"), "purpose"),
        (_("３　事業の内容"), "content"),
        (_("４　対象・受益者"), "beneficiaries"),
        (_("６　期待される効果"), "expected_effect"),
        (_("７　効果の測り方"), "measurement"),
    ]
    blocks: list[Block] = [
        paragraph(
            _("%(call)sについて、次のとおり提案します。")
            % {"call": p.call.title if p else _("協働事業提案制度")}
        ),
        ki(),
        fields(
            [
                (_("事業名"), text("title")),
                (_("提案団体"), p.group.name if p else ""),
                (_("コース"), p.course.name if p else ""),
                (_("提案の種類"), p.get_track_display() if p else ""),
                (_("市提案テーマ"), (p.theme.title if p.theme else "") if p else ""),
                (_("担当課"), str(p.section or "") if p else ""),
                (_("事業年数"), _("%(n)s年") % {"n": p.years} if p else ""),
            ]
        ),
    ]
    for title, attr in sections[:4]:
        blocks += [
            heading(title),
            paragraph(text(attr)) if p else fields([(title[2:], "")], blank_lines=5),
        ]
    blocks += [
        heading(_("５　月ごとの実施計画")),
        table(
            [_("月"), _("実施内容")],
            [[_("%(m)s月") % {"m": m}, schedule.get(m, "")] for m in FISCAL_MONTHS],
            widths=[1, 6],
        ),
    ]
    for title, attr in sections[4:]:
        blocks += [
            heading(title),
            paragraph(text(attr)) if p else fields([(title[2:], "")], blank_lines=4),
        ]
    blocks += [
        heading(_("８　役割分担")),
        table(
            [_("団体の役割"), _("市の役割")],
            [[text("group_role"), text("city_role")]],
        ),
        heading(_("９　提案のアピール")),
        fields(
            [
                (_("先駆性"), text("appeal_pioneering")),
                (_("公益性"), text("appeal_public_benefit")),
                (_("協働の効果"), text("appeal_collaboration")),
            ],
            blank_lines=3,
        ),
        heading(_("10　収支予算書")),
        *_budget(lines, p.years if p else 1),
        ijo(),
    ]
    year = nendo(p.call.fiscal_year) if p else ""
    name = safe_name(p.group.name) if p else _("様式")
    return Document(
        kind="proposal",
        filename=f"{year}_{_('協働事業提案書')}_{name}"
        if year
        else f"{_('協働事業提案書')}_{name}",
        form_number=_("様式第2号"),
        date=(day(p.submitted_at) or day(today())) if p else BLANK_DATE,
        addressee=_("%(mayor)s 様") % {"mayor": mayor()},
        sender=(
            [
                p.group.name,
                _("代表者 %(name)s") % {"name": representative},
            ]
            if p
            else [_("団体名"), _("代表者")]
        ),
        subject=f"{year} {_('協働事業提案書')}".strip(),
        blocks=blocks,
    )


def proposal(p: Proposal, issue: Issue) -> Document:
    return _proposal(p)


# --- the four-party minutes ------------------------------------------------------------


def _load_meeting(pk: int) -> FourPartyConsultation:
    return get_object_or_404(
        FourPartyConsultation.objects.select_related(
            "proposal__group", "proposal__section", "proposal__call", "proposal__theme"
        ),
        pk=pk,
    )


def fourparty(m: FourPartyConsultation, issue: Issue) -> Document:
    p = m.proposal
    return Document(
        kind="fourparty",
        filename=f"{_('4者協議録')}_{safe_name(p.group.name)}_{day(m.scheduled_at)}",
        date=day(m.recorded_at or m.scheduled_at),
        subject=_("協働事業 4者協議 議事録"),
        blocks=[
            fields(
                [
                    (_("事業名"), p.title),
                    (_("提案団体"), p.group.name),
                    (_("担当課"), str(p.section or "")),
                    (_("日時"), day_time(m.scheduled_at)),
                    (_("場所"), m.place),
                    (_("出席者"), m.participants),
                ]
            ),
            heading(_("協議の内容")),
            paragraph(m.minutes or _("（記録はまだありません）")),
            heading(_("協議の結果")),
            fields([(_("結果"), m.get_outcome_display()), (_("理由"), m.reason)]),
            ijo(),
        ],
    )


register(
    DocumentType(
        key="consultation",
        label=gettext_lazy("事前相談シート"),
        load=_load_sheet,
        permission="proposals.view_consultation",
        build=consultation,
        blank=lambda: _consultation(None),
        order=30,
    )
)
register(
    DocumentType(
        key="proposal",
        label=gettext_lazy("協働事業提案書"),
        load=_load_proposal,
        permission="proposals.view",
        build=proposal,
        blank=lambda: _proposal(None),
        order=40,
    )
)
register(
    DocumentType(
        key="fourparty",
        label=gettext_lazy("4者協議 議事録"),
        load=_load_meeting,
        permission="proposals.view",
        permission_object=lambda meeting: meeting.proposal,
        build=fourparty,
        order=50,
    )
)
