"""Search hits as a list: every hit of a query among the entries a launch filter
selects, in rank or date order, so that a search pages, counts, filters and sorts
like the chronology.

The result is a :class:`~kosmochron.store.search.Ranking` (item ids and ranks in
arrays), which :func:`kosmochron.store.search.ranked_page` turns into a page of
hits with snippets, and whose length is the hit count; a server keeps it per
query, filter, order and data version.
"""

from __future__ import annotations

from array import array

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .query import LaunchFilter, choice_error, where
from .schema import entries, items
from .search import Ranking, fts5_query, pg_query, query_terms, ranked

#: How hits can be sorted: best first, or by launch date (undated last either way).
HIT_ORDERS = ("rank", "date", "-date")
#: No filter at all: every entry, launches and events alike.
EVERYTHING = LaunchFilter(kind=None)


def _matches(conn: Connection, text: str) -> sa.Subquery:
    """(id, rank) of every item matching ``text``; lower ranks are better on SQLite
    (BM25), higher on PostgreSQL (ts_rank_cd), as the index gives them."""
    if conn.dialect.name == "postgresql":
        sql = sa.text("SELECT item_id AS id, ts_rank_cd(document, websearch_to_tsquery("
                      "'english', :hit_text)) AS rank FROM item_search "
                      "WHERE document @@ websearch_to_tsquery('english', :hit_text)")
        sql = sql.bindparams(hit_text=pg_query(text))
    else:
        sql = sa.text("SELECT rowid AS id, bm25(item_fts, 10.0, 4.0, 4.0, 1.0) AS rank "
                      "FROM item_fts WHERE item_fts MATCH :hit_text")
        sql = sql.bindparams(hit_text=fts5_query(text))
    return sql.columns(id=sa.Integer, rank=sa.Float).subquery("hits")


def ranking(conn: Connection, text: str, f: LaunchFilter | None = None,
            order: str = "rank") -> Ranking:
    """Every hit of ``text`` among the entries ``f`` selects (None: all), in ``order``."""
    if order not in HIT_ORDERS:
        raise choice_error("order", order, HIT_ORDERS)
    f = f or EVERYTHING
    if order == "rank" and f == EVERYTHING:
        return ranked(conn, text)
    found = Ranking(array("q"), array("d"))
    if not query_terms(text):
        return found
    hits = _matches(conn, text)
    best_first = hits.c.rank.desc() if conn.dialect.name == "postgresql" else hits.c.rank.asc()
    keys = {"rank": (best_first, hits.c.id),
            "date": (entries.c.date_start.asc().nulls_last(), entries.c.id, items.c.seq),
            "-date": (entries.c.date_start.desc().nulls_last(), entries.c.id.desc(),
                      items.c.seq)}[order]
    rows = conn.execute(
        sa.select(hits.c.id, hits.c.rank)
        .select_from(hits.join(items, items.c.id == hits.c.id)
                     .join(entries, entries.c.id == items.c.entry_id))
        .where(*where(conn, f)).order_by(*keys))
    sign = 1.0 if conn.dialect.name == "postgresql" else -1.0
    for item_id, rank in rows:
        found.ids.append(item_id)
        found.ranks.append(sign * float(rank))
    return found
