from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.db import OperationalError
from django.db.backends.signals import connection_created

LOCKED_MARKER = "BENCH-LOCKED"


def _report_locks(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Say so on stderr whenever the database answers "locked", then raise as before.

    django-tasks-db's worker silently retries a claim that hits a locked SQLite database
    and retries the saving of a result three times; the bench must still count those, so
    every statement of a worker goes through this wrapper and the bench greps its log.
    """
    try:
        return execute(sql, params, many, context)
    except OperationalError as exc:
        if "locked" in str(exc).lower():
            print(f"{LOCKED_MARKER}: {exc} in {sql[:80]!r}", file=sys.stderr, flush=True)
        raise


def _wrap(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _report_locks not in connection.execute_wrappers:
        connection.execute_wrappers.append(_report_locks)


class TaskQueueBenchConfig(AppConfig):
    name = "bench.taskqueue"
    label = "bench_taskqueue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        connection_created.connect(_wrap, dispatch_uid="bench-taskqueue-locks")
