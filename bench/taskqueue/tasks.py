from __future__ import annotations

import os

from django_tasks import task

from bench.taskqueue.models import TaskRun


@task()
def record(number: int) -> int:
    """The unit of work: write one row keyed by the task's number, in the worker."""
    TaskRun.objects.create(number=number, worker_pid=os.getpid())
    return number
