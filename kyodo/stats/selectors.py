"""Reads of the stats app: the trends of 「市民活動の現状」. The registry is read here, never
written: registered groups by fiscal year and by field."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kyodo.japan.calendar import fiscal_year, fiscal_year_end
from kyodo.registry.models import ActivityField, CivicGroup
from kyodo.stats.models import CityYear, NpoCorporation, NpoImport
from kyodo.stats.npo import DATA


@cache
def field_names() -> dict[int, str]:
    with (DATA / "npo_fields.csv").open(encoding="utf-8") as handle:
        return {int(r["number"]): r["short_ja"] for r in csv.DictReader(handle)}


@dataclass(frozen=True)
class YearRow:
    year: int
    new: int
    dissolved: int
    active: int
    certified: int


def npo_by_year() -> list[YearRow]:
    """Per fiscal year: corporations certified, dissolved, and active at the year's end
    (certified by then and not dissolved by then; a dissolution without a date counts from
    the year it was first reported)."""
    rows = list(
        NpoCorporation.objects.values_list(
            "certified_on",
            "established_on",
            "dissolved",
            "dissolved_on",
            "is_certified",
            "certification_start",
            "updated_at",
        )
    )
    if not rows:
        return []
    new: dict[int, int] = {}
    gone: dict[int, int] = {}
    certified_from: dict[int, int] = {}
    for (
        certified_on,
        established_on,
        dissolved,
        dissolved_on,
        is_certified,
        cert_start,
        updated,
    ) in rows:
        start = certified_on or established_on
        if start is None:
            continue
        new[fiscal_year(start)] = new.get(fiscal_year(start), 0) + 1
        if dissolved:
            end = dissolved_on or timezone.localtime(updated).date()
            gone[fiscal_year(end)] = gone.get(fiscal_year(end), 0) + 1
        elif is_certified:
            year = fiscal_year(cert_start or start)
            certified_from[year] = certified_from.get(year, 0) + 1
    first, last = min(new), max(fiscal_year(timezone.localdate()), max(new))
    table, active, certified = [], 0, 0
    for year in range(first, last + 1):
        active += new.get(year, 0) - gone.get(year, 0)
        certified += certified_from.get(year, 0)
        table.append(YearRow(year, new.get(year, 0), gone.get(year, 0), active, certified))
    return table


def npo_by_field() -> list[tuple[int, str, int]]:
    """Active corporations per activity field (a corporation counts in each of its fields)."""
    active = NpoCorporation.objects.filter(dissolved=False)
    counts = active.aggregate(
        **{f"f{n}": Count("pk", filter=Q(fields__contains=f",{n},")) for n in range(1, 21)}
    )
    return [(n, name, counts[f"f{n}"]) for n, name in field_names().items()]


def npo_totals() -> dict[str, int]:
    return NpoCorporation.objects.aggregate(
        active=Count("pk", filter=Q(dissolved=False)),
        closed=Count("pk", filter=Q(dissolved=True)),
        certified=Count("pk", filter=Q(dissolved=False, is_certified=True)),
    )


def groups_by_year(years: int = 10, until: int | None = None) -> list[tuple[int, int]]:
    """Registered groups at the end of each of the last fiscal years (registrations run to
    31 March, so a group registered then was registered for the whole year), up to `until`
    (this fiscal year by default)."""
    this_year = until or fiscal_year(timezone.localdate())
    rows = []
    for year in range(this_year - years + 1, this_year + 1):
        end = fiscal_year_end(year)
        count = (
            CivicGroup.objects.filter(registered_until__gte=end)
            .filter(Q(first_registered_on__lte=end) | Q(first_registered_on__isnull=True))
            .count()
        )
        rows.append((year, count))
    return rows


def groups_by_field() -> list[tuple[int, str, int]]:
    today = timezone.localdate()
    counts = dict(
        ActivityField.objects.annotate(
            n=Count("groups", filter=Q(groups__registered_until__gte=today))
        ).values_list("number", "n")
    )
    return [(n, name, counts.get(n, 0)) for n, name in field_names().items()]


def city_years() -> QuerySet[CityYear]:
    return CityYear.objects.order_by("fiscal_year")


def recent_imports() -> QuerySet[NpoImport]:
    return NpoImport.objects.select_related("started_by").order_by("-created_at")[:20]
