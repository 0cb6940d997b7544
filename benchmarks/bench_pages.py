"""First views of the web UI's pages on the 100,000-launch database and on the GCAT
world record.

    .venv/bin/python benchmarks/bench_pages.py [--launches 100000] [--repeat 3]
        [--gcat] [--json]

Each page is asked of a server of its own, freshly started (``kosmochron serve`` as a
user runs it, with its response cache), so its first view is what the first visitor
gets: nothing of that page computed or kept yet.  The server is asked once for
``/api/v1`` (its cheapest answer: the baseline, what any first request costs) and is
given five seconds to finish starting (it prepares the transfer machinery in the
background); then the page, then the page again (kept).  ``/findings`` is asked
once its report is ready (the background check of every entry; its time is also
reported).  Medians of ``--repeat`` rounds, wall time from the client on
127.0.0.1, and the machine's load average.

``--gcat`` measures the same on a database holding the seed and GCAT's files (the
shared ones, else the bundled ones), the world record of 7,141 launches.

Targets (issue 15): every page <= 300 ms on first view on 100,000 launches, <= 100 ms
on the GCAT world record.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_api import HOST, database, free_port  # noqa: E402
from bench_gcat import SHARED_GCAT, gcat_files  # noqa: E402
from bench_parse import OUT, SHARED_TOOLS  # noqa: E402

KOSMOCHRON = str(Path(sys.executable).parent / "kosmochron")
#: The pages of the 100,000-launch corpus (the seed's launches, copied): the home page,
#: the entity pages of its biggest program, site and family (every launch, or nearly),
#: a search and a filtered home page, and a crowded launch window's page with its
#: porkchop (Mars 2, found by its designator).
CORPUS_PAGES = ["/", "/entities/program/mars", "/entities/site/baikonur",
                "/entities/family/proton", "/search?q=chip", "/?q=chip",
                "launch:1971-045A", "/charts", "/findings"]
GCAT_PAGES = ["/", "/entities/site/baikonur", "/entities/family/r-7", "/entities/nation/ussr",
              "/entities/program/mars", "/search?q=mars", "/?q=venus", "launch:1971-045A",
              "/charts", "/findings"]


def get(url: str, timeout: float = 600) -> tuple[int, float, int]:
    """(status, seconds, bytes) of one GET."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, time.perf_counter() - start, len(body)


class Server:
    def __init__(self, db: Path) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.process = subprocess.Popen(
            [KOSMOCHRON, "serve", "--db", str(db), "--host", HOST, "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while True:
            try:
                self.baseline = get(self.base + "/api/v1", 5)[1]
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        time.sleep(5)  # the background warm-up of the transfer machinery

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def launch_url(base: str, cospar: str) -> str:
    """The page of the first launch with that designator (the corpus copies it)."""
    with urllib.request.urlopen(f"{base}/api/v1/launches?cospar={cospar}&limit=1") as response:
        found = json.load(response)
    return f"/launches/{found['results'][0]['id']}"


def first_view(db: Path, page: str) -> dict[str, float]:
    server = Server(db)
    try:
        path = launch_url(server.base, page.split(":", 1)[1]) if page.startswith("launch:") \
            else page
        ready = 0.0
        if page == "/findings":  # first view once the background report is ready
            start = time.perf_counter()
            while get(server.base + "/findings.json?min_severity=error&per_page=1")[0] == 503:
                time.sleep(1)
            ready = time.perf_counter() - start
        status, first, size = get(server.base + path)
        _, kept, _ = get(server.base + path)
        # A first view that fails (503 too_slow: past the request's database budget) is
        # a figure too: the page a first visitor gets is an error.
        return {"first_ms": first * 1000, "kept_ms": kept * 1000, "kb": size / 1000,
                "baseline_ms": server.baseline * 1000, "ready_s": ready,
                "failed": float(status != 200)}
    finally:
        server.close()


def gcat_database() -> Path:
    """The seed and GCAT's files in an SQLite file (built once)."""
    db = OUT / "gcat-world.sqlite3"
    if not db.exists():
        tmp = db.with_suffix(".tmp.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        shared = next((d for d in (SHARED_GCAT, SHARED_TOOLS.parent / "data" / "gcat")
                       if d.is_dir()), None)
        files = gcat_files(shared)
        done = subprocess.run([KOSMOCHRON, "import-gcat", "--db", str(tmp), *map(str, files)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if done.returncode not in (0, 1):  # 1: rows GCAT itself gets wrong, kept as such
            raise SystemExit(f"import-gcat failed with status {done.returncode}")
        for suffix in ("-wal", "-shm", ""):
            if Path(f"{tmp}{suffix}").exists():
                Path(f"{tmp}{suffix}").rename(f"{db}{suffix}")
    return db


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--launches", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--gcat", action="store_true", help="the GCAT world record instead")
    ap.add_argument("--pages", help="comma-separated pages (default: all)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    db = gcat_database() if args.gcat else database(args.launches)
    pages = args.pages.split(",") if args.pages else (GCAT_PAGES if args.gcat else CORPUS_PAGES)
    target = 100 if args.gcat else 300
    runs: dict[str, list[dict[str, float]]] = {page: [] for page in pages}
    loads = [os.getloadavg()[0]]
    for _ in range(args.repeat):
        for page in pages:
            runs[page].append(first_view(db, page))
            print(f"{page}: {runs[page][-1]}", file=sys.stderr, flush=True)
        loads.append(os.getloadavg()[0])
    figures: dict[str, Any] = {"database": db.name, "rounds": args.repeat, "target_ms": target,
                               "load_average": [round(x, 1) for x in loads], "pages": {}}
    for page, found in runs.items():
        figures["pages"][page] = {key: round(statistics.median(r[key] for r in found), 1)
                                  for key in found[0]}
        figures["pages"][page]["all_first_ms"] = [round(r["first_ms"]) for r in found]
        figures["pages"][page]["failed"] = sum(int(r["failed"]) for r in found)
    if args.json:
        print(json.dumps(figures))
        return 0
    print(f"{'page':32} {'first ms':>9} {'kept ms':>8} {'KB':>6} {'baseline':>9}  target")
    for page, f in figures["pages"].items():
        ok = "met" if f["first_ms"] <= target and not f["failed"] else "MISSED"
        if f["failed"]:
            ok += f" ({f['failed']} of {args.repeat} first views not 200)"
        print(f"{page:32} {f['first_ms']:9.0f} {f['kept_ms']:8.1f} {f['kb']:6.0f} "
              f"{f['baseline_ms']:9.1f}  {ok}")
    print("load average", figures["load_average"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
