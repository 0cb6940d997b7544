"""The database side of narrative events and interplanetary transfers.

**Events** (:mod:`kosmochron.events`) are read from a payload's narrative on its
first request and kept in the ``events`` table, not at ingest: reading every
narrative costs about three times the rest of an ingest (4.7 s against 1.5 s for
a 12 MB slice of the 100,000-launch corpus), while one payload takes a third of a
millisecond.  A payload whose narrative tells no event has no rows and is simply
read again when asked (it is that cheap).  Stored events are dropped when the
rules that found them change: ``transfer_cache`` keeps the fingerprint of
:mod:`kosmochron.events` they were read with under the key ``events:rules``.

**Transfers** (:mod:`kosmochron.transfers`) are pure functions of a target and
dates, so their results are cached in ``transfer_cache`` under keys made of
exactly those inputs, whatever payload asked first:

* ``Mars:1971-05-19``: the porkchop window around a launch date, with its
  121 × 401 grid (computing it needs NumPy, Skyfield and Numba loaded, about a
  second in a fresh process, then 30 ms);
* ``arc:Mars:1971-05-19T16:22:00+00:00:1971-11-27``: the Lambert transfer from a
  launch instant to an arrival day and the geometry to draw it; for an arrival known
  to a month or a season, ``…:1966-03-01/1966-03-31``: the arc to the middle day and
  the arcs to the first and last days (``bounds``).

Each cached value carries the fingerprint of the code that computed it, so a
changed :mod:`kosmochron.transfers` recomputes rather than serving stale figures.
Whether a payload has a transfer at all, and which keys it needs, comes from
:mod:`kosmochron.targets`, which is light: a launch page of an Earth satellite,
or of a probe whose figures are cached, never imports the heavy module.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.util
import json
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from ..events import Event, EventKind, Span, item_events
from ..model import Entry, Item, Precision, VagueDate
from ..targets import PLANET_NAMES, arrival_event, launch_time, no_transfer_reason, target_of
from .query import QueryError, reparse
from .schema import entries, events, items, programs, sources, spacecraft_types, transfer_cache

if TYPE_CHECKING:
    from ..transfers import TransferReport

#: The ``transfer_cache`` key of the fingerprint of the rules the stored events were read with.
EVENTS_KEY = "events:rules"
#: Spacecraft families and programs that can make a payload planetary (see ``target_of``):
#: a cheap SQL pre-filter before the entries of a window are parsed.
_CRAFT_PREFIXES = tuple(name for names in PLANET_NAMES.values() for name in names)


@functools.cache
def fingerprint(module: str) -> str:
    """A digest of a module's source, without importing it: cached results carry it,
    and a change of the code that computed them makes them stale."""
    spec = importlib.util.find_spec(module)
    origin = spec.origin if spec is not None else None
    data = Path(origin).read_bytes() if origin else module.encode()
    return hashlib.sha256(data).hexdigest()[:16]


# -- payloads --------------------------------------------------------------------------


def load_payload(conn: Connection, item_id: int) -> tuple[int, Entry, Item]:
    """The entry id, the parsed entry and the item of payload ``item_id``."""
    row = conn.execute(
        sa.select(items.c.entry_id, items.c.seq, entries.c.raw, entries.c.line, sources.c.path)
        .join(entries, entries.c.id == items.c.entry_id)
        .join(sources, sources.c.id == entries.c.source_id)
        .where(items.c.id == item_id)).first()
    if row is None:
        raise QueryError(f"no payload with id {item_id}")
    entry = reparse(row.raw, row.path, row.line)
    if row.seq >= len(entry.items):
        raise QueryError(f"payload {item_id}: its stored entry has no item {row.seq}")
    return int(row.entry_id), entry, entry.items[row.seq]


# -- events ----------------------------------------------------------------------------


def _event_row(item_id: int, seq: int, e: Event) -> dict[str, Any]:
    d = e.date
    return {"item_id": item_id, "seq": seq, "kind": e.kind,
            "date_text": None if d is None else d.text,
            "date_precision": None if d is None else d.precision,
            "date_start": None if d is None else d.start,
            "date_end": None if d is None else d.end, "year_inferred": e.year_inferred,
            "body": e.body, "distance_km": e.distance_km, "detail": e.detail,
            "line": e.span.line, "column": e.span.column, "end_column": e.span.end_column,
            "text": e.span.text, "rule": e.rule}


def _from_row(r: Any) -> Event:
    date = None if r.date_text is None else VagueDate(
        r.date_text, cast(Precision, r.date_precision), r.date_start, r.date_end)
    return Event(cast(EventKind, r.kind), date, r.body, r.distance_km,
                 Span(r.line, r.column, r.end_column, r.text), r.rule, bool(r.year_inferred),
                 r.detail)


def _insert(engine: Engine, table: sa.Table) -> Any:
    """The dialect's INSERT, which has ON CONFLICT on both databases."""
    module = postgresql if engine.dialect.name == "postgresql" else sqlite
    return module.insert(table)


@contextmanager
def _unless_read_only() -> Iterator[None]:
    """Caching is an optimisation: where the database refuses the write (a read-only
    file, user or replica), the computed value is still served, just not kept."""
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.InternalError, sa.exc.ProgrammingError):
        return


def _check_rules(engine: Engine) -> None:
    """Drop every stored event if they were read with other rules than these."""
    current = fingerprint("kosmochron.events")
    with engine.connect() as conn:
        stored = conn.execute(sa.select(transfer_cache.c.data)
                              .where(transfer_cache.c.key == EVENTS_KEY)).scalar()
    if stored == current:
        return
    with _unless_read_only(), engine.begin() as conn:
        conn.execute(sa.delete(events))
        _put(engine, conn, EVENTS_KEY, current)


def events_for(engine: Engine, payloads: dict[int, tuple[Entry, Item]]) -> dict[int, list[Event]]:
    """Each payload's events (item id → events in source order): stored rows where
    there are some, else read from the narrative now and stored."""
    if not payloads:
        return {}
    _check_rules(engine)
    found: dict[int, list[Event]] = {item_id: [] for item_id in payloads}
    with engine.connect() as conn:
        for r in conn.execute(sa.select(events).where(events.c.item_id.in_(list(payloads)))
                              .order_by(events.c.item_id, events.c.seq)):
            found[r.item_id].append(_from_row(r))
    rows = []
    for item_id, (entry, item) in payloads.items():
        if not found[item_id]:
            found[item_id] = item_events(item, entry.date.start)
            rows += [_event_row(item_id, seq, e) for seq, e in enumerate(found[item_id])]
    if rows:
        # Another request may have stored the same payload's events meanwhile: same rows.
        with _unless_read_only(), engine.begin() as conn:
            conn.execute(_insert(engine, events).on_conflict_do_nothing(
                index_elements=[events.c.item_id, events.c.seq]), rows)
    return found


def payload_events(engine: Engine, item_id: int) -> list[Event]:
    """The events of payload ``item_id`` (QueryError if there is none)."""
    with engine.connect() as conn:
        _, entry, item = load_payload(conn, item_id)
    return events_for(engine, {item_id: (entry, item)})[item_id]


# -- the cache -------------------------------------------------------------------------


def _put(engine: Engine, conn: Connection, key: str, data: str) -> None:
    insert = _insert(engine, transfer_cache).values(
        key=key, data=data, computed_at=dt.datetime.now(dt.UTC))
    conn.execute(insert.on_conflict_do_update(
        index_elements=[transfer_cache.c.key],
        set_={"data": insert.excluded.data, "computed_at": insert.excluded.computed_at}))


def cached(engine: Engine, key: str, compute: Callable[[], Any]) -> Any:
    """The JSON value cached under ``key`` if the current code computed it, else
    ``compute()``, stored under ``key`` first."""
    code = fingerprint("kosmochron.transfers")
    with engine.connect() as conn:
        text = conn.execute(sa.select(transfer_cache.c.data)
                            .where(transfer_cache.c.key == key)).scalar()
    if text is not None:
        stored = json.loads(text)
        if isinstance(stored, dict) and stored.get("code") == code:
            return stored["value"]
    value = compute()
    text = json.dumps({"code": code, "value": value}, allow_nan=False)
    with _unless_read_only(), engine.begin() as conn:
        _put(engine, conn, key, text)
    return value


def window_key(target: str, launch: dt.date) -> str:
    return f"{target}:{launch.isoformat()}"


def arc_key(target: str, launch: dt.datetime, arrival: dt.date,
            last: dt.date | None = None) -> str:
    """The key of the arc from ``launch`` to ``arrival``, or to any day from ``arrival``
    to ``last`` (an arrival known to the month or the season)."""
    days = arrival.isoformat() if last is None or last == arrival else \
        f"{arrival.isoformat()}/{last.isoformat()}"
    return f"arc:{target}:{launch.isoformat()}:{days}"


def _window(engine: Engine, target: str, launch: dt.date) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        from .. import transfers

        return transfers.porkchop(launch, target).to_json(grid=True)

    return cast(dict[str, Any], cached(engine, window_key(target, launch), compute))


def _arc(engine: Engine, entry: Entry, item: Item, found: Sequence[Event], target: str,
         launch: dt.datetime, arrival: VagueDate) -> dict[str, Any]:
    """The arc to the arrival (to its middle day, with ``bounds`` the arcs to its first
    and last days, when it is known to a month or a season), cached."""
    def compute() -> dict[str, Any]:
        from .. import transfers

        none: dict[str, Any] = {"transfer": None, "geometry": None, "bounds": None}
        try:
            report: TransferReport | None = transfers.transfer_for(entry, item, found,
                                                                   window=False)
        except ValueError as exc:  # an arrival not after the launch: no arc
            return {**none, "note": str(exc)}
        arc = None if report is None else report.transfer
        if report is None or arc is None:
            return {**none, "note": "no Lambert solution"}
        solved = math.isfinite(arc.c3_km2_s2)
        return {"transfer": arc.to_json(),
                "geometry": transfers.transfer_geometry(arc).to_json() if solved else None,
                "bounds": None if report.bounds is None else
                [t.to_json() for t in report.bounds],
                "note": None if solved else "no Lambert solution"}

    assert arrival.start is not None
    key = arc_key(target, launch, arrival.start, arrival.end)
    return cast(dict[str, Any], cached(engine, key, compute))


# -- reports ---------------------------------------------------------------------------


def _planetary(conn: Connection, start: dt.date,
               end: dt.date) -> list[tuple[int, Entry, list[tuple[int, Item]]]]:
    """The day-dated launches from ``start`` to ``end`` with an item that may be
    planetary, parsed, each with those items and their ids: a superset (an SQL
    pre-filter on Class, Spacecraft and Type) that ``target_of`` then decides on."""
    maybe = sa.or_(items.c["class"] == "Planetary",
                   *(items.c.spacecraft.like(f"{p}%") for p in _CRAFT_PREFIXES),
                   items.c.program_id.in_(sa.select(programs.c.id).where(sa.or_(
                       *(programs.c.name.like(f"{p}%") for p in _CRAFT_PREFIXES)))),
                   items.c.type_id.in_(sa.select(spacecraft_types.c.id).where(sa.or_(
                       spacecraft_types.c.name.like("%Mars %"),
                       spacecraft_types.c.name.like("%Venus %")))))
    rows = conn.execute(
        sa.select(entries.c.id, entries.c.raw, entries.c.line, sources.c.path, items.c.id,
                  items.c.seq)
        .join(items, items.c.entry_id == entries.c.id)
        .join(sources, sources.c.id == entries.c.source_id)
        .where(entries.c.kind == "launch", entries.c.date_start >= start,
               entries.c.date_start <= end, entries.c.date_end == entries.c.date_start, maybe)
        .order_by(entries.c.date_start, entries.c.id, items.c.seq)).all()
    found: dict[int, tuple[Entry, list[tuple[int, Item]]]] = {}
    for entry_id, raw, line, path, item_id, seq in rows:
        if entry_id not in found:
            found[entry_id] = (reparse(raw, path, line), [])
        entry, chosen = found[entry_id]
        if seq < len(entry.items):
            chosen.append((item_id, entry.items[seq]))
    return [(entry_id, entry, chosen) for entry_id, (entry, chosen) in found.items()]


def window_launches(engine: Engine, target: str, start: dt.date,
                    end: dt.date) -> list[dict[str, Any]]:
    """The launches to ``target`` from ``start`` to ``end``, one per entry (its payload
    with a dated arrival, else its first payload bound there), in date order: what a
    porkchop marks.  A failed launch is listed too, with no arrival."""
    with engine.connect() as conn:
        candidates = _planetary(conn, start, end)
    bound = [(entry_id, entry, [(i, item) for i, item in chosen if target_of(item) == target])
             for entry_id, entry, chosen in candidates]
    found = events_for(engine, {i: (entry, item) for _, entry, chosen in bound
                                if entry.outcome != "failure" for i, item in chosen})
    marks = []
    for entry_id, entry, chosen in bound:
        if not chosen:
            continue
        arrivals = {i: arrival_event(found.get(i, []), target) for i, _ in chosen}
        item_id, item = next(((i, it) for i, it in chosen if arrivals[i] is not None),
                             chosen[0])
        launch = launch_time(entry)
        arrival = arrivals[item_id]
        marks.append({
            "entry_id": entry_id, "payload_id": item_id, "name": item.name,
            "outcome": entry.outcome, "launch": None if launch is None else launch.isoformat(),
            "arrival": _middle_day(arrival), "arrival_kind": None if arrival is None
            else arrival.kind})
    return marks


def _middle_day(arrival: Event | None) -> str | None:
    """The day a porkchop marks an arrival at: its day, or the middle of its interval."""
    date = None if arrival is None else arrival.date
    if date is None or date.start is None or date.end is None:
        return None
    return (date.start + (date.end - date.start) // 2).isoformat()


def _interval(arrival: Event | None) -> dict[str, Any] | None:
    """An arrival's dates when it is known only to a day range, a month or a season."""
    date = None if arrival is None else arrival.date
    if date is None or date.start is None or date.end is None or date.start == date.end:
        return None
    return {"text": date.text, "precision": date.precision, "start": date.start.isoformat(),
            "end": date.end.isoformat()}


def no_transfer(engine: Engine, item_id: int) -> str | None:
    """Why payload ``item_id`` has no transfer report, or None if it has one."""
    with engine.connect() as conn:
        _, entry, item = load_payload(conn, item_id)
    return no_transfer_reason(entry, item)


def payload_transfer(engine: Engine, item_id: int, *, grid: bool = False,
                     geometry: bool = False) -> dict[str, Any] | None:
    """The transfer report of payload ``item_id`` as JSON, or None (see
    :func:`no_transfer`); QueryError if there is no such payload.

    ``window`` has the window's best transfer, how many days the launch came after
    it, and the launches to the target in the window; with ``grid`` also the C3 and
    arrival-v∞ grids.  A launch outside any window has no best, and ``window_note``
    (the window's ``note``) says why.  ``arrival_interval`` and ``bounds`` are set
    when the arrival is known only to a day range, a month or a season.  With
    ``geometry``, ``geometry`` is the drawing of the transfer (None without one)."""
    with engine.connect() as conn:
        _, entry, item = load_payload(conn, item_id)
    if no_transfer_reason(entry, item) is not None:
        return None
    target, launch = target_of(item), launch_time(entry)
    assert target is not None and launch is not None
    found = events_for(engine, {item_id: (entry, item)})[item_id]
    arrival = arrival_event(found, target)
    arc: dict[str, Any] = {"transfer": None, "geometry": None, "bounds": None, "note": None}
    if arrival is not None and arrival.date is not None and arrival.date.start is not None:
        arc = _arc(engine, entry, item, found, target, launch, arrival.date)
    full = _window(engine, target, launch.date())
    window = {k: v for k, v in full.items()
              if grid or k not in ("departures", "arrivals", "c3_km2_s2", "vinf_arrival_km_s")}
    window["key"] = window_key(target, launch.date())
    first, last = full["departures"][0], full["departures"][-1]
    window["launches"] = window_launches(engine, target, dt.date.fromisoformat(first[:10]),
                                         dt.date.fromisoformat(last[:10]))
    transfer = arc["transfer"]
    report: dict[str, Any] = {
        "payload_id": item_id, "name": item.name, "target": target,
        "launch": launch.isoformat(), "arrival": None if arrival is None else arrival.to_json(),
        "arrival_interval": _interval(arrival), "transfer": transfer,
        "bounds": arc.get("bounds"), "note": arc["note"], "window": window,
        "window_note": window.get("note"),
        "suspect": bool(transfer is not None and transfer["suspect"])}
    if geometry:
        report["geometry"] = arc["geometry"]
    return report
