"""Eligibility of a group and a budget for a course: pure functions, no database.

`check(...)` returns one RuleResult per rule the course sets, each with a Japanese reason
the group can act on. A failed *hard* rule blocks submission; a failed *soft* rule is a
reminder the office confirms at the intake check (形式審査).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _

from kyodo.japan.calendar import wareki_or_iso
from kyodo.japan.numbers import format_yen

# Legal forms that are non-profit by law. 任意団体 and 自治会 are non-profit by nature;
# "other" has to be confirmed by the office.
NON_PROFIT_FORMS = frozenset(
    {
        "npo",
        "certified_npo",
        "general_association",
        "general_foundation",
        "public_association",
        "public_foundation",
        "voluntary",
        "neighborhood",
    }
)


class GroupLike(Protocol):
    founded_on: dt.date | None
    officer_count: int
    member_count: int
    citizen_member_count: int
    legal_form: str

    def is_registered(self, day: dt.date | None = None) -> bool: ...


@dataclass(frozen=True)
class YearBudget:
    year_index: int  # 1 for the first project year
    city_part: int
    income_total: int
    expense_total: int


@dataclass(frozen=True)
class GroupFacts:
    """What the rules need to know beyond the group's profile."""

    has_rules: bool = False
    has_accounts: bool = False
    prior_adoptions: int = 0


@dataclass(frozen=True)
class RuleResult:
    key: str
    label: str
    passed: bool
    hard: bool = True
    reason: str = ""

    @property
    def blocks(self) -> bool:
        return self.hard and not self.passed


@dataclass
class Report:
    results: list[RuleResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(r.blocks for r in self.results)

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]

    @property
    def blocking(self) -> list[RuleResult]:
        return [r for r in self.results if r.blocks]

    def keys_failed(self) -> set[str]:
        return {r.key for r in self.failures}


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _minimum(key: str, label: str, have: int, need: int | None, reason: str) -> list[RuleResult]:
    if need is None:
        return []
    ok = have >= need
    return [RuleResult(key, label, ok, True, "" if ok else reason % {"need": need, "have": have})]


def group_rules(
    course: Any, group: GroupLike, today: dt.date, facts: GroupFacts, track: str = ""
) -> list[RuleResult]:
    results: list[RuleResult] = []
    if course.requires_registration:
        ok = group.is_registered(today)
        results.append(
            RuleResult(
                "registration",
                _("市民活動センターへの登録"),
                ok,
                True,
                "" if ok else _("市民活動センターに登録している団体であることが必要です。"),
            )
        )
    results += _minimum(
        "min_officers",
        _("役員数"),
        group.officer_count,
        course.min_officers,
        _("代表者を含む役員が%(need)d人以上必要です（現在%(have)d人）"),
    )
    results += _minimum(
        "min_members",
        _("会員数"),
        group.member_count,
        course.min_members,
        _("会員が%(need)d人以上必要です（現在%(have)d人）"),
    )
    results += _minimum(
        "min_citizen_members",
        _("市民の構成員数"),
        group.citizen_member_count,
        course.min_citizen_members,
        _("市民の構成員が%(need)d人以上必要です（現在%(have)d人）"),
    )
    if course.min_years_active is not None:
        n = course.min_years_active
        if group.founded_on is None:
            ok, reason = False, _("設立年月日が登録されていません。")
        else:
            ok = add_years(group.founded_on, n) <= today
            reason = (
                ""
                if ok
                else _("設立から%(n)d年以上の活動実績が必要です（%(day)sに%(n)d年になります）")
                % {"n": n, "day": wareki_or_iso(add_years(group.founded_on, n))}
            )
        results.append(RuleResult("min_years_active", _("活動年数"), ok, True, reason))
    if course.max_years_since_founding is not None:
        n = course.max_years_since_founding
        if group.founded_on is None:
            ok, reason = False, _("設立年月日が登録されていません。")
        else:
            ok = today <= add_years(group.founded_on, n) and group.founded_on <= today
            reason = (
                ""
                if ok
                else _("設立から%(n)d年以内の団体が対象です（設立日 %(day)s）")
                % {"n": n, "day": wareki_or_iso(group.founded_on)}
            )
        results.append(
            RuleResult("max_years_since_founding", _("設立からの年数"), ok, True, reason)
        )
    if course.requires_rules == "at_application":
        ok = facts.has_rules
        results.append(
            RuleResult(
                "rules",
                _("会則・規約"),
                ok,
                True,
                "" if ok else _("応募には会則・規約（定款）の添付が必要です。"),
            )
        )
    elif course.requires_rules == "before_start":
        ok = facts.has_rules
        results.append(
            RuleResult(
                "rules",
                _("会則・規約"),
                ok,
                False,
                "" if ok else _("会則・規約は事業の開始までに整えてください。"),
            )
        )
    if course.requires_accounts:
        ok = facts.has_accounts
        results.append(
            RuleResult(
                "accounts",
                _("予算・決算の処理"),
                ok,
                False,
                ""
                if ok
                else _(
                    "予算・決算を適正に処理していることを示す書類（前年度の決算書など）を添付してください。"
                ),
            )
        )
    if course.non_profit:
        if group.legal_form in NON_PROFIT_FORMS:
            results.append(RuleResult("non_profit", _("非営利"), True, True, ""))
        else:
            results.append(
                RuleResult(
                    "non_profit",
                    _("非営利"),
                    False,
                    False,
                    _("営利を目的としない団体であることを、形式審査で確認します。"),
                )
            )
    if course.max_adoptions_per_group is not None:
        n, have = course.max_adoptions_per_group, facts.prior_adoptions
        ok = have < n
        since = course.adoptions_since_fiscal_year
        reason = ""
        if not ok:
            reason = (
                _(
                    "このコースで採択されるのは%(n)d回までです（%(since)d年度以降、これまでに%(have)d回）"
                )
                % {"n": n, "have": have, "since": since}
                if since
                else _("このコースで採択されるのは%(n)d回までです（これまでに%(have)d回）")
                % {"n": n, "have": have}
            )
        results.append(RuleResult("max_adoptions", _("採択回数"), ok, True, reason))
    if track and not course.allows_track(track):
        results.append(
            RuleResult(
                "track",
                _("提案の種類"),
                False,
                True,
                _("このコースでは、この種類の提案はできません。"),
            )
        )
    return results


def money_rules(
    course: Any,
    years: int,
    budgets: list[YearBudget],
    prior_adoptions: int = 0,
    ceiling: int | None = None,
) -> list[RuleResult]:
    """Years, the yearly cap (by adoption number when the course sets one), the city's
    share of cost per project year, a city theme's budget ceiling, and a balanced budget."""
    results: list[RuleResult] = []
    ok = 1 <= years <= course.max_years
    results.append(
        RuleResult(
            "max_years",
            _("事業年数"),
            ok,
            True,
            ""
            if ok
            else _("事業年数は%(n)d年までです（計画は%(have)d年）")
            % {"n": course.max_years, "have": years},
        )
    )
    cap = course.cap_for_adoption(prior_adoptions)
    for b in budgets:
        if b.year_index > years:
            continue
        prefix = _("%(n)d年目：") % {"n": b.year_index}
        if cap is not None:
            ok = b.city_part <= cap
            results.append(
                RuleResult(
                    f"cap_year_{b.year_index}",
                    _("市の負担額の上限"),
                    ok,
                    True,
                    ""
                    if ok
                    else prefix
                    + _("市の負担額は%(cap)sまでです（現在%(have)s）")
                    % {"cap": format_yen(cap), "have": format_yen(b.city_part)},
                )
            )
        if ceiling is not None:
            ok = b.city_part <= ceiling
            results.append(
                RuleResult(
                    f"ceiling_year_{b.year_index}",
                    _("市提案テーマの予算上限"),
                    ok,
                    True,
                    ""
                    if ok
                    else prefix
                    + _("テーマの予算上限は%(cap)sです（現在%(have)s）")
                    % {"cap": format_yen(ceiling), "have": format_yen(b.city_part)},
                )
            )
        share = course.share_for_year(b.year_index)
        if share is not None:
            # Integer arithmetic: city_part / expense_total <= share, exactly.
            ok = b.city_part * share.denominator <= share.numerator * b.expense_total
            limit = b.expense_total * share.numerator // share.denominator
            results.append(
                RuleResult(
                    f"share_year_{b.year_index}",
                    _("事業費に対する市の負担割合"),
                    ok,
                    True,
                    ""
                    if ok
                    else prefix
                    + _("市の負担は事業費%(total)sの%(share)sまで（%(limit)s）です（現在%(have)s）")
                    % {
                        "total": format_yen(b.expense_total),
                        "share": _share_label(share),
                        "limit": format_yen(limit),
                        "have": format_yen(b.city_part),
                    },
                )
            )
        ok = b.income_total == b.expense_total
        results.append(
            RuleResult(
                f"balance_year_{b.year_index}",
                _("収支の一致"),
                ok,
                True,
                ""
                if ok
                else prefix
                + _("収入合計%(income)sと支出合計%(expense)sが一致していません")
                % {"income": format_yen(b.income_total), "expense": format_yen(b.expense_total)},
            )
        )
    return results


def _share_label(share: Any) -> str:
    percent = share * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{share.numerator}/{share.denominator}"


def check(
    course: Any,
    group: GroupLike,
    today: dt.date,
    *,
    facts: GroupFacts | None = None,
    track: str = "",
    years: int = 1,
    budgets: list[YearBudget] | None = None,
    ceiling: int | None = None,
) -> Report:
    facts = facts or GroupFacts()
    results = group_rules(course, group, today, facts, track)
    results += money_rules(course, years, budgets or [], facts.prior_adoptions, ceiling)
    return Report(results)
