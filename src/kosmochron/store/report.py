"""The whole chronology's validation report, checked in the background once per data
version, in parallel, with its progress known while it runs.

Checking re-parses every stored entry and runs every rule over it (a few seconds of
Python per 10,000 entries), so a server does it in worker processes (at a lower
priority than serving) while its pages say how far it has got.  The entries are cut
into contiguous parts, one per worker; a part that starts after the beginning of a
source is first told of the entries before it (what :func:`kosmochron.validate.remember`
keeps: the last dated entry, the first payload with each designator and satellite
number, read from the stored columns by :func:`~kosmochron.store.findings.remember_stored`),
so the parts' findings, put end to end, are exactly those of one check from the
start (:func:`~kosmochron.store.findings.check_stored`).
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..validate import Finding, check_entry
from .budget import QueryCancelled
from .findings import check_stored, context_for, gcat_lookup, remember_stored, stored_entries
from .schema import entries, sources

#: At most this many checking processes (the checks share the machine with serving).
MAX_WORKERS = 2
#: Entries from which the check is shared between the workers.
PARALLEL_FROM = 10_000
#: How often a worker says how far it has got, in entries.
PROGRESS_EVERY = 250
#: How often a worker hands its findings over, in entries: the server takes them in
#: while the check goes on rather than all at the end.
HAND_OVER_EVERY = 2_000


@dataclass(frozen=True, slots=True)
class Part:
    """The entries of one source from place ``first`` to place ``last`` (its ``seq``s)."""

    source_id: int
    path: str
    first: int
    last: int


def plan(conn: Connection, workers: int) -> tuple[list[list[Part]], int]:
    """The stored entries in source order cut into ``workers`` runs of about the same
    length (each a list of parts, one per source it spans), and their number."""
    paths = dict(conn.execute(sa.select(sources.c.id, sources.c.path)).all())
    places = conn.execute(sa.select(entries.c.source_id, entries.c.seq)
                          .order_by(entries.c.source_id, entries.c.seq)).all()
    size = max(1, math.ceil(len(places) / max(1, workers)))
    runs: list[list[Part]] = []
    for start in range(0, len(places), size):
        run = places[start:start + size]
        parts: list[Part] = []
        for source_id, seq in run:
            if parts and parts[-1].source_id == source_id:
                parts[-1] = Part(source_id, parts[-1].path, parts[-1].first, seq)
            else:
                parts.append(Part(source_id, paths[source_id], seq, seq))
        runs.append(parts)
    return runs, len(places)


def check_chunks(conn: Connection, parts: list[Part],
                 progress: Any = None) -> Iterator[list[Finding]]:
    """The findings of a run of parts, each checked as a check from its source's start
    would check it, a chunk for every :data:`HAND_OVER_EVERY` entries; ``progress`` (a
    shared counter, or None) counts the entries done."""
    gcat = gcat_lookup(conn)
    found: list[Finding] = []
    done = 0
    for part in parts:
        ctx = context_for(part.path, gcat)
        if part.first > 0:
            remember_stored(conn, ctx, part.source_id, part.first)
        for entry_id, item_ids, entry in stored_entries(conn, part.source_id,
                                                        seqs=(part.first, part.last)):
            ctx.entry_id, ctx.item_ids = entry_id, item_ids
            found.extend(check_entry(ctx, entry))
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                with progress.get_lock():
                    progress.value += PROGRESS_EVERY
            if done % HAND_OVER_EVERY == 0:
                yield found
                found = []
    if progress is not None:
        with progress.get_lock():
            progress.value += done % PROGRESS_EVERY
    yield found


def check_run(conn: Connection, parts: list[Part], progress: Any = None) -> list[Finding]:
    """:func:`check_chunks` in one list."""
    return [finding for chunk in check_chunks(conn, parts, progress) for finding in chunk]


_PROGRESS: Any = None
_HAND_OVER: Any = None


def _worker_start(progress: Any, hand_over: Any, parent: int) -> None:
    """In each checking process: keep the shared counter and queue, yield to serving,
    and end with the server (a killed server must not leave its checkers running, nor
    blocked for ever on handing their results to nobody)."""
    global _PROGRESS, _HAND_OVER
    _PROGRESS, _HAND_OVER = progress, hand_over
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    with contextlib.suppress(OSError):
        os.nice(10)  # serving comes first


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _check_url(url: str, run: int, parts: list[Part]) -> int:
    """:func:`check_chunks` over the database at ``url``, in a checking process: each
    chunk is handed over as it is done, as (run, finding rows); returns how many."""
    from .db import Settings, make_engine

    engine = make_engine(Settings(url, seed_if_empty=False))
    chunks = 0
    try:
        with engine.connect() as conn:
            for chunk in check_chunks(conn, parts, _PROGRESS):
                _HAND_OVER.put((run, [finding.as_row() for finding in chunk]))
                chunks += 1
        return chunks
    finally:
        engine.dispose()


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's worker processes now (3.11's pool can only wait for them); its
    shutdown then finds them gone and returns at once."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)


class Report:
    """The whole chronology's findings, checked once per data version in the
    background (a thread that waits on the checking processes), so a page asks
    :meth:`ready` with a short wait and can say how far the check has got instead of
    holding its request, while every caller shares one check."""

    def __init__(self, engine: Engine, workers: int | None = None) -> None:
        self._engine = engine
        self._workers = workers or max(1, min(MAX_WORKERS, os.cpu_count() or 1))
        self._lock = threading.Lock()
        #: (data version, findings, how many of each rule and severity) of the last
        #: finished check (counted as it finishes: a report page shows the counts of
        #: 454,241 findings, which took longer to count than the page to draw).
        self._done: tuple[str, list[Finding], Counter[tuple[str, str]]] | None = None
        #: (data version, finished, error) of the check running or last run.
        self._running: tuple[str, threading.Event, list[BaseException]] | None = None
        #: (entries checked, entries in all) of the check running.
        self._progress: tuple[int, int] = (0, 0)
        #: Set by :meth:`close`: a check in progress stops.
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None

    def _start(self, version: str) -> tuple[threading.Event, list[BaseException]]:
        with self._lock:
            running = self._running
            # A check that failed stays failed for its data version: every request would
            # otherwise start the whole check again (a value it could not compute with
            # once made each request to /findings re-run it).
            if running is not None and running[0] == version:
                return running[1], running[2]
            finished, errors = threading.Event(), list[BaseException]()
            self._running = (version, finished, errors)
            if self._done is not None and self._done[0] == version:
                finished.set()
                return finished, errors
            self._progress = (0, self._count())
        self._thread = threading.Thread(target=self._check, args=(version, finished, errors),
                                        daemon=True, name="kosmochron-check")
        self._thread.start()
        return finished, errors

    def close(self) -> None:
        """Stop a check in progress (a server shutting down): its processes are ended and
        its pool shut down before the interpreter exits, which would otherwise find the
        pool's semaphores still registered and warn of them as leaked."""
        self._closing.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _count(self) -> int:
        """How many entries a check will check (known at once, for its progress)."""
        with self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(entries))
                       .scalar_one())

    def _check(self, version: str, finished: threading.Event,
               errors: list[BaseException]) -> None:
        try:
            found = self._check_elsewhere()
            counted: Counter[tuple[str, str]] = Counter((f.rule, f.severity) for f in found)
            with self._lock:
                self._done = (version, found, counted)
        except BaseException as exc:  # handed to the callers that wait for it
            errors.append(exc)
        finally:
            finished.set()

    def _check_elsewhere(self) -> list[Finding]:
        """Check in processes of their own, at a lower priority, where the database
        allows it (a file or a server, not SQLite in memory): in a thread, the check
        would hold the interpreter's lock away from every request."""
        url = self._engine.url
        with self._engine.connect() as conn:
            total = int(conn.execute(sa.select(sa.func.count()).select_from(entries))
                        .scalar_one())
            # A second process costs a second start (a second or two): worth it only
            # for a big chronology.
            runs, total = plan(conn, self._workers if total >= PARALLEL_FROM else 1)
            self._progress = (0, total)
            if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
                found = list(check_stored(conn))
                self._progress = (total, total)
                return found
        context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        counter, hand_over = context.Value("q", 0), context.Queue()
        address = url.render_as_string(hide_password=False)
        try:
            with ProcessPoolExecutor(max_workers=len(runs) or 1, mp_context=context,
                                     initializer=_worker_start,
                                     initargs=(counter, hand_over, os.getpid())) as pool:
                futures: list[Future[int]] = [pool.submit(_check_url, address, k, run)
                                              for k, run in enumerate(runs)]
                try:
                    taken = self._take_over(futures, hand_over, counter, total)
                except BaseException:
                    # A worker's error: the others may still be handing findings over
                    # that nobody will read, and would wait on the queue for ever.
                    _end_workers(pool)
                    raise
                if taken is None:
                    _end_workers(pool)
        finally:
            hand_over.close()
        # Nothing of the pool outlives it: an exception's frames would keep the counter
        # (and its semaphore) alive until the interpreter's exit warned of it as leaked.
        del counter, hand_over, futures, pool
        if taken is None:
            raise QueryCancelled("shutdown", 0.0)
        self._progress = (total, total)
        return taken

    def _take_over(self, futures: list[Future[int]], hand_over: Any, counter: Any,
                   total: int) -> list[Finding] | None:
        """The runs' findings put end to end, taken from the workers chunk by chunk while
        they check (454,241 findings handed over at the end took 10 s after the last
        entry was checked), or None if the store closes first."""
        runs: list[list[Finding]] = [[] for _ in futures]
        taken = [0] * len(futures)
        while True:
            if self._closing.is_set():
                return None
            with contextlib.suppress(queue.Empty):
                run, rows = hand_over.get(timeout=0.1)
                runs[run].extend(map(Finding.from_row, rows))
                taken[run] += 1
                continue
            self._progress = (min(counter.value, total), total)
            # A worker's error (or a dead worker) is raised here, as its result.
            if all(f.done() for f in futures) and taken == [f.result() for f in futures]:
                return [finding for run_found in runs for finding in run_found]

    def ready(self, version: str, wait: float) -> bool:
        """Whether the findings of ``version`` are ready, starting their check if
        needed and waiting up to ``wait`` seconds for it."""
        finished, _ = self._start(version)
        return finished.wait(wait)

    def progress(self) -> tuple[int, int]:
        """(entries checked, entries in all) of the check running (or last run)."""
        return self._progress

    def findings(self, version: str) -> list[Finding]:
        """The findings of ``version``, waiting for their check as long as it takes."""
        return self._finished(version)[1]

    def counts(self, version: str) -> Counter[tuple[str, str]]:
        """How many findings of ``version`` each (rule, severity) has."""
        return self._finished(version)[2]

    def _finished(self, version: str) -> tuple[str, list[Finding], Counter[tuple[str, str]]]:
        finished, errors = self._start(version)
        finished.wait()
        if errors:
            raise errors[0]
        with self._lock:
            assert self._done is not None and self._done[0] == version
            return self._done
