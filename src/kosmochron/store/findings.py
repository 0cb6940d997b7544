"""Validation over the stored chronology: entries in source order with their ids,
and GCAT lookups from the imported catalog.

The rules themselves live in :mod:`kosmochron.validate` and know nothing of the
database; this module feeds them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model import Entry
from ..validate import Context, Finding, GcatLookup, check_entry
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
    by_satcat: dict[int, dict[str, Any]] = {}
    by_piece: dict[str, dict[str, Any]] = {}
    for row in conn.execute(sa.select(gcat_payloads)):
        record = dict(row._mapping)
        if record["satcat"] is not None:
            by_satcat.setdefault(record["satcat"], record)
        if record["piece"]:
            by_piece.setdefault(record["piece"], record)
    if not by_satcat and not by_piece:
        return None

    def lookup(satcat: int | None, piece: str | None) -> dict[str, Any] | None:
        if satcat is not None and satcat in by_satcat:
            return by_satcat[satcat]
        return by_piece.get(piece) if piece else None

    return lookup


def check_stored(conn: Connection) -> Iterator[Finding]:
    """Every rule over every stored source, in source order."""
    gcat = gcat_lookup(conn)
    for source_id, path in conn.execute(sa.select(sources.c.id, sources.c.path)
                                        .order_by(sources.c.id)).all():
        ctx = Context(path, gcat)
        for entry_id, item_ids, entry in stored_entries(conn, source_id):
            ctx.entry_id, ctx.item_ids = entry_id, item_ids
            yield from check_entry(ctx, entry)
