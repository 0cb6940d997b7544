"""Ingest and query speed of the store on the 100,000-launch corpus.

    .venv/bin/python benchmarks/bench_store.py [--launches 100000] [--pg URL] [--repeat 3]

In one run, on the same corpus file (built by ``../shared/tools/make_corpus.py``):

* the floor scan (``../shared/tools/floor_scan.py``), best of ``--repeat``;
* ``kosmochron ingest`` into a fresh SQLite file, FTS included: seconds, ratio to
  the floor, peak RSS (target: <= 6x the floor, <= 400 MB);
* the same into a fresh PostgreSQL database (ratio reported);
* the wall time of the commands ``kosmochron launches --family Proton --outcome
  failure --format json`` and ``kosmochron search "computer chip"`` on the full
  SQLite database, best of ``--repeat`` (target: each < 0.5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_parse import SHARED_TOOLS, corpus, run  # noqa: E402

KOSMOCHRON = [sys.executable, "-m", "kosmochron"]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def floor(path: Path, repeat: int) -> float:
    return min(float(run([sys.executable, str(SHARED_TOOLS / "floor_scan.py"), str(path)])[0][0])
               for _ in range(repeat))


def ingest(path: Path, db: str) -> tuple[float, int]:
    """Wall seconds and peak RSS of one `kosmochron ingest` process."""
    _, wall, rss, _ = run([*KOSMOCHRON, "ingest", "--db", db, str(path)])
    return wall, rss


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
    out = HERE / "out"
    sqlite_db = out / f"ingest-bench-{args.launches}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_db}{suffix}").unlink(missing_ok=True)

    floor_s = floor(path, args.repeat)
    sqlite_s, sqlite_rss = ingest(path, str(sqlite_db))
    figures: dict[str, object] = {
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "floor_s": round(floor_s, 3),
        "sqlite_ingest_s": round(sqlite_s, 2),
        "sqlite_ratio": round(sqlite_s / floor_s, 2),
        "sqlite_peak_rss_mb": round(sqlite_rss / 2**20, 1),
        "sqlite_db_mb": round(sqlite_db.stat().st_size / 1e6, 1),
    }
    if args.pg != "none":
        name, url = fresh_pg_database(args.pg)
        try:
            pg_s, pg_rss = ingest(path, url)
        finally:
            drop_pg_database(args.pg, name)
        figures.update(pg_ingest_s=round(pg_s, 2), pg_ratio=round(pg_s / floor_s, 2),
                       pg_peak_rss_mb=round(pg_rss / 2**20, 1))
    db = ["--db", str(sqlite_db)]
    figures["launches_proton_failure_json_s"] = round(command_seconds(
        [*KOSMOCHRON, "launches", *db, "--family", "Proton", "--outcome", "failure",
         "--format", "json"], args.repeat), 3)
    figures["search_computer_chip_s"] = round(command_seconds(
        [*KOSMOCHRON, "search", *db, "computer chip"], args.repeat), 3)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>32}: {value}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
