"""Porkchop speed: 100 × 100 Lambert arcs from DE421, and the default Mars window.

    .venv/bin/python benchmarks/bench_porkchop.py [--repeat 5] [--cold]

Times, in this process: importing :mod:`kosmochron.transfers` (NumPy, Skyfield,
Numba, lamberthub), loading DE421 from ``skyfield-data``, the first grid (which
loads the compiled Lambert loop from Numba's on-disk cache, or compiles it: a few
seconds, once per checkout; ``--cold`` forces that by using an empty cache
directory), then the best of ``--repeat`` warm runs of

* a 100 × 100 departure × arrival grid around Mars 2's launch in which every
  cell is solved (10,000 Lambert arcs; departures 1971-03-20…07-18, arrivals
  1971-09-26…1972-08-21), split into the two vectorised ephemeris calls and
  the rest;
* ``porkchop(1971-05-19, "Mars")``: the default one-day 121 × 401 grid, cells
  outside 120-400 days of flight left unsolved.

Target (issue "interplanetary transfers"): the 100 × 100 grid in under 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

TARGET_S = 2.0
LAUNCH = dt.datetime(1971, 5, 19, 12, tzinfo=dt.UTC)


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cold", action="store_true",
                        help="compile the Lambert loop afresh (empty Numba cache)")
    args = parser.parse_args(argv)
    cold = tempfile.TemporaryDirectory() if args.cold else None
    if cold is not None:
        os.environ["NUMBA_CACHE_DIR"] = cold.name

    start = time.perf_counter()
    from kosmochron import transfers as tr

    imported = time.perf_counter() - start
    start = time.perf_counter()
    eph = tr.ephemeris()
    loaded = time.perf_counter() - start

    deps = [LAUNCH + dt.timedelta(days=float(d)) for d in np.linspace(-60, 60, 100)]
    arrs = [LAUNCH + dt.timedelta(days=float(d)) for d in np.linspace(130, 460, 100)]

    def grid() -> tr.Grid:
        return tr.lambert_grid(deps, arrs, "Mars")

    start = time.perf_counter()
    first = grid()
    first_s = time.perf_counter() - start
    solved = int(np.isfinite(first.c3).sum())
    assert solved == 10_000, solved

    warm = best_of(args.repeat, grid)
    ephem = best_of(args.repeat, lambda: (tr._states(eph, "earth", deps),
                                          tr._states(eph, "mars", arrs)))
    window = best_of(args.repeat, lambda: tr.porkchop(LAUNCH.date(), "Mars"))
    pork = tr.porkchop(LAUNCH.date(), "Mars")
    assert pork.best is not None
    cells = int(np.isfinite(pork.grid.c3).sum())

    print(f"import kosmochron.transfers  {imported:8.3f} s")
    print(f"load DE421                   {loaded:8.3f} s")
    print(f"first 100x100 grid           {first_s:8.3f} s  "
          f"({'compiled' if cold else 'Numba cache, or compiled if stale'})")
    print(f"100x100 grid, warm           {warm:8.3f} s  ({solved} Lambert arcs; "
          f"ephemeris {ephem:.3f} s, {warm / solved * 1e6:.1f} us per arc)")
    print(f"porkchop 1971 Mars, warm     {window:8.3f} s  ({pork.grid.c3.shape[0]}x"
          f"{pork.grid.c3.shape[1]} grid, {cells} arcs; min C3 "
          f"{pork.best.c3_km2_s2:.3f} km2/s2 on {pork.best.depart:%Y-%m-%d})")
    # A cold first call includes the one-off JIT compilation, so only the warm
    # time is held to the target then.
    ok = warm < TARGET_S and (cold is not None or first_s < TARGET_S)
    verdict = "OK" if ok else "SLOW"
    print(f"target: 100x100 under {TARGET_S:.0f} s "
          f"({'warm' if cold else 'warm and first call'}): {verdict}")
    if cold is not None:
        cold.cleanup()
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    raise SystemExit(main())
