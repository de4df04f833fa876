"""An app process, once loaded, moves what it holds out of the garbage collector's reach
and collects young objects less often (kyodo.core.heap, called by kyodo.wsgi); cycles made
afterwards are still collected."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from kyodo.core import heap


@pytest.fixture
def restored_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_it_freezes_what_is_loaded_and_raises_the_young_threshold(restored_collector: None) -> None:
    second, third = gc.get_threshold()[1:]
    heap.settle()
    assert gc.get_freeze_count() > 10_000  # Django and Kyodo, loaded by the test run
    assert gc.get_threshold() == (heap.FIRST_GENERATION_THRESHOLD, second, third)


def test_cycles_made_after_settling_are_still_collected(restored_collector: None) -> None:
    heap.settle()

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # type: ignore[attr-defined]
    del a, b
    assert gc.collect() >= 2


def test_the_wsgi_entry_point_settles_the_heap_after_loading_the_app() -> None:
    # Importing kyodo.wsgi would freeze the test run's own heap: read it instead.
    source = (Path(settings.BASE_DIR) / "kyodo" / "wsgi.py").read_text(encoding="utf-8")
    assert "from kyodo.core.heap import settle" in source
    assert source.index("application = get_wsgi_application()") < source.index("\nsettle()")
