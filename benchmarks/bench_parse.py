"""Parse speed and memory on the 100,000-launch corpus, as ratios to the floor scan.

    .venv/bin/python benchmarks/bench_parse.py [--launches 100000] [--repeat 3]

Builds the corpus once with ``../shared/tools/make_corpus.py`` (about 112 MB,
cached in ``benchmarks/out/``), then, in one run and on the same file, times
``../shared/tools/floor_scan.py`` (one regex pass that only finds tokens) and
Kosmochron's streaming parser (every entry, item and field built as typed model
objects), each in its own process so that peak RSS is the parser's own.
Reports best-of-N seconds, the parse/floor ratio and the parser's peak RSS.
Targets (issue 2): ratio <= 2.0, peak RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED_TOOLS = REPO.parent / "shared" / "tools"
OUT = HERE / "out"

PARSE_CHILD = """
import sys, time
from kosmochron.source import open_stream
start = time.perf_counter()
entries = items = fields = 0
for entry in open_stream(sys.argv[1]).entries():
    entries += 1
    for item in entry.items:
        items += 1
        fields += len(item.parts)
print(time.perf_counter() - start, entries, items, fields)
"""


def corpus(launches: int) -> Path:
    path = OUT / f"corpus-{launches}.txt"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        tmp = path.with_suffix(".tmp")
        subprocess.run([sys.executable, str(SHARED_TOOLS / "make_corpus.py"),
                        "--launches", str(launches), "-o", str(tmp)], check=True)
        tmp.rename(path)
    return path


def run(argv: list[str]) -> tuple[list[str], float, int]:
    """(stdout words, wall seconds, peak RSS in bytes) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{argv[:3]} failed with status {proc.returncode}")
    return out.split(), wall, usage.ru_maxrss * 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--launches", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    path = corpus(args.launches)
    floor_runs, parse_runs, rss = [], [], 0
    counts: list[str] = []
    for _ in range(args.repeat):  # interleaved, so both see the same machine state
        words, _, _ = run([sys.executable, str(SHARED_TOOLS / "floor_scan.py"), str(path)])
        floor_runs.append(float(words[0]))
        words, _, peak = run([sys.executable, "-c", PARSE_CHILD, str(path)])
        parse_runs.append(float(words[0]))
        counts = words[1:]
        rss = max(rss, peak)
    floor, parse = min(floor_runs), min(parse_runs)
    figures = {
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "entries": int(counts[0]),
        "items": int(counts[1]),
        "item_parts": int(counts[2]),
        "floor_s": round(floor, 3),
        "parse_s": round(parse, 3),
        "ratio": round(parse / floor, 2),
        "parse_mb_per_s": round(path.stat().st_size / 1e6 / parse, 1),
        "peak_rss_mb": round(rss / 2**20, 1),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>14}: {value}")
        ok = figures["ratio"] <= 2.0 and figures["peak_rss_mb"] <= 300
        print(f"{'targets':>14}: ratio <= 2.0, peak RSS <= 300 MB -> {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
