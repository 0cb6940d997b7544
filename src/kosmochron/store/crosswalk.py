"""GCAT's payload catalog: import ``psatcat.tsv`` and link its rows to our items.

GCAT is Jonathan McDowell's General Catalog of Artificial Space Objects
(planet4589.org, CC-BY 4.0).  Rows link to items by satellite-catalog number
and designator; GCAT writes Greek designators as ``1962 B IOT 1``, which is the
``cospar_gcat`` form the parser computes.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .db import BulkWriter
from .schema import gcat_links, gcat_payloads

GCAT_CITATION = "J. McDowell, GCAT, planet4589.org"
_MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name}
_GCAT_DATE = re.compile(r"(\d{4})\s+([A-Z][a-z]{2})\s+(\d{1,2})")
COLUMNS = ("jcat", "satcat", "piece", "name", "launch_date_text", "launch_date", "program",
           "class", "category", "result", "un_state", "un_reg", "comment")


class GcatError(ValueError):
    """A file that is not GCAT's payload catalog."""


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
        for record in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not record or record[0].startswith("#"):
                continue
            record += [""] * (len(header) - len(record))
            jcat = record[col["JCAT"]].strip()
            satcat = int(jcat[1:]) if jcat.startswith("S") and jcat[1:].isdigit() else None
            ldate = record[col["LDate"]].strip()
            rows.append((jcat, satcat, _null(record[col["Piece"]]), _null(record[col["Name"]]),
                         ldate, gcat_date(ldate), _null(record[col["Program"]]),
                         _null(record[col["Class"]]), _null(record[col["Category"]]),
                         _null(record[col["Result"]]),
                         _null(record[col.get("UNState", -1)]) if "UNState" in col else None,
                         _null(record[col.get("UNReg", -1)]) if "UNReg" in col else None,
                         _null(record[col.get("Comment", -1)]) if "Comment" in col else None))
    return rows


def import_psatcat(conn: Connection, path: str | Path) -> int:
    """Replace the imported catalog with ``path`` and relink every item; returns rows."""
    rows = read_psatcat(path)
    conn.execute(sa.delete(gcat_links))
    conn.execute(sa.delete(gcat_payloads))
    if conn.dialect.name == "sqlite":  # dates as ISO text, as SQLAlchemy stores them there
        rows = [(*r[:5], r[5].isoformat() if isinstance(r[5], dt.date) else None, *r[6:])
                for r in rows]
    imported = len(rows)
    BulkWriter(conn).insert(gcat_payloads, COLUMNS, rows)
    link_source(conn, None)
    return imported


_LINKS = [
    ("satcat+piece", "g.satcat = items.satcat AND g.piece = items.cospar_gcat"),
    ("satcat", "g.satcat = items.satcat"),
    ("designator", "g.piece = items.cospar_gcat"),
]


def link_source(conn: Connection, source_id: int | None) -> None:
    """(Re)link the items of one source, or of all sources, to GCAT rows.

    The strongest evidence wins: satellite number and designator together, then
    the number alone, then the designator alone."""
    if conn.execute(sa.select(gcat_payloads.c.jcat).limit(1)).first() is None:
        return
    scope = "" if source_id is None else " AND entries.source_id = :source_id"
    conn.execute(sa.text(
        "DELETE FROM gcat_links WHERE item_id IN (SELECT items.id FROM items "
        f"JOIN entries ON entries.id = items.entry_id WHERE 1=1{scope})"),
        {"source_id": source_id})
    for how, condition in _LINKS:
        conn.execute(sa.text(
            "INSERT INTO gcat_links (item_id, jcat, matched_by) "
            "SELECT items.id, MIN(g.jcat), :how FROM items "
            "JOIN entries ON entries.id = items.entry_id "
            f"JOIN gcat_payloads g ON {condition} "
            f"WHERE items.id NOT IN (SELECT item_id FROM gcat_links){scope} "
            "GROUP BY items.id"), {"how": how, "source_id": source_id})
