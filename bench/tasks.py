"""The task queue under load: 1,000 tasks through two `db_worker` processes, per database.

    python -m bench.tasks                            # SQLite and PostgreSQL, 1,000 tasks, 2 workers
    python -m bench.tasks --db sqlite --tasks 200    # quick

For each database a throwaway database is created (SQLite: var/bench/<stem>-tasks.sqlite3,
a file in WAL mode as kyodo.settings configures it; PostgreSQL: <BENCH_DB_NAME>_tasks) and
migrated with the bench-only app `bench.taskqueue`, whose one task `record(number)`
inserts a row keyed by its number (unique). Two `manage.py db_worker` processes start
against it and say they are polling; then 1,000 tasks are enqueued in one transaction and
the clock runs until every task result is finished. Reported, and merged into
bench/results/latest.json as `tasks_*` metrics:

- tasks per second (enqueue commit → last result finished) and how the work split;
- duplicates: executions beyond one per number (a second `record(n)` fails on the unique
  row), plus numbers never run — both must be 0;
- "database is locked": every statement of a worker goes through a wrapper that prints a
  marker when the database answers "locked" (the worker would otherwise retry a locked
  claim silently), and the workers' logs and the task results' tracebacks are grepped —
  must be 0.

It exits 1 when a run has duplicates, missing tasks or locked errors. Traffic stays on
127.0.0.1; every subprocess has a bounded timeout and is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.core import BENCH_VAR, POSTGRES_ADMIN_URL, POSTGRES_DB, ROOT, SQLITE_STEM

RESULTS = ROOT / "bench" / "results" / "latest.json"
QUEUES = "default"
LOCKED = re.compile(r"database is locked|database table is locked|BENCH-LOCKED", re.IGNORECASE)


def _pg_db() -> str:
    return f"{POSTGRES_DB}_tasks"


def _sqlite_file() -> Path:
    return BENCH_VAR / f"{SQLITE_STEM}-tasks.sqlite3"


def database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{_sqlite_file()}"
    if db == "postgres":
        return f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{_pg_db()}"
    raise ValueError(f"unknown database {db!r}: use sqlite or postgres")


def _env(db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KYODO_TESTING", "DATABASE_URL")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.taskqueue.settings",
            "DEBUG": "0",
            "SECRET_KEY": "task-bench-only-not-a-secret-" + "x" * 30,
            "DATABASE_URL": database_url(db),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def reset(db: str) -> None:
    if db == "sqlite":
        BENCH_VAR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{_sqlite_file()}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = _pg_db()
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(db: str) -> None:
    if db == "postgres":
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_pg_db()}" WITH (FORCE)')


# --- the child: runs against one database, with Django set up -------------------------------


def _wait_for(predicate: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def child(db: str, tasks: int, workers: int, timeout: float) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import transaction
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from bench.taskqueue.models import TaskRun
    from bench.taskqueue.tasks import record

    logs = [BENCH_VAR / f"tasks-{db}-worker{i + 1}.log" for i in range(workers)]
    procs: list[subprocess.Popen[bytes]] = []
    handles = []
    try:
        for i, log in enumerate(logs):
            handle = log.open("wb")
            handles.append(handle)
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "manage.py",
                        "db_worker",
                        "--queue-name",
                        QUEUES,
                        "--interval",
                        "0.1",
                        "--no-reload",
                        "--no-startup-delay",
                        "--worker-id",
                        f"bench-{db}-{i + 1}",
                    ],
                    cwd=ROOT,
                    env=os.environ.copy(),
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                )
            )

        def started() -> bool:
            for proc in procs:
                if proc.poll() is not None:
                    raise RuntimeError("a worker exited at start-up; see " + str(logs[0]))
            return all("Starting worker" in log.read_text(errors="replace") for log in logs)

        _wait_for(started, 60, "the workers to start")

        with transaction.atomic():
            for number in range(1, tasks + 1):
                record.enqueue(number)
        started_at = time.perf_counter()
        finished = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"])
        _wait_for(lambda: finished.count() >= tasks, timeout, f"{tasks} tasks to finish")
        elapsed = time.perf_counter() - started_at
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        for handle in handles:
            handle.close()

    failed = list(DBTaskResult.objects.filter(status="FAILED").values_list("traceback", flat=True))
    duplicate_runs = sum(1 for tb in failed if "IntegrityError" in tb)
    rows = TaskRun.objects.count()
    locked_in_logs = sum(len(LOCKED.findall(log.read_text(errors="replace"))) for log in logs)
    locked_in_results = sum(1 for tb in failed if LOCKED.search(tb))
    split = dict(
        TaskRun.objects.values_list("worker_pid")
        .annotate(n=Count("pk"))
        .values_list("worker_pid", "n")
    )
    return {
        "db": db,
        "tasks": tasks,
        "workers": workers,
        "seconds": round(elapsed, 2),
        "tasks_per_second": round(tasks / elapsed, 1),
        "executed": rows,
        "failed": len(failed),
        "duplicates": duplicate_runs,
        "missing": tasks - rows,
        "locked_errors": locked_in_logs + locked_in_results,
        "split": sorted(split.values(), reverse=True),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


# --- the parent ---------------------------------------------------------------------------


def run_one(db: str, args: argparse.Namespace) -> dict[str, Any]:
    reset(db)
    env = _env(db)
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--run-syncdb", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=600,
        )
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.tasks",
                "--child",
                db,
                "--tasks",
                str(args.tasks),
                "--workers",
                str(args.workers),
                "--timeout",
                str(args.timeout),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=args.timeout + 180,
        )
    finally:
        if not args.keep:
            drop(db)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def merge_results(runs: list[dict[str, Any]]) -> None:
    data: dict[str, Any] = {}
    if RESULTS.exists():
        try:
            data = json.loads(RESULTS.read_text(encoding="utf-8"))
        except ValueError:
            data = {}
    metrics = data.setdefault("metrics", {})
    for run in runs:
        db = run["db"]
        metrics[f"tasks_per_second_{db}"] = {"value": run["tasks_per_second"], "unit": "tasks/s"}
        metrics[f"tasks_duplicates_{db}"] = {"value": run["duplicates"], "unit": "tasks"}
        metrics[f"tasks_missing_{db}"] = {"value": run["missing"], "unit": "tasks"}
        metrics[f"tasks_locked_errors_{db}"] = {"value": run["locked_errors"], "unit": "errors"}
    data.setdefault("machine", {})["tasks"] = {
        "workers": "manage.py db_worker × 2, --interval 0.1, DEBUG off",
        "task": "bench.taskqueue.tasks.record: one INSERT keyed by the task's number",
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300, help="seconds for one run")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.tasks, args.workers, args.timeout)))
        return 0

    runs = []
    for db in [d.strip() for d in args.db.split(",") if d.strip()]:
        print(f"tasks: {args.tasks} tasks through {args.workers} workers on {db} …", flush=True)
        runs.append(run_one(db, args))
    print(
        f"\n{'database':<10} {'tasks':>6} {'seconds':>8} {'tasks/s':>8} {'duplicates':>11} "
        f"{'missing':>8} {'locked':>7}  split per worker"
    )
    ok = True
    for run in runs:
        print(
            f"{run['db']:<10} {run['tasks']:>6} {run['seconds']:>8} {run['tasks_per_second']:>8} "
            f"{run['duplicates']:>11} {run['missing']:>8} {run['locked_errors']:>7}  "
            f"{' / '.join(str(n) for n in run['split'])}"
            f"  (load {run['load_average_1min']})"
        )
        ok = ok and run["duplicates"] == 0 and run["missing"] == 0 and run["locked_errors"] == 0
    merge_results(runs)
    print(
        "\ntasks: "
        + ("no duplicates, none missing, no locked database" if ok else "FAILED: see above")
    )
    print(f"tasks: merged into {RESULTS.relative_to(ROOT)}; worker logs in var/bench/tasks-*.log")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
