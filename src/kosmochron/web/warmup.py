"""What ``kosmochron serve`` prepares in the background as it starts, so that no
visitor's first page waits for it: FastAPI's routes (built on the first request that
reaches each router), the interplanetary-transfer machinery (importing numba,
lamberthub and skyfield, and loading the compiled Lambert solver from numba's cache is
seconds the first launch page with a porkchop would otherwise pay), SciPy's Beta
quantiles (the statistics' intervals), and the world map's land outline at the sizes
pages draw it (100 ms to project, the same for every map).  Then everything the
start-up built is moved out of the garbage collector's sight (``gc.freeze``):
otherwise a collection of the oldest objects, every few hundred milliseconds of a busy
first minute, walked all of them (40 ms each, half the work of a first view of the GCAT
world record's home page).

Only the server runner asks for it (``WARM_VAR``); apps built for tests start cold.
The warm-up computes nothing of the data: answers are still computed on request.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import threading
from collections.abc import Iterable
from typing import Any

#: Set by :func:`kosmochron.web.server.serve` for its processes.
WARM_VAR = "KOSMOCHRON_WARM_UP"


def build_routes(routes: Iterable[Any]) -> int:
    """Have FastAPI build the routes of every router the app includes now; how many
    routers.  It builds them on the first request that reaches each router (every
    route's parameters analysed and their pydantic validators made: 185 ms for the web
    pages' routes, paid by the first page anyone asked for); it keeps them under a lock,
    so a request meanwhile waits or finds them built."""
    built = 0
    for route in routes:
        candidates = getattr(route, "effective_candidates", None)
        if callable(candidates):
            built += 1 + build_routes(candidates())
            lower = getattr(route, "effective_low_priority_routes", None)
            if callable(lower):
                lower()
    return built


def warm_up(routes: Iterable[Any] = ()) -> None:
    """Build the app's routes, import the transfer machinery and run it once, draw the
    map's land, then freeze what start-up built (in this thread)."""
    with contextlib.suppress(Exception):  # a warm-up that fails costs only its time
        build_routes(routes)
    with contextlib.suppress(Exception):
        from ..transfers import porkchop

        porkchop(dt.date(1971, 5, 19), "Mars", window_days=2, n_departure=3, n_arrival=3)
    with contextlib.suppress(Exception):
        from ..stats import jeffreys_interval

        jeffreys_interval(1, 2)  # imports SciPy's Beta quantiles (0.3 s)
    with contextlib.suppress(Exception):
        from .map import MAP_WIDTHS, site_map_svg

        for width in MAP_WIDTHS:
            site_map_svg([], title="", width=width)
    gc.collect()
    gc.freeze()


def start(routes: Iterable[Any] = ()) -> None:
    """Warm up (with the app's ``routes``) in a background thread when the server
    runner asked for it."""
    if os.environ.get(WARM_VAR):
        threading.Thread(target=warm_up, args=(list(routes),), name="kosmochron-warm-up",
                         daemon=True).start()
