"""Fixtures for the unit suite: a frozen "today" and a way to read a page's parts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

_real_localdate = timezone.localdate


@pytest.fixture
def freeze_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    """freeze_today(day): every `timezone.localdate()` without arguments returns `day`.

    Kyodo calls `timezone.localdate()` through the module (never `from … import
    localdate`), so patching the module attribute reaches models, selectors, views and
    permission predicates alike."""

    def _freeze(day: dt.date) -> None:
        def fake(value: Any = None, timezone: Any = None) -> dt.date:
            if value is None:
                return day
            return _real_localdate(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", fake)

    return _freeze
