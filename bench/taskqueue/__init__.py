"""A bench-only Django app for `bench/tasks.py`: one task that records its own execution.

Installed only by `bench.taskqueue.settings` (never by kyodo.settings), so its table exists
only in the throwaway bench databases (`migrate --run-syncdb`: it has no migrations).
"""
