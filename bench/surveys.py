"""Survey tabulation and NPO import at the issue's scale, on SQLite and PostgreSQL.

    python -m bench.surveys                       # both databases, 200,000 respondents
    python -m bench.surveys --db sqlite --respondents 20000 --npo-rows 6000   # quick

For each database a fresh worker process migrates a throwaway database (SQLite
var/bench/<BENCH_DB_NAME or bench>-surveys.sqlite3; PostgreSQL <BENCH_DB_NAME>_surveys,
dropped and created), generates one survey edition of N respondents × 30 questions (five
attributes, 17 single-answer and scale questions of which two are follow-ups asked of a
sub-group, six multiple-answer questions of which two are "up to 3", a number and a free
text), and times:

- kyodo: every question's table (kyodo.surveys.selectors.edition_results) plus three
  cross-tabulations (by sex, by age band, and by a multiple-answer question): warm (the
  edition's answer columns current, kyodo.surveys.columns), best of 3; cold, once, the
  first read after a change, which rebuilds the columns from the answer rows; and the
  rebuild alone;
- pandas: the same tables from the same answers, already loaded in a DataFrame (the load
  from the database is timed and reported apart), best of 3; the two results are checked
  to be equal, cell by cell;
- the NPO portal import (kyodo.stats.services.npo_import_run) of a generated ZIP of
  --npo-rows rows (half of them the city's).

Prints a table and writes bench/results/surveys.json. Targets: tables under 2 s and at most
1.5 × pandas; the NPO import under 10 s. Figures, not tests: nothing fails on a slow
machine. Exits 2 if PostgreSQL is wanted and unreachable.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core import BENCH_VAR, POSTGRES_ADMIN_URL, POSTGRES_DB, ROOT, SQLITE_STEM

RESULTS = ROOT / "bench" / "results" / "surveys.json"
PG_DB = f"{POSTGRES_DB}_surveys"
SQLITE = BENCH_VAR / f"{SQLITE_STEM}-surveys.sqlite3"


def database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{SQLITE}"
    return f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{PG_DB}"


def reset(db: str, *, create: bool = True) -> None:
    if db == "sqlite":
        BENCH_VAR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            if create:
                conn.execute(f'CREATE DATABASE "{PG_DB}"')
    except psycopg.OperationalError as exc:
        sys.stderr.write(f"bench: PostgreSQL is unreachable at {POSTGRES_ADMIN_URL}: {exc}\n")
        sys.exit(2)


# --- the questionnaire and its answers (worker) --------------------------------------------

ATTRIBUTES = [("SEX", 3), ("AGE", 7), ("AREA", 5), ("HOUSEHOLD", 5), ("INVOLVED", 3)]


def build(respondents: int, seed: int = 2026) -> dict[str, Any]:
    from django.db import connection

    from kyodo.accounts.models import Role, RoleAssignment, User
    from kyodo.surveys import services
    from kyodo.surveys.models import Kind, Question

    actor = User.objects.create_user("bench@example.jp", "x", full_name="bench")
    RoleAssignment.objects.create(user=actor, role=Role.OFFICE)  # the engine checks who opens it
    edition = services.survey_create(actor=actor, title="bench", description="", fiscal_year=2025)
    add = services.question_create
    questions: dict[str, Question] = {}
    for code, n in ATTRIBUTES:
        questions[code] = add(
            actor=actor,
            edition=edition,
            code=code,
            text=code,
            kind=Kind.SINGLE,
            options=[f"{code}{i}" for i in range(1, n + 1)],
        )
    for i in range(1, 16):
        kind = Kind.SCALE if i % 3 == 0 else Kind.SINGLE
        questions[f"S{i}"] = add(
            actor=actor,
            edition=edition,
            code=f"S{i}",
            text=f"S{i}",
            kind=kind,
            options=[f"s{i}-{j}" for j in range(1, 6)],
        )
    for i in (1, 2):
        questions[f"F{i}"] = add(
            actor=actor,
            edition=edition,
            code=f"F{i}",
            text=f"F{i}",
            kind=Kind.SINGLE,
            options=[f"f{i}-{j}" for j in range(1, 5)],
            condition_question=questions["INVOLVED"],
            condition_numbers=[1, 2],
        )
    for i in range(1, 7):
        questions[f"M{i}"] = add(
            actor=actor,
            edition=edition,
            code=f"M{i}",
            text=f"M{i}",
            kind=Kind.MULTIPLE,
            options=[f"m{i}-{j}" for j in range(1, 9)],
            max_choices=3 if i <= 2 else None,
        )
    questions["NUM"] = add(actor=actor, edition=edition, code="NUM", text="NUM", kind=Kind.NUMBER)
    questions["TXT"] = add(actor=actor, edition=edition, code="TXT", text="TXT", kind=Kind.TEXT)
    services.edition_step(actor=actor, edition=edition, step="open")
    assert edition.questions.count() == 30

    rng = random.Random(seed)
    option_ids = {
        code: [o.pk for o in q.options.order_by("number")] for code, q in questions.items()
    }
    now = "2025-10-01 00:00:00+00:00"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM surveys_respondent")
        first = cursor.fetchone()[0] + 1
    respondent_rows = [
        (first + i, edition.pk, "paper", str(i + 1), f"t{i}", "", now, now)
        for i in range(respondents)
    ]
    answers: list[tuple[Any, ...]] = []
    for r in range(respondents):
        rid = first + r
        involved = None
        for code, q in questions.items():
            if rng.random() < 0.04:
                continue  # 無回答
            if q.kind == Kind.MULTIPLE:
                chosen = sorted(rng.sample(range(8), rng.randint(1, 4)))
                for position, index in enumerate(chosen, 1):
                    answers.append((rid, q.pk, option_ids[code][index], position, None, ""))
            elif q.kind == Kind.NUMBER:
                answers.append((rid, q.pk, None, 1, rng.randint(18, 90), ""))
            elif q.kind == Kind.TEXT:
                if rng.random() < 0.1:
                    answers.append((rid, q.pk, None, 1, None, "自由記述"))
            else:
                if code.startswith("F") and involved not in (0, 1):
                    continue  # a follow-up not asked
                index = rng.randrange(len(option_ids[code]))
                if code == "INVOLVED":
                    involved = index
                answers.append((rid, q.pk, option_ids[code][index], 1, None, ""))
    insert(respondent_rows, answers)
    return {"edition": edition, "questions": questions, "answers": len(answers)}


def insert(respondent_rows: list[tuple[Any, ...]], answers: list[tuple[Any, ...]]) -> None:
    from django.db import connection, transaction

    respondent_sql = (
        "INSERT INTO surveys_respondent (id, edition_id, channel, paper_number, resume_token, draft, started_at, submitted_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    )
    answer_cols = "respondent_id, question_id, option_id, position, number, text, published"
    with transaction.atomic():
        if connection.vendor == "postgresql":
            raw = connection.connection.cursor()  # psycopg: COPY is the fast path
            # The generated rows are consistent by construction; without this, PostgreSQL
            # checks millions of deferred foreign keys one trigger call each at COMMIT
            # (minutes). Needs a superuser, as the bench's throwaway database has.
            raw.execute("SET session_replication_role = replica")
            with raw.copy(
                "COPY surveys_respondent (id, edition_id, channel, paper_number, resume_token, draft, started_at, submitted_at) FROM STDIN"
            ) as copy:
                for row in respondent_rows:
                    copy.write_row(row)
            with raw.copy(f"COPY surveys_answer ({answer_cols}) FROM STDIN") as copy:
                for row in answers:
                    copy.write_row((*row, False))
            raw.execute(
                "SELECT setval(pg_get_serial_sequence('surveys_respondent', 'id'), (SELECT MAX(id) FROM surveys_respondent))"
            )
            raw.execute("SET session_replication_role = DEFAULT")
        else:
            with connection.cursor() as cursor:
                cursor.executemany(respondent_sql, respondent_rows)
                cursor.executemany(
                    f"INSERT INTO surveys_answer ({answer_cols}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [(*row, False) for row in answers],
                )
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk insert (PostgreSQL 13+ vacuums after inserts):
        # without the visibility map every index-only scan fetches each heap row, and
        # reading the answers takes 30 s instead of 2.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- the two ways of computing the tables ------------------------------------------------


def kyodo_tables(edition: Any, questions: dict[str, Any]) -> dict[str, Any]:
    from kyodo.surveys import selectors

    results = selectors.edition_results(edition, with_previous=False)
    everyone = results.respondents
    tables = {
        t.question.code: [(r.label, r.cell.count, r.cell.percent) for r in t.all_rows]
        for t in results.tables
        if t.question.is_choice
    }
    crosses = {}
    for column, by in (("S1", "SEX"), ("S2", "AGE"), ("S3", "M3")):
        tab = selectors.cross_tab(questions[column], questions[by], everyone)
        crosses[f"{column}x{by}"] = [
            (r.label, r.base, [c.percent for c in r.cells]) for r in tab.rows
        ]
    return {"tables": tables, "crosses": crosses}


def pandas_load(edition: Any) -> Any:
    import pandas as pd
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.respondent_id, a.question_id, a.option_id, a.position FROM surveys_answer a "
            "JOIN surveys_question q ON q.id = a.question_id WHERE q.edition_id = %s",
            [edition.pk],
        )
        rows = cursor.fetchall()
    frame = pd.DataFrame(rows, columns=["respondent", "question", "option", "position"])
    frame["option"] = frame["option"].fillna(0).astype("int64")
    return frame


def _pct(counts: Any, base: Any) -> Any:
    """Half-up tenths with integers, as kyodo.surveys.tabulate.percent_tenths."""
    import numpy as np

    base = np.asarray(base, dtype="int64")
    counts = np.asarray(counts, dtype="int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        tenths = np.where(base > 0, (2000 * counts + base) // np.maximum(2 * base, 1), -1)
    return ["-" if t < 0 else f"{t // 10}.{t % 10}" for t in tenths]


def pandas_tables(
    frame: Any, everyone: int, questions: dict[str, Any], meta: dict[str, Any]
) -> dict[str, Any]:
    limit = meta["limit"]  # question id → k (first-k)
    counted = frame[frame["position"] <= frame["question"].map(limit)]
    counts = counted.groupby(["question", "option"]).size()
    answered = frame[frame["position"] == 1].groupby("question").size()
    parent = meta["parent"]  # question id → (parent id, [option ids])
    tables: dict[str, Any] = {}
    bases: dict[int, int] = {}
    for code, q in questions.items():
        if not q.is_choice:
            continue
        if q.pk in parent:
            pid, wanted = parent[q.pk]
            base = frame[(frame["question"] == pid) & frame["option"].isin(wanted)][
                "respondent"
            ].nunique()
        else:
            base = everyone
        bases[q.pk] = base
        options = meta["options"][q.pk]
        per = [int(counts.get((q.pk, o), 0)) for o, _label in options]
        blank = base - int(answered.get(q.pk, 0))
        percents = _pct(per + [blank], [base] * (len(per) + 1))
        tables[code] = (
            [
                (label, c, p)
                for (_o, label), c, p in zip(options, per + [blank], percents, strict=True)
            ]
            if False
            else [
                (label, c, p)
                for label, c, p in zip(
                    [lab for _o, lab in options] + ["無回答"], per + [blank], percents, strict=True
                )
            ]
        )
    crosses = {}
    for column, by in (("S1", "SEX"), ("S2", "AGE"), ("S3", "M3")):
        a, b = questions[column], questions[by]
        col = counted[counted["question"] == a.pk]
        grp = counted[counted["question"] == b.pk][["respondent", "option"]].rename(
            columns={"option": "group"}
        )
        joined = col.merge(grp, on="respondent")
        cell = joined.groupby(["group", "option"]).size()
        group_base = grp.groupby("group").size()
        group_answered = joined[joined["position"] == 1].groupby("group").size()
        a_options = [o for o, _l in meta["options"][a.pk]]
        rows = []
        total_counts = [int(counts.get((a.pk, o), 0)) for o in a_options]
        total_base = bases[a.pk]
        total_blank = total_base - int(answered.get(a.pk, 0))
        rows.append(
            (
                "全体",
                total_base,
                _pct(total_counts + [total_blank], [total_base] * (len(a_options) + 1)),
            )
        )
        for g, label in meta["options"][b.pk]:
            n = int(group_base.get(g, 0))
            per = [int(cell.get((g, o), 0)) for o in a_options]
            blank = n - int(group_answered.get(g, 0))
            rows.append((label, n, _pct(per + [blank], [n] * (len(per) + 1))))
        has_group = set(grp["respondent"])
        unknown = col[~col["respondent"].isin(has_group)]
        grouped = frame[(frame["question"] == b.pk) & (frame["position"] == 1)][
            "respondent"
        ].nunique()
        n = total_base - grouped
        per = [int((unknown["option"] == o).sum()) for o in a_options]
        blank = n - int((unknown["position"] == 1).sum())
        rows.append(("無回答", n, _pct(per + [blank], [n] * (len(per) + 1))))
        crosses[f"{column}x{by}"] = rows
    return {"tables": tables, "crosses": crosses}


CPU: dict[str, float] = {}  # this process's CPU seconds of each best run, by label


def best_of(runs: int, func: Any, label: str = "") -> tuple[float, Any]:
    """The best wall time of `runs` calls (and, under `label`, the CPU time this process
    spent in that call: on a shared machine the wall time also counts waiting for a core)."""
    best, value = float("inf"), None
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        value = func()
        wall = time.perf_counter() - start
        if wall < best:
            best = wall
            if label:
                CPU[label] = time.process_time() - cpu
    return best, value


def npo_bench(rows: int) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from kyodo.accounts.models import User
    from kyodo.stats import services
    from kyodo.stats.models import NpoImport
    from tests.stats.npo_files import row, zip_of

    rng = random.Random(7)
    data = []
    for i in range(rows):
        city = i % 2 == 0
        data.append(
            row(
                法人名称=f"特定非営利活動法人ベンチ{i}",
                法人名称カナ=f"ﾍﾞﾝﾁ{i}",
                所轄庁="神奈川県",
                主たる事務所の所在地=("神奈川県鎌倉市御成町" if city else "神奈川県横浜市中区")
                + f"{i}",
                代表者氏名="代表 太郎",
                法人設立認証年月日=f"{rng.randint(1999, 2024)}/{rng.randint(1, 12)}/{rng.randint(1, 28)}",
                法人番号=f"{1000000000000 + i}",
                fields=rng.sample(range(1, 21), 3),
                解散情報="令和2年3月31日 解散" if i % 17 == 0 else "",
            )
        )
    blob = zip_of(data)
    actor = User.objects.get(email="bench@example.jp")
    record = NpoImport(filename="bench.zip", started_by=actor)
    record.file.save("bench.zip", ContentFile(blob), save=True)
    start, cpu = time.perf_counter(), time.process_time()
    services.npo_import_run(record=record)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    record.refresh_from_db()
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "created": record.created,
        "zip_bytes": len(blob),
    }


def worker(db: str, respondents: int, npo_rows: int) -> dict[str, Any]:
    from bench.core import configure_django, database_version

    configure_django(database_url(db))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import tempfile as _tempfile

    from django.conf import settings

    settings.MEDIA_ROOT = _tempfile.mkdtemp(prefix="kyodo-bench-media-")
    start = time.perf_counter()
    built = build(respondents)
    generate_s = time.perf_counter() - start
    edition, questions = built["edition"], built["questions"]
    from django.db import transaction

    from kyodo.surveys import columns

    def stale() -> None:
        # The bench wrote the rows with raw SQL, bypassing the services: it declares the
        # change itself, as every write path of answers does.
        with transaction.atomic():
            columns.answers_changed(edition.pk)

    load_at_tables = round(os.getloadavg()[0], 2)
    stale()
    cold_s, _cold = best_of(1, lambda: kyodo_tables(edition, questions), "cold")  # rebuilds, stores
    stale()
    rebuild_s, _built = best_of(1, lambda: columns.rebuild(edition.pk), "rebuild")
    kyodo_s, ours = best_of(3, lambda: kyodo_tables(edition, questions), "kyodo")
    from kyodo.surveys.models import AnswerColumn

    store_bytes = sum(len(d) for d in AnswerColumn.objects.values_list("data", flat=True))
    load_start = time.perf_counter()
    frame = pandas_load(edition)
    load_s = time.perf_counter() - load_start
    meta = {
        "limit": {
            q.pk: (q.max_choices if q.kind == "multiple" and q.max_choices else 32767)
            for q in questions.values()
        },
        "parent": {
            q.pk: (q.condition_question_id, [o.pk for o in q.condition_options.all()])
            for q in questions.values()
            if q.condition_question_id
        },
        "options": {
            q.pk: [(o.pk, o.label) for o in q.options.order_by("number")]
            for q in questions.values()
        },
    }
    pandas_s, theirs = best_of(
        3, lambda: pandas_tables(frame, respondents, questions, meta), "pandas"
    )
    same = ours == theirs
    npo = npo_bench(npo_rows)
    return {
        "db_version": database_version(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "load_average_at_tables": load_at_tables,
        "respondents": respondents,
        "answers": built["answers"],
        "generate_s": round(generate_s, 1),
        "kyodo_tables_s": round(kyodo_s, 3),
        "kyodo_cold_tables_s": round(cold_s, 3),
        "rebuild_s": round(rebuild_s, 3),
        "store_mb": round(store_bytes / 1e6, 1),
        "cpu_s": {label: round(seconds, 3) for label, seconds in CPU.items()},
        "pandas_tables_s": round(pandas_s, 3),
        "pandas_load_s": round(load_s, 3),
        "ratio": round(kyodo_s / pandas_s, 2),
        "ratio_cold": round(cold_s / pandas_s, 2),
        "ratio_with_load": round(kyodo_s / (pandas_s + load_s), 2),
        "same_tables": same,
        "npo_import": npo,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--respondents", type=int, default=200_000)
    parser.add_argument("--npo-rows", type=int, default=60_000)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        db, out = args.worker.split(":", 1)
        Path(out).write_text(json.dumps(worker(db, args.respondents, args.npo_rows)))
        return
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results: dict[str, Any] = {}
    for db in dbs:
        reset(db)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = handle.name
        print(f"bench surveys: {db}, {args.respondents:,} respondents × 30 questions …", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.surveys",
                "--worker",
                f"{db}:{out}",
                "--respondents",
                str(args.respondents),
                "--npo-rows",
                str(args.npo_rows),
            ],
            check=True,
            cwd=ROOT,
        )
        results[db] = json.loads(Path(out).read_text())
        Path(out).unlink()
        RESULTS.parent.mkdir(parents=True, exist_ok=True)  # each database as soon as it is done
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(json.dumps({db: results[db]}, ensure_ascii=False), flush=True)
        if not args.keep:
            reset(db, create=False)
    print()
    print(
        f"{'database':<10} {'answers':>10} {'kyodo s':>8} {'pandas s':>9} {'ratio':>6} {'(+load)':>8} {'cold s':>7} {'ratio':>6} {'rebuild':>8} {'same':>5} {'NPO rows':>9} {'NPO s':>6} {'load':>5}"
    )
    for db, r in results.items():
        print(
            f"{db:<10} {r['answers']:>10,} {r['kyodo_tables_s']:>8.3f} {r['pandas_tables_s']:>9.3f} {r['ratio']:>6.2f} "
            f"{r['ratio_with_load']:>8.2f} {r['kyodo_cold_tables_s']:>7.3f} {r['ratio_cold']:>6.2f} {r['rebuild_s']:>8.3f} "
            f"{str(r['same_tables']):>5} {r['npo_import']['rows']:>9,} {r['npo_import']['seconds']:>6.2f} {r['load_average_1min']:>5.2f}"
        )
    for db, r in results.items():
        cpu = r["cpu_s"]
        print(
            f"{db}: CPU s of this process: kyodo {cpu.get('kyodo', 0):.3f}, pandas {cpu.get('pandas', 0):.3f}, "
            f"cold {cpu.get('cold', 0):.3f}, rebuild {cpu.get('rebuild', 0):.3f}, NPO {r['npo_import']['cpu_s']:.2f}; "
            f"load average {r['load_average_at_tables']} at the tables"
        )
    print(
        "kyodo s: warm, the answer columns current (best of 3); cold s: the first read after a change,\n"
        "rebuilding the columns from the answer rows; rebuild: that rebuild alone (what the background\n"
        "task does after each change). load: 1-minute load average at the end of the run.\n"
        "targets: tables < 2 s and ≤ 1.5 × pandas; NPO import < 10 s."
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
