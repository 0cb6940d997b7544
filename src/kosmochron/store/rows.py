"""Whole views as tables: the rows of a view's entries, in the view's order, a batch
at a time.

A download gives everything a view lists under its filters, not one page of it,
and a big one must neither hold memory nor a database connection for as long as
the client takes to read it.  So the view's entry ids are found first, in order
(an array of integers, which a server keeps anyway to page by slicing), and the
rows are fetched :data:`BATCH` ids at a time, each batch on a short connection of
its own.  The tables are :mod:`kosmochron.store.dumps`' launches and payloads
tables (:data:`kosmochron.tables.LAUNCH_COLUMNS`, ``PAYLOAD_COLUMNS``); the API's
payload objects come from :mod:`kosmochron.store.browse`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import browse, dumps
from .schema import ENTITY_TABLES, entries, items, sources, with_sources

#: Entries per batch (and per round trip).
BATCH = 500

T = TypeVar("T")

#: Aliases made once (a new alias builds a proxy of each column on every call).
_ROW_NAMES = {kind: ENTITY_TABLES[kind].alias(f"s_{kind}")
              for kind in ("vehicle", "family", "site", "complex")}


def batches(ids: Sequence[int], size: int = BATCH) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def stream(engine: Engine, ids: Sequence[int],
           fetch: Callable[[Connection, Sequence[int]], list[T]]) -> Iterator[T]:
    """``fetch`` of each batch of ``ids``, on a connection that is closed before the
    batch is handed on (the caller may take its time)."""
    for batch in batches(ids):
        with engine.connect() as conn:
            found = fetch(conn, batch)
        yield from found


def _in_order(rows: list[Any], ids: Sequence[int], key: Callable[[Any], int]) -> list[Any]:
    """``rows`` in the order of ``ids`` (rows of one id keep their own order)."""
    place = {id_: n for n, id_ in enumerate(ids)}
    return sorted(rows, key=lambda row: place[key(row)])


def launch_table(conn: Connection, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Rows of the launches table for the entries ``ids``, in that order."""
    rows = [tuple(r) for r in conn.execute(dumps.launch_query(conn, None, ids=ids))]
    return _in_order(rows, ids, lambda row: int(row[0]))


def payload_table(conn: Connection, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Rows of the payloads table for the items of the entries ``ids``, in that order
    (each entry's payloads in source order)."""
    rows = [tuple(r) for r in conn.execute(dumps.payload_query(conn, None, ids=ids))]
    return _in_order(rows, ids, lambda row: int(row[1]))


def payload_records(conn: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The API's payload objects (:func:`kosmochron.store.browse.payloads`) of the items
    of the entries ``ids``, in that order."""
    query = (browse.payload_select().where(items.c.entry_id.in_(list(ids)))
             .order_by(entries.c.id, items.c.seq))
    found = [browse.payload_dict(r) for r in conn.execute(query)]
    return _in_order(found, ids, lambda record: int(record["entry_id"]))


def summaries(conn: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    """One light row per entry ``ids``, in that order, for tables and lists of
    candidates: date, outcome, vehicle, family, site, complex, its payloads' names and
    ids, and a designator (its first payload's as written, else the launch's)."""
    if not ids:
        return []
    names = _ROW_NAMES
    base = with_sources(entries)
    for kind, column in (("vehicle", entries.c.vehicle_id), ("family", entries.c.lv_family_id),
                         ("site", entries.c.site_id), ("complex", entries.c.complex_id)):
        base = base.outerjoin(names[kind], names[kind].c.id == column)
    rows = {r.id: dict(r._mapping) for r in conn.execute(
        sa.select(entries.c.id, entries.c.kind, entries.c.date_text, entries.c.date_start,
                  entries.c.time_utc, entries.c.outcome, entries.c.failed_stage,
                  entries.c.merged_into, sources.c.path.label("source"),
                  *(names[k].c.name.label(k) for k in names))
        .select_from(base).where(entries.c.id.in_(list(ids))))}
    for row in rows.values():
        row.update(names=[], item_ids=[], designator=None)
    for entry_id, item_id, name, cospar, launch in conn.execute(
            sa.select(items.c.entry_id, items.c.id, items.c.name, items.c.cospar,
                      items.c.cospar_launch).where(items.c.entry_id.in_(list(ids)))
            .order_by(items.c.entry_id, items.c.seq)):
        row = rows[entry_id]
        row["names"].append(name)
        row["item_ids"].append(item_id)
        row["designator"] = row["designator"] or cospar or launch
    return [rows[i] for i in ids if i in rows]
