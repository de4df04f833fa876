"""Bulk benchmark data: N realistic Kamakura citizen groups, inserted with bulk_create.

Names and readings come from kyodo.registry.demo's generator; past its few thousand
distinct combinations a number (in the name and the reading) keeps every name unique.
About 95 % are registered this fiscal year, 3 % lapsed last 31 March and 2 % await
their first registration, as in the center's real list.

    python -m bench.generate --db sqlite --groups 400   # into var/bench/bench-400.sqlite3
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Any

BATCH = 2000


def generate_groups(count: int, *, seed: int = 7, today: dt.date | None = None) -> int:
    """Insert `count` groups (and their activity fields) into an empty registry."""
    from django.db import transaction
    from django.utils import timezone

    from kyodo.japan.calendar import fiscal_year, fiscal_year_end
    from kyodo.registry.demo import demo_groups
    from kyodo.registry.models import ActivityField, Area, CivicGroup

    today = today or timezone.localdate()
    this_year = fiscal_year(today)
    areas = {a.name: a.pk for a in Area.objects.all()}
    fields = {f.number: f.pk for f in ActivityField.objects.all()}
    through = CivicGroup.fields.through
    used: set[str] = set()
    repeats: dict[str, int] = {}
    groups: list[CivicGroup] = []
    field_numbers: list[list[int]] = []
    for index, demo in enumerate(demo_groups(count, seed=seed, today=today)):
        values: dict[str, Any] = {
            k: v for k, v in vars(demo).items() if k not in ("fields", "area", "name_kana")
        }
        name, kana = demo.name, demo.name_kana.rstrip("0123456789")
        base, base_kana = name, kana
        while name in used:
            repeats[base] = repeats.get(base, 1) + 1
            name, kana = f"{base}{repeats[base]}", f"{base_kana}{repeats[base]}"
        used.add(name)
        group = CivicGroup(**values, name_kana=kana, area_id=areas.get(demo.area))
        group.name = name
        bucket = index % 100
        # First registered 0-14 years ago; (index % 15, index // 15) is unique per group, and
        # index // 15 stays below 10,000 (four digits) up to 150,000 groups.
        first_year = this_year - index % 15
        if bucket < 98:
            group.registration_number = f"{first_year}-{index // 15 + 1:04d}"
            group.first_registered_on = dt.date(first_year, 5, 1)
            # 95 % registered this year; 3 % lapsed last 31 March.
            group.registered_until = fiscal_year_end(this_year if bucket < 95 else this_year - 1)
        # The other 2 % await the center's first decision: no number, no registration.
        group.refresh_derived()
        groups.append(group)
        field_numbers.append(demo.fields)
    with transaction.atomic():
        for start in range(0, len(groups), BATCH):
            CivicGroup.objects.bulk_create(groups[start : start + BATCH])
        links = [
            through(civicgroup_id=group.pk, activityfield_id=fields[number])
            for group, numbers in zip(groups, field_numbers, strict=True)
            for number in numbers
        ]
        through.objects.bulk_create(links, batch_size=BATCH)
    _analyze()
    return len(groups)


def _analyze() -> None:
    """Give the planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would in
    production; right after a bulk load it has none, and on PostgreSQL no visibility map
    either, so index-only scans would still visit the table."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def main() -> None:
    from bench.core import configure_django, database_url

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--groups", type=int, default=400)
    args = parser.parse_args()
    configure_django(database_url(args.db, args.groups))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    created = generate_groups(args.groups)
    print(f"{created} groups in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
