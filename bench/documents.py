"""Documents benchmark: p50/p95 per document type and format, a 20-page proposal, and the
committee pack of 20 proposals (issue 11's targets: one page ≤ 100 ms p95, 20 pages ≤ 1 s,
the pack ≤ 5 s).

    .venv/bin/python -m bench.documents             # 50 timed runs per case
    .venv/bin/python -m bench.documents --runs 200

Each case times what a download costs on the server: building the context from the
database (kyodo.documents.services.document_build) and rendering it. The data is the
documents tests' scene (tests/documents/conftest.py) in a throwaway SQLite database under
var/bench/; 5 untimed runs warm the font cache first. Figures, not tests: read them with
the load average printed beside them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.core import BENCH_VAR, configure_django


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def _time(func: Callable[[], Any], runs: int, warm: int = 5) -> tuple[float, float]:
    for _ in range(warm):
        func()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return _percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    path = BENCH_VAR / "documents.sqlite3"
    if path.exists():
        path.unlink()
    configure_django(f"sqlite:///{path}")
    os.environ["KYODO_TESTING"] = "1"  # the scene uses the test factories' fast hasher

    from django.conf import settings
    from django.core.management import call_command

    # The scene's workflow sends mail: keep it in memory.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.db import transaction

    call_command("migrate", verbosity=0)

    from kyodo.accounts.models import Role
    from kyodo.documents import bundles, pdf, registry, services
    from kyodo.documents.models import BuiltBundle
    from kyodo.review import services as review
    from tests import factories
    from tests.documents.conftest import LONG, build_scene
    from tests.review.conftest import ready_proposal

    office = factories.UserFactory(roles=[Role.OFFICE], full_name="協働 担当")
    with transaction.atomic():
        scene = build_scene(office)
        # A proposal about 20 pages long: every text field holds ~5 pages of prose.
        long_scene = build_scene(office, title="二十ページの提案", long=LONG * 13)
        call = scene.proposal.call
        for n in range(20):
            review.review_start(
                actor=office, proposal=ready_proposal(call, title=f"審査中の提案{n}", content=LONG)
            )

    rows: list[tuple[str, str, float, float, int]] = []

    def case(label: str, key: str, record: Any, fmt: str) -> None:
        doc_type = registry.get(key)

        def run() -> bytes:
            document = services.document_build(doc_type=doc_type, record=record, actor=office)
            return services.render(document, fmt)

        data = run()
        pages = data.count(b"/Type /Page\n") or data.count(b"/Type/Page") if fmt == "pdf" else 0
        p50, p95 = _time(run, args.runs)
        rows.append((label, fmt, p50, p95, pages))

    for doc_type in registry.all_types():
        for fmt in services.FORMATS:
            case(doc_type.key, doc_type.key, scene.record(doc_type.key), fmt)
    for doc_type in registry.blank_types():
        for fmt in services.FORMATS:
            blank_type = doc_type

            def run_blank(fmt: str = fmt, t: Any = blank_type) -> bytes:
                return services.render(services.blank_build(doc_type=t), fmt)

            p50, p95 = _time(run_blank, args.runs)
            rows.append((f"blank {doc_type.key}", fmt, p50, p95, 0))
    for fmt in services.FORMATS:
        case("proposal, 20 pages", "proposal", long_scene.proposal, fmt)

    committee = scene.committee
    bundle = BuiltBundle(kind="committee_pack", object_id=committee.pk, requested_by=office)

    def pack() -> bytes:
        built = bundles.committee_pack(bundle, lambda done, total: None)
        assert len(built.documents) == 20
        return pdf.render_bundle(built)

    p50, p95 = _time(pack, max(5, args.runs // 10), warm=1)
    rows.append(("committee pack, 20 proposals", "pdf", p50, p95, 0))

    import subprocess

    def pages_of(data: bytes) -> int:
        out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True).stdout.decode()
        return next(
            (int(line.split()[-1]) for line in out.splitlines() if line.startswith("Pages:")), 0
        )

    long_pages = pages_of(
        services.render(
            services.document_build(
                doc_type=registry.get("proposal"), record=long_scene.proposal, actor=office
            ),
            "pdf",
        )
    )
    pack_pages = pages_of(pack())
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs, runs {args.runs}")
    print(f"{'document':34} {'format':6} {'p50 ms':>8} {'p95 ms':>8}")
    for label, fmt, p50, p95, _pages in rows:
        print(f"{label:34} {fmt:6} {p50:8.1f} {p95:8.1f}")
    print(f"(the long proposal is {long_pages} PDF pages; the pack {pack_pages} pages)")


if __name__ == "__main__":
    main()
