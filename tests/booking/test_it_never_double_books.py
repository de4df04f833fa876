"""Fifty simultaneous attempts to book one room and time: exactly one succeeds, the others
are told in Japanese that someone was faster, and the database holds one booking — on
PostgreSQL (the exclusion constraint and the room lock) and on SQLite (the IMMEDIATE
transaction's write lock and the check inside it)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from kyodo.booking.models import Booking
from kyodo.booking.rules import at
from tests.booking.conftest import make_room
from tests.booking.race import ATTEMPTS, race

ROOT = Path(__file__).resolve().parents[2]
TAKEN = "この時間はすでに予約が入っています"


def _assert_one_winner(outcome: dict[str, Any]) -> None:
    assert outcome["errors"] == []
    assert len(outcome["booked"]) == 1
    assert len(outcome["refusals"]) == ATTEMPTS - 1
    assert all(TAKEN in message for message in outcome["refusals"])
    assert outcome["rows"] == 1


@pytest.fixture
def committed_db(transactional_db: None) -> Any:
    """Real commits, so the threads see each other's rows (see test_double_submission)."""
    import importlib

    from django.apps import apps

    importlib.import_module("kyodo.registry.migrations.0002_seed_fields_and_areas").seed(apps, None)
    yield


def test_it_books_once_when_fifty_try_at_once_on_postgresql(committed_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("this run is on SQLite: the SQLite race below covers it")
    _assert_one_winner(race())


@pytest.mark.slow
def test_it_books_once_when_fifty_try_at_once_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "race.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.booking.race", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["vendor"] == "sqlite"
    _assert_one_winner(outcome)


@pytest.mark.django_db
def test_it_has_the_database_refuse_an_overlap_that_bypasses_the_service() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL; SQLite relies on the lock")
    room = make_room()
    day = dt.date.today() + dt.timedelta(days=5)
    values = {"room": room, "channel": "web", "purpose": "x", "attendees": 1, "status": "confirmed"}
    Booking.objects.create(starts_at=at(day, dt.time(13)), ends_at=at(day, dt.time(17)), **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            starts_at=at(day, dt.time(16)), ends_at=at(day, dt.time(18)), **values
        )
    # A cancelled booking does not hold the room.
    values["status"] = "cancelled"
    Booking.objects.create(starts_at=at(day, dt.time(16)), ends_at=at(day, dt.time(18)), **values)
