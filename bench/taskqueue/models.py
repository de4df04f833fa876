from __future__ import annotations

from django.db import models


class TaskRun(models.Model):
    """One row per execution of `record(number)`: a second execution of the same number
    violates the unique constraint and fails that task, which the bench counts."""

    number = models.PositiveIntegerField(unique=True)
    worker_pid = models.PositiveIntegerField()
    ran_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"task {self.number} (worker {self.worker_pid})"
