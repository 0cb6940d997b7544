"""Ingest: a parsed chronology into the database, one transaction per file.

The file is hashed first: an unchanged file (same path, same SHA-256) is left
alone; an edited one replaces its old version inside the same transaction, so
a crash or Ctrl-C mid-file leaves the database exactly as it was.  Rows are
written in batches with the driver's fastest bulk path (``executemany`` on
SQLite, ``COPY`` on PostgreSQL) while the file streams through the parser.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..gcatcodes import launch_tag_of_piece
from ..model import Cospar, Diagnostic, Distance, Entry, Mass
from ..render import render_entry
from ..source import SEED_NAME, ChronologyStream, StreamEnd, open_stream
from ..suggest import fold
from . import crosswalk, merge, search
from .db import BulkWriter, StoreError
from .packing import pack
from .pipeline import ProducedAside, WriteBehind, can_fork
from .query import reparse
from .rawtext import NUL, clean, escape
from .schema import ENTITY_TABLES, diagnostics, entries, items, source_texts, sources

#: Called with (bytes read, entries so far) as the file streams in, once those entries
#: are written (in the thread that writes them, so it may read the connection).
Progress = Callable[[int, int], None]
BATCH_ENTRIES = 2000


@dataclass(slots=True)
class IngestResult:
    path: str
    status: Literal["added", "replaced", "unchanged"]
    source_id: int
    entries: int = 0
    launches: int = 0
    items: int = 0
    errors: int = 0
    seconds: float = 0.0
    diagnostics: list[Diagnostic] = field(default_factory=list)


def source_identity(path: str | Path | None) -> str:
    """How a file is known in the database: its absolute path, or the seed's name."""
    if path is None:
        return SEED_NAME
    identity = str(Path(path).resolve())
    try:
        identity.encode("utf-8")
    except UnicodeEncodeError:  # a file name that is not UTF-8 (os.fsdecode's escapes)
        raise StoreError(f"{identity.encode('utf-8', 'backslashreplace').decode()}: error: "
                         "the file name is not valid UTF-8, which the database needs; "
                         "rename the file") from None
    return identity


#: The largest source a database holds (sizes, line and column numbers are 32-bit
#: integers in PostgreSQL): larger files are refused alike on both databases.
MAX_SOURCE_BYTES = 2**31 - 1


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:180] or "x"


class EntityIds:
    """Get-or-create ids for one entity table, new rows buffered until flushed."""

    def __init__(self, conn: Connection, table: sa.Table) -> None:
        self.table = table
        rows = conn.execute(sa.select(table.c.id, table.c.name, table.c.slug)).all()
        self.ids = {name: id_ for id_, name, _ in rows}
        self.slugs = {slug for _, _, slug in rows}
        self.next_id = max((id_ for id_, _, _ in rows), default=0) + 1
        self.pending: list[tuple[int, str, str]] = []

    def __call__(self, name: str | None) -> int | None:
        if not name:
            return None
        id_ = self.ids.get(name)
        if id_ is None:
            id_ = self.next_id
            self.next_id += 1
            slug = base = slugify(name)
            n = 2
            while slug in self.slugs:
                slug, n = f"{base}-{n}", n + 1
            self.slugs.add(slug)
            self.ids[name] = id_
            self.pending.append((id_, name, slug))
        return id_


def _next_id(conn: Connection, table: sa.Table) -> int:
    highest = conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
    return int(highest) + 1


ENTRY_COLUMNS = ("id", "source_id", "seq", "line", "end_line", "kind", "date_text",
                 "date_precision", "date_start", "date_end", "time_utc", "site_id", "complex_id",
                 "lv_family_id", "vehicle_id", "configuration_id", "outcome", "failure",
                 "failed_stage", "has_errors", "raw", "state_id", "launch_code", "launch_tag",
                 "agency_id")
ITEM_COLUMNS = ("id", "entry_id", "seq", "line", "end_line", "name", "payload", "mass_kg",
                "mass_lb", "nation_id", "agency_id", "program_id", "class", "type_id",
                "spacecraft", "decay_date", "satcat", "cospar", "cospar_kind", "cospar_normalized",
                "cospar_gcat", "apogee_km", "perigee_km", "inclination_deg", "period_min",
                "duration_days", "summary", "narrative", "cospar_launch", "name_key")
_RAW = ENTRY_COLUMNS.index("raw")
_FAILURE = ENTRY_COLUMNS.index("failure")
DIAGNOSTIC_COLUMNS = ("source_id", "entry_id", "severity", "line", "column", "message")


_FAILURE_LAUNCH = re.compile(r"(F\d{6})[A-Z]*")
_PLACEHOLDER_LAUNCH = re.compile(r"(\d{4}-\d{3})[a-z]*")


def cospar_launch(kind: str | None, gcat: str | None, text: str | None) -> str | None:
    """The launch of a payload's designator in GCAT's spelling (``items.cospar_launch``):
    ``1971-049`` of ``1971-049A``, ``1962 B IOT`` of ``1962 B IOT 1``, ``F601010`` of
    ``F601010A``, ``1988-058`` of the placeholder ``1988-058xx``."""
    if kind in ("modern", "greek") and gcat:
        return launch_tag_of_piece(gcat)
    pattern = {"failure": _FAILURE_LAUNCH, "placeholder": _PLACEHOLDER_LAUNCH}.get(kind or "")
    m = pattern.fullmatch(text) if pattern is not None and text else None
    return None if m is None else m.group(1)


class _Batch:
    """Rows of the entries parsed since the last flush."""

    def __init__(self, conn: Connection, source_id: int, dates_as_text: bool) -> None:
        self.source_id = source_id
        self.entity = {kind: EntityIds(conn, table) for kind, table in ENTITY_TABLES.items()}
        self.entry_id = _next_id(conn, entries)
        self.item_id = _next_id(conn, items)
        self.entries: list[tuple[Any, ...]] = []
        self.items: list[tuple[Any, ...]] = []
        self.texts: list[tuple[Any, ...]] = []
        self.entry_of: dict[int, int] = {}
        self.date: Callable[[dt.date | None], Any] = (
            (lambda d: None if d is None else d.isoformat()) if dates_as_text else (lambda d: d))

    def add_entry(self, entry: Entry, seq: int, source: str) -> None:
        # The model's properties scan the fields on every call; this is the ingest's
        # inner loop, so each entry's and item's fields are read once into dicts.
        ent = self.entity
        eid = self.entry_id
        self.entry_id += 1
        raw = render_entry(entry)
        for diag in entry.diagnostics:
            self.entry_of[id(diag)] = eid
        has_errors = entry.has_errors
        if NUL in raw:  # rare: values from the text with U+FFFD (see store.rawtext)
            entry = reparse(clean(raw), source, entry.line)
        date = entry.date
        header: dict[str, str] = {}
        for f in entry.fields:
            header.setdefault(f.key, f.value)
        self.entries.append((
            eid, self.source_id, seq, entry.line, entry.end_line, entry.kind, date.text,
            date.precision, self.date(date.start), self.date(date.end), entry.time_utc,
            ent["site"](header.get("Launch Site")), ent["complex"](header.get("Launch Complex")),
            ent["family"](header.get("LV Family")), ent["vehicle"](header.get("Launch Vehicle")),
            ent["configuration"](header.get("LV Configuration")),
            entry.outcome, header.get("FAILURE"), header.get("Failed Stage"), has_errors,
            raw, ent["state"](header.get("State")),
            (header.get("Launch Code") or "")[:12] or None,
            (header.get("Launch Tag") or "")[:20] or None, ent["agency"](header.get("Agency"))))
        for seq_item, item in enumerate(entry.items):
            iid = self.item_id
            self.item_id += 1
            values: dict[str, str] = {}
            typed: dict[str, Any] = {}
            item_fields = item.fields
            for f in item_fields:
                values.setdefault(f.key, f.value)
                if f.typed is not None:
                    typed.setdefault(f.key, f.typed)
            mass, cospar = typed.get("Mass"), typed.get("COSPAR")
            apogee, perigee = typed.get("Apogee"), typed.get("Perigee")
            decay = typed.get("Decay Date")
            self.items.append((
                iid, eid, seq_item, item.line, item.end_line, item.name, values.get("Payload"),
                mass.kg if isinstance(mass, Mass) else None,
                mass.lb if isinstance(mass, Mass) else None,
                ent["nation"](values.get("Nation")), ent["agency"](values.get("Agency")),
                ent["program"](values.get("Program")), values.get("Class"),
                ent["type"](values.get("Type")), values.get("Spacecraft"),
                self.date(decay) if isinstance(decay, dt.date) else None,
                typed.get("USAF Sat Cat"), values.get("COSPAR"),
                cospar.kind if isinstance(cospar, Cospar) else None,
                cospar.normalized if isinstance(cospar, Cospar) else None,
                cospar.gcat if isinstance(cospar, Cospar) else None,
                apogee.km if isinstance(apogee, Distance) else None,
                perigee.km if isinstance(perigee, Distance) else None,
                typed.get("Inclination"), typed.get("Period"), typed.get("Duration"),
                values.get("Summary"), item.narrative or None,
                cospar_launch(cospar.kind, cospar.gcat, cospar.text)
                if isinstance(cospar, Cospar) else None, fold(item.name)))

    def take(self) -> _Rows:
        """The rows gathered so far (the batch starts afresh)."""
        named = [(kind, ids.pending) for kind, ids in self.entity.items()]
        for ids in self.entity.values():
            ids.pending = []
        rows = _Rows(named, self.texts, self.entries, self.items)
        self.texts, self.entries, self.items = [], [], []
        return rows


@dataclass(slots=True)
class _Rows:
    """One batch's rows, plain tuples (so another process can build them): the new
    entities by kind, the text between entries, the entries and the items; with how
    far the file had been read and how many entries and items so far."""

    named: list[tuple[str, list[tuple[int, str, str]]]]
    texts: list[tuple[Any, ...]]
    entries: list[tuple[Any, ...]]
    items: list[tuple[Any, ...]]
    packed: bool = False
    bytes_read: int = 0
    entry_count: int = 0
    item_count: int = 0
    #: A whole batch, not the rest at the end (progress is told after whole ones).
    whole: bool = False

    def pack(self) -> _Rows:
        """The entries' text packed (:mod:`.packing`), once."""
        if not self.packed:
            self.entries = [(*row[:_RAW], pack(row[_RAW]), *row[_RAW + 1:])
                            for row in self.entries]
            self.packed = True
        return self


def _write_rows(writer: BulkWriter, rows: _Rows,
                documents: Future[list[tuple[int, str]]] | None = None) -> None:
    """Write a batch (the entities first: the rows refer to them).  Packed here when
    the parsing is in this process: this runs in the writing thread, and zlib works
    without the interpreter's lock, so it overlaps the parsing of the next batch.
    ``documents``: the items' search documents, being computed elsewhere
    (:class:`~.search.SearchDocuments`), else they are computed here."""
    for kind, pending in rows.named:
        writer.insert(ENTITY_TABLES[kind], ("id", "name", "slug"), pending)
    writer.insert(source_texts, ("source_id", "seq", "line", "raw"), rows.texts)
    writer.insert(entries, ENTRY_COLUMNS, rows.pack().entries)
    if rows.items:  # searchable as soon as written, while the next batch is parsed
        first, last = rows.items[0][0], rows.items[-1][0]
        writer.insert(items, ITEM_COLUMNS, rows.items)
        if documents is None:
            search.index_items(writer.conn, first, last)
        else:
            writer.insert(search.ITEM_SEARCH, ("item_id", "document"), documents.result())


def _documents(documents: search.SearchDocuments | None,
               rows: _Rows) -> Future[list[tuple[int, str]]] | None:
    """Start on a batch's search documents, if another connection computes them."""
    if documents is None or not rows.items:
        return None
    return documents.submit(rows.items, {row[0]: row[_FAILURE] for row in rows.entries},
                            ITEM_COLUMNS)


def _lock(conn: Connection) -> None:
    """Serialise writers: ids are assigned from max(id) inside the transaction."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4590)")
    else:  # take SQLite's write lock now rather than at the first insert
        conn.exec_driver_sql("DELETE FROM sources WHERE 0")


#: The columns that refer to each kind of entity (an agency launches, or owns a payload).
ENTITY_USES = {"site": (entries.c.site_id,), "complex": (entries.c.complex_id,),
               "family": (entries.c.lv_family_id,), "vehicle": (entries.c.vehicle_id,),
               "configuration": (entries.c.configuration_id,),
               "program": (items.c.program_id,),
               "agency": (items.c.agency_id, entries.c.agency_id),
               "nation": (items.c.nation_id,), "type": (items.c.type_id,),
               "state": (entries.c.state_id,)}


def delete_source(conn: Connection, source_id: int) -> None:
    """Delete a source with its rows, and the entities that only it named; entries of
    other sources merged into its entries count again."""
    merge.unmerge_source(conn, source_id)
    search.unindex_source(conn, source_id)
    conn.execute(sa.delete(sources).where(sources.c.id == source_id))
    for kind, table in ENTITY_TABLES.items():
        conn.execute(sa.delete(table).where(*(~sa.exists().where(column == table.c.id)
                                              for column in ENTITY_USES[kind])))


def _fix_sequences(conn: Connection) -> None:
    """Ids were assigned by hand; move PostgreSQL's sequences past them."""
    if conn.dialect.name != "postgresql":
        return
    for table in ["sources", "entries", "items", "diagnostics",
                  *(t.name for t in ENTITY_TABLES.values())]:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")


def _batches(stream: ChronologyStream, batch: _Batch) -> Iterator[_Rows]:
    """The stream's rows, a batch every :data:`BATCH_ENTRIES` entries and the rest at
    the end, each with the counts so far."""
    source_id, display = batch.source_id, stream.reader.display
    entry_count = item_count = 0
    for seq, node in enumerate(stream):
        if isinstance(node, Entry):
            batch.add_entry(node, seq, display)
            entry_count += 1
            item_count += len(node.items)
            if entry_count % BATCH_ENTRIES == 0:
                yield _counted(batch.take(), stream, entry_count, item_count, whole=True)
        else:
            batch.texts.append((source_id, seq, node.line, escape(node.raw)))
    yield _counted(batch.take(), stream, entry_count, item_count, whole=False)


def _counted(rows: _Rows, stream: ChronologyStream, entry_count: int, item_count: int,
             whole: bool) -> _Rows:
    rows.bytes_read, rows.entry_count, rows.item_count, rows.whole = \
        stream.reader.bytes_read, entry_count, item_count, whole
    return rows


def _entry_ids(stream: ChronologyStream, batch: _Batch) -> list[int | None]:
    """The entry of each of the stream's diagnostics (None: outside any entry)."""
    return [batch.entry_of.get(id(d)) for d in stream.diagnostics]


def _parse_here(stream: ChronologyStream, batch: _Batch, writer: BulkWriter,
                progress: Progress | None) -> tuple[_Rows, list[int | None]]:
    """Parse in this thread while a thread of its own writes a batch behind."""
    last = _Rows([], [], [], [])
    with WriteBehind() as behind:
        for last in _batches(stream, batch):
            behind.submit(partial(_write_rows, writer, last))
            if progress and last.whole:  # told once written, in the writing thread
                behind.submit(partial(progress, last.bytes_read, last.entry_count))
    return last, _entry_ids(stream, batch)


def _parse_aside(stream: ChronologyStream, batch: _Batch, writer: BulkWriter,
                 progress: Progress | None,
                 documents: search.SearchDocuments | None = None
                 ) -> tuple[_Rows, list[int | None]]:
    """Parse, build and pack the rows in a forked process while this one writes them:
    on two cores the parsing and the database's work overlap (in one process the
    sqlite3 module holds the interpreter's lock while it binds each row); on
    PostgreSQL ``documents`` computes the search documents in a server process of
    their own."""
    def produce(send: Callable[[_Rows], None]) -> tuple[StreamEnd, list[int | None]]:
        for rows in _batches(stream, batch):
            send(rows)
        return stream.end(), _entry_ids(stream, batch)

    last = _Rows([], [], [], [])
    with ProducedAside(stream.reader.display, produce) as aside, WriteBehind() as behind:
        for last in aside:
            behind.submit(partial(_write_rows, writer, last, _documents(documents, last)))
            if progress and last.whole:
                behind.submit(partial(progress, last.bytes_read, last.entry_count))
        end, entry_ids = aside.result
    stream.adopt(end)
    return last, entry_ids


#: Files from this size are parsed in a process of their own (where processes fork).
PARSE_ASIDE_MIN_BYTES = 4 << 20


def _store_nodes(conn: Connection, stream: ChronologyStream, result: IngestResult,
                 progress: Progress | None, aside: bool) -> None:
    """Write the stream's entries, items, text between them and diagnostics in batches."""
    source_id = result.source_id
    writer = BulkWriter(conn)
    batch = _Batch(conn, source_id, dates_as_text=conn.dialect.name == "sqlite")
    if not aside:
        last, entry_ids = _parse_here(stream, batch, writer, progress)
    elif conn.dialect.name == "postgresql":
        documents = search.SearchDocuments(conn.engine)
        try:
            last, entry_ids = _parse_aside(stream, batch, writer, progress, documents)
        finally:
            documents.close()
    else:
        last, entry_ids = _parse_aside(stream, batch, writer, progress)
    result.entries, result.items = last.entry_count, last.item_count
    if progress:
        progress(stream.reader.bytes_read, result.entries)
    diag_rows = [(source_id, entry_id, d.severity, d.line, d.column, clean(d.message))
                 for d, entry_id in zip(stream.diagnostics, entry_ids, strict=True)]
    writer.insert(diagnostics, DIAGNOSTIC_COLUMNS, diag_rows)


#: A file this many times the size of the text stored already is a bulk load.
BULK_FACTOR = 4
BULK_MIN_BYTES = 8 << 20


@contextmanager
def _bulk_load(conn: Connection, stream: ChronologyStream) -> Iterator[None]:
    """A big file into a small database (the first big ingest): the secondary indexes
    of entries and items (and PostgreSQL's search index) are dropped for the load and
    built once after it, which is faster than keeping them up row by row.  Readers of
    SQLite do not notice (they read the last commit); on PostgreSQL they wait for the
    ingest's commit (dropping an index locks its table)."""
    path = stream.reader.path
    size = os.stat(path).st_size if isinstance(path, str | Path) else 0
    stored = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(sources.c.size_bytes), 0)))\
        .scalar_one()
    if size < BULK_MIN_BYTES or size < BULK_FACTOR * int(stored):
        yield
        return
    dropped = sorted(entries.indexes | items.indexes, key=lambda index: index.name or "")
    for index in dropped:
        index.drop(conn)
    search_index = search.suspend_index(conn)
    yield
    for index in dropped:
        index.create(conn)
    if search_index:
        search.resume_index(conn)


def _finish_source(conn: Connection, stream: ChronologyStream, result: IngestResult) -> None:
    """The source's counts and title, then the search index and the GCAT links."""
    source_id = result.source_id
    counts = conn.execute(
        sa.select(sa.func.count(), sa.func.count().filter(entries.c.kind == "launch"))
        .where(entries.c.source_id == source_id)).one()
    result.launches = counts[1]
    result.errors = stream.diagnostics.counts["error"]  # those not kept too
    result.diagnostics = list(stream.diagnostics)
    src = stream.source
    conn.execute(sa.update(sources).where(sources.c.id == source_id).values(
        title=clean(src.title), bom=src.bom, size_bytes=stream.reader.bytes_read,
        entry_count=result.entries, launch_count=result.launches, item_count=result.items,
        error_count=result.errors))
    if conn.dialect.name == "postgresql":
        # Fresh statistics after a bulk COPY, or the planner picks nested loops
        # for the index and link queries below (and for the first queries after).
        conn.exec_driver_sql("ANALYZE entries, items, sources")
    else:  # SQLite's planner too picks better with statistics (sampled: milliseconds)
        conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
        conn.exec_driver_sql("ANALYZE")
    crosswalk.link_source(conn, source_id)  # (the search index was filled batch by batch)
    merge.link_source(conn, source_id)
    _fix_sequences(conn)


def ingest(conn: Connection, path: str | Path | None = None, encoding: str = "utf-8",
           progress: Progress | None = None) -> IngestResult:
    """Ingest one file (the bundled seed when ``path`` is None) inside ``conn``'s
    transaction; the caller commits."""
    stream = open_stream(path, encoding)
    size = Path(path).stat().st_size if path is not None and Path(path).is_file() else 0
    if size > MAX_SOURCE_BYTES:
        raise StoreError(f"{path}: error: the file is over 2 GiB, more than one source can "
                         "be; split it into several files")
    aside = size >= PARSE_ASIDE_MIN_BYTES and can_fork()
    return ingest_stream(conn, source_identity(path), stream, progress, aside=aside)


def ingest_stream(conn: Connection, identity: str, stream: ChronologyStream,
                  progress: Progress | None = None, sha: str | None = None,
                  aside: bool = False) -> IngestResult:
    """Ingest a chronology stream as the source ``identity`` (unchanged if its hash,
    or ``sha``, is the stored one; else replacing the stored version); ``aside``: parse
    it in a process of its own (see :func:`_parse_aside`)."""
    started = time.perf_counter()
    sha = sha or stream.reader.file_sha256()
    _lock(conn)
    old = conn.execute(sa.select(sources.c.id, sources.c.sha256)
                       .where(sources.c.path == identity)).first()
    if old is not None and old.sha256 == sha:
        return IngestResult(identity, "unchanged", old.id)
    if old is not None:
        delete_source(conn, old.id)
    source_id = conn.execute(sa.insert(sources).values(
        path=identity, sha256=sha, title=None, encoding=stream.reader.encoding, bom=False,
        size_bytes=0, entry_count=0, launch_count=0, item_count=0, error_count=0,
        ingested_at=dt.datetime.now(dt.UTC)).returning(sources.c.id)).scalar_one()
    result = IngestResult(identity, "replaced" if old else "added", source_id)
    with _bulk_load(conn, stream):
        _store_nodes(conn, stream, result, progress, aside)
    _finish_source(conn, stream, result)
    result.seconds = time.perf_counter() - started
    return result
