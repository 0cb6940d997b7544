"""Ingest speed, database size and query speed of the store on the 100,000-launch corpus.

    .venv/bin/python benchmarks/bench_store.py [--launches 100000] [--pg URL] [--repeat 3]

In one run, on the same corpus file (built by ``../shared/tools/make_corpus.py``, kept
outside the repository), round by round (interleaved, so each figure sees the same
machine):

* the floor scan (``../shared/tools/floor_scan.py``);
* ``kosmochron ingest`` into a fresh SQLite file, FTS included: seconds, ratio to the
  floor (wall and CPU), peak RSS, and the file's size with what each table and index
  takes (SQLite's ``dbstat``);
* the same into a fresh PostgreSQL database, with its tables' and indexes' sizes;
* the wall time of the commands ``kosmochron launches --family Proton --outcome
  failure --format json`` and ``kosmochron search "computer chip"`` on the SQLite
  database, best of ``--repeat``.

Medians of ``--repeat`` rounds.  Targets (issue 15): SQLite <= 4x the floor,
PostgreSQL <= 6x, the database <= 2.5x the text.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_parse import OUT, SHARED_TOOLS, corpus, run  # noqa: E402

KOSMOCHRON = [str(Path(sys.executable).parent / "kosmochron")]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def floor(path: Path) -> tuple[float, float]:
    """(seconds by the scan's own clock, CPU seconds of its process)."""
    words, _, _, cpu = run([sys.executable, str(SHARED_TOOLS / "floor_scan.py"), str(path)])
    return float(words[0]), cpu


def ingest(path: Path, db: str) -> tuple[float, int, float]:
    """Wall seconds, peak RSS and CPU seconds of one `kosmochron ingest` process."""
    _, wall, rss, cpu = run([*KOSMOCHRON, "ingest", "--db", db, str(path)],
                            stdout=subprocess.DEVNULL)
    return wall, rss, cpu


def sqlite_sizes(db: Path) -> dict[str, float]:
    """MB per table and index (SQLite's dbstat), the full-text index's parts together."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    sizes: dict[str, float] = {}
    for name, size in rows:
        key = "item_fts (search index)" if name.startswith("item_fts") else name
        sizes[key] = sizes.get(key, 0) + size / 1e6
    return {k: round(v, 1) for k, v in sorted(sizes.items(), key=lambda kv: -kv[1]) if v >= 0.5}


def pg_sizes(url: str) -> dict[str, float]:
    """MB per table (with its TOAST) and per index, and the whole database."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        rows = conn.execute(
            "SELECT c.relname, pg_relation_size(c.oid) + COALESCE(pg_total_relation_size("
            "c.reltoastrelid), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = "
            "c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')").fetchall()
        total = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    sizes = {name: round(size / 1e6, 1) for name, size in sorted(rows, key=lambda r: -r[1])
             if size >= 5e5}
    sizes["(database)"] = round(total[0] / 1e6, 1) if total else 0.0
    return sizes


def command_seconds(argv: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def fresh_pg_database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"kc_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return name, admin_url.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--launches", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pg", default=PG_ADMIN, help="an admin URL; 'none' to skip PostgreSQL")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    path = corpus(args.launches)
    OUT.mkdir(parents=True, exist_ok=True)
    sqlite_db = OUT / f"ingest-bench-{args.launches}.sqlite3"
    runs: dict[str, list[float]] = {k: [] for k in ("floor", "floor_cpu", "sqlite", "sqlite_cpu",
                                                  "pg", "pg_cpu")}
    rss = {"sqlite": 0, "pg": 0}
    sizes: dict[str, dict[str, float]] = {}
    loads = [os.getloadavg()[0]]
    for _ in range(args.repeat):  # interleaved: the floor and each ingest, round by round
        seconds, cpu = floor(path)
        runs["floor"].append(seconds)
        runs["floor_cpu"].append(cpu)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_db}{suffix}").unlink(missing_ok=True)
        wall, peak, cpu = ingest(path, str(sqlite_db))
        runs["sqlite"].append(wall)
        runs["sqlite_cpu"].append(cpu)
        rss["sqlite"] = max(rss["sqlite"], peak)
        sizes["sqlite"] = sqlite_sizes(sqlite_db)
        if args.pg != "none":
            name, url = fresh_pg_database(args.pg)
            try:
                wall, peak, cpu = ingest(path, url)
                sizes["postgresql"] = pg_sizes(url)
            finally:
                drop_pg_database(args.pg, name)
            runs["pg"].append(wall)
            runs["pg_cpu"].append(cpu)
            rss["pg"] = max(rss["pg"], peak)
        loads.append(os.getloadavg()[0])
    med = {k: statistics.median(v) for k, v in runs.items() if v}
    text_mb = path.stat().st_size / 1e6
    figures: dict[str, object] = {
        "file_mb": round(text_mb, 1), "rounds": args.repeat,
        "floor_s": round(med["floor"], 3), "floor_cpu_s": round(med["floor_cpu"], 2),
        "sqlite_ingest_s": round(med["sqlite"], 2),
        "sqlite_ratio": round(med["sqlite"] / med["floor"], 2),
        "sqlite_cpu_s": round(med["sqlite_cpu"], 2),
        "sqlite_cpu_ratio": round(med["sqlite_cpu"] / med["floor_cpu"], 2),
        "sqlite_peak_rss_mb": round(rss["sqlite"] / 2**20, 1),
        "sqlite_db_mb": round(sqlite_db.stat().st_size / 1e6, 1),
        "sqlite_db_ratio": round(sqlite_db.stat().st_size / 1e6 / text_mb, 2),
    }
    if runs["pg"]:
        pg_db = sizes["postgresql"]["(database)"]
        figures.update(pg_ingest_s=round(med["pg"], 2), pg_ratio=round(med["pg"] / med["floor"], 2),
                       pg_cpu_s=round(med["pg_cpu"], 2), pg_peak_rss_mb=round(rss["pg"] / 2**20, 1),
                       pg_db_mb=pg_db, pg_db_ratio=round(pg_db / text_mb, 2))
    figures["sizes_mb"] = sizes
    db = ["--db", str(sqlite_db)]
    figures["launches_proton_failure_json_s"] = round(command_seconds(
        [*KOSMOCHRON, "launches", *db, "--family", "Proton", "--outcome", "failure",
         "--format", "json"], args.repeat), 3)
    figures["search_computer_chip_s"] = round(command_seconds(
        [*KOSMOCHRON, "search", *db, "computer chip"], args.repeat), 3)
    figures["all_runs"] = {k: [round(x, 2) for x in v] for k, v in runs.items() if v}
    figures["load_average"] = [round(x, 1) for x in loads]
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>32}: {value}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
