"""Full-text search over payload names, failure texts, summaries and narratives.

SQLite uses an FTS5 index whose content is a view over ``items`` and
``entries`` (nothing is stored twice), ranked by BM25; PostgreSQL uses a
weighted ``tsvector`` per item with a GIN index, ranked by ``ts_rank_cd``.
Snippets mark matches with private-use characters that each front end turns
into its own highlighting (:func:`highlight_html`, :func:`highlight_text`).
"""

from __future__ import annotations

import html
import re
from array import array
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .db import QueryError

MARK_START, MARK_END = "\ue000", "\ue001"

SQLITE_DDL = [
    """CREATE VIEW item_search AS
       SELECT items.id AS id, items.name AS name, entries.failure AS failure,
              items.summary AS summary, items.narrative AS narrative
       FROM items JOIN entries ON entries.id = items.entry_id""",
    """CREATE VIRTUAL TABLE item_fts USING fts5(
       name, failure, summary, narrative,
       content='item_search', content_rowid='id', tokenize='porter unicode61')""",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS item_fts", "DROP VIEW IF EXISTS item_search"]

#: An item's search document from its name, its launch's failure, its summary and
#: its narrative (the columns' SQL).
PG_DOCUMENT_OF = """
    setweight(to_tsvector('english', {name}), 'A') ||
    setweight(to_tsvector('english', coalesce({failure}, '')), 'B') ||
    setweight(to_tsvector('english', coalesce({summary}, '')), 'B') ||
    setweight(to_tsvector('english', coalesce({narrative}, '')), 'C')"""
PG_DOCUMENT = PG_DOCUMENT_OF.format(name="items.name", failure="entries.failure",
                                    summary="items.summary", narrative="items.narrative")
PG_INDEX = "CREATE INDEX ix_item_search_document ON item_search USING GIN (document)"
PG_DDL = [
    """CREATE TABLE item_search (
       item_id integer PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
       document tsvector NOT NULL)""",
    PG_INDEX,
]
PG_DROP = ["DROP TABLE IF EXISTS item_search"]


def create_index(conn: Connection) -> None:
    for statement in PG_DDL if conn.dialect.name == "postgresql" else SQLITE_DDL:
        conn.exec_driver_sql(statement)


def drop_index(conn: Connection) -> None:
    for statement in PG_DROP if conn.dialect.name == "postgresql" else SQLITE_DROP:
        conn.exec_driver_sql(statement)


_SOURCE_ITEMS = "SELECT items.id FROM items JOIN entries ON entries.id = items.entry_id " \
                "WHERE entries.source_id = :source_id"


def index_source(conn: Connection, source_id: int) -> None:
    """Index the items of a freshly ingested source."""
    if conn.dialect.name == "postgresql":
        sql = (f"INSERT INTO item_search (item_id, document) SELECT items.id, {PG_DOCUMENT} "
               "FROM items JOIN entries ON entries.id = items.entry_id "
               "WHERE entries.source_id = :source_id")
    else:
        sql = ("INSERT INTO item_fts (rowid, name, failure, summary, narrative) "
               "SELECT id, name, failure, summary, narrative FROM item_search "
               f"WHERE id IN ({_SOURCE_ITEMS})")
    conn.execute(sa.text(sql), {"source_id": source_id})


def suspend_index(conn: Connection) -> bool:
    """Drop PostgreSQL's GIN index for a bulk load (built once after, it is faster than
    kept up row by row); True if there was one to build again (:func:`resume_index`)."""
    if conn.dialect.name != "postgresql":
        return False
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_item_search_document")
    return True


def resume_index(conn: Connection) -> None:
    conn.exec_driver_sql(PG_INDEX)


def index_items(conn: Connection, first: int, last: int) -> None:
    """Index the items with ids ``first`` to ``last`` (a batch just written by ingest,
    indexed while the next is parsed)."""
    if conn.dialect.name == "postgresql":
        sql = (f"INSERT INTO item_search (item_id, document) SELECT items.id, {PG_DOCUMENT} "
               "FROM items JOIN entries ON entries.id = items.entry_id "
               "WHERE items.id BETWEEN :first AND :last")
    else:
        sql = ("INSERT INTO item_fts (rowid, name, failure, summary, narrative) "
               "SELECT id, name, failure, summary, narrative FROM item_search "
               "WHERE id BETWEEN :first AND :last")
    conn.execute(sa.text(sql), {"first": first, "last": last})


#: ``item_search`` as :class:`~kosmochron.store.db.BulkWriter` copies into it.
ITEM_SEARCH = sa.Table("item_search", sa.MetaData(), sa.Column("item_id", sa.Integer),
                       sa.Column("document", sa.Text))
#: Items' search documents from arrays of their ids and texts (a batch's, sent by value).
_PG_DOCUMENTS = (
    "SELECT t.id, ({document})::text FROM unnest(%s::int[], %s::text[], %s::text[], "
    "%s::text[], %s::text[]) AS t(id, name, failure, summary, narrative)").format(
    document=PG_DOCUMENT_OF.format(name="t.name", failure="t.failure", summary="t.summary",
                                   narrative="t.narrative"))


class SearchDocuments:
    """PostgreSQL's search documents of an ingest's items, computed by a connection of
    their own while the ingesting one copies the rows.  ``to_tsvector`` over every
    payload's texts is the biggest part of a PostgreSQL ingest (8.6 of 25 s on the
    100,000-launch corpus), and in the ingest's own transaction it ran in its one
    server process after the rows' COPY; here a second server process computes each
    batch's documents from its texts (sent by value: the rows are not committed yet)
    and the ingesting connection copies them in as text, which the server reads back
    without parsing the words again.  The documents are exactly what the SQL path
    computes (the same expression; tsvector's text form reads back as itself)."""

    def __init__(self, engine: sa.Engine) -> None:
        self._conn = engine.connect()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="kosmochron-search-documents")

    def submit(self, items: list[tuple[Any, ...]], failures: dict[int, str | None],
               columns: tuple[str, ...]) -> Future[list[tuple[int, str]]]:
        """Start on a batch's items (rows of ``columns``, their launches' failures by
        entry id): what is needed is copied now, as the rows are handed on."""
        at = [columns.index(name) for name in ("id", "entry_id", "name", "summary",
                                                "narrative")]
        texts = ([row[at[0]] for row in items], [row[at[2]] for row in items],
                 [failures.get(row[at[1]]) for row in items], [row[at[3]] for row in items],
                 [row[at[4]] for row in items])
        return self._pool.submit(self._documents, texts)

    def _documents(self, texts: tuple[list[Any], ...]) -> list[tuple[int, str]]:
        raw = self._conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur:
            cur.execute(_PG_DOCUMENTS, texts)
            return [(int(item_id), str(document)) for item_id, document in cur.fetchall()]

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
        self._conn.close()


def unindex_source(conn: Connection, source_id: int) -> None:
    """Remove a source's items from the index (before its rows are deleted)."""
    if conn.dialect.name == "postgresql":
        return  # item_search rows go with their items (ON DELETE CASCADE)
    conn.execute(sa.text(
        "INSERT INTO item_fts (item_fts, rowid, name, failure, summary, narrative) "
        "SELECT 'delete', id, name, failure, summary, narrative FROM item_search "
        f"WHERE id IN ({_SOURCE_ITEMS})"), {"source_id": source_id})


@dataclass(frozen=True, slots=True)
class SearchHit:
    item_id: int
    entry_id: int
    name: str
    date_text: str
    rank: float
    #: Matching text with matches between MARK_START and MARK_END.
    snippet: str

    def snippet_html(self) -> str:
        return highlight_html(self.snippet)

    def snippet_text(self, start: str = "«", end: str = "»") -> str:
        return highlight_text(self.snippet, start, end)


def highlight_html(marked: str) -> str:
    escaped = html.escape(marked, quote=False)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def highlight_text(marked: str, start: str = "«", end: str = "»") -> str:
    return marked.replace(MARK_START, start).replace(MARK_END, end)


_TERM = re.compile(r'"([^"]*)"|(\S+)')


#: The most distinct words or "quoted phrases" one search may ask for, and the most
#: words in all: a search's cost grows with both (a word repeated 300 times took 52 s
#: before repeats were dropped), and no real question needs more.
MAX_TERMS = 16
MAX_WORDS = 48


class TooManyTerms(QueryError):
    """A search asking for more than :data:`MAX_TERMS` terms (a 400 from the server)."""


def query_terms(text: str) -> list[str]:
    """The words and "quoted phrases" of user text, each once (a repeat, in any case and
    spacing, asks nothing more); AND, OR and NOT are plain noise and NUL characters
    (which no query can hold) are dropped.  TooManyTerms past the limits."""
    terms: list[str] = []
    seen: set[str] = set()
    repeats = 0
    for phrase, word in _TERM.findall(text.replace("\x00", "")):
        term = (phrase or word).strip()
        if not term or term.upper() in {"AND", "OR", "NOT"}:
            continue
        key = " ".join(term.casefold().split())
        if key in seen:
            repeats += 1
            continue
        seen.add(key)
        terms.append(term)
    words = sum(len(term.split()) for term in terms)
    if len(terms) > MAX_TERMS or words > MAX_WORDS:
        again = f" (and {repeats:,} repeats, which count once)" if repeats else ""
        raise TooManyTerms(f"too many search terms: {len(terms):,} different words or phrases "
                           f"({words:,} words){again}; a search takes at most {MAX_TERMS} "
                           f"words or \"quoted phrases\", {MAX_WORDS} words in all")
    return terms


def normalise(text: str) -> str:
    """The search as its terms, each once, in a canonical spelling: what a search is kept
    and compared under (so ``mars mars MARS`` is one search, ``mars``).  Text with no
    terms at all (``AND``, spaces) stays as it is: it matches nothing."""
    terms = query_terms(text)
    return " ".join(f'"{t}"' if " " in t else t for t in terms) if terms else text


def fts5_query(text: str) -> str:
    """User text to a safe FTS5 query: every word or "quoted phrase" must occur."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in query_terms(text))


def pg_query(text: str) -> str:
    """User text to a ``websearch_to_tsquery`` query meaning what :func:`fts5_query`
    means: every term is quoted, so ``-word`` and ``or`` are not operators."""
    return " ".join('"' + term.replace('"', " ") + '"' for term in query_terms(text))


def search(conn: Connection, text: str, limit: int = 20, offset: int = 0) -> list[SearchHit]:
    """Ranked hits for ``text`` (words must all occur; "quoted phrases" stay together)."""
    if not query_terms(text):
        return []
    if conn.dialect.name == "postgresql":
        return _search_pg(conn, text, limit, offset)
    query = fts5_query(text)
    # Rank every hit but build snippets and joins for the page only: with the snippet
    # and the joins in the ranking query, SQLite computes them for every hit before
    # sorting (a common word has tens of thousands of hits: 3x slower).  CROSS JOIN
    # keeps that join order (the page first, then one index lookup per hit).
    rows = conn.execute(sa.text(
        "WITH hits AS (SELECT rowid AS id, bm25(item_fts, 10.0, 4.0, 4.0, 1.0) AS rank "
        "              FROM item_fts WHERE item_fts MATCH :query "
        "              ORDER BY rank, rowid LIMIT :limit OFFSET :offset) "
        "SELECT hits.id, items.entry_id, items.name, entries.date_text, hits.rank, "
        f"      snippet(item_fts, -1, '{MARK_START}', '{MARK_END}', '…', 16) "
        "FROM hits CROSS JOIN item_fts ON item_fts.rowid = hits.id "
        "JOIN items ON items.id = hits.id JOIN entries ON entries.id = items.entry_id "
        "WHERE item_fts MATCH :query ORDER BY hits.rank, hits.id"),
        {"query": query, "limit": limit, "offset": offset}).all()
    return [SearchHit(r[0], r[1], r[2], r[3], -float(r[4]), r[5]) for r in rows]


_PG_HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=10, " \
               "MaxFragments=2, FragmentDelimiter=…"


def _search_pg(conn: Connection, text: str, limit: int, offset: int) -> list[SearchHit]:
    options = _PG_HEADLINE
    rows = conn.execute(sa.text(
        "WITH q AS (SELECT websearch_to_tsquery('english', :text) AS query), "
        "hits AS (SELECT item_search.item_id, ts_rank_cd(item_search.document, q.query) AS rank "
        "         FROM item_search, q WHERE item_search.document @@ q.query "
        "         ORDER BY rank DESC, item_search.item_id LIMIT :limit OFFSET :offset) "
        "SELECT hits.item_id, items.entry_id, items.name, entries.date_text, hits.rank, "
        "       ts_headline('english', concat_ws(' ', items.name, entries.failure, items.summary,"
        "                   items.narrative), q.query, :options) "
        "FROM hits JOIN items ON items.id = hits.item_id "
        "JOIN entries ON entries.id = items.entry_id, q "
        "ORDER BY hits.rank DESC, hits.item_id"),
        {"text": pg_query(text), "limit": limit, "offset": offset, "options": options}).all()
    return [SearchHit(r[0], r[1], r[2], r[3], float(r[4]), r[5]) for r in rows]


@dataclass(frozen=True, slots=True)
class Ranking:
    """Every hit of one query, best first: item ids and their ranks (as :class:`SearchHit`
    has them), in arrays rather than lists of objects so that a server can keep many
    rankings without giving its garbage collector more to walk."""

    ids: array[int]
    ranks: array[float]

    def __len__(self) -> int:
        return len(self.ids)


def ranked(conn: Connection, text: str) -> Ranking:
    """The whole ranking of ``text``, in the order :func:`search` pages through it."""
    ranking = Ranking(array("q"), array("d"))
    if not query_terms(text):
        return ranking
    if conn.dialect.name == "postgresql":
        rows = conn.execute(sa.text(
            "SELECT item_id, ts_rank_cd(document, websearch_to_tsquery('english', :text)) "
            "AS rank FROM item_search "
            "WHERE document @@ websearch_to_tsquery('english', :text) "
            "ORDER BY rank DESC, item_id"), {"text": pg_query(text)})
        sign = 1.0
    else:
        rows = conn.execute(sa.text(
            "SELECT rowid, bm25(item_fts, 10.0, 4.0, 4.0, 1.0) AS rank FROM item_fts "
            "WHERE item_fts MATCH :query ORDER BY rank, rowid"), {"query": fts5_query(text)})
        sign = -1.0
    for item_id, rank in rows:
        ranking.ids.append(item_id)
        ranking.ranks.append(sign * float(rank))
    return ranking


def ranked_page(conn: Connection, text: str, ranking: Ranking, limit: int,
                offset: int) -> list[SearchHit]:
    """The hits of one page of a :func:`ranked` ranking, with their snippets: the same
    as :func:`search` with that limit and offset."""
    ids, ranks = ranking.ids[offset:offset + limit], ranking.ranks[offset:offset + limit]
    if not ids:
        return []
    params: dict[str, Any] = {f"id{n}": item_id for n, item_id in enumerate(ids)}
    listed = ", ".join(f":id{n}" for n in range(len(ids)))
    if conn.dialect.name == "postgresql":
        params["text"] = pg_query(text)
        params["options"] = _PG_HEADLINE
        sql = ("SELECT items.id, items.entry_id, items.name, entries.date_text, "
               "       ts_headline('english', concat_ws(' ', items.name, entries.failure, "
               "                   items.summary, items.narrative), "
               "                   websearch_to_tsquery('english', :text), :options) "
               "FROM items JOIN entries ON entries.id = items.entry_id "
               f"WHERE items.id IN ({listed})")
    else:
        params["query"] = fts5_query(text)
        sql = ("SELECT items.id, items.entry_id, items.name, entries.date_text, "
               f"      snippet(item_fts, -1, '{MARK_START}', '{MARK_END}', '…', 16) "
               "FROM item_fts JOIN items ON items.id = item_fts.rowid "
               "JOIN entries ON entries.id = items.entry_id "
               f"WHERE item_fts MATCH :query AND item_fts.rowid IN ({listed})")
    rows = {r[0]: r for r in conn.execute(sa.text(sql), params)}
    return [SearchHit(item_id, rows[item_id][1], rows[item_id][2], rows[item_id][3], rank,
                      rows[item_id][4])
            for item_id, rank in zip(ids, ranks, strict=True) if item_id in rows]


def matching_entry_ids(conn: Connection, text: str) -> sa.TextualSelect:
    """Entry ids whose items match ``text``, for the ``--text`` filter (an IN subquery)."""
    if conn.dialect.name == "postgresql":
        sql = ("SELECT items.entry_id FROM item_search "
               "JOIN items ON items.id = item_search.item_id "
               "WHERE item_search.document @@ websearch_to_tsquery('english', :fts_text)")
        value = pg_query(text)
    else:
        sql = ("SELECT items.entry_id FROM item_fts JOIN items ON items.id = item_fts.rowid "
               "WHERE item_fts MATCH :fts_text")
        value = fts5_query(text) or '""'
    return sa.text(sql).bindparams(fts_text=value).columns(entry_id=sa.Integer)
