"""Parse speed, memory and start-up on the 100,000-launch corpus, as ratios to the floor scan.

    .venv/bin/python benchmarks/bench_parse.py [--launches 100000] [--repeat 3] [--json]

Builds the corpus once with ``../shared/tools/make_corpus.py`` (about 112 MB, cached
outside the repository, in ``$KOSMOCHRON_BENCH_DIR`` or ``/tmp/kosmochron-bench``), then,
in one run, on the same file and interleaved round by round so that every figure sees
the same machine, times in processes of their own:

* the floor: ``../shared/tools/floor_scan.py`` (one regex pass that only finds tokens);
* the model: Kosmochron's streaming parser, every entry, item and field built as
  typed model objects;
* ``kosmochron parse FILE --format ndjson`` and ``--format json`` end to end (start-up,
  parse, JSON written to ``/dev/null``);
* start-up: ``kosmochron --version`` and ``kosmochron parse`` of the bundled seed
  (21 launches), beside ``python -c pass``.

Reports medians of ``--repeat`` rounds and their ratios to the floor's median (wall
time, and CPU time, which other work on the machine disturbs less), peak RSS and the
machine's load average.  Targets (issue 15): model <= 1.5x the floor, parse end
to end <= 2.5x, peak RSS <= 300 MB, start-up <= 150 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
#: ``../shared/tools`` beside the repository (or beside the worktrees' folder).
SHARED_TOOLS = next((p / "shared" / "tools" for p in (REPO.parent, REPO.parent.parent)
                     if (p / "shared" / "tools").is_dir()), REPO.parent / "shared" / "tools")
#: Corpora are large and generated: never inside the repository.
OUT = Path(os.environ.get("KOSMOCHRON_BENCH_DIR")
           or Path(tempfile.gettempdir()) / "kosmochron-bench")

MODEL_CHILD = """
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
        OUT.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        subprocess.run([sys.executable, str(SHARED_TOOLS / "make_corpus.py"),
                        "--launches", str(launches), "-o", str(tmp)], check=True)
        tmp.rename(path)
    return path


def run(argv: list[str], ok: tuple[int, ...] = (0,),
        stdout: int = subprocess.PIPE) -> tuple[list[str], float, int, float]:
    """(stdout words, wall seconds, peak RSS in bytes, CPU seconds) of one child process;
    ``stdout=subprocess.DEVNULL`` discards the output (the words are then empty)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read() if proc.stdout is not None else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise SystemExit(f"{argv[:4]} failed with status {proc.returncode}")
    return out.split(), wall, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def startup(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--launches", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--starts", type=int, default=10, help="start-up runs per round")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    path = corpus(args.launches)
    kosmochron = [str(Path(sys.executable).parent / "kosmochron")]
    floor_scan = [sys.executable, str(SHARED_TOOLS / "floor_scan.py"), str(path)]
    wall: dict[str, list[float]] = {k: [] for k in ("floor", "model", "ndjson", "json",
                                                  "python", "version", "parse_seed")}
    cpu: dict[str, list[float]] = {k: [] for k in ("floor", "model", "ndjson", "json")}
    rss: dict[str, int] = {"model": 0, "ndjson": 0, "json": 0}
    counts: list[str] = []
    loads = [os.getloadavg()[0]]
    for _ in range(args.repeat):  # interleaved, so every figure sees the same machine
        words, _, _, used = run(floor_scan)
        wall["floor"].append(float(words[0]))
        cpu["floor"].append(used)
        words, _, peak, used = run([sys.executable, "-c", MODEL_CHILD, str(path)])
        wall["model"].append(float(words[0]))
        cpu["model"].append(used)
        counts, rss["model"] = words[1:], max(rss["model"], peak)
        for fmt in ("ndjson", "json"):
            # Out to /dev/null: the command's own work, not a reader's or a pipe's.
            _, seconds, peak, used = run([*kosmochron, "parse", str(path), "--format", fmt],
                                         ok=(0, 1), stdout=subprocess.DEVNULL)
            wall[fmt].append(seconds)
            cpu[fmt].append(used)
            rss[fmt] = max(rss[fmt], peak)
        for _ in range(args.starts):
            wall["python"].append(startup([sys.executable, "-c", "pass"]))
            wall["version"].append(startup([*kosmochron, "--version"]))
            wall["parse_seed"].append(startup([*kosmochron, "parse"]))
        loads.append(os.getloadavg()[0])
    med = {k: statistics.median(v) for k, v in wall.items()}
    cpu_med = {k: statistics.median(v) for k, v in cpu.items()}
    floor = med["floor"]
    figures = {
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "entries": int(counts[0]), "items": int(counts[1]), "item_parts": int(counts[2]),
        "rounds": args.repeat,
        "floor_s": round(floor, 3),
        "model_s": round(med["model"], 3), "model_ratio": round(med["model"] / floor, 2),
        "ndjson_s": round(med["ndjson"], 3), "ndjson_ratio": round(med["ndjson"] / floor, 2),
        "json_s": round(med["json"], 3), "json_ratio": round(med["json"] / floor, 2),
        "cpu_s": {k: round(v, 2) for k, v in cpu_med.items()},
        "cpu_ratio": {k: round(v / cpu_med["floor"], 2) for k, v in cpu_med.items()
                      if k != "floor"},
        "peak_rss_mb": {k: round(v / 2**20, 1) for k, v in rss.items()},
        "python_pass_ms": round(med["python"] * 1000),
        "version_ms": round(med["version"] * 1000),
        "parse_seed_ms": round(med["parse_seed"] * 1000),
        "all_runs": {k: [round(x, 3) for x in v] for k, v in wall.items()
                     if k in ("floor", "model", "ndjson", "json")},
        "load_average": [round(x, 1) for x in loads],
    }
    if args.json:
        print(json.dumps(figures))
        return 0
    for key, value in figures.items():
        print(f"{key:>15}: {value}")
    checks = {"model <= 1.5x": figures["model_ratio"] <= 1.5,
              "ndjson <= 2.5x": figures["ndjson_ratio"] <= 2.5,
              "json <= 2.5x": figures["json_ratio"] <= 2.5,
              "peak RSS <= 300 MB": max(rss.values()) <= 300 * 2**20,
              "--version <= 150 ms": figures["version_ms"] <= 150,
              "parse seed <= 150 ms": figures["parse_seed_ms"] <= 150}
    for name, ok in checks.items():
        print(f"{'target':>15}: {name} -> {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
