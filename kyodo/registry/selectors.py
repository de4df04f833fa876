"""Reads for the registry: the public directory and the staff list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from kyodo.accounts.models import User
from kyodo.registry import search, workflow
from kyodo.registry.models import (
    ActivityField,
    CivicGroup,
    GroupMembership,
    PendingPublicChange,
    RegistrationApplication,
)
from kyodo.registry.vocabulary import activity_field_label


@dataclass(frozen=True)
class GroupFilter:
    query: str = ""
    field_id: int | None = None  # an ActivityField's key
    legal_form: str = ""
    area: int | None = None


def _filtered(
    groups: QuerySet[CivicGroup], flt: GroupFilter, *, for_count: bool = False
) -> QuerySet[CivicGroup]:
    keys = search.query_keys(flt.query)
    if keys:
        # search_text holds only the name and its reading: nothing private is searched.
        groups = groups.filter(search.name_matches(keys))
    if flt.field_id:
        if for_count:
            # Counting every match: a join from the field's index entries (the covering
            # index of migration 0010), each group's registration read from the narrow
            # registry_group_registered_idx rather than its wide row. A group holds a field
            # once, so the join counts each group once.
            groups = groups.filter(fields=flt.field_id)
        else:
            # A page: walk the directory order and stop after one page (a semi-join; the
            # page needs no row of the through table).
            with_field = CivicGroup.fields.through.objects.filter(
                activityfield_id=flt.field_id, civicgroup_id=OuterRef("pk")
            )
            groups = groups.filter(Exists(with_field))
    if flt.legal_form:
        groups = groups.filter(legal_form=flt.legal_form)
    if flt.area:
        groups = groups.filter(area_id=flt.area)
    return groups


_FIELDS_PREFETCH = Prefetch("fields", queryset=ActivityField.objects.order_by("number"))


def directory(
    *, flt: GroupFilter, day: dt.date | None = None, full: bool = False
) -> QuerySet[CivicGroup]:
    """Currently registered groups in 五十音 order. The list page takes only their keys
    from this, a page at a time, and loads the page's rows from directory_rows(); `full`
    loads every column and the fields, for the open-data export (which still prints public
    items only)."""
    day = day or timezone.localdate()
    groups = _filtered(CivicGroup.objects.registered_on(day), flt)
    order: list[Any] = ["sort_key", "id"]
    if connection.vendor == "postgresql" and search.indexed(search.query_keys(flt.query)):
        # The same order, by a value no index holds. Left to itself PostgreSQL walks the
        # sort_key index and tests each row until it has a page, guessing that matches are
        # spread evenly; but a name and its reading go together, so a kana query's matches
        # sit in one stretch of 五十音 (ｶﾏｸﾗ: after 16,000 rows at 50,000 groups). Here it
        # takes the matches from the trigram index and sorts only those. (A key of one or
        # two characters has no trigram: its matches are many and the walk finds a page
        # soon, so it keeps the index order.)
        order = [Concat("sort_key", Value("")), "id"]
    groups = groups.order_by(*order)
    if full:
        return groups.select_related("area").prefetch_related(_FIELDS_PREFETCH)
    return groups


def field_labels_of(groups: list[CivicGroup]) -> dict[int, list[str]]:
    """Each listed group's activity fields as labels, in number order, from one query of
    the pairs (a prefetch made a field object per pair and a manager per group: most of
    the Python time of a directory page's queries)."""
    found: dict[int, list[tuple[int, str]]] = {g.pk: [] for g in groups}
    pairs = CivicGroup.fields.through.objects.filter(civicgroup_id__in=list(found))
    for group_id, number, short_name in pairs.values_list(
        "civicgroup_id", "activityfield__number", "activityfield__short_name"
    ):
        found[group_id].append((number, short_name))
    return {
        pk: [activity_field_label(number, name) for number, name in sorted(fields)]
        for pk, fields in found.items()
    }


def directory_rows() -> QuerySet[CivicGroup]:
    """The directory page's columns and district, without its filter: what a page loads its
    rows from once the filtered, ordered keys are known (IdsFirstPaginator). Their fields
    come from field_labels_of(): 20 fields, not a field object per group's field."""
    return CivicGroup.objects.select_related("area").only(
        "id",
        "name",
        "name_kana",
        "legal_form",
        "area__name",
        "registration_number",
        "public_items",
        "activities",
        "registered_until",
        "sort_key",
        "area_id",
    )


def directory_counts_with_page(flt: GroupFilter) -> bool:
    """Whether the total is best counted in the same pass as the page's keys: on PostgreSQL,
    for a search the trigram index answers (its matches are fetched and sorted, not walked
    in the directory's order, so the count of them comes almost free). SQLite keeps two
    queries: its window function copies every match to a temporary table, slower than
    counting the index's matches again (25 ms against 9 + 4 ms for ｶﾏｸﾗ at 50,000 groups)."""
    return connection.vendor == "postgresql" and search.indexed(search.query_keys(flt.query))


def directory_matches(*, flt: GroupFilter, day: dt.date | None = None) -> QuerySet[CivicGroup]:
    """The same groups as `directory`, shaped for counting them all (see `_filtered`)."""
    day = day or timezone.localdate()
    return _filtered(CivicGroup.objects.registered_on(day), flt, for_count=True)


def staff_group_list(
    *, flt: GroupFilter, status: str = "", day: dt.date | None = None
) -> QuerySet[CivicGroup]:
    day = day or timezone.localdate()
    groups = _filtered(CivicGroup.objects.all(), flt)
    if status == "registered":
        groups = groups.filter(registered_until__gte=day)
    elif status == "lapsed":
        groups = groups.filter(registered_until__lt=day)
    elif status == "unregistered":
        groups = groups.filter(registered_until__isnull=True)
    return (
        groups.select_related("area").prefetch_related(_FIELDS_PREFETCH).order_by("sort_key", "id")
    )


def applications_awaiting_review() -> QuerySet[RegistrationApplication]:
    return (
        RegistrationApplication.objects.filter(status=workflow.SUBMITTED)
        .select_related("group")
        .order_by("submitted_at")
    )


def public_changes_awaiting_review() -> QuerySet[PendingPublicChange]:
    return PendingPublicChange.objects.select_related("group").order_by("changed_at")


def memberships_of(*, user: User) -> QuerySet[GroupMembership]:
    return (
        GroupMembership.objects.filter(user=user)
        .select_related("group")
        .order_by("group__sort_key")
    )


def open_application(group: CivicGroup) -> RegistrationApplication | None:
    return (
        group.applications.filter(status__in=workflow.OPEN_STATES).order_by("-created_at").first()
    )


_GENERATION_KEY = "registry:directory-generation"


def directory_generation() -> int:
    """A number that changes after every write that changes what the public sees of groups."""
    return int(cache.get_or_set(_GENERATION_KEY, 0, None) or 0)


def directory_count_key(flt: GroupFilter, day: dt.date | None = None) -> str:
    """Cache key for a directory count: the filter, the day (registrations lapse by date)
    and the generation that every write to the directory's groups bumps."""
    import hashlib

    day = day or timezone.localdate()
    generation = directory_generation()
    digest = hashlib.sha256(repr((flt, day)).encode()).hexdigest()[:24]
    return f"registry:directory-count:{generation}:{digest}"


def directory_changed() -> None:
    """Called by the registry's writes: counts cached before the commit are stale after it."""

    def bump() -> None:
        try:
            cache.incr(_GENERATION_KEY)
        except ValueError:
            cache.set(_GENERATION_KEY, 1, None)

    transaction.on_commit(bump)
