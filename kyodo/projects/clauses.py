"""What an agreement (協定書) says: its sections in order, the standard clauses a new draft
starts from, and how a saved version reads and compares (kyodo.core.snapshots)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from kyodo.core.snapshots import Row, SnapshotSpec, compare, plain_text
from kyodo.japan.calendar import wareki_date, wareki_fiscal_year
from kyodo.japan.numbers import format_yen

# The clauses written as text, in the order the agreement reads.
TEXT_CLAUSES = [
    "purpose",
    "group_role",
    "department_role",
    "information",
    "openness",
    "results",
    "personal_data",
    "accidents",
    "changes",
    "other",
]


def labels() -> dict[str, str]:
    return {
        "purpose": _("目的"),
        "term": _("協定の期間"),
        "group_role": _("団体の役割"),
        "department_role": _("市（担当課）の役割"),
        "costs": _("費用の分担（年度ごと）"),
        "information": _("情報の共有"),
        "openness": _("事業の公開"),
        "results": _("成果の帰属・著作権"),
        "personal_data": _("個人情報の保護"),
        "accidents": _("事故の責任・保険"),
        "changes": _("協定の変更・解除"),
        "other": _("その他"),
    }


def standard_clauses() -> dict[str, str]:
    """The standard wording a new agreement starts from; the partners may change it."""
    return {
        "information": _(
            "団体と市は、事業の実施に必要な情報を互いに提供し、定期的に打合せを行って進み具合を共有する。"
        ),
        "openness": _(
            "団体と市は、事業の内容と成果を市民に広く公開する。公開の方法は双方で協議して定める。"
        ),
        "results": _(
            "事業により生じた成果物の著作権その他の権利は、団体と市の共有とし、双方は相手方の承諾を得て利用することができる。"
        ),
        "personal_data": _(
            "団体と市は、事業の実施にあたって知り得た個人情報を、鎌倉市個人情報保護条例等の定めに従い適正に取り扱い、事業の目的以外に利用しない。"
        ),
        "accidents": _(
            "事業の実施中に生じた事故については、その原因をつくった者が責任を負う。団体は参加者のための傷害保険及び賠償責任保険に加入する。"
        ),
        "changes": _(
            "この協定の内容を変更する必要が生じたときは、団体と市が協議のうえ変更協定を締結する。いずれかが協定に違反したときは、相手方は協定を解除することができる。"
        ),
        "other": _("この協定に定めのない事項及び疑義が生じた事項は、団体と市が協議して定める。"),
    }


def cost_text(costs: list[dict[str, Any]]) -> str:
    lines = []
    for c in costs or []:
        year = c.get("fiscal_year")
        lines.append(
            _("%(year)s：市 %(city)s、団体 %(group)s")
            % {
                "year": wareki_fiscal_year(year) if year else c.get("year_index", ""),
                "city": format_yen(c.get("city") or 0),
                "group": format_yen(c.get("group") or 0),
            }
        )
    return "\n".join(lines)


def term_text(term: dict[str, Any] | None) -> str:
    if not term:
        return ""
    start, end = term.get("start"), term.get("end")
    if not start or not end:
        return ""
    return _("%(start)sから%(end)sまで") % {
        "start": wareki_date(dt.date.fromisoformat(start)),
        "end": wareki_date(dt.date.fromisoformat(end)),
    }


def text_of(key: str, value: Any) -> str:
    if key == "costs":
        return cost_text(value)
    if key == "term":
        return term_text(value)
    return plain_text(value)


SPEC = SnapshotSpec(labels=labels, text=text_of)


# What a project's public page shows of the signed agreement: what the project is for, its
# term, who does what, and the public money per year.
PUBLIC_CLAUSES = ("purpose", "term", "group_role", "department_role", "costs")


def rows(content: dict[str, Any], only: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(label, text) of each section (or of the `only` ones), in the agreement's order."""
    return [
        (str(label), text_of(key, content.get(key)))
        for key, label in labels().items()
        if only is None or key in only
    ]


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[Row]:
    """The sections that changed between two versions, as segments equal / delete / insert."""
    return [row for row in compare(SPEC, old, new) if row.changed]
