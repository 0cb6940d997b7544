"""Where an entry stands in the chronology: the launches before and after it.

The chronology's order is the date (undated entries last), then the id, as the
lists have it; only launches that count are stepped through (an entry another
source's entry stands for, ``kind = 'merged'``, is skipped: its launch is there
under the other).  Each neighbour is one row by index (``ix_entries_date``).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import entries


def _first(conn: Connection, *conditions: sa.ColumnElement[bool],
           backwards: bool) -> int | None:
    order = (entries.c.date_start.desc(), entries.c.id.desc()) if backwards \
        else (entries.c.date_start.asc(), entries.c.id.asc())
    return conn.execute(sa.select(entries.c.id).where(entries.c.kind == "launch", *conditions)
                        .order_by(*order).limit(1)).scalar()


def neighbours(conn: Connection, entry_id: int) -> tuple[int | None, int | None]:
    """The ids of the launches just before and just after entry ``entry_id``."""
    day = conn.execute(sa.select(entries.c.date_start).where(entries.c.id == entry_id)).first()
    if day is None:
        return None, None
    start, c = day[0], entries.c
    if start is None:  # undated: after every dated launch, by id among the undated
        undated = c.date_start.is_(None)
        before = _first(conn, undated, c.id < entry_id, backwards=True) \
            or _first(conn, c.date_start.is_not(None), backwards=True)
        return before, _first(conn, undated, c.id > entry_id, backwards=False)
    earlier = sa.or_(c.date_start < start, sa.and_(c.date_start == start, c.id < entry_id))
    later = sa.or_(c.date_start > start, sa.and_(c.date_start == start, c.id > entry_id))
    after = _first(conn, later, backwards=False) \
        or _first(conn, c.date_start.is_(None), backwards=False)
    return _first(conn, earlier, backwards=True), after
