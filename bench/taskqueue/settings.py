"""kyodo.settings plus the bench-only task app (the workers import `bench.taskqueue.tasks`)."""

from kyodo.settings import *  # noqa: F403
from kyodo.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.taskqueue.apps.TaskQueueBenchConfig"]
