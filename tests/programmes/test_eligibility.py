"""Eligibility table: every rule of each Kamakura course, at and around its boundary, and
other cities' money rules expressed as data. Pure functions: no database."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, replace
from typing import Any

import pytest

from kyodo.programmes.eligibility import GroupFacts, YearBudget, add_years, check
from kyodo.programmes.models import Course
from kyodo.programmes.seed import KAMAKURA_TOML, course_values

TODAY = dt.date(2026, 11, 22)


def kamakura(key: str) -> Course:
    data = tomllib.loads(KAMAKURA_TOML.read_text(encoding="utf-8"))
    entry = next(c for c in data["course"] if c["key"] == key)
    return Course(key=key, name=entry["name"], **course_values(entry))


@dataclass(frozen=True)
class Group:
    founded_on: dt.date | None = dt.date(2020, 4, 1)
    officer_count: int = 5
    member_count: int = 20
    citizen_member_count: int = 10
    legal_form: str = "npo"
    registered_until: dt.date | None = dt.date(2027, 3, 31)

    def is_registered(self, day: dt.date | None = None) -> bool:
        return self.registered_until is not None and self.registered_until >= (day or TODAY)


GOOD_FACTS = GroupFacts(has_rules=True, has_accounts=True, prior_adoptions=0)


def budget(city: int, total: int | None = None, year: int = 1) -> YearBudget:
    total = city if total is None else total
    return YearBudget(year_index=year, city_part=city, income_total=total, expense_total=total)


def run(
    course: Course,
    group: Group | None = None,
    facts: GroupFacts = GOOD_FACTS,
    track: str = "group_proposed",
    years: int = 1,
    budgets: list[YearBudget] | None = None,
) -> Any:
    return check(
        course,
        group or Group(),
        TODAY,
        facts=facts,
        track=track,
        years=years,
        budgets=budgets if budgets is not None else [budget(50_000)],
    )


def young(**kwargs: Any) -> Group:
    """A group founded last year: fits the startup course's founding-age limit."""
    return Group(founded_on=dt.date(2025, 6, 1), **kwargs)


# (course, description, group, facts, track, years, budgets, failing rule or None, hard)
CASES: list[tuple[Any, ...]] = [
    # スタートアップ
    (
        "startup",
        "citizens 3 (at minimum)",
        young(citizen_member_count=3),
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "startup",
        "citizens 2 (one short)",
        young(citizen_member_count=2),
        None,
        None,
        None,
        None,
        "min_citizen_members",
    ),
    (
        "startup",
        "founded 3 years ago today",
        Group(founded_on=dt.date(2023, 11, 22)),
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "startup",
        "founded 3 years and a day ago",
        Group(founded_on=dt.date(2023, 11, 21)),
        None,
        None,
        None,
        None,
        "max_years_since_founding",
    ),
    (
        "startup",
        "founded yesterday",
        Group(founded_on=dt.date(2026, 11, 21)),
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "startup",
        "founding date unknown",
        Group(founded_on=None),
        None,
        None,
        None,
        None,
        "max_years_since_founding",
    ),
    (
        "startup",
        "registration ends today",
        young(registered_until=TODAY),
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "startup",
        "registration ended yesterday",
        young(registered_until=dt.date(2026, 11, 21)),
        None,
        None,
        None,
        None,
        "registration",
    ),
    ("startup", "cap 100,000 exactly", young(), None, None, None, [budget(100_000)], None),
    ("startup", "cap 100,001", young(), None, None, None, [budget(100_001)], "cap_year_1"),
    ("startup", "one year only", young(), None, None, 2, None, "max_years"),
    ("startup", "no city-proposed track", young(), None, "city_proposed", None, None, "track"),
    # 協働
    ("collaboration", "officers 3", Group(officer_count=3), None, None, None, None, None),
    ("collaboration", "officers 2", Group(officer_count=2), None, None, None, None, "min_officers"),
    ("collaboration", "citizens 5", Group(citizen_member_count=5), None, None, None, None, None),
    (
        "collaboration",
        "citizens 4",
        Group(citizen_member_count=4),
        None,
        None,
        None,
        None,
        "min_citizen_members",
    ),
    (
        "collaboration",
        "active exactly 1 year",
        Group(founded_on=dt.date(2025, 11, 22)),
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "collaboration",
        "active 1 year less a day",
        Group(founded_on=dt.date(2025, 11, 23)),
        None,
        None,
        None,
        None,
        "min_years_active",
    ),
    (
        "collaboration",
        "no rules attached",
        None,
        replace(GOOD_FACTS, has_rules=False),
        None,
        None,
        None,
        "rules",
    ),
    (
        "collaboration",
        "not registered",
        Group(registered_until=None),
        None,
        None,
        None,
        None,
        "registration",
    ),
    (
        "collaboration",
        "voluntary group is non-profit",
        Group(legal_form="voluntary"),
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "collaboration",
        "adopted once before",
        None,
        replace(GOOD_FACTS, prior_adoptions=1),
        None,
        None,
        None,
        "max_adoptions",
    ),
    ("collaboration", "cap 500,000", None, None, None, None, [budget(500_000)], None),
    ("collaboration", "cap 500,001", None, None, None, None, [budget(500_001)], "cap_year_1"),
    ("collaboration", "3 years", None, None, None, 3, [budget(1, year=y) for y in (1, 2, 3)], None),
    ("collaboration", "4 years", None, None, None, 4, None, "max_years"),
    (
        "collaboration",
        "year 2 over the cap",
        None,
        None,
        None,
        2,
        [budget(1), budget(500_001, year=2)],
        "cap_year_2",
    ),
    ("collaboration", "city-proposed track", None, None, "city_proposed", None, None, None),
    (
        "collaboration",
        "unbalanced budget",
        None,
        None,
        None,
        None,
        [YearBudget(1, 100, 100, 90)],
        "balance_year_1",
    ),
    # 地域活性化
    ("local_vitality", "first time 300,000", None, None, None, None, [budget(300_000)], None),
    (
        "local_vitality",
        "first time 300,001",
        None,
        None,
        None,
        None,
        [budget(300_001)],
        "cap_year_1",
    ),
    (
        "local_vitality",
        "second time 150,000",
        None,
        replace(GOOD_FACTS, prior_adoptions=1),
        None,
        None,
        [budget(150_000)],
        None,
    ),
    (
        "local_vitality",
        "second time 150,001",
        None,
        replace(GOOD_FACTS, prior_adoptions=1),
        None,
        None,
        [budget(150_001)],
        "cap_year_1",
    ),
    (
        "local_vitality",
        "third time",
        None,
        replace(GOOD_FACTS, prior_adoptions=2),
        None,
        None,
        None,
        "max_adoptions",
    ),
    ("local_vitality", "one year only", None, None, None, 2, None, "max_years"),
]


@pytest.mark.parametrize(
    ("key", "group", "facts", "track", "years", "budgets", "failing"),
    [(c[0], c[2], c[3], c[4], c[5], c[6], c[7]) for c in CASES],
    ids=[f"{c[0]}: {c[1]}" for c in CASES],
)
def test_it_applies_each_kamakura_rule_at_its_boundary(
    key: str, group: Any, facts: Any, track: Any, years: Any, budgets: Any, failing: str | None
) -> None:
    report = run(
        kamakura(key),
        group or (young() if key == "startup" else Group()),
        facts or GOOD_FACTS,
        track or "group_proposed",
        years or 1,
        budgets,
    )
    blocking = {r.key for r in report.blocking}
    if failing is None:
        assert report.ok, [r.reason for r in report.blocking]
    else:
        assert blocking == {failing}, [r.reason for r in report.blocking]
        assert all(r.reason for r in report.blocking)


def test_it_says_in_japanese_how_many_citizens_are_missing() -> None:
    report = run(kamakura("collaboration"), Group(citizen_member_count=3))
    [failure] = report.blocking
    assert failure.reason == "市民の構成員が5人以上必要です（現在3人）"


def test_it_treats_missing_rules_as_a_reminder_for_the_startup_course() -> None:
    report = run(kamakura("startup"), young(), replace(GOOD_FACTS, has_rules=False))
    assert report.ok
    assert [r.key for r in report.failures] == ["rules"]
    assert "事業の開始までに" in report.failures[0].reason


def test_it_asks_the_office_to_confirm_non_profit_for_other_legal_forms() -> None:
    report = run(kamakura("collaboration"), Group(legal_form="other"))
    assert report.ok
    assert [r.key for r in report.failures] == ["non_profit"]


def test_it_counts_adoptions_since_fy2024_for_the_collaboration_course() -> None:
    report = run(kamakura("collaboration"), facts=replace(GOOD_FACTS, prior_adoptions=1))
    assert "2024年度以降" in report.blocking[0].reason


def test_it_adds_years_on_29_february() -> None:
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


def test_it_seeds_the_local_vitality_course_from_the_fund() -> None:
    course = kamakura("local_vitality")
    assert course.funding_source == "fund"
    assert course.payment_type == "grant"
    assert kamakura("collaboration").payment_type == "share"


# --- other cities' money rules, as data only --------------------------------------------


def sagamihara() -> Course:
    return Course(
        key="sagamihara",
        name="相模原",
        payment_type="share",
        max_years=3,
        cost_shares=["90%", "80%", "70%"],
    )


@pytest.mark.parametrize(
    ("year", "city", "ok"),
    [
        (1, 90_000, True),
        (1, 90_001, False),
        (2, 80_000, True),
        (2, 80_001, False),
        (3, 70_000, True),
        (3, 70_001, False),
    ],
)
def test_it_applies_sagamiharas_share_of_cost_by_year(year: int, city: int, ok: bool) -> None:
    budgets = [budget(0, 100_000, year=y) for y in (1, 2, 3)]
    budgets[year - 1] = YearBudget(year, city, 100_000, 100_000)
    report = run(sagamihara(), years=3, budgets=budgets)
    assert report.ok is ok
    if not ok:
        assert report.blocking[0].key == f"share_year_{year}"
        assert f"{year}年目" in report.blocking[0].reason


@pytest.mark.parametrize(
    ("course", "city", "total", "ok"),
    [
        (
            Course(key="g", name="一般", cap_per_year=500_000, cost_shares=["2/3"]),
            200_000,
            300_000,
            True,
        ),
        (
            Course(key="g", name="一般", cap_per_year=500_000, cost_shares=["2/3"]),
            200_001,
            300_000,
            False,
        ),
        (
            Course(key="g", name="一般", cap_per_year=500_000, cost_shares=["2/3"]),
            500_001,
            900_000,
            False,
        ),
        (
            Course(key="s", name="スタート", cap_per_year=50_000, cost_shares=["100%"]),
            50_000,
            50_000,
            True,
        ),
        (
            Course(key="s", name="スタート", cap_per_year=50_000, cost_shares=["100%"]),
            50_001,
            50_001,
            False,
        ),
    ],
)
def test_it_applies_sodegauras_two_thirds_and_full_rates(
    course: Course, city: int, total: int, ok: bool
) -> None:
    assert run(course, budgets=[YearBudget(1, city, total, total)]).ok is ok


@pytest.mark.parametrize(("prior", "ok"), [(0, True), (2, True), (3, False)])
def test_it_applies_kamogawas_three_adoptions(prior: int, ok: bool) -> None:
    course = Course(key="k", name="鴨川", cap_per_year=300_000, max_adoptions_per_group=3)
    report = run(
        course, facts=replace(GOOD_FACTS, prior_adoptions=prior), budgets=[budget(300_000)]
    )
    assert report.ok is ok


def test_it_refuses_a_share_it_cannot_read() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Course(key="x", name="x", cost_shares=["九割"]).clean()
