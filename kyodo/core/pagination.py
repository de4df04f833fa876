"""Pagination that stays fast on deep pages and filtered pages of big lists.

OFFSET 15000 over full rows makes the database read and throw away 15,000 wide rows.
IdsFirstPaginator asks first for only the page's primary keys, in the list's order (a
narrow query a covering index answers alone), then loads those few rows in full with
the queryset's select_related/prefetch_related. Two queries, whatever the page number.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property

COUNT_TTL_SECONDS = 60


class IdsFirstPaginator(Paginator):
    """With `count_key`, the total is cached: counting 12,000 matches of a filter over 50,000
    rows costs more than the rest of the page. The caller builds the key from everything the
    count depends on, including a generation that its writes bump (see
    registry.selectors.directory_count_key); the TTL bounds staleness where processes do not
    share a cache. `count_list`, if given, is counted instead of the list: the same rows,
    written as the database counts them fastest (a page and a count of every match are best
    answered by different plans).

    `count_with_page`: the caller knows the database visits every match to find a page
    anyway (a search whose matches are sorted, not walked in index order), so the total
    comes with the page's keys, in the same pass (COUNT(*) OVER ()), instead of a second
    pass over the matches. When the asked page is empty (no match, or a page past the end)
    it falls back to counting.

    `rows`, if given, is where the page's rows are loaded from by their keys: the list's
    columns, joins and prefetches without its filter, which the keys already applied (a
    search filter re-run for 30 known keys is a search all the same)."""

    object_list: QuerySet[Any]

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        count_key: str = "",
        count_list: QuerySet[Any] | None = None,
        count_with_page: bool = False,
        rows: QuerySet[Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key
        self.count_list = count_list
        self.count_with_page = count_with_page
        self.rows = rows
        self._fetched: tuple[int, list[Any]] | None = None  # (page number, its keys)

    def _count_all(self) -> int:
        if self.count_list is not None:
            return self.count_list.count()
        return super().count

    def _cached_count(self) -> int | None:
        total = cache.get(self.count_key) if self.count_key else None
        return None if total is None else int(total)

    def _remember_count(self, total: int) -> None:
        if self.count_key:
            cache.set(self.count_key, total, COUNT_TTL_SECONDS)

    @cached_property
    def count(self) -> int:
        total = self._cached_count()
        if total is None:
            total = self._count_all()
            self._remember_count(total)
        return total

    def _ids(self) -> QuerySet[Any]:
        return self.object_list.select_related(None).prefetch_related(None)

    def get_page(self, number: Any) -> Page:
        if self.count_with_page and "count" not in self.__dict__:
            self._fetch_with_count(number)
        return super().get_page(number)

    def _fetch_with_count(self, number: Any) -> None:
        """The asked page's keys and the total in one query, unless the total is cached."""
        cached = self._cached_count()
        if cached is not None:
            self.__dict__["count"] = cached
            return
        try:
            wanted = int(number) if number is not None else 1
        except (TypeError, ValueError):
            wanted = 1
        if wanted < 1:
            return
        bottom = (wanted - 1) * self.per_page
        keyed = self._ids().annotate(_total=Window(Count("pk"))).values_list("pk", "_total")
        found = list(keyed[bottom : bottom + self.per_page + self.orphans])
        if not found:
            return  # counted the ordinary way; get_page then moves to the last page
        total = int(found[0][1])
        self.__dict__["count"] = total
        self._remember_count(total)
        self._fetched = (wanted, [pk for pk, _total in found])

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self._fetched is not None and self._fetched[0] == number:
            ids = self._fetched[1][: top - bottom]
        else:
            ids = list(self._ids().values_list("pk", flat=True)[bottom:top])
        source = self.rows if self.rows is not None else self.object_list
        rows = {row.pk: row for row in source.filter(pk__in=ids)} if ids else {}
        # Paginator._get_page is Django's documented hook for building the Page (it lets a
        # subclass return its own Page class); django-stubs leave it out.
        return self._get_page(  # type: ignore[attr-defined]
            [rows[pk] for pk in ids if pk in rows], number, self
        )
