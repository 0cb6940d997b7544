"""The reconciliation report: every launch two sources tell, field by field, and the
launches one source has and the other lacks in the period it covers.

The comparison itself is the library's (:func:`kosmochron.reconcile.compare`);
this module feeds it the stored pairs (``launch_links``) and adds each side's
citation: the chronology's file and line, and GCAT's own citations (``LTCite``,
``Cite``) with the line of its launch list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..gcat import GCAT_CITATION, GCAT_LICENCE
from ..reconcile import Match, compare
from .merge import GCAT_SOURCE, prefer
from .query import reparse
from .schema import entries, gcat_launches, launch_links, sources

#: GCAT-only launches listed in full (the rest are counted).
GCAT_ONLY_LISTED = 200


def gcat_citation(tag: str, line: int | None, lt_cite: str | None, cite: str | None) -> str:
    """``GCAT 1971-045 (launch list line 3121; cites NK9810-25, KIAM)``."""
    cites = [c for c in (lt_cite, cite) if c]
    where = f"launch list line {line}" if line else "launch list"
    return f"GCAT {tag} ({where}{'; cites ' + ', '.join(cites) if cites else ''})"


def matched(conn: Connection, source: str | None = None,
            entry_id: int | None = None) -> list[dict[str, Any]]:
    """Every linked launch (of one source, or the one ``entry_id`` belongs to) with its
    compared fields, disagreements first."""
    a, g = entries.alias("a"), entries.alias("g")
    query = (sa.select(launch_links.c.entry_id, launch_links.c.gcat_entry_id,
                       launch_links.c.tag, launch_links.c.matched_by, launch_links.c.how,
                       launch_links.c.score, a.c.line, a.c.raw, a.c.kind.label("a_kind"),
                       sources.c.path, g.c.line.label("g_line"), g.c.raw.label("g_raw"),
                       gcat_launches.c.line.label("list_line"), gcat_launches.c.lt_cite,
                       gcat_launches.c.cite)
             .join(a, a.c.id == launch_links.c.entry_id)
             .join(sources, sources.c.id == a.c.source_id)
             .join(g, g.c.id == launch_links.c.gcat_entry_id)
             .outerjoin(gcat_launches, gcat_launches.c.entry_id == g.c.id)
             .order_by(a.c.date_start, a.c.id))
    if source is not None:
        query = query.where(sources.c.path == source)
    if entry_id is not None:
        query = query.where(sa.or_(launch_links.c.entry_id == entry_id,
                                   launch_links.c.gcat_entry_id == entry_id))
    return [_pair(row) for row in conn.execute(query)]


def _pair(row: Any) -> dict[str, Any]:
    entry = reparse(row.raw, row.path, row.line)
    gcat = reparse(row.g_raw, GCAT_SOURCE, row.g_line)
    result = compare(entry, gcat, Match(row.matched_by, row.how, row.score))
    return {
        "entry_id": row.entry_id, "gcat_entry_id": row.gcat_entry_id,
        "launch_id": row.gcat_entry_id if row.a_kind == "merged" else row.entry_id,
        "date": entry.date.text, "tag": row.tag, "matched_by": row.matched_by,
        "how": row.how, "source": row.path, "citation": f"{row.path}:{row.line}",
        "gcat_citation": gcat_citation(row.tag, row.list_line, row.lt_cite, row.cite),
        "disagreements": sum(1 for c in result.fields if c.verdict == "disagree"),
        "fields": [{"field": c.field, "payload": c.payload, "astronautix": _plain(c.astronautix),
                    "gcat": _plain(c.gcat), "verdict": c.verdict, "note": c.note}
                   for c in sorted(result.fields, key=lambda c: c.verdict != "disagree")],
    }


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, float)) else str(value)


def _period(conn: Connection, source_id: int) -> tuple[dt.date | None, dt.date | None]:
    lo, hi = conn.execute(sa.select(sa.func.min(entries.c.date_start),
                                    sa.func.max(entries.c.date_end))
                          .where(entries.c.source_id == source_id,
                                 entries.c.kind.in_(["launch", "merged"]))).one()
    return _day(lo), _day(hi)


def _day(value: Any) -> dt.date | None:
    return value if value is None or isinstance(value, dt.date) else \
        dt.date.fromisoformat(str(value))


def unmatched(conn: Connection, source: str | None = None,
              listed: int = GCAT_ONLY_LISTED) -> list[dict[str, Any]]:
    """Per chronology source: its launches GCAT lacks, and the GCAT launches of its
    period it lacks (counted, and the first ``listed`` of them listed)."""
    gcat_id = conn.execute(sa.select(sources.c.id).where(sources.c.path == GCAT_SOURCE)
                           ).scalar()
    query = sa.select(sources.c.id, sources.c.path).where(sources.c.path != GCAT_SOURCE)
    if source is not None:
        query = query.where(sources.c.path == source)
    linked = sa.select(launch_links.c.entry_id)
    out = []
    for source_id, path in conn.execute(query.order_by(sources.c.id)).all():
        lacking = [{"id": r.id, "date": r.date_text, "citation": f"{path}:{r.line}"}
                   for r in conn.execute(
                       sa.select(entries.c.id, entries.c.date_text, entries.c.line)
                       .where(entries.c.source_id == source_id, entries.c.kind == "launch",
                              entries.c.id.not_in(linked)).order_by(entries.c.date_start))]
        first, last = _period(conn, source_id)
        report: dict[str, Any] = {"source": path, "from": _iso(first), "to": _iso(last),
                                  "only_here": lacking, "only_gcat_count": 0,
                                  "only_gcat": []}
        if gcat_id is not None and first is not None and last is not None:
            mine = (sa.select(launch_links.c.gcat_entry_id)
                    .join(entries, entries.c.id == launch_links.c.entry_id)
                    .where(entries.c.source_id == source_id))
            condition = [entries.c.source_id == gcat_id, entries.c.date_start >= first,
                         entries.c.date_end <= last, entries.c.id.not_in(mine)]
            report["only_gcat_count"] = conn.execute(
                sa.select(sa.func.count()).select_from(entries).where(*condition)).scalar_one()
            report["only_gcat"] = [
                {"id": r.id, "date": r.date_text, "tag": r.tag}
                for r in conn.execute(
                    sa.select(entries.c.id, entries.c.date_text, gcat_launches.c.tag)
                    .outerjoin(gcat_launches, gcat_launches.c.entry_id == entries.c.id)
                    .where(*condition).order_by(entries.c.date_start).limit(listed))]
        out.append(report)
    return out


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def report(conn: Connection, source: str | None = None,
           listed: int = GCAT_ONLY_LISTED) -> dict[str, Any]:
    """The whole report, as JSON-ready data."""
    pairs = matched(conn, source)
    return {
        "attribution": f"{GCAT_CITATION} ({GCAT_LICENCE})",
        "prefer": prefer(conn),
        "matched": len(pairs),
        "with_disagreements": sum(1 for p in pairs if p["disagreements"]),
        "launches": pairs,
        "sources": unmatched(conn, source, listed),
    }
