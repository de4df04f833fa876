"""A project's agreement (協働事業協定書) and its change agreement (変更協定書), with the
partners' seal boxes (記名押印): agreements are the one kind of paper that still carries them."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo.documents.layout import Block, Document, fields, heading, paragraph, table
from kyodo.documents.registry import DocumentType, Issue, register
from kyodo.documents.types.common import city, day, mayor, nendo, safe_name, yen
from kyodo.projects import clauses
from kyodo.projects.models import Agreement, AgreementVersion

ARTICLES = [
    "purpose",
    "term",
    "group_role",
    "department_role",
    "costs",
    "information",
    "openness",
    "results",
    "personal_data",
    "accidents",
    "changes",
    "other",
]


def _load(pk: int) -> Agreement:
    return get_object_or_404(
        Agreement.objects.select_related("project__group", "project__section", "project__course"),
        pk=pk,
    )


def _project_of(agreement: Agreement) -> Any:
    return agreement.project


def _parties(agreement: Agreement) -> list[Block]:
    """The two seal boxes: the city (甲) and the group (乙)."""
    group = agreement.project.group
    return [
        heading(_("甲")),
        fields([(_("名称"), mayor()), (_("記名押印"), "")], blank_lines=3),
        heading(_("乙")),
        fields(
            [
                (_("所在地"), group.address),
                (_("名称"), group.name),
                (_("代表者"), group.representative_name),
                (_("記名押印"), ""),
            ],
            blank_lines=3,
        ),
    ]


def _cost_table(content: dict[str, Any]) -> Block:
    rows = [
        [nendo(c.get("fiscal_year")), yen(c.get("city") or 0), yen(c.get("group") or 0)]
        for c in content.get("costs") or []
    ]
    return table(
        [_("年度"), _("甲（市）の負担額"), _("乙（団体）の負担額")],
        rows or [[_("（定めなし）"), "", ""]],
        widths=[2, 2, 2],
        numeric=[1, 2],
    )


def _articles(content: dict[str, Any]) -> list[Block]:
    labels = clauses.labels()
    blocks: list[Block] = []
    for n, key in enumerate(ARTICLES, start=1):
        blocks.append(heading(_("第%(n)s条（%(label)s）") % {"n": n, "label": labels[key]}))
        if key == "costs":
            blocks.append(
                paragraph(_("事業に要する費用は、年度ごとに次のとおり甲と乙が負担する。"))
            )
            blocks.append(_cost_table(content))
        else:
            blocks.append(paragraph(clauses.text_of(key, content.get(key)) or _("（定めなし）")))
    return blocks


def agreement(a: Agreement, issue: Issue) -> Document:
    project = a.project
    content = a.content
    return Document(
        kind="agreement",
        filename=f"{nendo(project.first_fiscal_year)}_{_('協働事業協定書')}_{safe_name(project.group.name)}",
        number=issue.number,
        date=day(a.concluded_on) if a.concluded_on else _("令和　　年　　月　　日"),
        subject=_("協働事業協定書"),
        blocks=[
            paragraph(
                _(
                    "%(city)s（以下「甲」という。）と%(group)s（以下「乙」という。）は、協働事業「%(title)s」（事業番号 %(number)s）の実施について、次のとおり協定を締結する。"
                )
                % {
                    "city": city(),
                    "group": project.group.name,
                    "title": project.title,
                    "number": project.number,
                }
            ),
            *_articles(content),
            paragraph(
                _(
                    "この協定の締結を証するため、本書2通を作成し、甲乙記名押印の上、各自1通を保有する。"
                )
            ),
            *_parties(a),
        ],
    )


def _base_version(a: Agreement) -> AgreementVersion | None:
    """The version the change departs from: the one signed at the last conclusion."""
    scan = a.scans.filter(round__lt=a.round).select_related("version").order_by("-round").first()
    if scan is not None:
        return scan.version
    return a.versions.order_by("number").first()


def change_agreement(a: Agreement, issue: Issue) -> Document:
    project = a.project
    base = _base_version(a)
    rows = [
        [str(r.label), r.before or _("（定めなし）"), r.after or _("（削除）")]
        for r in clauses.differences(base.snapshot if base else {}, a.content)
    ]
    return Document(
        kind="change_agreement",
        filename=f"{nendo(project.first_fiscal_year)}_{_('協働事業変更協定書')}_{safe_name(project.group.name)}",
        date=day(a.concluded_on) if a.concluded_on else _("令和　　年　　月　　日"),
        subject=_("協働事業変更協定書"),
        blocks=[
            paragraph(
                _(
                    "%(city)s（以下「甲」という。）と%(group)s（以下「乙」という。）は、協働事業「%(title)s」（事業番号 %(number)s）について締結した協定書（以下「原協定」という。）の一部を、次のとおり変更する。"
                )
                % {
                    "city": city(),
                    "group": project.group.name,
                    "title": project.title,
                    "number": project.number,
                }
            ),
            heading(_("変更の理由")),
            paragraph(a.change_reason or _("（記入なし）")),
            heading(_("変更の内容")),
            table(
                [_("条項"), _("変更前"), _("変更後")],
                rows or [[_("（変更はまだありません）"), "", ""]],
                widths=[2, 4, 4],
            ),
            paragraph(_("この変更協定に定めのない事項は、原協定のとおりとする。")),
            paragraph(
                _(
                    "この変更協定の締結を証するため、本書2通を作成し、甲乙記名押印の上、各自1通を保有する。"
                )
            ),
            *_parties(a),
        ],
    )


register(
    DocumentType(
        key="agreement",
        label=gettext_lazy("協働事業協定書"),
        load=_load,
        permission="projects.view",
        permission_object=_project_of,
        build=agreement,
        numbered=True,
        order=90,
    )
)
register(
    DocumentType(
        key="change_agreement",
        label=gettext_lazy("変更協定書"),
        load=_load,
        permission="projects.view",
        permission_object=_project_of,
        build=change_agreement,
        order=91,
    )
)
