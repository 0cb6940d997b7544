"""Validation speed on the 100,000-launch corpus: ``kosmochron check`` of the file, and
the server's background report over the stored corpus.

    .venv/bin/python benchmarks/bench_check.py [--launches 100000] [--repeat 3] [--json]

In one run, round by round (interleaved, so each figure sees the same machine):

* the floor scan of the corpus file (``../shared/tools/floor_scan.py``);
* ``kosmochron check FILE`` (every rule, the file parsed on the fly; output discarded);
* the background report a server prepares for ``/findings``: the stored corpus (an
  SQLite file built once with ``kosmochron ingest``) checked by the report's worker
  processes (at the lower priority they run at beside serving), from the first
  request until it is ready; with the CPU seconds of the workers, which other work on
  the machine disturbs less than the wall time, and how the progress the page shows
  advanced.

Medians of ``--repeat`` rounds.  Targets: check < 30 s (issue 5); background report of
100,000 launches <= 20 s (issue 15).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_parse import OUT, SHARED_TOOLS, corpus, run  # noqa: E402

REPORT_CHILD = """
import json, resource, sys, time
from kosmochron.store import open_store

def main():
    store = open_store(sys.argv[1], seed_if_empty=False)
    store.version()
    start = time.perf_counter()
    seen = []
    while not store.findings_ready(0.5):
        seen.append((round(time.perf_counter() - start, 1), *store.findings_progress()))
    count = len(store.findings())
    wall = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"wall": wall, "cpu": children.ru_utime + children.ru_stime,
                      "findings": count, "progress": seen[::max(1, len(seen) // 6)]}))

if __name__ == "__main__":
    main()
"""


def stored_corpus(path: Path) -> Path:
    """The corpus ingested once into an SQLite file beside it (reused by later runs)."""
    db = OUT / f"{path.stem}.sqlite3"
    if not db.exists():
        tmp = db.with_suffix(".tmp.sqlite3")
        tmp.unlink(missing_ok=True)
        subprocess.run([str(Path(sys.executable).parent / "kosmochron"), "ingest", "--db",
                        str(tmp), str(path)], check=True, stderr=subprocess.DEVNULL)
        tmp.rename(db)
    return db


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--launches", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    path = corpus(args.launches)
    db = stored_corpus(path)
    runs: dict[str, list[float]] = {"floor": [], "check": [], "report": [], "report_cpu": []}
    rss, findings, progress, loads = 0, 0, [], [os.getloadavg()[0]]
    for _ in range(args.repeat):
        words, _, _, _ = run([sys.executable, str(SHARED_TOOLS / "floor_scan.py"), str(path)])
        runs["floor"].append(float(words[0]))
        # The corpus shifts launch dates but not designators, so the check rightly
        # finds errors (cospar-year, cospar-failure-date) and exits 1.
        _, wall, peak, _ = run([str(Path(sys.executable).parent / "kosmochron"), "check",
                                str(path), "--format", "json", "--min-severity", "error"],
                               ok=(0, 1), stdout=subprocess.DEVNULL)
        runs["check"].append(wall)
        rss = max(rss, peak)
        words, _, _, _ = run([sys.executable, "-c", REPORT_CHILD, str(db)])
        report = json.loads(" ".join(words))
        runs["report"].append(report["wall"])
        runs["report_cpu"].append(report["cpu"])
        findings, progress = report["findings"], report["progress"]
        loads.append(os.getloadavg()[0])
    med = {k: statistics.median(v) for k, v in runs.items()}
    figures = {"file_mb": round(path.stat().st_size / 1e6, 1), "rounds": args.repeat,
               "floor_s": round(med["floor"], 2), "check_command_s": round(med["check"], 2),
               "check_ratio": round(med["check"] / med["floor"], 2),
               "check_peak_rss_mb": round(rss / 2**20, 1),
               "report_s": round(med["report"], 2),
               "report_worker_cpu_s": round(med["report_cpu"], 2),
               "report_findings": findings, "report_progress_seen": progress,
               "all_runs": {k: [round(x, 2) for x in v] for k, v in runs.items()},
               "load_average": [round(x, 1) for x in loads]}
    if args.json:
        print(json.dumps(figures))
        return 0
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    print(f"{'target':>20}: check < 30 s -> {'met' if med['check'] < 30 else 'MISSED'}")
    print(f"{'target':>20}: report <= 20 s -> {'met' if med['report'] <= 20 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
