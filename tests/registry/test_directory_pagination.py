"""The public directory pages a big list in two steps (ids first) without changing what a
page shows or growing its query count with the page number."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"


def _queries(client: Client, **params: Any) -> tuple[int, list[str]]:
    cache.clear()  # compare uncached pages: the total count is cached between requests
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("registry:directory"), params)
    assert response.status_code == 200
    return len(captured.captured_queries), [g.name for g in response.context["page"]]


def test_it_shows_deep_pages_in_kana_order_with_as_many_queries_as_the_first(
    db: None, client: Client, settings: Any
) -> None:
    settings.KYODO_PAGE_SIZE = 5
    for index, kana in enumerate(reversed(KANA[:23])):
        factories.CivicGroupFactory(
            registered=True, name=f"団体{kana}", name_kana=kana, with_fields=[13, index % 20 + 1]
        )
    factories.CivicGroupFactory(lapsed=True, name="失効した団体", name_kana="ア")

    first_count, first = _queries(client)
    deep_count, deep = _queries(client, page=5)
    field_count, field = _queries(client, page=2, field=factories.fields(13)[0].pk)

    assert first == [f"団体{k}" for k in KANA[:5]]
    assert deep == [f"団体{k}" for k in KANA[20:23]]  # the last, short page
    assert field == [f"団体{k}" for k in KANA[5:10]]
    assert first_count == deep_count
    assert field_count == first_count + 1  # the field filter's own look-up of the field
