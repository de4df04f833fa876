"""What every benchmark scenario shares: Django set-up against a throwaway database, the
timing helper, and the description of the machine that goes into the results."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
# Two people benchmarking at once on one machine must not share a database: set
# BENCH_DB_NAME (e.g. kyodo_bench_alice) to get your own PostgreSQL database and SQLite
# files (var/bench/<name>-<scale>.sqlite3). The default keeps the historical names.
POSTGRES_DB = os.environ.get("BENCH_DB_NAME", "").strip() or "kyodo_bench"
SQLITE_STEM = "bench" if POSTGRES_DB == "kyodo_bench" else POSTGRES_DB


def sqlite_path(scale: int, suffix: str = "") -> Path:
    return BENCH_VAR / f"{SQLITE_STEM}-{scale}.sqlite3{suffix}"


def database_url(db: str, scale: int) -> str:
    if db == "sqlite":
        return f"sqlite:///{sqlite_path(scale)}"
    if db == "postgres":
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        return f"{base}/{POSTGRES_DB}"
    raise ValueError(f"unknown database {db!r}: use sqlite or postgres")


def configure_django(url: str) -> None:
    """Production-like settings (DEBUG off, so cached templates and no debug cursor), pointed
    at the bench database. Must run before anything imports Django models."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.pop("KYODO_TESTING", None)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo.settings")
    import django

    django.setup()


@dataclass
class Measurement:
    scenario: str
    url: str
    status: int
    requests: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    queries: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile: the value below which pct % of the samples fall."""
    ordered = sorted(samples)
    rank = max(1, round(pct / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def release(response: Any) -> None:
    """Free a test-client response as a server frees its own: at once. Django's test client
    hangs `response.json = partial(..., response)` on every response, a reference cycle
    that keeps the response, its request and what they hold alive until the cycle collector
    runs; every few requests a collection then falls inside a timed request, a pause no
    WSGI server causes. Breaking the cycle here, untimed, leaves the page's own garbage,
    cycles included, to be collected as it would be in production."""
    response.__dict__.pop("json", None)


def measure(
    client: Any,
    scenario: str,
    url: str,
    *,
    requests: int = 200,
    warmup: int = 20,
    before_each: Any = None,
) -> Measurement:
    """Time `requests` GETs of `url` in-process (server time: no network, no browser) after
    `warmup` untimed ones, then count the SQL queries of one more request. The query count
    is taken separately so that capturing queries does not slow the timed requests.
    `before_each`, if given, runs untimed before every request (e.g. to empty a cache and
    time the page as its first visitor after a change sees it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prepare = before_each or (lambda: None)
    status = 0
    for _ in range(warmup):
        prepare()
        status = client.get(url).status_code
    if status != 200:
        raise RuntimeError(f"{scenario}: GET {url} answered {status}, not 200")
    samples = []
    for _ in range(requests):
        prepare()
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        release(response)
    prepare()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return Measurement(
        scenario=scenario,
        url=url,
        status=status,
        requests=requests,
        p50_ms=round(percentile(samples, 50), 2),
        p95_ms=round(percentile(samples, 95), 2),
        mean_ms=round(statistics.fmean(samples), 2),
        queries=len(captured.captured_queries),
    )


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        # Other work on the machine inflates every figure: read them with this beside them.
        "load_average_1_5_15min": [round(x, 2) for x in os.getloadavg()],
    }


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("show server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"
