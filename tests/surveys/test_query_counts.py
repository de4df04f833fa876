"""The results pages and the staff lists read a fixed number of queries, however many
respondents, answers or surveys there are."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.surveys.builders import RESPONDENTS, Built, key_all


def _queries(client: Any, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_it_reads_results_with_the_same_queries_for_more_respondents(
    civic: Built, office_staff: Any, as_user: Any
) -> None:
    client = as_user(office_staff)
    edition = civic.edition
    pages = [
        (
            reverse("surveys:results", args=[edition.pk]),
            {"column": civic.q["Q1"].pk, "by": civic.q["Q4"].pk},
        ),
        (
            reverse("surveys:cell", args=[civic.q["Q1"].pk]),
            {"option": civic.q["Q1"].options.first().pk},
        ),
        (reverse("surveys:free_text", args=[edition.pk]), {}),
        (reverse("surveys:staff_index"), {}),
        (reverse("surveys:public_list"), {}),
    ]
    before = [_queries(client, url, params) for url, params in pages]
    key_all(office_staff, edition, RESPONDENTS * 3, prefix="more-")
    after = [_queries(client, url, params) for url, params in pages]
    assert after == before
