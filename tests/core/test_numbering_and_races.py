"""Numbers that officials cite come from one locked counter per kind and fiscal year; unique
rows created by two requests at once answer with a message, never an IntegrityError."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from kyodo.core import numbering
from kyodo.core.errors import Conflict, create_once
from kyodo.core.models import NumberSequence
from kyodo.review import services as review_services
from kyodo.review.models import Committee
from tests.proposals import factories as pf
from tests.review.conftest import small_set


@pytest.mark.django_db
def test_it_numbers_each_kind_and_fiscal_year_from_one() -> None:
    assert numbering.next_number("registration", 2026) == "2026-0001"
    assert numbering.next_number("registration", 2026) == "2026-0002"
    assert numbering.next_number("registration", 2027) == "2027-0001"
    assert numbering.next_number("agreement", 2026) == "2026-0001"


@pytest.mark.django_db
def test_it_gives_a_rolled_back_number_back() -> None:
    numbering.next_number("payment", 2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_number("payment", 2026) == "2026-0002"
        raise RuntimeError
    assert numbering.next_number("payment", 2026) == "2026-0002"


@pytest.mark.django_db
def test_it_starts_above_numbers_issued_before_the_counter_existed() -> None:
    assert numbering.next_number("registration", 2025, start_after=lambda: 41) == "2025-0042"
    # The counter is set once; later numbers follow it.
    assert numbering.next_number("registration", 2025, start_after=lambda: 99) == "2025-0043"


@pytest.mark.django_db(transaction=True)
def test_it_never_gives_two_requests_the_same_number() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "in-memory SQLite shares one connection's cache between threads; the PostgreSQL run covers this"
        )
    got: list[str] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            with transaction.atomic():
                got.append(numbering.next_number("document", 2026))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(got) == [f"2026-{n:04d}" for n in range(1, 13)]
    assert NumberSequence.objects.get(kind="document", year=2026).last == 12


@pytest.mark.django_db
def test_it_refuses_a_second_committee_created_at_the_same_moment_with_a_message(
    office_staff: Any,
) -> None:
    call = pf.CallFactory()
    committee = review_services.committee_create(
        actor=office_staff, call=call, criteria_set=small_set()
    )
    # The other request passed its "is there one already?" check before this one committed:
    with pytest.raises(Conflict) as refused:
        create_once(
            lambda: Committee.objects.create(
                call=call, criteria_set=committee.criteria_set, name="二つ目"
            ),
            message="この募集の選考委員会はすでにあります。",
        )
    assert str(refused.value.message) == "この募集の選考委員会はすでにあります。"
    # The request's transaction is still usable after the refusal.
    assert Committee.objects.filter(call=call).count() == 1
