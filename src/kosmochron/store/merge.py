"""One launch, several sources: linking entries to their GCAT launch, and which counts.

GCAT's launches are stored as the chronology source :data:`GCAT_SOURCE` (see
:mod:`kosmochron.store.gcat_import`).  Every launch entry of another source is
matched to its GCAT launch by :func:`kosmochron.reconcile.match` and the link is
kept in ``launch_links`` with how it was made.  Of two linked entries one counts
(``kind`` stays ``launch``) and the other does not: its ``kind`` becomes
``merged`` and ``merged_into`` names the counted one.  Every query that counts,
lists or groups launches asks for ``kind = 'launch'``, so a launch told twice is
counted once, and the covering indexes stay as they were.

Which one counts is the ``prefer`` setting: ``gcat`` (the default: the figures
use GCAT's codes, so they are GCAT's counts) or ``astronautix``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model import Entry
from ..reconcile import failure_days, item_tags, launch_tag, match
from .query import QueryError, reparse
from .schema import GCAT_SOURCE as GCAT_SOURCE  # the source it links others to
from .schema import entries, items, launch_links, settings, sources, with_sources
from .search import SearchHit

Prefer = Literal["gcat", "astronautix"]
PREFERENCES: tuple[Prefer, ...] = ("gcat", "astronautix")
#: How far apart two dates of one launch may be (time zones, vague dates).
SLACK_DAYS = 1


def prefer(conn: Connection) -> Prefer:
    """Which source counts for a launch that two sources tell (``gcat`` unless set)."""
    value = conn.execute(sa.select(settings.c.value).where(settings.c.key == "prefer")).scalar()
    return "astronautix" if value == "astronautix" else "gcat"


def set_prefer(conn: Connection, value: str) -> None:
    if value not in PREFERENCES:
        raise QueryError(f"bad preference {value!r}: expected gcat or astronautix")
    conn.execute(sa.delete(settings).where(settings.c.key == "prefer"))
    conn.execute(sa.insert(settings).values(key="prefer", value=value))
    apply_prefer(conn)


def gcat_source_id(conn: Connection) -> int | None:
    return conn.execute(sa.select(sources.c.id).where(sources.c.path == GCAT_SOURCE)).scalar()


def unmerge_source(conn: Connection, source_id: int) -> None:
    """Before a source's entries go: every entry merged into one of them counts again
    (and is merged anew once the source is back, by :func:`link_source`)."""
    own = sa.select(entries.c.id).where(entries.c.source_id == source_id).scalar_subquery()
    conn.execute(sa.update(entries).where(entries.c.merged_into.in_(own))
                 .values(kind="launch", merged_into=None))


class _GcatIndex:
    """The stored GCAT launches by launch tag and by day, from their stored columns;
    an entry is parsed only when it is a candidate."""

    def __init__(self, conn: Connection, source_id: int) -> None:
        self.conn = conn
        self.by_tag: dict[str, int] = {}
        self.by_day: dict[dt.date, list[int]] = defaultdict(list)
        self.parsed: dict[int, Entry] = {}
        rows = conn.execute(sa.select(entries.c.id, entries.c.date_start, entries.c.date_end,
                                      entries.c.launch_tag)
                            .where(entries.c.source_id == source_id))
        for id_, start, end, tag in rows:
            if tag:
                self.by_tag[tag] = id_
            start, end = _day(start), _day(end)
            if start is not None and end is not None and (end - start).days <= 31:
                day = start
                while day <= end:
                    self.by_day[day].append(id_)
                    day += dt.timedelta(days=1)

    def entry(self, id_: int) -> Entry:
        if id_ not in self.parsed:
            line, raw = self.conn.execute(sa.select(entries.c.line, entries.c.raw)
                                          .where(entries.c.id == id_)).one()
            self.parsed[id_] = reparse(raw, GCAT_SOURCE, line)
        return self.parsed[id_]

    def candidates(self, entry: Entry) -> list[tuple[int, Entry]]:
        """GCAT launches the entry may be: those its designators name, and those on its
        days (or a failure designator's day), a day either side."""
        found: dict[int, None] = {}
        for _, tag in item_tags(entry):
            if tag in self.by_tag:
                found[self.by_tag[tag]] = None
        days = [d for _, d in failure_days(entry)]
        if entry.date.start is not None and entry.date.end is not None and \
                (entry.date.end - entry.date.start).days <= 31:
            days.extend([entry.date.start, entry.date.end])
        for day in days:
            for delta in range(-SLACK_DAYS, SLACK_DAYS + 1):
                for id_ in self.by_day.get(day + dt.timedelta(days=delta), []):
                    found[id_] = None
        return [(id_, self.entry(id_)) for id_ in found]


def _day(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def link_source(conn: Connection, source_id: int | None = None) -> int:
    """Link the launches of one source (or of every source but GCAT's) to their GCAT
    launches, then apply the preference; returns how many were linked."""
    gcat_id = gcat_source_id(conn)
    if gcat_id is None:
        apply_prefer(conn)
        return 0
    scope = [entries.c.source_id != gcat_id] if source_id in (None, gcat_id) \
        else [entries.c.source_id == source_id]
    mine = sa.select(entries.c.id).where(*scope).scalar_subquery()
    conn.execute(sa.delete(launch_links).where(launch_links.c.entry_id.in_(mine)))
    rows = conn.execute(
        sa.select(entries.c.id, sources.c.path, entries.c.line, entries.c.raw)
        .join(sources, sources.c.id == entries.c.source_id)
        .where(*scope, entries.c.kind.in_(["launch", "merged"]))).all()
    links = list(_links(rows, _GcatIndex(conn, gcat_id))) if rows else []
    if links:
        conn.execute(sa.insert(launch_links), links)
    apply_prefer(conn)
    return len(links)


def _links(rows: Iterable[Any], index: _GcatIndex) -> Iterable[dict[str, object]]:
    for id_, path, line, raw in rows:
        entry = reparse(raw, path, line)
        pairs = index.candidates(entry)
        found = match(entry, [g for _, g in pairs])
        if found is None:
            continue
        position, how = found
        gcat_id, gcat_entry = pairs[position]
        yield {"entry_id": id_, "gcat_entry_id": gcat_id, "tag": launch_tag(gcat_entry) or "",
               "matched_by": how.kind, "how": how.how, "score": how.score}


def apply_prefer(conn: Connection) -> None:
    """Mark which entry of each linked launch counts, by the preference."""
    conn.execute(sa.update(entries).where(entries.c.kind == "merged")
                 .values(kind="launch", merged_into=None))
    link = launch_links.c
    if prefer(conn) == "gcat":
        target = (sa.select(link.gcat_entry_id).where(link.entry_id == entries.c.id)
                  .scalar_subquery())
        conn.execute(sa.update(entries).where(entries.c.id.in_(sa.select(link.entry_id)))
                     .values(kind="merged", merged_into=target))
        return
    # Astronautix counts: the GCAT entry, and any further entry of the same launch,
    # merge into the first entry linked to it.
    first = (sa.select(sa.func.min(link.entry_id)).group_by(link.gcat_entry_id))
    keeper = (sa.select(sa.func.min(link.entry_id)).where(link.gcat_entry_id == entries.c.id)
              .scalar_subquery())
    conn.execute(sa.update(entries).where(entries.c.id.in_(sa.select(link.gcat_entry_id)))
                 .values(kind="merged", merged_into=keeper))
    other = launch_links.alias("other")
    sibling_keeper = (sa.select(sa.func.min(other.c.entry_id))
                      .where(other.c.gcat_entry_id == link.gcat_entry_id)
                      .correlate(launch_links).scalar_subquery())
    duplicates = conn.execute(sa.select(link.entry_id, sibling_keeper)
                              .where(link.entry_id.not_in(first))).all()
    for entry_id, keep in duplicates:
        conn.execute(sa.update(entries).where(entries.c.id == entry_id)
                     .values(kind="merged", merged_into=keep))


def counted_ids(ids: sa.Select[tuple[int]] | sa.ScalarSelect[int]) -> sa.Select[tuple[int]]:
    """The counted entries of the entries ``ids`` selects: each merged entry stands
    for the entry it is merged into (for text and payload filters, which may hit the
    other source's text or payloads)."""
    return (sa.select(sa.func.coalesce(entries.c.merged_into, entries.c.id))
            .where(entries.c.id.in_(ids)))


def siblings(conn: Connection, entry_id: int) -> list[dict[str, object]]:
    """Every entry telling the same launch as ``entry_id`` (itself included), with its
    source, whether it counts, and how it was linked."""
    ids = {entry_id}
    for row in conn.execute(sa.select(launch_links.c.entry_id, launch_links.c.gcat_entry_id)
                            .where(sa.or_(launch_links.c.entry_id == entry_id,
                                          launch_links.c.gcat_entry_id == entry_id))):
        ids.update(row)
    gcat_ids = {g for (g,) in conn.execute(sa.select(launch_links.c.gcat_entry_id)
                                           .where(launch_links.c.entry_id.in_(ids)))}
    ids |= gcat_ids
    ids |= {e for (e,) in conn.execute(sa.select(launch_links.c.entry_id)
                                       .where(launch_links.c.gcat_entry_id.in_(ids)))}
    links = {r.entry_id: r for r in conn.execute(sa.select(launch_links)
                                                 .where(launch_links.c.entry_id.in_(ids)))}
    rows = conn.execute(sa.select(entries.c.id, entries.c.kind, entries.c.merged_into,
                                  entries.c.line, entries.c.raw, sources.c.path)
                        .select_from(with_sources(entries))
                        .where(entries.c.id.in_(ids)).order_by(entries.c.id))
    out = []
    for r in rows:
        link = links.get(r.id)
        out.append({"id": r.id, "source": r.path, "counted": r.kind != "merged",
                    "merged_into": r.merged_into, "line": r.line, "raw": r.raw,
                    "gcat": r.path == GCAT_SOURCE,
                    "matched_by": None if link is None else link.matched_by,
                    "how": None if link is None else link.how,
                    "tag": None if link is None else link.tag})
    return out


def selection_text(conn: Connection, ids: Iterable[int]) -> Iterator[str]:
    """The text of each launch in ``ids`` (counted entries) in order: the text of an
    entry of another source that tells it (Astronautix's own words) if there is one,
    else its own; then a blank line, as between a chronology's entries."""
    wanted = list(ids)
    other = (sa.select(launch_links.c.gcat_entry_id, sa.func.min(launch_links.c.entry_id))
             .where(launch_links.c.gcat_entry_id.in_(wanted))
             .group_by(launch_links.c.gcat_entry_id))
    instead = {g: a for g, a in conn.execute(other)}
    chosen = [instead.get(i, i) for i in wanted]
    for start in range(0, len(chosen), 500):
        batch = chosen[start:start + 500]
        raws = dict(conn.execute(sa.select(entries.c.id, entries.c.raw)
                                 .where(entries.c.id.in_(batch))).all())
        for id_ in batch:
            raw = raws[id_]
            yield raw if raw.endswith("\n\n") else raw.rstrip("\n") + "\n\n\n"


def one_hit_per_payload(conn: Connection, hits: list[SearchHit]) -> list[SearchHit]:
    """Search hits with a payload told by two sources kept once: hits are the same
    payload when their entries count as one launch and they share a satellite number
    or a designator (in GCAT's spelling); the first, better ranked, stays."""
    if len(hits) < 2:
        return hits
    rows = conn.execute(
        sa.select(items.c.id, items.c.satcat, items.c.cospar_gcat, entries.c.id,
                  entries.c.merged_into)
        .join(entries, entries.c.id == items.c.entry_id)
        .where(items.c.id.in_([h.item_id for h in hits])))
    keys: dict[int, tuple[int, object]] = {}
    for item_id, satcat, piece, entry_id, merged_into in rows:
        launch = merged_into or entry_id
        if satcat is not None or piece:
            keys[item_id] = (launch, satcat if satcat is not None else piece)
    kept, seen = [], set()
    for hit in hits:
        key = keys.get(hit.item_id)
        if key is not None and key in seen:
            continue
        if key is not None:
            seen.add(key)
        kept.append(hit)
    return kept
