"""Importing GCAT and serving the merged record (issue 11).

    .venv/bin/python benchmarks/bench_gcat.py [--gcat DIR] [--repeat 3] [--pg URL] [--json]

In one run, with GCAT's files from ``--gcat`` (default ``../shared/data/gcat``, else the
files bundled in the package):

* the floor: reading every file's rows with Python's csv module and nothing else,
  best of ``--repeat``;
* ``kosmochron import-gcat`` of all the files into a fresh SQLite database holding the
  seed (one process, wall time with Python's start-up; target <= 10 s), its ratio to
  the floor, and the launches counted (7,141 with the shared files);
* the same into a fresh PostgreSQL database when ``--pg`` is given (reported);
* the home page of the merged record served from that database: its first view in
  a fresh server (target <= 300 ms) and then from the server's kept answers (best of
  20; target <= 10 ms), through the ASGI app in process.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED_GCAT = HERE.parent.parent / "shared" / "data" / "gcat"
FILES = ("orbital-launches.csv", "psatcat.tsv", "sites.tsv", "orgs.tsv", "lv.tsv")
KOSMOCHRON = [sys.executable, "-m", "kosmochron"]


def gcat_files(folder: Path | None) -> list[Path]:
    """The files to import: the folder's, else the bundled ones (gzip-compressed)."""
    if folder is not None and all((folder / name).is_file() for name in FILES):
        return [folder / name for name in FILES]
    from importlib import resources

    bundled = resources.files("kosmochron") / "data" / "gcat"
    return [Path(str(bundled / f"{name}.gz")) for name in FILES]


def floor(paths: list[Path], repeat: int) -> float:
    """Seconds to read every row of every file with csv (the least any reader does)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for path in paths:
            data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" \
                else path.read_bytes()
            text = io.StringIO(data.decode("utf-8"), newline="")
            delimiter = "," if ".csv" in path.name else "\t"
            for _row in csv.reader(text, delimiter=delimiter):
                pass
        best = min(best, time.perf_counter() - start)
    return best


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def import_seconds(db: str, paths: list[Path]) -> float:
    """One ``kosmochron import-gcat`` into a fresh database (the seed created first)."""
    subprocess.run([*KOSMOCHRON, "sources", "--db", db], check=True,
                   stdout=subprocess.DEVNULL)
    return timed([*KOSMOCHRON, "import-gcat", "--db", db, *map(str, paths)])


def home_page(db: str, repeat: int = 20) -> dict[str, Any]:
    """The first view of ``/`` in a fresh server, then the best kept answer."""
    from fastapi.testclient import TestClient

    from kosmochron.store import open_store
    from kosmochron.web import create_app

    with open_store(db) as store:
        store.serve()
        count = store.count()
        with TestClient(create_app(store=store)) as client:
            start = time.perf_counter()
            first = client.get("/")
            first_ms = (time.perf_counter() - start) * 1000
            assert first.status_code == 200
            kept = []
            for _ in range(repeat):
                start = time.perf_counter()
                client.get("/")
                kept.append((time.perf_counter() - start) * 1000)
    return {"launches": count, "first_ms": first_ms, "cached_ms": min(kept),
            "bytes": len(first.content)}


def pg_database(admin: str) -> tuple[str, str]:
    import psycopg

    name = f"kc_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return name, admin.rsplit("/", 1)[0] + f"/{name}"


def drop_pg(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gcat", type=Path, default=SHARED_GCAT)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", help="a PostgreSQL admin URL, e.g. "
                        "postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    paths = gcat_files(args.gcat)
    result: dict[str, Any] = {"files": [str(p) for p in paths]}
    result["floor_s"] = floor(paths, args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "k.sqlite3")
        result["import_sqlite_s"] = import_seconds(db, paths)
        result["import_ratio"] = result["import_sqlite_s"] / result["floor_s"]
        result["home"] = home_page(db)
    if args.pg:
        name, url = pg_database(args.pg)
        try:
            result["import_pg_s"] = import_seconds(url, paths)
        finally:
            drop_pg(args.pg, name)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    home = result["home"]
    print(f"floor (csv rows of {len(paths)} files): {result['floor_s']:.2f} s")
    print(f"import-gcat into SQLite: {result['import_sqlite_s']:.2f} s "
          f"({result['import_ratio']:.1f}x the floor; target <= 10 s)")
    if "import_pg_s" in result:
        print(f"import-gcat into PostgreSQL: {result['import_pg_s']:.2f} s")
    print(f"home page of {home['launches']:,} launches ({home['bytes']:,} bytes): first view "
          f"{home['first_ms']:.0f} ms (target <= 300), kept {home['cached_ms']:.1f} ms "
          "(target <= 10)")


if __name__ == "__main__":
    main()
