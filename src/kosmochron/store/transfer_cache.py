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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from ..events import Event, EventKind, Span, item_events
from ..model import Entry, Item, Precision, VagueDate
from ..targets import PLANET_NAMES, arrival_event, launch_time, no_transfer_reason, target_among
from .query import QueryError, reparse
from .schema import (
    entries,
    events,
    items,
    items_with_sources,
    programs,
    sources,
    spacecraft_types,
    transfer_cache,
)
from .twins import Account, accounts

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


#: One account of a payload, parsed: which source's item it is, its entry and item.
Told = tuple[Account, Entry, Item]


def _parsed(conn: Connection, item_ids: set[int]) -> dict[int, tuple[Entry, Item]]:
    """The parsed entry and item of each payload in ``item_ids`` (each entry parsed once)."""
    if not item_ids:
        return {}
    parsed: dict[int, Entry] = {}
    out: dict[int, tuple[Entry, Item]] = {}
    for r in conn.execute(
            sa.select(items.c.id, items.c.entry_id, items.c.seq, entries.c.raw, entries.c.line,
                      sources.c.path)
            .select_from(items_with_sources())
            .where(items.c.id.in_(item_ids))):
        if r.entry_id not in parsed:
            parsed[r.entry_id] = reparse(r.raw, r.path, r.line)
        entry = parsed[r.entry_id]
        if r.seq < len(entry.items):
            out[r.id] = (entry, entry.items[r.seq])
    return out


def told(conn: Connection, item_ids: list[int]) -> dict[int, list[Told]]:
    """Every account of each payload (:func:`kosmochron.store.twins.accounts`: itself
    first, then the same object as the other sources of its launch tell it), parsed."""
    found = accounts(conn, item_ids)
    parsed = _parsed(conn, {a.item_id for told in found.values() for a in told})
    return {item_id: [(a, *parsed[a.item_id]) for a in told if a.item_id in parsed]
            for item_id, told in found.items() if item_id in parsed}


def load_told(conn: Connection, item_id: int) -> list[Told]:
    """Every account of payload ``item_id``, itself first (QueryError if there is none)."""
    _, entry, item = load_payload(conn, item_id)
    mine, *others = accounts(conn, [item_id])[item_id]
    parsed = _parsed(conn, {a.item_id for a in others})
    return [(mine, entry, item), *((a, *parsed[a.item_id]) for a in others
                                   if a.item_id in parsed)]


def _others(accounts_: list[Told]) -> list[tuple[Entry, Item]]:
    return [(entry, item) for _, entry, item in accounts_[1:]]


def merged_events(accounts_: list[Told], found: dict[int, list[Event]]) -> list[Event]:
    """A payload's events from every account's narrative, each saying where it is told
    (source, entry, payload); an event a later account tells again (the same kind,
    dates and body) is kept once."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for account, _, _ in accounts_:
        for e in found.get(account.item_id, []):
            key = (e.kind, e.body, None if e.date is None else (e.date.start, e.date.end))
            if key in seen:
                continue
            seen.add(key)
            out.append(replace(e, source=account.source, entry_id=account.entry_id,
                               item_id=account.item_id))
    return out


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
    """The events of payload ``item_id`` (QueryError if there is none): those its own
    narrative tells, then those of every other source's account of it."""
    with engine.connect() as conn:
        accounts_ = load_told(conn, item_id)
    found = events_for(engine, {a.item_id: (entry, item) for a, entry, item in accounts_})
    return merged_events(accounts_, found)


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


def _arc(engine: Engine, target: str, launch: dt.datetime, arrival: Event) -> dict[str, Any]:
    """The arc to the arrival (to its middle day, with ``bounds`` the arcs to its first
    and last days, when it is known to a month or a season), cached."""
    def compute() -> dict[str, Any]:
        from .. import transfers

        none: dict[str, Any] = {"transfer": None, "geometry": None, "bounds": None}
        try:
            arc, bounds = transfers.arc_to(target, launch, arrival)
        except ValueError as exc:  # an arrival not after the launch: no arc
            return {**none, "note": str(exc)}
        if arc is None:
            return {**none, "note": "no Lambert solution"}
        solved = math.isfinite(arc.c3_km2_s2)
        return {"transfer": arc.to_json(),
                "geometry": transfers.transfer_geometry(arc).to_json() if solved else None,
                "bounds": None if bounds is None else [t.to_json() for t in bounds],
                "note": None if solved else "no Lambert solution"}

    date = arrival.date
    assert date is not None and date.start is not None
    key = arc_key(target, launch, date.start, date.end)
    return cast(dict[str, Any], cached(engine, key, compute))


# -- reports ---------------------------------------------------------------------------


def _planetary(conn: Connection, start: dt.date,
               end: dt.date) -> list[tuple[int, Entry, list[tuple[int, Item]]]]:
    """The day-dated launches from ``start`` to ``end`` with an item that may be
    planetary, parsed, each with those items and their ids: a superset (an SQL
    pre-filter on Class, Spacecraft and Type) that ``target_of`` then decides on.  A
    launch two sources tell is its counted entry, with its items that are, or are the
    same object as, an item of either source that passes the pre-filter."""
    maybe = sa.or_(items.c["class"] == "Planetary",
                   *(items.c.spacecraft.like(f"{p}%") for p in _CRAFT_PREFIXES),
                   items.c.program_id.in_(sa.select(programs.c.id).where(sa.or_(
                       *(programs.c.name.like(f"{p}%") for p in _CRAFT_PREFIXES)))),
                   items.c.type_id.in_(sa.select(spacecraft_types.c.id).where(sa.or_(
                       spacecraft_types.c.name.like("%Mars %"),
                       spacecraft_types.c.name.like("%Venus %")))))
    counted = sa.func.coalesce(entries.c.merged_into, entries.c.id)
    rows = conn.execute(
        sa.select(counted, items.c.id)
        .join(items, items.c.entry_id == entries.c.id)
        .where(entries.c.kind.in_(["launch", "merged"]), entries.c.date_start >= start,
               entries.c.date_start <= end, entries.c.date_end == entries.c.date_start, maybe)
        .order_by(entries.c.date_start, entries.c.id, items.c.seq)).all()
    told = accounts(conn, [item_id for _, item_id in rows])
    chosen: dict[int, dict[int, None]] = {}
    for entry_id, item_id in rows:
        mine = chosen.setdefault(entry_id, {})
        for account in told.get(item_id, []):
            if account.entry_id == entry_id:
                mine[account.item_id] = None
    parsed = _parsed(conn, {i for ids in chosen.values() for i in ids})
    out = []
    for entry_id, ids in chosen.items():
        found = [(i, *parsed[i]) for i in sorted(ids) if i in parsed]  # ids in source order
        if found and found[0][1].date.start is not None \
                and found[0][1].date.start == found[0][1].date.end:
            out.append((entry_id, found[0][1], [(i, item) for i, _, item in found]))
    return sorted(out, key=lambda t: (t[1].date.start or dt.date.min, t[0]))


def window_launches(engine: Engine, target: str, start: dt.date,
                    end: dt.date) -> list[dict[str, Any]]:
    """The launches to ``target`` from ``start`` to ``end``, one per launch (its payload
    with a dated arrival, else its first payload bound there; every source's narrative
    read), in date order: what a porkchop marks.  A failed launch is listed too, with
    no arrival."""
    with engine.connect() as conn:
        candidates = _planetary(conn, start, end)
        every = told(conn, [i for _, _, chosen in candidates for i, _ in chosen])
    bound = [(entry_id, entry, [(i, item) for i, item in chosen
                                if target_among(item, _others(every.get(i, []))) == target])
             for entry_id, entry, chosen in candidates]
    found = events_for(engine, {a.item_id: (e, it) for _, entry, chosen in bound
                                if entry.outcome != "failure" for i, _ in chosen
                                for a, e, it in every.get(i, [])})
    marks = []
    for entry_id, entry, chosen in bound:
        if not chosen:
            continue
        arrivals = {i: arrival_event(merged_events(every.get(i, []), found), target)
                    for i, _ in chosen}
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


def _reason(accounts_: list[Told]) -> str | None:
    _, entry, item = accounts_[0]
    return no_transfer_reason(entry, item, _others(accounts_))


def no_transfer(engine: Engine, item_id: int) -> str | None:
    """Why payload ``item_id`` has no transfer report, or None if it has one (every
    source's account of it read: :func:`kosmochron.targets.no_transfer_reason`)."""
    with engine.connect() as conn:
        return _reason(load_told(conn, item_id))


def payload_transfer(engine: Engine, item_id: int, *, grid: bool = False,
                     geometry: bool = False) -> dict[str, Any] | None:
    """The transfer report of payload ``item_id`` as JSON, or None (see
    :func:`no_transfer`); QueryError if there is no such payload.

    The launch is the payload's own entry's; the arrival the earliest its events date,
    read from every source's narrative of it (GCAT's Mars 3 has the arrival that
    Astronautix's narrative dates); ``told_by`` lists the other accounts.  ``window``
    has the window's best transfer, how many days the launch came after it, and the
    launches to the target in the window; with ``grid`` also the C3 and arrival-v∞
    grids.  A launch outside any window has no best, and ``window_note`` (the
    window's ``note``) says why.  ``arrival_interval`` and ``bounds`` are set when the
    arrival is known only to a day range, a month or a season.  With ``geometry``,
    ``geometry`` is the drawing of the transfer (None without one)."""
    with engine.connect() as conn:
        accounts_ = load_told(conn, item_id)
    if _reason(accounts_) is not None:
        return None
    _, entry, item = accounts_[0]
    target, launch = target_among(item, _others(accounts_)), launch_time(entry)
    assert target is not None and launch is not None
    found = merged_events(accounts_, events_for(
        engine, {a.item_id: (e, it) for a, e, it in accounts_}))
    arrival = arrival_event(found, target)
    arc: dict[str, Any] = {"transfer": None, "geometry": None, "bounds": None, "note": None}
    if arrival is not None and arrival.date is not None and arrival.date.start is not None:
        arc = _arc(engine, target, launch, arrival)
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
        "suspect": bool(transfer is not None and transfer["suspect"]),
        "told_by": [a.to_json() for a, _, _ in accounts_[1:]]}
    if geometry:
        report["geometry"] = arc["geometry"]
    return report
