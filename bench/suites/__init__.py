"""Benchmark suites: each one creates its data at a given scale and names the pages to time.

To add one (e.g. "proposal list at 100×"), write bench/suites/<name>.py with a `SUITE =
Suite(...)` and add the module name to MODULES below; `bench.run` times every scenario of
every suite against SQLite and PostgreSQL at every scale and names the metrics
`<scenario>_<stat>_<scale>_<db>`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

MODULES = ["registry", "review", "proposals", "booking"]


@dataclass(frozen=True)
class Scenario:
    name: str  # metric prefix: lower_snake_case, unique across suites
    label: str  # shown in the printed table
    path: Callable[[int], str]  # scale → the URL to GET (may query the bench database)
    # The p95 its issue asks for, when not the run's --target-ms (e.g. committee results).
    target_ms: float | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class ColdScenario(Scenario):
    """A scenario whose `before_each` runs untimed before every request (bench.run): with
    `empty_cache` it times the page as the first visitor after a change sees it."""

    before_each: Callable[[], None] | None = None


def empty_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@dataclass(frozen=True)
class Suite:
    name: str
    generate: Callable[[int], int]  # scale → rows created in an empty, migrated database
    scenarios: list[Scenario] = field(default_factory=list)


def suites(names: list[str] | None = None) -> dict[str, Suite]:
    found: dict[str, Suite] = {}
    for module in MODULES:
        suite: Suite = importlib.import_module(f"bench.suites.{module}").SUITE
        if not names or suite.name in names:
            found[suite.name] = suite
    return found
