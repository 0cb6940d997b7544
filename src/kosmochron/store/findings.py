"""Validation over the stored chronology: entries in source order with their ids,
and GCAT lookups from the imported catalog.

The rules themselves live in :mod:`kosmochron.validate` and know nothing of the
database; this module feeds them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model import Cospar, Entry, carriers
from ..validate import Context, Finding, GcatLookup, check_entry
from ..values import cospar as typed_cospar
from .crosswalk import load_index
from .query import reparse
from .schema import GCAT_SOURCE, entries, gcat_payloads, items, sources


def stored_entries(conn: Connection, source_id: int, batch: int = 2000, *,
                   seqs: tuple[int, int] | None = None) -> Iterator[tuple[int, list[int], Entry]]:
    """(entry id, payload ids, model entry) of one source, in source order, streamed;
    ``seqs`` (first, last) keeps those places in the source only."""
    path = conn.execute(sa.select(sources.c.path).where(sources.c.id == source_id)).scalar_one()
    last_seq = -1 if seqs is None else seqs[0] - 1
    upto = [] if seqs is None else [entries.c.seq <= seqs[1]]
    while True:
        rows = conn.execute(sa.select(entries.c.id, entries.c.seq, entries.c.line, entries.c.raw)
                            .where(entries.c.source_id == source_id, entries.c.seq > last_seq,
                                   *upto)
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


def context_for(path: str, gcat: GcatLookup | None) -> Context:
    """The rules' context for a source: GCAT's own launch list (the source
    :data:`GCAT_SOURCE`) is written from GCAT's rows, so its payloads are those rows and
    are not crosswalked to them (that compares each row with itself: a launch day of
    the launch list against the same object's psatcat row, its orbit against itself)."""
    return Context(path, None if path == GCAT_SOURCE else gcat)


def check_stored(conn: Connection) -> Iterator[Finding]:
    """Every rule over every stored source, in source order."""
    gcat = gcat_lookup(conn)
    for source_id, path in conn.execute(sa.select(sources.c.id, sources.c.path)
                                        .order_by(sources.c.id)).all():
        ctx = context_for(path, gcat)
        for entry_id, item_ids, entry in stored_entries(conn, source_id):
            ctx.entry_id, ctx.item_ids = entry_id, item_ids
            yield from check_entry(ctx, entry)


def remember_stored(conn: Connection, ctx: Context, source_id: int, before: int,
                    only: Entry | None = None) -> None:
    """Leave in ``ctx`` what :func:`~kosmochron.validate.remember` would after every
    entry of the source before place ``before`` (the last dated entry, the first
    payload with each designator and satellite number), read from the stored columns
    rather than by re-parsing those entries: a worker checking the second half of
    100,000 launches re-parsed 50,000 entries first, longer than checking its own.
    Only the last dated entry is re-parsed; a payload carried aboard another does not
    claim its carrier's number, as in :func:`~kosmochron.validate.rule_duplicates`.  With
    ``only``, just that entry's designators and numbers are looked up (one entry's
    check)."""
    previous = conn.execute(
        sa.select(entries.c.line, entries.c.raw)
        .where(entries.c.source_id == source_id, entries.c.seq < before,
               entries.c.date_start.is_not(None), entries.c.date_end.is_not(None))
        .order_by(entries.c.seq.desc()).limit(1)).first()
    path = ctx.source
    designated = items.c.cospar_kind.is_not(None) & (items.c.cospar_kind != "placeholder")
    key = sa.func.coalesce(items.c.cospar_normalized, items.c.cospar)
    if only is None:
        wanted = designated | items.c.satcat.is_not(None)
    else:
        designators = [c.normalized or c.text for i in only.items
                       if isinstance(c := i.typed("COSPAR"), Cospar) and c.kind != "placeholder"]
        satcats = [n for i in only.items if isinstance(n := i.typed("USAF Sat Cat"), int)]
        wanted = (designated & key.in_(designators)) | items.c.satcat.in_(satcats)
    rows = conn.execute(
        sa.select(entries.c.id, items.c.name, items.c.line, items.c.cospar_kind, key,
                  items.c.satcat, items.c.cospar)
        .join(entries, entries.c.id == items.c.entry_id)
        .where(entries.c.source_id == source_id, entries.c.seq < before, wanted)
        .order_by(entries.c.seq, items.c.seq)).all()
    for _, group in itertools.groupby(rows, key=lambda r: r[0]):
        payloads = list(group)
        for (_, name, line, kind, designator, satcat, _), claims in zip(
                payloads, _claim_numbers(payloads), strict=True):
            if kind is not None and kind != "placeholder":
                ctx.designators.setdefault(designator, (name, line))
            if satcat is not None and claims:
                ctx.satcats.setdefault(satcat, (name, line))
    ctx.previous = None if previous is None else reparse(previous.raw, path, previous.line)


def _claim_numbers(payloads: list[Any]) -> list[bool]:
    """Which of an entry's payloads (rows of id, name, line, designator kind, normal
    designator, satellite number, designator) claim their satellite number: all but
    one carried aboard another (:func:`kosmochron.model.carriers`, which sees the
    designators typed as the parser types them)."""
    if not any(satcat is not None and kind in (None, "placeholder")
               for _, _, _, kind, _, satcat, _ in payloads):
        return [True] * len(payloads)
    keys = [(_typed_designator(text), satcat) for *_, satcat, text in payloads]
    return [carrier is None for carrier in carriers(keys)]


def _typed_designator(text: str | None) -> Cospar | None:
    if text is None:
        return None
    try:
        return typed_cospar(text)
    except ValueError:
        return None


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
    ctx = context_for(row.path, _gcat_rows(conn))
    ctx.entry_id, ctx.item_ids = entry_id, item_ids
    remember_stored(conn, ctx, row.source_id, row.seq, only=entry)
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
