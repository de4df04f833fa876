"""Pagination that stays fast on deep pages of big lists.

OFFSET 15000 over full rows makes the database read and throw away 15,000 wide rows.
IdsFirstPaginator asks first for only the page's primary keys, in the list's order (a
narrow query a covering index answers alone), then loads those few rows in full with
the queryset's select_related/prefetch_related. Two queries, whatever the page number.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_TTL_SECONDS = 60


class IdsFirstPaginator(Paginator):
    """With `count_key`, the total is cached: counting 12,000 matches of a filter over 50,000
    rows costs more than the rest of the page. The caller builds the key from everything the
    count depends on, including a generation that its writes bump (see
    registry.selectors.directory_count_key); the TTL bounds staleness where processes do not
    share a cache. `count_list`, if given, is counted instead of the list: the same rows,
    written as the database counts them fastest (a page and a count of every match are best
    answered by different plans)."""

    object_list: QuerySet[Any]

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        count_key: str = "",
        count_list: QuerySet[Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key
        self.count_list = count_list

    def _count_all(self) -> int:
        if self.count_list is not None:
            return self.count_list.count()
        return super().count

    @cached_property
    def count(self) -> int:
        if not self.count_key:
            return self._count_all()
        total = cache.get(self.count_key)
        if total is None:
            total = self._count_all()
            cache.set(self.count_key, total, COUNT_TTL_SECONDS)
        return int(total)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(
            self.object_list.select_related(None)
            .prefetch_related(None)
            .values_list("pk", flat=True)[bottom:top]
        )
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)} if ids else {}
        # Paginator._get_page is Django's documented hook for building the Page (it lets a
        # subclass return its own Page class); django-stubs leave it out.
        return self._get_page(  # type: ignore[attr-defined]
            [rows[pk] for pk in ids if pk in rows], number, self
        )
