"""Every queue the settings declare has a worker: in `make demo` (the Makefile's
WORKER_QUEUES) and in the production example in the README. A queue added to
settings.TASKS without a worker would hold its tasks forever."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _declared() -> set[str]:
    return set(settings.TASKS["default"]["QUEUES"])


def test_it_starts_the_demo_worker_on_every_declared_queue() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^WORKER_QUEUES := (\S+)$", makefile, re.MULTILINE)
    assert match, "the Makefile names the demo worker's queues"
    assert set(match.group(1).split(",")) == _declared()
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "db_worker --queue-name $(WORKER_QUEUES)" in serve
    assert "trap " in serve, "the worker stops when the server stops"


def test_it_documents_production_workers_on_every_declared_queue() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"manage\.py db_worker --queue-name (\S+)", readme)
    assert commands, "the README shows how production runs its workers"
    for queues in commands:
        assert set(queues.split(",")) == _declared()
