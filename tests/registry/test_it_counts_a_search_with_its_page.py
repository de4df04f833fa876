"""On PostgreSQL a search the trigram index answers brings its total with the page's keys,
in one query (COUNT(*) OVER ()), rather than a second pass over every match (SQLite counts
apart: its window function is slower there). The paginator's one-pass count gives what the
two queries gave: the total, the page, the last page for a page past the end, an empty
list, and a cached total."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kyodo.core.pagination import IdsFirstPaginator
from kyodo.registry import selectors
from kyodo.registry.models import CivicGroup
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def kamakura() -> None:
    for n in range(5):
        factories.CivicGroupFactory(
            registered=True, name=f"鎌倉の会{n}", name_kana=f"かまくらのかい{n}"
        )
    factories.CivicGroupFactory(registered=True, name="逗子の会", name_kana="ずしのかい")
    factories.CivicGroupFactory(
        lapsed=True, name="鎌倉の昔の会", name_kana="かまくらのむかしのかい"
    )
    cache.clear()


def _page(query: str, number: Any, *, key: str = "") -> tuple[Any, list[str], list[str]]:
    flt = selectors.GroupFilter(query=query)
    paginator = IdsFirstPaginator(
        selectors.directory(flt=flt),
        2,
        count_key=key,
        count_with_page=True,
        rows=selectors.directory_rows(),
    )
    with CaptureQueriesContext(connection) as captured:
        page = paginator.get_page(number)
        names = [g.name for g in page]
    return page, names, [q["sql"] for q in captured.captured_queries]


def test_the_paginator_counts_with_the_page(kamakura: None) -> None:
    page, names, sql = _page("ｶﾏｸﾗ", 3)
    assert (page.paginator.count, page.number, names) == (5, 3, ["鎌倉の会4"])
    assert [s for s in sql if "COUNT(" in s and "OVER" not in s] == []  # no second pass
    assert sum("OVER" in s for s in sql) == 1

    past, names, _sql = _page("ｶﾏｸﾗ", 9)  # past the end: the last page, as before
    assert (past.number, names) == (3, ["鎌倉の会4"])
    first, names, _sql = _page("ｶﾏｸﾗ", "x")  # not a number: the first page
    assert (first.number, names) == (1, ["鎌倉の会0", "鎌倉の会1"])
    none, names, _sql = _page("ｶﾏｸﾗｶﾏｸﾗ", None)
    assert (none.paginator.count, names) == (0, [])

    _page("ｶﾏｸﾗ", 1, key="k")  # counted with the page, and cached
    cached, names, sql = _page("ｶﾏｸﾗ", 2, key="k")
    assert (cached.paginator.count, names) == (5, ["鎌倉の会2", "鎌倉の会3"])
    assert not any("OVER" in s for s in sql)  # the cached total: the plain keys query


def test_the_directory_counts_a_search_in_one_pass_on_postgresql(
    kamakura: None, client: Client, settings: Any
) -> None:
    settings.KYODO_PAGE_SIZE = 2
    client.cookies["messages"] = ""  # past the anonymous page cache: the view runs
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/groups/", {"q": "ｶﾏｸﾗ", "page": 2})
    page = response.context["page"]
    assert (page.paginator.count, [g.name for g in page]) == (5, ["鎌倉の会2", "鎌倉の会3"])
    over = [q["sql"] for q in captured.captured_queries if "OVER" in q["sql"]]
    assert len(over) == (1 if connection.vendor == "postgresql" else 0)
    assert CivicGroup.objects.count() == 7
