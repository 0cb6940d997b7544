"""Validation speed: ``kosmochron check`` over the 100,000-launch corpus file.

    .venv/bin/python benchmarks/bench_check.py [--launches 100000] [--repeat 2]

Runs every rule over the corpus parsed on the fly (``kosmochron check FILE
--format json`` with the output discarded), best of ``--repeat``, with the
floor scan of the same file measured in the same run for scale.
Target (issue 5): under 30 s.
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
sys.path.insert(0, str(HERE))
from bench_parse import SHARED_TOOLS, corpus, run  # noqa: E402

COUNT_CHILD = """
import sys, time
from collections import Counter
from kosmochron.source import open_stream
from kosmochron.validate import check_entries
start = time.perf_counter()
stream = open_stream(sys.argv[1])
counts = Counter(f.severity for f in check_entries(stream.entries(), stream.reader.display))
print(time.perf_counter() - start, counts["info"], counts["warning"], counts["error"])
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--launches", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    path = corpus(args.launches)
    floor = min(float(run([sys.executable, str(SHARED_TOOLS / "floor_scan.py"), str(path)])[0][0])
                for _ in range(args.repeat))
    library, command, rss = float("inf"), float("inf"), 0
    counts: list[str] = []
    for _ in range(args.repeat):
        words, _, peak, _ = run([sys.executable, "-c", COUNT_CHILD, str(path)])
        library, counts = min(library, float(words[0])), words[1:]
        # The corpus shifts launch dates but not designators, so the check rightly
        # finds errors (cospar-year, cospar-failure-date) and exits 1.
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kosmochron", "check", str(path),
                                 "--format", "json", "--min-severity", "error"],
                                stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"kosmochron check failed with status {status}")
        command = min(command, time.perf_counter() - start)
        peak_cmd = usage.ru_maxrss * 1024
        rss = max(rss, peak, peak_cmd)
    figures = {"file_mb": round(path.stat().st_size / 1e6, 1), "floor_s": round(floor, 3),
               "check_library_s": round(library, 2), "check_command_s": round(command, 2),
               "findings_info": int(counts[0]), "findings_warning": int(counts[1]),
               "findings_error": int(counts[2]), "peak_rss_mb": round(rss / 2**20, 1)}
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>18}: {value}")
        print(f"{'target':>18}: check < 30 s -> "
              f"{'met' if figures['check_command_s'] < 30 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
