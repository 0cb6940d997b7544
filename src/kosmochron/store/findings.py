"""Validation over the stored chronology: entries in source order with their ids,
and GCAT lookups from the imported catalog.

The rules themselves live in :mod:`kosmochron.validate` and know nothing of the
database; this module feeds them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..model import Cospar, Entry
from ..validate import Context, Finding, GcatLookup, check_entry
from .crosswalk import load_index
from .query import reparse
from .schema import entries, gcat_payloads, items, sources


def stored_entries(conn: Connection, source_id: int,
                   batch: int = 2000) -> Iterator[tuple[int, list[int], Entry]]:
    """(entry id, payload ids, model entry) of one source, in source order, streamed."""
    path = conn.execute(sa.select(sources.c.path).where(sources.c.id == source_id)).scalar_one()
    last_seq = -1
    while True:
        rows = conn.execute(sa.select(entries.c.id, entries.c.seq, entries.c.line, entries.c.raw)
                            .where(entries.c.source_id == source_id, entries.c.seq > last_seq)
                            .order_by(entries.c.seq).limit(batch)).all()
        if not rows:
            return
        ids = [r.id for r in rows]
        item_ids: dict[int, list[int]] = {i: [] for i in ids}
        for entry_id, item_id in conn.execute(
                sa.select(items.c.entry_id, items.c.id).where(items.c.entry_id.in_(ids))
                .order_by(items.c.entry_id, items.c.seq)):
            item_ids[entry_id].append(item_id)
        for r in rows:
            yield r.id, item_ids[r.id], reparse(r.raw, path, r.line)
        last_seq = rows[-1].seq


def gcat_lookup(conn: Connection) -> GcatLookup | None:
    """A lookup over the imported GCAT rows (held in memory: ~22,000 small rows),
    or None when no catalog has been imported."""
    index = load_index(conn, _RULE_COLUMNS)
    return index if index else None


#: The GCAT columns the rules read (not every column as written: that is heavy).
_RULE_COLUMNS = ("jcat", "satcat", "piece", "name", "launch_date_text", "launch_date",
                 "program", "result", "t_last", "t_last_start", "t_last_end", "un_perigee_km",
                 "un_apogee_km", "un_inc_deg", "catalog")


def check_stored(conn: Connection) -> Iterator[Finding]:
    """Every rule over every stored source, in source order."""
    gcat = gcat_lookup(conn)
    for source_id, path in conn.execute(sa.select(sources.c.id, sources.c.path)
                                        .order_by(sources.c.id)).all():
        ctx = Context(path, gcat)
        for entry_id, item_ids, entry in stored_entries(conn, source_id):
            ctx.entry_id, ctx.item_ids = entry_id, item_ids
            yield from check_entry(ctx, entry)


def _earlier_items(conn: Connection, source_id: int, seq: int,
                   condition: sa.ColumnElement[bool]) -> list[Any]:
    """Items of entries before ``seq`` in the source matching ``condition``, first first."""
    return list(conn.execute(
        sa.select(items.c.name, items.c.line, items.c.cospar_normalized, items.c.satcat)
        .join(entries, entries.c.id == items.c.entry_id)
        .where(entries.c.source_id == source_id, entries.c.seq < seq, condition)
        .order_by(entries.c.seq.desc(), items.c.seq.desc())))


def check_one(conn: Connection, entry_id: int) -> list[Finding]:
    """The findings of one stored entry, as a run over its whole source gives them,
    without checking the whole source: the context the rules need from earlier
    entries (the last dated entry, the first payload with each of this entry's
    designators and satellite numbers) is read from the database."""
    row = conn.execute(sa.select(entries.c.source_id, entries.c.seq, entries.c.line,
                                 entries.c.raw, sources.c.path)
                       .join(sources, sources.c.id == entries.c.source_id)
                       .where(entries.c.id == entry_id)).first()
    if row is None:
        return []
    entry = reparse(row.raw, row.path, row.line)
    item_ids = list(conn.execute(sa.select(items.c.id).where(items.c.entry_id == entry_id)
                                 .order_by(items.c.seq)).scalars())
    ctx = Context(row.path, _gcat_rows(conn), entry_id, item_ids)
    previous = conn.execute(
        sa.select(entries.c.line, entries.c.raw)
        .where(entries.c.source_id == row.source_id, entries.c.seq < row.seq,
               entries.c.date_start.is_not(None), entries.c.date_end.is_not(None))
        .order_by(entries.c.seq.desc()).limit(1)).first()
    if previous is not None:
        ctx.previous = reparse(previous.raw, row.path, previous.line)
    designators = {c.normalized or c.text for i in entry.items
                   if isinstance(c := i.typed("COSPAR"), Cospar) and c.kind != "placeholder"}
    satcats = {n for i in entry.items if isinstance(n := i.typed("USAF Sat Cat"), int)}
    if designators:
        # desc order then setdefault-by-overwrite: the earliest occurrence wins.
        for name, line, normalized, _ in _earlier_items(
                conn, row.source_id, row.seq, items.c.cospar_normalized.in_(designators)):
            ctx.designators[normalized] = (name, line)
    if satcats:
        for name, line, _, satcat in _earlier_items(conn, row.source_id, row.seq,
                                                    items.c.satcat.in_(satcats)):
            ctx.satcats[satcat] = (name, line)
    return list(check_entry(ctx, entry))


def _gcat_rows(conn: Connection) -> GcatLookup | None:
    """A GCAT lookup that asks the database per payload (one entry needs a few rows,
    not the whole catalog in memory)."""
    if conn.execute(sa.select(gcat_payloads.c.jcat).limit(1)).first() is None:
        return None

    def lookup(satcat: int | None, piece: str | None,
               launched: tuple[dt.date, dt.date] | None = None) -> list[dict[str, Any]]:
        g = gcat_payloads
        keys = [g.c.satcat == satcat] if satcat is not None else []
        keys += [g.c.piece == piece] if piece else []
        if launched is not None:
            keys.append(g.c.launch_date.between(*launched))
        if not keys:
            return []
        return [dict(r._mapping) for r in conn.execute(
            sa.select(*(g.c[c] for c in _RULE_COLUMNS)).where(sa.or_(*keys)).order_by(g.c.jcat))]

    return lookup


def _check_url(url: str, parent: int) -> list[Finding]:
    """:func:`check_stored` of the database at ``url``, in a checking process that
    ends as soon as its ``parent`` (the server) does."""
    from .db import Settings, make_engine

    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    with contextlib.suppress(OSError):
        os.nice(10)  # serving comes first
    engine = make_engine(Settings(url, seed_if_empty=False))
    try:
        with engine.connect() as conn:
            return list(check_stored(conn))
    finally:
        engine.dispose()


def _end_with(parent: int) -> None:
    """End this process when ``parent`` has ended (this process then has a new parent):
    a killed server must not leave its checker running, nor blocked for ever on
    handing its result to nobody."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


class Report:
    """The whole chronology's findings, checked once per data version in the
    background (a thread that waits on a checking process): checking re-parses every
    stored entry (about a minute for 100,000 on a slow machine), so a page asks
    :meth:`ready` with a short wait and can say "being prepared" instead of holding
    its request, while every caller shares one check."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        #: (data version, findings) of the last finished check.
        self._done: tuple[str, list[Finding]] | None = None
        #: (data version, finished, error) of the check running or last run.
        self._running: tuple[str, threading.Event, list[BaseException]] | None = None

    def _start(self, version: str) -> tuple[threading.Event, list[BaseException]]:
        with self._lock:
            running = self._running
            if running is not None and running[0] == version and not running[2]:
                return running[1], running[2]
            finished, errors = threading.Event(), list[BaseException]()
            self._running = (version, finished, errors)
            if self._done is not None and self._done[0] == version:
                finished.set()
                return finished, errors
        threading.Thread(target=self._check, args=(version, finished, errors), daemon=True,
                         name="kosmochron-check").start()
        return finished, errors

    def _check(self, version: str, finished: threading.Event,
               errors: list[BaseException]) -> None:
        try:
            found = self._check_elsewhere()
            with self._lock:
                self._done = (version, found)
        except BaseException as exc:  # handed to the callers that wait for it
            errors.append(exc)
        finally:
            finished.set()

    def _check_elsewhere(self) -> list[Finding]:
        """Check in a process of its own, at a lower priority, where the database allows
        it (a file or a server, not SQLite in memory): the check is a minute of Python,
        and in a thread it would hold the interpreter's lock away from every request."""
        url = self._engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            with self._engine.connect() as conn:
                return list(check_stored(conn))
        context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            return pool.submit(_check_url, url.render_as_string(hide_password=False),
                               os.getpid()).result()

    def ready(self, version: str, wait: float) -> bool:
        """Whether the findings of ``version`` are ready, starting their check if
        needed and waiting up to ``wait`` seconds for it."""
        finished, _ = self._start(version)
        return finished.wait(wait)

    def findings(self, version: str) -> list[Finding]:
        """The findings of ``version``, waiting for their check as long as it takes."""
        finished, errors = self._start(version)
        finished.wait()
        if errors:
            raise errors[0]
        with self._lock:
            assert self._done is not None and self._done[0] == version
            return self._done[1]
