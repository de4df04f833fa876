"""Time Kyodo's pages at realistic and large scale on SQLite and PostgreSQL.

    python -m bench.run                          # both databases, 400 and 50,000 groups
    python -m bench.run --db sqlite --scales 400 --requests 50

For each database and scale a fresh worker process migrates a throwaway database
(var/bench/bench-<scale>.sqlite3, or PostgreSQL database kyodo_bench, dropped and created
here; set BENCH_DB_NAME to use your own names when others benchmark on the same machine), generates the data with bulk_create, and GETs each page in-process with
django.test.Client: p50 and p95 server time over --requests requests after a warm-up,
the SQL queries of one request, and each page's p50 as a multiple of the trivial /healthz
view's p50 in the same run (a figure that travels better between machines than ms).
Prints a table and writes bench/results/latest.json. Exits 2 if PostgreSQL is wanted and
unreachable.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make `bench` and `kyodo` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core import (
    BENCH_VAR,
    POSTGRES_ADMIN_URL,
    POSTGRES_DB,
    ROOT,
    database_url,
    sqlite_path,
)

RESULTS = ROOT / "bench" / "results" / "latest.json"
BASELINE = "healthz"
DB_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def scale_label(scale: int) -> str:
    return f"{scale // 1000}k" if scale >= 10_000 and scale % 1000 == 0 else str(scale)


# --- PostgreSQL housekeeping (parent process) ---------------------------------------------


def _pg_admin() -> Any:
    import psycopg

    return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)


def check_postgres() -> None:
    try:
        with _pg_admin() as conn:
            conn.execute("select 1")
    except Exception as exc:
        sys.stderr.write(
            f"bench: PostgreSQL is unreachable at {POSTGRES_ADMIN_URL}: {exc}\n"
            "bench: start PostgreSQL, set BENCH_POSTGRES_URL, or run with --db sqlite.\n"
        )
        sys.exit(2)


def reset_postgres(*, create: bool) -> None:
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DB}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{POSTGRES_DB}"')


def reset_sqlite(scale: int) -> None:
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        sqlite_path(scale, suffix).unlink(missing_ok=True)


# --- one database at one scale (worker process) --------------------------------------------


def worker(
    db: str,
    scale: int,
    suite_names: list[str],
    requests: int,
    warmup: int,
    only: list[str] | None = None,
) -> dict:
    from bench.core import configure_django, database_version, measure

    configure_django(database_url(db, scale))
    from django.core.management import call_command
    from django.test import Client

    from bench.suites import suites
    from kyodo.core.heap import settle

    call_command("migrate", verbosity=0)
    client = Client()
    result: dict[str, Any] = {
        "db_version": database_version(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "generate_s": {},
        "pages": [],
    }
    result["pages"].append(
        measure(client, BASELINE, "/healthz", requests=requests, warmup=warmup).as_dict()
    )
    for name, suite in suites(suite_names).items():
        start = time.perf_counter()
        suite.generate(scale)
        result["generate_s"][name] = round(time.perf_counter() - start, 2)
        # As kyodo.wsgi does once the app is loaded: what is in memory now stays, and the
        # garbage collector is kept off it (kyodo/core/heap.py).
        settle()
        for scenario in suite.scenarios:
            if only and scenario.name not in only:
                continue
            url = scenario.path(scale)
            login = getattr(scenario, "login", None)  # staff pages: see bench/suites/proposals.py
            if login is not None:
                login(client)
            page = measure(
                client,
                scenario.name,
                url,
                requests=requests,
                warmup=warmup,
                before_each=getattr(scenario, "before_each", None),  # bench/suites/review.py
            )
            if login is not None:
                client.logout()
            result["pages"].append(
                {**page.as_dict(), "label": scenario.label, "target_ms": scenario.target_ms}
            )
            print(
                f"  {db:<8} {scale:>6} {scenario.name:<18} p50 {page.p50_ms:7.2f} ms"
                f"  p95 {page.p95_ms:7.2f} ms  {page.queries} queries",
                flush=True,
            )
    return result


def run_worker(db: str, scale: int, args: argparse.Namespace) -> dict:
    if db == "postgres":
        reset_postgres(create=True)
    else:
        reset_sqlite(scale)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    command = [
        sys.executable,
        "-m",
        "bench.run",
        "--worker",
        f"--db={db}",
        f"--scales={scale}",
        f"--requests={args.requests}",
        f"--warmup={args.warmup}",
        f"--out={out_path}",
    ]
    if args.suite:
        command.append(f"--suite={args.suite}")
    if args.only:
        command.append(f"--only={args.only}")
    try:
        subprocess.run(command, cwd=ROOT, check=True)
        return json.loads(out_path.read_text())
    finally:
        out_path.unlink(missing_ok=True)
        if not args.keep:
            if db == "postgres":
                reset_postgres(create=False)
            else:
                reset_sqlite(scale)


# --- report ----------------------------------------------------------------------------------


def metrics_of(runs: dict[tuple[str, int], dict]) -> dict[str, dict[str, Any]]:
    metrics: dict[str, dict[str, Any]] = {}
    for (db, scale), run in runs.items():
        tag = f"{scale_label(scale)}_{db}"
        base = next(p for p in run["pages"] if p["scenario"] == BASELINE)["p50_ms"]
        for page in run["pages"]:
            name = page["scenario"]
            metrics[f"{name}_p50_ms_{tag}"] = {"value": page["p50_ms"], "unit": "ms"}
            metrics[f"{name}_p95_ms_{tag}"] = {"value": page["p95_ms"], "unit": "ms"}
            metrics[f"{name}_queries_{tag}"] = {"value": page["queries"], "unit": "queries"}
            if name != BASELINE and base > 0:
                metrics[f"{name}_p50_ratio_{tag}"] = {
                    "value": round(page["p50_ms"] / base, 1),
                    "unit": "× healthz p50",
                }
        for suite, seconds in run["generate_s"].items():
            metrics[f"{suite}_generate_s_{tag}"] = {"value": seconds, "unit": "s"}
    return metrics


def print_table(runs: dict[tuple[str, int], dict], scales: list[int], target_ms: float) -> bool:
    """Print one table per database, scales side by side; True when every p95 is on target."""
    on_target = True
    for db in dict.fromkeys(db for db, _ in runs):
        present = [s for s in scales if (db, s) in runs]
        version = runs[(db, present[0])]["db_version"]
        print(f"\n{version}: server time in ms (p50 / p95), SQL queries per request")
        head = f"{'page':<20}" + "".join(f" | {f'{s:,} groups':^28}" for s in present)
        print(head)
        print(
            f"{'':<20}"
            + "".join(f" | {'p50':>7} {'p95':>7} {'SQL':>4} {'×base':>7}" for _ in present)
        )
        print("-" * len(head))
        names = [p["scenario"] for p in runs[(db, present[0])]["pages"]]
        for name in names:
            cells = []
            counts = set()
            for scale in present:
                pages = {p["scenario"]: p for p in runs[(db, scale)]["pages"]}
                page, base = pages[name], pages[BASELINE]["p50_ms"]
                ratio = page["p50_ms"] / base if base else 0
                cells.append(
                    f" | {page['p50_ms']:>7.2f} {page['p95_ms']:>7.2f} {page['queries']:>4}"
                    f" {ratio:>6.1f}×"
                )
                counts.add(page["queries"])
                if page["p95_ms"] >= (page.get("target_ms") or target_ms):
                    on_target = False
            note = "" if len(counts) == 1 else "  <- query count grows with scale"
            print(f"{name:<20}" + "".join(cells) + note)
        for scale in present:
            run = runs[(db, scale)]
            for suite, seconds in run["generate_s"].items():
                print(
                    f"  data: {suite} at {scale:,} generated in {seconds:.1f} s"
                    f" (machine load average {run.get('load_average_1min', '?')})"
                )
    return on_target


def main() -> None:
    parser = argparse.ArgumentParser(description="Time Kyodo's pages (see module docstring).")
    parser.add_argument("--db", default="sqlite,postgres", help="comma list: sqlite,postgres")
    parser.add_argument("--scales", default="400,50000", help="comma list of group counts")
    parser.add_argument("--suite", default="", help="comma list of suites (default: all)")
    parser.add_argument(
        "--only", default="", help="comma list of scenario names to time (default: all)"
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--target-ms", type=float, default=50.0, help="p95 target to report")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    suite_names = [s.strip() for s in args.suite.split(",") if s.strip()]
    unknown = set(dbs) - set(DB_LABELS)
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")

    if args.worker:
        only = [s.strip() for s in args.only.split(",") if s.strip()]
        result = worker(dbs[0], scales[0], suite_names, args.requests, args.warmup, only)
        Path(args.out).write_text(json.dumps(result))
        return

    if "postgres" in dbs:
        check_postgres()
    runs: dict[tuple[str, int], dict] = {}
    for db in dbs:
        for scale in scales:
            print(f"bench: {DB_LABELS[db]}, {scale:,} groups …", flush=True)
            runs[(db, scale)] = run_worker(db, scale, args)

    from bench.core import machine_info

    machine = {
        **machine_info(),
        "databases": {db: runs[(db, scales[0])]["db_version"] for db in dbs},
        "requests_per_page": args.requests,
        "warmup_requests": args.warmup,
        "scales": scales,
    }
    on_target = print_table(runs, scales, args.target_ms)
    own = {
        p["scenario"]: p["target_ms"]
        for run in runs.values()
        for p in run["pages"]
        if p.get("target_ms")
    }
    print(
        f"\np95 target {args.target_ms:.0f} ms"
        + "".join(f", {name} {ms:.0f} ms" for name, ms in own.items())
        + ": "
        + ("met by every page" if on_target else "MISSED by at least one page")
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"machine": machine, "metrics": metrics_of(runs)}, ensure_ascii=False, indent=2)
        + "\n"
    )
    print(f"written: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
