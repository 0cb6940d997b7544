"""Exports: the stored chronologies as JSON, NDJSON, CSV, Parquet or GCAT-style TSV.

``json`` and ``ndjson`` are the parser's contract (:mod:`kosmochron.export`):
entries are rebuilt by re-parsing their stored raw text, so an export is what
``kosmochron parse`` gives for the same files, and a consumer needs only one
reader for both.  ``json`` is a list of documents, one per stored source::

    [{"source": {"path", "sha256", "title"}, "entries": [...], "diagnostics": [...]}]

``csv``, ``parquet`` and ``gcat-tsv`` are two flat tables each, launches and
payloads, read with SQL joins straight from the entity tables (no re-parse)
and streamed in batches (a server-side cursor on PostgreSQL), so 100k
launches export in seconds and in bounded memory.  Their columns are stable;
add new ones at the end, never rename or reorder:

``launches``: id (int: the entry id), source (str: the file's path), line (int),
kind (``launch``/``event``), date_text, date_precision, date_start (date),
date_end (date), time_utc, site, complex, lv_family, vehicle, configuration,
outcome (``success``/``failure``), failure, failed_stage, has_errors (bool),
payload_count (int).

``payloads``: id (int: the item id), launch_id (int: ``launches.id``), seq (int:
0-based place in its launch), line (int), name, payload, mass_kg (float),
mass_lb (float), nation, agency, program, class, type, spacecraft, decay_date
(date), satcat (int), cospar, cospar_kind, cospar_normalized, cospar_gcat,
apogee_km, perigee_km, inclination_deg, period_min, duration_days (floats),
summary, narrative.

CSV writes an absent value as an empty cell, dates as ISO ``YYYY-MM-DD`` and
booleans as ``true``/``false``; Parquet keeps the types (int64, float64,
date32, bool, string).  Rows are in source order: by source, then by place in
the file.  Files are written under a temporary name and renamed when complete,
so an interrupted export never leaves a truncated table behind.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from ..export import (
    diagnostic_json,
    dumps,
    entry_json,
    ndjson_line,
    source_json,
)
from ..model import Diagnostic, Source
from ..tables import LAUNCH_COLUMNS as LAUNCH_COLUMNS  # the tables' columns, re-exported
from ..tables import PAYLOAD_COLUMNS as PAYLOAD_COLUMNS
from ..tables import CsvWriter
from .crosswalk import GCAT_CITATION
from .query import LaunchFilter, QueryError, reparse, where
from .schema import ENTITY_TABLES, diagnostics, entries, items, sources

FORMATS = ("json", "ndjson", "csv", "parquet", "gcat-tsv")
#: Rows fetched from the database per round trip (and per Parquet row group).
BATCH_ROWS = 5000

#: GCAT launch.tsv columns we can fill (J. McDowell's names), in GCAT's order.
GCAT_LAUNCH_COLUMNS = ("#Launch_Tag", "Launch_Date", "LV_Type", "Variant", "Launch_Site",
                       "Launch_Pad", "LaunchCode", "FailCode", "Notes")
#: GCAT psatcat.tsv columns (and satcat.tsv ones for mass, orbit and decay) we can fill.
GCAT_PAYLOAD_COLUMNS = ("#JCAT", "Piece", "Name", "PLName", "LDate", "Launch_Tag", "Program",
                        "Class", "Category", "Result", "Mass", "Perigee", "Apogee", "Inc",
                        "DDate", "Comment")

Out = str | Path | IO[str] | IO[bytes] | None


#: The two tables of the table formats, and the file name suffix of each format.
TABLES = ("launches", "payloads")
SUFFIXES = {"csv": ".csv", "parquet": ".parquet", "gcat-tsv": ".tsv"}


def export(conn: Connection, fmt: str, out: Out = None, filter: LaunchFilter | None = None,
           table: str | None = None) -> list[Path] | None:
    """Write the stored entries matching ``filter`` in format ``fmt``.

    ``json``/``ndjson`` go to the text stream ``out`` (stdout when None) or to the
    file at path ``out`` (its path is returned).  The table formats write both
    tables into the directory ``out`` (created if needed) and return the files
    written there; or one table (``table``: launches, the default, or payloads)
    to the stream ``out``, or to the file ``out`` when its name ends in the
    format's suffix (``.csv``, ``.parquet``, ``.tsv``).  With no filter every
    entry is exported, events included, except for ``gcat-tsv``, whose launch
    list holds launches only, as GCAT's does."""
    if fmt not in FORMATS:
        raise QueryError(f"bad export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if table is not None and table not in TABLES:
        raise QueryError(f"bad table {table!r}: expected launches or payloads")
    if filter is None:
        filter = LaunchFilter(kind="launch" if fmt == "gcat-tsv" else None)
    if conn.dialect.name == "postgresql":
        # Every row will be read: plan our server-side cursors for the whole result,
        # not (PostgreSQL's default) for the first 10% of it.
        conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
    if fmt in ("json", "ndjson"):
        write = write_json if fmt == "json" else write_ndjson
        if not isinstance(out, str | Path):
            write(conn, sys.stdout if out is None else out, filter)  # type: ignore[arg-type]
            return None
        path = Path(out)
        with _replacing(path) as part, part.open("w", encoding="utf-8", newline="\n") as f:
            write(conn, f, filter)
        return [path]
    if out is None:
        raise QueryError(f"the {fmt} export writes two files: give a directory to write "
                         "them into, e.g. ./kosmochron-export")
    if not isinstance(out, str | Path):
        write_table(conn, fmt, out, table or "launches", filter)
        return None
    path = Path(out)
    if path.suffix == SUFFIXES[fmt] and not path.is_dir():
        with _replacing(path) as part, part.open("wb") as f:
            write_table(conn, fmt, f, table or "launches", filter)
        return [path]
    if path.exists() and not path.is_dir():
        raise QueryError(f"{path}: error: not a directory; the {fmt} export writes "
                         f"two files into a directory (or one table to a {SUFFIXES[fmt]} file)")
    path.mkdir(parents=True, exist_ok=True)
    writers: dict[str, Callable[[Connection, Path, LaunchFilter], list[Path]]] = {
        "csv": write_csv, "parquet": write_parquet, "gcat-tsv": write_gcat_tsv}
    return writers[fmt](conn, path, filter)


def write_table(conn: Connection, fmt: str, out: IO[str] | IO[bytes], table: str,
                f: LaunchFilter) -> None:
    """One table of a table format to a stream: a binary one, or a text one (Parquet
    then goes to its underlying binary buffer, as for stdout)."""
    if fmt == "parquet":
        if isinstance(out, io.TextIOBase):  # stdout: Parquet is bytes
            out.flush()
            out = out.buffer  # type: ignore[attr-defined]
        parquet_table(conn, out, table, f)  # type: ignore[arg-type]
        return
    text: IO[str] = out if isinstance(out, io.TextIOBase) else \
        io.TextIOWrapper(out, encoding="utf-8", newline="")  # type: ignore[type-var]
    try:
        if fmt == "csv":
            csv_table(conn, text, table, f)
        else:
            (gcat_launches_tsv if table == "launches" else gcat_payloads_tsv)(conn, text, f)
    finally:
        text.flush()
        if isinstance(text, io.TextIOWrapper) and text is not out:
            text.detach()


class _replacing:
    """Write ``path`` under a temporary name and rename it into place on success."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.part = path.with_name(path.name + ".part")

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self.part

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            os.replace(self.part, self.path)
        else:
            self.part.unlink(missing_ok=True)


@contextmanager
def _stream(conn: Connection,
            query: sa.Select[Any]) -> Generator[Iterator[Sequence[Row[Any]]], None, None]:
    """Rows in batches (``with _stream(…) as batches``); ``yield_per`` makes it a
    server-side cursor on PostgreSQL.  The cursor is closed when the caller stops
    early too (a reader that closed the pipe), while its connection is still open,
    not later by the garbage collector."""
    with conn.execution_options(yield_per=BATCH_ROWS).execute(query) as result:
        yield result.partitions()


# -- the parser's contract -----------------------------------------------------


def write_json(conn: Connection, out: IO[str], f: LaunchFilter) -> None:
    """A JSON list of documents, one per source with a matching entry (every source
    when unfiltered); a filtered document keeps only its entries' diagnostics."""
    clauses = where(conn, f)
    filtered = f != LaunchFilter(kind=None)
    out.write("[")
    first_doc = True
    for src in conn.execute(sa.select(sources).order_by(sources.c.id)).all():
        query = (sa.select(entries.c.line, entries.c.raw)
                 .where(entries.c.source_id == src.id, *clauses).order_by(entries.c.seq))
        with _stream(conn, query) as batches:
            batch = next(batches, None)
            if batch is None and filtered:
                continue
            out.write("\n" if first_doc else ",\n")
            first_doc = False
            out.write(f'{{"source": {dumps(source_json(Source(src.path, src.sha256, src.title)))}'
                      ',\n "entries": [')
            n = 0
            while batch is not None:
                for row in batch:
                    out.write(",\n  " if n else "\n  ")
                    out.write(dumps(entry_json(reparse(row.raw, src.path, row.line))))
                    n += 1
                batch = next(batches, None)
        diag = sa.select(diagnostics).where(diagnostics.c.source_id == src.id)
        if filtered:
            diag = diag.where(diagnostics.c.entry_id.in_(
                sa.select(entries.c.id).where(entries.c.source_id == src.id, *clauses)))
        found = [diagnostic_json(Diagnostic(d.severity, src.path, d.line, d.column, d.message))
                 for d in conn.execute(diag.order_by(diagnostics.c.id))]
        out.write(f'\n ],\n "diagnostics": {dumps(found)}}}')
    out.write("\n]\n")


def write_ndjson(conn: Connection, out: IO[str], f: LaunchFilter) -> None:
    """One entry per line with its source's path, as ``kosmochron parse --format ndjson``."""
    query = (sa.select(sources.c.path, entries.c.line, entries.c.raw)
             .join(sources, sources.c.id == entries.c.source_id)
             .where(*where(conn, f)).order_by(entries.c.source_id, entries.c.seq))
    with _stream(conn, query) as batches:
        for batch in batches:
            out.writelines(ndjson_line(reparse(r.raw, r.path, r.line), r.path) for r in batch)


# -- the tables ------------------------------------------------------------------


def _entity(kind: str) -> sa.FromClause:
    # Aliased so that the filter's own subqueries on these tables (``where``) are
    # never auto-correlated to the joins here, which would change their meaning.
    return ENTITY_TABLES[kind].alias(f"x_{kind}")


def launch_query(conn: Connection, f: LaunchFilter | None,
                 ids: Sequence[int] | None = None) -> sa.Select[Any]:
    """The launches table (:data:`LAUNCH_COLUMNS`) for the entries matching ``f``, or
    for the entries ``ids`` (in source order either way)."""
    e = entries
    counted = items.alias("x_counted")
    # A correlated count (an index lookup per launch), not a join to a grouped
    # subquery, whose size PostgreSQL underestimates before its first ANALYZE:
    # right after a bulk ingest it nested-looped over it, minutes for 100k launches.
    payload_count = (sa.select(sa.func.count()).where(counted.c.entry_id == e.c.id)
                     .scalar_subquery())
    site, cplx, family, vehicle, config = (
        _entity(k) for k in ("site", "complex", "family", "vehicle", "configuration"))
    base = (e.join(sources, sources.c.id == e.c.source_id)
            .outerjoin(site, site.c.id == e.c.site_id)
            .outerjoin(cplx, cplx.c.id == e.c.complex_id)
            .outerjoin(family, family.c.id == e.c.lv_family_id)
            .outerjoin(vehicle, vehicle.c.id == e.c.vehicle_id)
            .outerjoin(config, config.c.id == e.c.configuration_id))
    return (sa.select(e.c.id, sources.c.path.label("source"), e.c.line, e.c.kind, e.c.date_text,
                      e.c.date_precision, e.c.date_start, e.c.date_end, e.c.time_utc,
                      site.c.name.label("site"), cplx.c.name.label("complex"),
                      family.c.name.label("lv_family"), vehicle.c.name.label("vehicle"),
                      config.c.name.label("configuration"), e.c.outcome, e.c.failure,
                      e.c.failed_stage, e.c.has_errors,
                      payload_count.label("payload_count"))
            .select_from(base).where(*_chosen(conn, f, ids)).order_by(e.c.source_id, e.c.seq))


def _chosen(conn: Connection, f: LaunchFilter | None,
            ids: Sequence[int] | None) -> list[sa.ColumnElement[bool]]:
    if ids is not None:
        return [entries.c.id.in_(list(ids))]
    return where(conn, f or LaunchFilter(kind=None))


def payload_query(conn: Connection, f: LaunchFilter | None, *extra: sa.ColumnElement[Any],
                  ids: Sequence[int] | None = None) -> sa.Select[Any]:
    """The payloads table (:data:`PAYLOAD_COLUMNS`, then ``extra`` columns of
    ``entries``) for the items of the entries matching ``f`` (or of the entries
    ``ids``)."""
    it = items.alias("x_items")
    nation, agency, program, kind = (_entity(k) for k in ("nation", "agency", "program", "type"))
    base = (it.join(entries, entries.c.id == it.c.entry_id)
            .outerjoin(nation, nation.c.id == it.c.nation_id)
            .outerjoin(agency, agency.c.id == it.c.agency_id)
            .outerjoin(program, program.c.id == it.c.program_id)
            .outerjoin(kind, kind.c.id == it.c.type_id))
    c = it.c
    return (sa.select(c.id, c.entry_id.label("launch_id"), c.seq, c.line, c.name, c.payload,
                      c.mass_kg, c.mass_lb, nation.c.name.label("nation"),
                      agency.c.name.label("agency"), program.c.name.label("program"),
                      c["class"], kind.c.name.label("type"), c.spacecraft, c.decay_date,
                      c.satcat, c.cospar, c.cospar_kind, c.cospar_normalized, c.cospar_gcat,
                      c.apogee_km, c.perigee_km, c.inclination_deg, c.period_min,
                      c.duration_days, c.summary, c.narrative, *extra)
            .select_from(base).where(*_chosen(conn, f, ids))
            .order_by(entries.c.source_id, entries.c.seq, c.seq))


def _table(conn: Connection, table: str, f: LaunchFilter) -> tuple[
        tuple[tuple[str, str], ...], sa.Select[Any]]:
    if table == "launches":
        return LAUNCH_COLUMNS, launch_query(conn, f)
    return PAYLOAD_COLUMNS, payload_query(conn, f)


def csv_table(conn: Connection, out: IO[str], table: str, f: LaunchFilter) -> None:
    """One table (``launches`` or ``payloads``) as CSV with a header row, through the
    one CSV writer (:class:`kosmochron.tables.CsvWriter`)."""
    columns, query = _table(conn, table, f)
    writer = CsvWriter(out)
    writer.header([column for column, _ in columns])
    with _stream(conn, query) as batches:
        for batch in batches:
            writer.rows(batch)


def write_csv(conn: Connection, directory: Path, f: LaunchFilter) -> list[Path]:
    """``launches.csv`` and ``payloads.csv`` with a header row each."""
    written = []
    for name in TABLES:
        path = directory / f"{name}.csv"
        with _replacing(path) as part, part.open("w", encoding="utf-8", newline="") as out:
            csv_table(conn, out, name, f)
        written.append(path)
    return written


def arrow_schema(columns: Sequence[tuple[str, str]]) -> Any:
    """The Parquet schema of a table: int64, float64, date32, bool or string columns."""
    import pyarrow as pa

    types = {"int": pa.int64(), "float": pa.float64(), "date": pa.date32(),
             "bool": pa.bool_(), "str": pa.string()}
    return pa.schema([pa.field(name, types[kind]) for name, kind in columns])


def parquet_table(conn: Connection, out: Path | IO[bytes], table: str, f: LaunchFilter) -> None:
    """One table as Parquet, one row group per batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns, query = _table(conn, table, f)
    schema = arrow_schema(columns)
    with pq.ParquetWriter(out, schema) as writer, _stream(conn, query) as batches:
        for batch in batches:
            arrays = [pa.array(list(values), type=field.type) for values, field
                      in zip(zip(*batch, strict=True), schema, strict=True)]
            writer.write_batch(pa.record_batch(arrays, schema=schema))


def write_parquet(conn: Connection, directory: Path, f: LaunchFilter) -> list[Path]:
    """``launches.parquet`` and ``payloads.parquet``, one row group per batch."""
    written = []
    for name in TABLES:
        path = directory / f"{name}.parquet"
        with _replacing(path) as part:
            parquet_table(conn, part, name, f)
        written.append(path)
    return written


# -- GCAT-style TSV ----------------------------------------------------------------

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def gcat_date(precision: str, start: dt.date | None, end: dt.date | None,
              time_utc: str | None = None) -> str:
    """A date as GCAT writes it, no more precise than the chronology: ``1971 May 19 1622``
    (a time only with a day), ``1959 Jun 25-26``, ``1961 May``, ``1960 Jun-Aug`` for
    a season, ``1961`` for a year, ``-`` when unknown.  GCAT pads the day to two
    characters (``1957 Oct  4``)."""
    if start is None or end is None or precision == "unknown":
        return "-"
    year, month = f"{start.year}", _MONTHS[start.month - 1]
    if precision == "year":
        return year
    if precision == "month":
        return f"{year} {month}"
    if precision == "season":
        last = _MONTHS[end.month - 1]
        return f"{year} {month}-{last}" if end.year == start.year \
            else f"{year} {month}-{end.year} {last}"
    text = f"{year} {month} {start.day:2d}"
    if precision == "day-range" and end != start:
        return text + (f"-{end.day}" if end.month == start.month
                       else f"-{_MONTHS[end.month - 1]} {end.day}")
    if time_utc:
        hours, _, rest = time_utc.partition(":")
        minutes, _, seconds = rest.partition(":")
        text += f" {hours.zfill(2)}{minutes}" + (f":{seconds}" if seconds else "")
    return text


_BREAKS = re.compile(r"[\t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def _tsv(value: object) -> str:
    """One GCAT cell: ``-`` for nothing, whole numbers without ``.0``, no tabs or newlines."""
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date):
        return gcat_date("day", value, value)
    return _BREAKS.sub(" ", str(value))


def _fail_code(row: Row[Any]) -> str | None:
    """GCAT's FailCode: ``S<n>`` for a failed stage number, ``U`` for a failure with
    no stage given, else the chronology's own stage code as written."""
    if row.outcome != "failure":
        return None
    stage = row.failed_stage
    if not stage:
        return "U"
    return f"S{stage}" if stage.isdigit() else str(stage)


_CREDIT = f"# Kosmochron export in the style of GCAT's {{}} (format: {GCAT_CITATION})\n"


def gcat_launches_tsv(conn: Connection, out: IO[str], f: LaunchFilter) -> None:
    """The launches as GCAT's ``launch.tsv`` (see :func:`write_gcat_tsv`)."""
    out.write("\t".join(GCAT_LAUNCH_COLUMNS) + "\n" + _CREDIT.format("launch.tsv"))
    with _stream(conn, launch_query(conn, f)) as batches:
        for batch in batches:
            for r in batch:
                code = {"success": "OS", "failure": "OF"}.get(r.outcome or "")
                unknown = r.date_precision == "unknown"
                notes = "; ".join(x for x in (r.failure, unknown and f"date: {r.date_text}") if x)
                cells = (r.id, gcat_date(r.date_precision, r.date_start, r.date_end, r.time_utc),
                         r.vehicle, r.configuration, r.site, r.complex, code, _fail_code(r),
                         notes)
                out.write("\t".join(map(_tsv, cells)) + "\n")


def gcat_payloads_tsv(conn: Connection, out: IO[str], f: LaunchFilter) -> None:
    """The payloads as GCAT's ``psatcat.tsv`` (see :func:`write_gcat_tsv`)."""
    extra = (entries.c.date_precision.label("l_precision"), entries.c.date_start.label("l_start"),
             entries.c.date_end.label("l_end"), entries.c.outcome.label("l_outcome"))
    out.write("\t".join(GCAT_PAYLOAD_COLUMNS) + "\n" + _CREDIT.format("psatcat.tsv"))
    with _stream(conn, payload_query(conn, f, *extra)) as batches:
        for batch in batches:
            for r in batch:
                item = (None if r.satcat is None else f"S{r.satcat:05d}", r.cospar_gcat, r.name,
                        r.payload, gcat_date(r.l_precision, r.l_start, r.l_end), r.launch_id,
                        r.program, None, r._mapping["class"],
                        "F" if r.l_outcome == "failure" else None,
                        r.mass_kg, r.perigee_km, r.apogee_km, r.inclination_deg, r.decay_date,
                        r.type)
                out.write("\t".join(map(_tsv, item)) + "\n")


def write_gcat_tsv(conn: Connection, directory: Path, f: LaunchFilter) -> list[Path]:
    """``launches.tsv`` and ``payloads.tsv`` with GCAT's column names where ours map
    to them (``-`` for empty, as GCAT does), so GCAT tooling can read them.

    As in GCAT's files the first line is the ``#``-prefixed header and the second a
    comment: ours cites GCAT for the format.  ``Launch_Tag`` is our launch id, not
    GCAT's tag; ``JCAT`` is ``S`` and the satellite number when there is one.  The
    chronology's ``Class`` (e.g. ``Planetary``) is a mission category, so it goes in
    ``Category``; GCAT's ``Class`` (A/B/C/D owner class) is unknown here and is ``-``."""
    written = []
    for name, write in (("launches", gcat_launches_tsv), ("payloads", gcat_payloads_tsv)):
        path = directory / f"{name}.tsv"
        with _replacing(path) as part, part.open("w", encoding="utf-8", newline="") as out:
            write(conn, out, f)
        written.append(path)
    return written
