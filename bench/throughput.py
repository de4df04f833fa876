"""Throughput of a real server: gunicorn with 2 workers on loopback, demo-scale data.

    python -m bench.throughput                  # 5 s per page, 8 client threads
    python -m bench.throughput --seconds 2 --threads 4 --strict

A throwaway SQLite database (var/bench/throughput.sqlite3) is migrated and seeded with the
demo data (`seed_demo`); gunicorn serves it with DEBUG off and a test SECRET_KEY on
127.0.0.1 at a free port. A load generator of threads with http.client then requests, for
a bounded time and count, the trivial /healthz, the home page, the public directory and a
group's page, one after the other. Each page's requests per second are reported as a
ratio to /healthz's in the same run (target: at least 0.5), and merged into
bench/results/latest.json as `throughput_*` metrics. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results" / "latest.json"
HOST = "127.0.0.1"
TARGET_RATIO = 0.5
MAX_REQUESTS_PER_PAGE = 20_000


def _env(db_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KYODO_TESTING", "DATABASE_URL")}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "throughput-bench-only-not-a-secret-" + "x" * 30,
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; TLS is the proxy's job
            "LOG_LEVEL": "ERROR",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
    )
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=600,
    )


def _get(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": HOST, "Accept-Language": "ja"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _wait_until_up(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        try:
            if _get(port, "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def load(port: int, path: str, *, seconds: float, threads: int) -> dict[str, Any]:
    """Requests per second on `path`: `threads` clients for `seconds`, bounded in count."""
    lock = threading.Lock()
    counts = {"ok": 0, "errors": 0}
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < stop_at:
            with lock:
                if counts["ok"] + counts["errors"] >= MAX_REQUESTS_PER_PAGE:
                    return
            started = time.perf_counter()
            try:
                status, _body = _get(port, path)
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                counts["ok" if status == 200 else "errors"] += 1
                latencies.append(elapsed)

    started = time.monotonic()
    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 30)
    wall = time.monotonic() - started
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0.0
    return {
        "path": path,
        "requests": counts["ok"],
        "errors": counts["errors"],
        "seconds": round(wall, 2),
        "rps": round(counts["ok"] / wall, 1) if wall else 0.0,
        "p95_ms": round(p95, 1),
    }


def merge_results(metrics: dict[str, dict[str, Any]], info: dict[str, Any]) -> None:
    data: dict[str, Any] = {}
    if RESULTS.exists():
        try:
            data = json.loads(RESULTS.read_text(encoding="utf-8"))
        except ValueError:
            data = {}
    data.setdefault("metrics", {}).update(metrics)
    data.setdefault("machine", {})["throughput"] = info
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="load time per page")
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--strict", action="store_true", help="exit 1 below the target ratio")
    args = parser.parse_args()

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    db_path = BENCH_VAR / "throughput.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    env = _env(db_path)
    print("throughput: migrating and seeding the demo data …", flush=True)
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo")

    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "kyodo.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_up(port, server)
        status, body = _get(port, "/groups/")
        match = re.search(rb'href="/groups/(\d+)/"', body)
        if status != 200 or not match:
            raise RuntimeError("the directory lists no group to time")
        pages = {
            "healthz": "/healthz",
            "home": "/",
            "directory": "/groups/",
            "group": f"/groups/{match.group(1).decode()}/",
        }
        for path in pages.values():  # warm every worker's caches
            for _ in range(args.workers * 3):
                _get(port, path)
        runs = {
            name: load(port, path, seconds=args.seconds, threads=args.threads)
            for name, path in pages.items()
        }
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    base = runs["healthz"]["rps"] or 1.0
    metrics: dict[str, dict[str, Any]] = {}
    ok = True
    print(f"\n{'page':<10} {'path':<16} {'req/s':>8} {'p95 ms':>8} {'errors':>7} {'× healthz':>10}")
    for name, run in runs.items():
        ratio = round(run["rps"] / base, 2)
        metrics[f"throughput_rps_{name}"] = {"value": run["rps"], "unit": "requests/s"}
        metrics[f"throughput_p95_ms_{name}"] = {"value": run["p95_ms"], "unit": "ms"}
        if name != "healthz":
            metrics[f"throughput_ratio_{name}"] = {"value": ratio, "unit": "× healthz"}
            ok = ok and ratio >= TARGET_RATIO
        ok = ok and run["errors"] == 0
        print(
            f"{name:<10} {run['path']:<16} {run['rps']:>8} {run['p95_ms']:>8} "
            f"{run['errors']:>7} {ratio:>10}"
        )
    info = {
        "server": f"gunicorn, {args.workers} sync workers, DEBUG off, SQLite, demo data",
        "client": f"{args.threads} threads × http.client, {args.seconds} s per page, loopback",
        "target_ratio": TARGET_RATIO,
    }
    merge_results(metrics, info)
    verdict = "meets" if ok else "MISSES"
    print(f"\nthroughput: {verdict} the target (every page ≥ {TARGET_RATIO} × /healthz, no errors)")
    print(f"throughput: merged into {RESULTS.relative_to(ROOT)}")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
