"""One payload, several sources: the payloads of linked entries that are one object.

Two entries that tell one launch (``launch_links``, :mod:`kosmochron.store.merge`)
list its payloads each in its own words: GCAT's Mars 3 (no narrative) and
Astronautix's Mars 3 (the narrative that dates its arrival) are one spacecraft.  A
payload of one entry is a payload of the other when they share a designator (in
GCAT's spelling), or failing that a satellite number; the pairing is one to one,
designators first, and a payload carried aboard another (a lander that shares its
carrier's number, :func:`kosmochron.model.carriers`) is not paired by that number.
Entries linked to one GCAT launch pair through it, so three sources of one launch
make one payload of three items.

Events, transfers, orbits and payload look-ups read every account of a payload
(:func:`accounts`); which of them counts is its entry's (``kind = 'launch'``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model import carriers
from ..values import cospar as read_cospar
from .schema import GCAT_SOURCE, entries, items, items_with_sources, launch_links, sources


@dataclass(frozen=True, slots=True)
class Account:
    """One source's item of a payload: its id, its entry's id and source, and whether
    that entry is the one that counts for the launch."""

    item_id: int
    entry_id: int
    source: str
    counted: bool

    @property
    def gcat(self) -> bool:
        return self.source == GCAT_SOURCE

    def to_json(self) -> dict[str, Any]:
        return {"payload_id": self.item_id, "launch_id": self.entry_id, "source": self.source,
                "counted": self.counted}


def _groups(conn: Connection, entry_ids: set[int]) -> list[set[int]]:
    """The entries telling the launch of each of ``entry_ids`` (only launches told by
    more than one entry): each GCAT entry with the entries linked to it."""
    if not entry_ids:
        return []
    link = launch_links.c
    gcat_ids = {g for (g,) in conn.execute(
        sa.select(link.gcat_entry_id).where(sa.or_(link.entry_id.in_(entry_ids),
                                                   link.gcat_entry_id.in_(entry_ids))))}
    if not gcat_ids:
        return []
    groups: dict[int, set[int]] = defaultdict(set)
    for entry_id, gcat_id in conn.execute(sa.select(link.entry_id, link.gcat_entry_id)
                                          .where(link.gcat_entry_id.in_(gcat_ids))):
        groups[gcat_id] |= {gcat_id, entry_id}
    return list(groups.values())


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    entry_id: int
    seq: int
    piece: str | None
    satcat: int | None
    carried: bool


def _rows(conn: Connection, entry_ids: set[int]) -> dict[int, list[_Row]]:
    """Each entry's items with the keys they pair by, in source order."""
    found: dict[int, list[Any]] = defaultdict(list)
    for r in conn.execute(sa.select(items.c.id, items.c.entry_id, items.c.seq, items.c.cospar,
                                    items.c.cospar_kind, items.c.cospar_gcat, items.c.satcat)
                          .where(items.c.entry_id.in_(entry_ids))
                          .order_by(items.c.entry_id, items.c.seq)):
        found[r.entry_id].append(r)
    out: dict[int, list[_Row]] = {}
    for entry_id, rows in found.items():
        keys = []
        for r in rows:
            try:
                typed = read_cospar(r.cospar) if r.cospar else None
            except ValueError:
                typed = None
            keys.append((typed, r.satcat))
        carried = carriers(keys)
        out[entry_id] = [_Row(r.id, r.entry_id, r.seq,
                              r.cospar_gcat if r.cospar_kind in ("modern", "greek") else None,
                              r.satcat, carried[k] is not None) for k, r in enumerate(rows)]
    return out


def pair(ours: list[_Row], theirs: list[_Row]) -> list[tuple[int, int]]:
    """(our item id, their item id), one to one: the same designator first, then the
    same satellite number (a carried payload's number is its carrier's: not paired by
    it), each side in source order."""
    pairs: list[tuple[int, int]] = []
    left = list(theirs)
    unpaired = []
    for row in ours:
        partner = next((t for t in left if row.piece and t.piece == row.piece), None)
        if partner is None:
            unpaired.append(row)
            continue
        left.remove(partner)
        pairs.append((row.id, partner.id))
    for row in unpaired:
        if row.satcat is None or row.carried:
            continue
        partner = next((t for t in left if t.satcat == row.satcat and not t.carried), None)
        if partner is not None:
            left.remove(partner)
            pairs.append((row.id, partner.id))
    return pairs


def accounts(conn: Connection, item_ids: Iterable[int]) -> dict[int, list[Account]]:
    """Every account of each payload in ``item_ids``: the payload itself first, then the
    same object in the other entries telling its launch, the chronologies' before
    GCAT's (the narrative is theirs), each source in entry order.  A payload no other
    source tells has itself alone; an id that names no payload is left out."""
    wanted = set(item_ids)
    if not wanted:
        return {}
    own = {r.id: r.entry_id for r in conn.execute(
        sa.select(items.c.id, items.c.entry_id).where(items.c.id.in_(wanted)))}
    groups = _groups(conn, set(own.values()))
    rows = _rows(conn, set().union(*groups)) if groups else {}
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    paired: set[int] = set()
    for group in groups:
        members = sorted(group)
        for k, a in enumerate(members):
            for b in members[k + 1:]:
                for x, y in pair(rows.get(a, []), rows.get(b, [])):
                    paired |= {x, y}
                    if root(x) != root(y):
                        parent[root(x)] = root(y)
    twins: dict[int, set[int]] = defaultdict(set)
    for item_id in paired:
        twins[root(item_id)].add(item_id)
    told = _describe(conn, {i for members in twins.values() for i in members} | set(own))
    out: dict[int, list[Account]] = {}
    for item_id in own:
        others = sorted((told[i] for i in twins.get(root(item_id), set()) - {item_id}),
                        key=lambda a: (a.gcat, a.entry_id, a.item_id))
        out[item_id] = [told[item_id], *others]
    return out


def _describe(conn: Connection, item_ids: set[int]) -> dict[int, Account]:
    return {r.id: Account(r.id, r.entry_id, r.path, r.kind != "merged") for r in conn.execute(
        sa.select(items.c.id, items.c.entry_id, sources.c.path, entries.c.kind)
        .select_from(items_with_sources())
        .where(items.c.id.in_(item_ids)))}


def one_payload(conn: Connection, item_ids: list[int]) -> tuple[int, list[Account]] | None:
    """If the payloads ``item_ids`` (say, all those with one designator) are one object
    told by several sources, the one whose entry counts and every account of it;
    else None (several objects: the same chronology stored twice, unlinked).  A payload
    carried aboard another of the same launch is left out first: the number it shares
    names its carrier."""
    told = accounts(conn, item_ids)
    if not told:
        return None
    carried = _carried(conn, set(told))
    candidates = [i for i in item_ids if i in told and i not in carried] or list(told)
    first = told[candidates[0]]
    same = {a.item_id for a in first}
    if any(i not in same for i in candidates):
        return None
    counted = next((a for a in first if a.counted), first[0])
    return counted.item_id, [counted, *(a for a in first if a is not counted)]


def _carried(conn: Connection, item_ids: set[int]) -> set[int]:
    entry_ids = {e for (e,) in conn.execute(sa.select(items.c.entry_id)
                                            .where(items.c.id.in_(item_ids)))}
    return {r.id for rows in _rows(conn, entry_ids).values() for r in rows
            if r.carried and r.id in item_ids}


def launch_entries(conn: Connection, entry_id: int) -> list[int]:
    """``entry_id`` and then every other entry telling its launch, in id order."""
    others = {e for group in _groups(conn, {entry_id}) if entry_id in group for e in group}
    return [entry_id, *sorted(others - {entry_id})]
