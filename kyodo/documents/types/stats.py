"""The printed 「市民活動の現状」: the public statistics page as a PDF (or Word) report, its
charts given as the tables they are drawn from.

The report has no record of its own: its "pk" is the fiscal year it reports up to (this
year on the page's link), and the yearly series stop at that year."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo.documents.layout import Block, Document, heading, paragraph, table
from kyodo.documents.registry import DocumentType, Issue, register
from kyodo.documents.types.common import city, day, nendo, today, yen
from kyodo.japan.calendar import fiscal_year
from kyodo.stats import selectors
from kyodo.surveys import tabulate
from kyodo.surveys.selectors import featured_tables

FIRST_YEAR = 1998  # the NPO law


@dataclass(frozen=True)
class CurrentState:
    """The report of one fiscal year; `pk` is the year, as the documents' URLs want a pk."""

    pk: int


def _load(pk: int) -> CurrentState:
    if not FIRST_YEAR <= pk <= fiscal_year(today()):
        raise Http404
    return CurrentState(pk)


def _count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def _survey_table(t: tabulate.Table) -> list[Block]:
    q = t.question
    title = f"{q.code}．{q.text}"
    if q.multiple:
        title += _("（複数回答）")
    notes = [_("n=%(n)s") % {"n": t.base} + (f" {t.mark}" if t.mark else "")]
    if q.conditional:
        notes.insert(0, _("対象：%(who)s") % {"who": q.condition_label})
    return [
        heading(title),
        paragraph("　".join(notes)),
        table(
            [_("選択肢"), _("件数"), "%"],
            [[r.label, str(r.cell.count), r.cell.percent] for r in t.all_rows],
            widths=[5, 1, 1],
            numeric=[1, 2],
            footer=[str(t.total.label), str(t.total.cell.count), t.total.cell.percent],
        ),
    ]


def current_state(report: CurrentState, issue: Issue) -> Document:
    year = report.pk
    totals = selectors.npo_totals()
    by_year = [r for r in selectors.npo_by_year() if r.year <= year][-10:]
    blocks: list[Block] = [
        paragraph(
            _(
                "市内のNPO法人（内閣府NPO法人ポータルサイトの公開データ）、市民活動センターの登録団体、市の基礎的な数値、市民意識調査の結果をまとめています。グラフの数値は表のとおりです。"
            )
        ),
        heading(_("NPO法人")),
        paragraph(
            _("活動中 %(a)s法人（うち認定・特例認定 %(c)s法人）、解散 %(d)s法人。")
            % {
                "a": _count(totals["active"]),
                "c": _count(totals["certified"]),
                "d": _count(totals["closed"]),
            }
        ),
    ]
    if by_year:
        blocks += [
            heading(_("年度別のNPO法人数（設立認証・解散・年度末の数）")),
            table(
                [_("年度"), _("設立認証"), _("解散"), _("年度末の法人数"), _("うち認定")],
                [
                    [nendo(r.year), str(r.new), str(r.dissolved), str(r.active), str(r.certified)]
                    for r in by_year
                ],
                widths=[2, 1, 1, 1, 1],
                numeric=[1, 2, 3, 4],
            ),
            heading(_("活動分野別のNPO法人数（ひとつの法人が複数の分野に数えられます）")),
            table(
                [_("分野"), _("法人数")],
                [[f"{n}. {name}", str(count)] for n, name, count in selectors.npo_by_field()],
                widths=[4, 1],
                numeric=[1],
            ),
        ]
    else:
        blocks.append(paragraph(_("NPO法人のデータはまだ取り込まれていません。")))
    blocks += [
        heading(_("市民活動センターの登録団体：年度末の登録団体数")),
        table(
            [_("年度"), _("登録団体数")],
            [[nendo(y), str(n)] for y, n in selectors.groups_by_year(until=year)],
            widths=[2, 1],
            numeric=[1],
        ),
        heading(_("活動分野別の登録団体数")),
        table(
            [_("分野"), _("団体数")],
            [[f"{n}. {name}", str(count)] for n, name, count in selectors.groups_by_field()],
            widths=[4, 1],
            numeric=[1],
        ),
    ]
    city_years = [y for y in selectors.city_years() if y.fiscal_year <= year]
    if city_years:
        blocks += [
            heading(_("市の人口と予算：年度別の人口・世帯数・予算")),
            table(
                [
                    _("年度"),
                    _("人口"),
                    _("世帯数"),
                    _("一般会計予算"),
                    _("市民活動・協働関係の予算"),
                ],
                [
                    [
                        nendo(y.fiscal_year),
                        _count(y.population),
                        _count(y.households),
                        yen(y.general_budget) if y.general_budget is not None else "—",
                        yen(y.civic_budget) if y.civic_budget is not None else "—",
                    ]
                    for y in city_years
                ],
                widths=[2, 2, 2, 3, 3],
                numeric=[1, 2, 3, 4],
            ),
        ]
    surveys = [(e, tables) for e, tables in featured_tables() if e.fiscal_year <= year]
    if surveys:
        blocks.append(heading(_("市民意識調査から")))
        for edition, tables in surveys:
            blocks.append(paragraph(str(edition)))
            for t in tables:
                blocks += _survey_table(t)
    return Document(
        kind="current_state",
        filename=f"{nendo(year)}_{_('市民活動の現状')}",
        date=day(issue.issued_on or today()),
        sender=[city()],
        subject=_("市民活動の現状（%(year)s）") % {"year": nendo(year)},
        blocks=blocks,
    )


register(
    DocumentType(
        key="current_state",
        label=gettext_lazy("市民活動の現状（PDF）"),
        load=_load,
        permission="stats.view_current_state",
        build=current_state,
        order=90,
    )
)
