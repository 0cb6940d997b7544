"""GCAT's payload catalog: import ``psatcat.tsv`` and link its rows to our items.

GCAT is Jonathan McDowell's General Catalog of Artificial Space Objects
(planet4589.org, CC-BY 4.0).  Rows link to items by the best agreement on
satellite-catalog number, designator, launch day and name
(:mod:`kosmochron.gcatmatch`); GCAT writes Greek designators as ``1962 B IOT 1``,
which is the ``cospar_gcat`` form the parser computes.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..gcat import GCAT_CITATION as GCAT_CITATION  # re-exported: callers import them here
from ..gcat import GcatError as GcatError
from ..gcatcodes import parse_gcat_date
from ..gcatmatch import GcatMatch, Ours, best_match
from ..model import Cospar, carriers
from ..values import cospar
from .db import BulkWriter
from .schema import GCAT_SOURCE, entries, gcat_links, gcat_payloads, items, sources

_MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name}
_GCAT_DATE = re.compile(r"(\d{4})\s+([A-Z][a-z]{2})\s+(\d{1,2})")
COLUMNS = ("jcat", "satcat", "piece", "name", "launch_date_text", "launch_date", "program",
           "class", "category", "result", "un_state", "un_reg", "comment", "t_last",
           "t_last_start", "t_last_end", "un_perigee_km", "un_apogee_km", "un_inc_deg")
#: The columns holding dates (stored as ISO text on SQLite).
_DATE_COLUMNS = frozenset(i for i, c in enumerate(COLUMNS)
                          if c in ("launch_date", "t_last_start", "t_last_end"))



def gcat_date(text: str) -> dt.date | None:
    """``1957 Oct  4`` (GCAT's launch date, maybe with a time or '?') to a date."""
    m = _GCAT_DATE.match(text)
    if m is None or m.group(2) not in _MONTHS:
        return None
    try:
        return dt.date(int(m.group(1)), _MONTHS[m.group(2)], int(m.group(3)))
    except ValueError:
        return None


def _null(value: str) -> str | None:
    value = value.strip()
    if len(value) > 1 and value[0] == value[-1] == '"':  # CSV quoting: "Sputnik ""Cosmos-2"""
        value = value[1:-1].replace('""', '"').strip()
    return None if value in ("", "-") else value


def read_psatcat(path: str | Path) -> list[tuple[object, ...]]:
    """The rows of psatcat.tsv as tuples in :data:`COLUMNS` order."""
    rows: list[tuple[object, ...]] = []
    with open(path, encoding="utf-8", newline="") as f:
        header = f.readline().rstrip("\r\n").lstrip("#").split("\t")
        need = {"JCAT", "Piece", "Name", "LDate", "Program", "Class", "Category", "Result"}
        if not need <= set(header):
            raise GcatError(f"{path}:1:1: error: not GCAT's psatcat.tsv: the header lacks "
                            f"{', '.join(sorted(need - set(header)))}")
        col = {name: i for i, name in enumerate(header)}

        def cell(record: list[str], name: str) -> str | None:
            return _null(record[col[name]]) if name in col else None

        for record in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not record or record[0].startswith("#"):
                continue
            record += [""] * (len(header) - len(record))
            jcat = record[col["JCAT"]].strip()
            satcat = int(jcat[1:]) if jcat.startswith("S") and jcat[1:].isdigit() else None
            ldate = record[col["LDate"]].strip()
            t_last = cell(record, "TLast")
            last = _days(t_last)
            rows.append((jcat, satcat, cell(record, "Piece"), cell(record, "Name"),
                         ldate, gcat_date(ldate), cell(record, "Program"), cell(record, "Class"),
                         cell(record, "Category"), cell(record, "Result"),
                         cell(record, "UNState"), cell(record, "UNReg"), cell(record, "Comment"),
                         t_last, *last, _number(cell(record, "UNPerigee")),
                         _number(cell(record, "UNApogee")), _number(cell(record, "UNInc"))))
    return rows


def _days(text: str | None) -> tuple[dt.date | None, dt.date | None]:
    """The first and last days a GCAT date allows (``1972 Aug?``: July to September)."""
    if text is None:
        return None, None
    try:
        when = parse_gcat_date(text)
    except ValueError:
        return None, None
    return when.first_day, when.last_day


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def import_psatcat(conn: Connection, path: str | Path) -> int:
    """Replace the imported catalog with ``path`` and relink every item; returns rows."""
    rows = read_psatcat(path)
    conn.execute(sa.delete(gcat_links))
    conn.execute(sa.delete(gcat_payloads))
    if conn.dialect.name == "sqlite":  # dates as ISO text, as SQLAlchemy stores them there
        rows = [tuple(v.isoformat() if i in _DATE_COLUMNS and isinstance(v, dt.date) else v
                      for i, v in enumerate(r)) for r in rows]
    imported = len(rows)
    BulkWriter(conn).insert(gcat_payloads, COLUMNS, rows)
    link_source(conn, None)
    return imported


class GcatIndex:
    """GCAT's payload rows held in memory (~22,000 small rows for psatcat), found by
    satellite number, designator and launch day: a
    :class:`~kosmochron.validate.GcatLookup`."""

    def __init__(self, rows: Iterable[dict[str, Any]]) -> None:
        self.by_satcat: dict[int, list[dict[str, Any]]] = {}
        self.by_piece: dict[str, list[dict[str, Any]]] = {}
        self.by_day: dict[dt.date, list[dict[str, Any]]] = {}
        for row in rows:
            if row.get("satcat") is not None:
                self.by_satcat.setdefault(row["satcat"], []).append(row)
            if row.get("piece"):
                self.by_piece.setdefault(row["piece"], []).append(row)
            if isinstance(row.get("launch_date"), dt.date):
                self.by_day.setdefault(row["launch_date"], []).append(row)

    def __bool__(self) -> bool:
        return bool(self.by_satcat or self.by_piece or self.by_day)

    def __call__(self, satcat: int | None, piece: str | None,
                 launched: tuple[dt.date, dt.date] | None = None) -> list[dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        numbered = self.by_satcat.get(satcat, []) if satcat is not None else []
        for row in [*numbered, *(self.by_piece.get(piece, []) if piece else [])]:
            found.setdefault(row["jcat"], row)
        if launched is not None:
            day = launched[0]
            while day <= launched[1]:
                for row in self.by_day.get(day, []):
                    found.setdefault(row["jcat"], row)
                day += dt.timedelta(days=1)
        return list(found.values())


def load_index(conn: Connection, columns: Sequence[str] | None = None) -> GcatIndex:
    """The imported rows (all their columns, or only ``columns``) as a :class:`GcatIndex`."""
    table = gcat_payloads
    query = sa.select(table) if columns is None else sa.select(*(table.c[c] for c in columns))
    return GcatIndex(dict(r._mapping) for r in conn.execute(query))


_MATCH_COLUMNS = ("jcat", "satcat", "piece", "name", "launch_date")


def link_source(conn: Connection, source_id: int | None) -> None:
    """(Re)link the items of one source, or of all sources, to GCAT rows.

    Each item's row is the best of the candidates scored on all four keys, number,
    designator, launch day and name (:func:`kosmochron.gcatmatch.best_match`);
    ``matched_by`` says which of number and designator agreed (``satcat+piece``,
    ``satcat``, ``designator``) or ``date+name``.  A payload carried aboard another
    (see :func:`kosmochron.model.carriers`) has no row of its own and is not linked.
    GCAT's own launch list (the source ``gcat``) is not linked: its payloads are these
    rows, written out."""
    if conn.execute(sa.select(gcat_payloads.c.jcat).limit(1)).first() is None:
        return
    scope = "" if source_id is None else " AND entries.source_id = :source_id"
    conn.execute(sa.text(
        "DELETE FROM gcat_links WHERE item_id IN (SELECT items.id FROM items "
        f"JOIN entries ON entries.id = items.entry_id WHERE 1=1{scope})"),
        {"source_id": source_id})
    index = load_index(conn, _MATCH_COLUMNS)
    gcat = sa.select(sources.c.id).where(sources.c.path == GCAT_SOURCE).scalar_subquery()
    query = (sa.select(items.c.id, items.c.entry_id, items.c.name, items.c.payload,
                       items.c.satcat, items.c.cospar, entries.c.date_start, entries.c.date_end)
             .join(entries, entries.c.id == items.c.entry_id)
             .where(entries.c.source_id.is_distinct_from(gcat))
             .order_by(items.c.entry_id, items.c.seq))
    if source_id is not None:
        query = query.where(entries.c.source_id == source_id)
    links = []
    for _, group in itertools.groupby(conn.execute(query), key=lambda r: r.entry_id):
        rows = list(group)
        keys = [(_cospar(r.cospar), r.satcat) for r in rows]
        for r, carrier in zip(rows, carriers(keys), strict=True):
            if carrier is not None:
                continue
            match = _best(index, r)
            if match is not None:
                links.append((r.id, match.row["jcat"], match.matched_by))
    if links:
        BulkWriter(conn).insert(gcat_links, ("item_id", "jcat", "matched_by"), links)


def _cospar(text: str | None) -> Cospar | None:
    try:
        return None if text is None else cospar(text)
    except ValueError:
        return None


def _best(index: GcatIndex, r: Any) -> GcatMatch | None:
    designator = _cospar(r.cospar)
    piece = designator.gcat if designator is not None and designator.kind != "placeholder" \
        else None
    start, end = r.date_start, r.date_end
    ours = Ours(r.satcat, piece, start, end, tuple(n for n in (r.name, r.payload) if n))
    short = ours.launched if start is not None and end is not None \
        and (end - start).days <= 31 else None
    if ours.satcat is None and piece is None:
        return None
    return best_match(index(ours.satcat, piece, short), ours)
