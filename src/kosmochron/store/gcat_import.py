"""``import-gcat``: GCAT's files into the store, and its launch list as a chronology.

Each file (recognised by :mod:`kosmochron.gcat` from its header) is one kind: the
launch list, psatcat, satcat, sites, orgs or lv.  One import is one transaction:
a file whose SHA-256 is the stored one of its kind is skipped, a different one
replaces the stored rows of that kind (typed rows, every column as written, and
the rows that could not be read, in ``gcat_rejects``).  When anything changed,
GCAT's launch list is written again as a chronology (:mod:`kosmochron.chronicle`)
and stored as the source ``gcat`` through the ordinary ingest, so every view
reads it; then GCAT's payloads are linked to the other sources' items, and the
other sources' launches to GCAT's (:mod:`kosmochron.store.merge`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..chronicle import GcatCatalog, launch_order, render_chronology
from ..gcat import (
    BadRow,
    GcatError,
    GcatKind,
    GcatLaunch,
    GcatObject,
    GcatOrg,
    GcatReader,
    GcatRecord,
    GcatSite,
    GcatVehicle,
    StoredRows,
    layout_of,
    number,
    open_gcat,
    text,
)
from ..gcatcodes import parse_gcat_date
from ..model import Diagnostic
from ..source import ChronologyStream, SourceReader
from . import crosswalk
from .db import BulkWriter
from .ingest import _lock, ingest_stream
from .merge import GCAT_SOURCE
from .schema import (
    entries,
    gcat_files,
    gcat_launches,
    gcat_orgs,
    gcat_payloads,
    gcat_rejects,
    gcat_sites,
    gcat_vehicles,
    sources,
)

#: Called with (what is being done, units done, units in all).
ImportProgress = Callable[[str, int, int], None]
#: GCAT's files as bundled in the package (gzip-compressed), in import order.
BUNDLED = ("orbital-launches.csv.gz", "psatcat.tsv.gz", "sites.tsv.gz", "orgs.tsv.gz",
           "lv.tsv.gz")


def bundled_files() -> list[Traversable]:
    """The GCAT files shipped in ``kosmochron/data/gcat``."""
    folder = resources.files("kosmochron") / "data" / "gcat"
    return [folder / name for name in BUNDLED if (folder / name).is_file()]


@dataclass(slots=True)
class GcatImportResult:
    path: str
    kind: GcatKind
    format: str
    status: str  # added, replaced or unchanged
    rows: int = 0
    bad_rows: int = 0
    seconds: float = 0.0
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")


def _open_all(paths: Iterable[str | Path | Traversable]) -> list[GcatReader]:
    readers: dict[str, GcatReader] = {}
    for path in paths:
        reader = open_gcat(path)
        if reader.kind in readers:
            raise GcatError(f"{reader.display}:1:1: error: two {reader.kind} files given "
                            f"({readers[reader.kind].display} too); import one of each kind")
        readers[reader.kind] = reader
    return list(readers.values())


def import_files(conn: Connection, paths: Iterable[str | Path | Traversable],
                 progress: ImportProgress | None = None) -> list[GcatImportResult]:
    """Import GCAT files inside ``conn``'s transaction (the caller commits)."""
    readers = _open_all(paths)
    _lock(conn)
    results: list[GcatImportResult] = []
    fresh: dict[str, list[GcatRecord]] = {}
    for reader in readers:
        started = time.perf_counter()
        sha = reader.file_sha256()
        stored = conn.execute(sa.select(gcat_files.c.sha256, gcat_files.c.rows,
                                        gcat_files.c.bad_rows)
                              .where(gcat_files.c.kind == reader.kind)).first()
        if stored is not None and stored.sha256 == sha:
            results.append(GcatImportResult(reader.display, reader.kind, reader.format,
                                            "unchanged", stored.rows, stored.bad_rows))
            continue
        records = _store_kind(conn, reader, sha, progress)
        fresh[reader.kind] = records
        results.append(GcatImportResult(
            reader.display, reader.kind, reader.format, "replaced" if stored else "added",
            reader.rows, reader.bad_rows, time.perf_counter() - started,
            list(reader.diagnostics)))
    has_launches = conn.execute(sa.select(gcat_files.c.kind)
                                .where(gcat_files.c.kind == "launch")).first() is not None
    has_source = conn.execute(sa.select(sources.c.id)
                              .where(sources.c.path == GCAT_SOURCE)).first() is not None
    if fresh or (has_launches and not has_source):
        if has_launches:
            rebuild_chronology(conn, fresh, progress)
        crosswalk.link_source(conn, None)
    return results


# -- storing one file -----------------------------------------------------------------------

ROWS_PER_BATCH = 5000


def _store_kind(conn: Connection, reader: GcatReader, sha: str,
                progress: ImportProgress | None) -> list[GcatRecord]:
    """Replace the stored rows of the reader's kind with the file's; returns its records."""
    kind = reader.kind
    conn.execute(sa.delete(gcat_files).where(gcat_files.c.kind == kind))
    _delete_rows(conn, kind)
    writer = BulkWriter(conn)
    dates_as_text = conn.dialect.name == "sqlite"
    records: list[GcatRecord] = []
    bad: dict[int, str] = {}
    batch: list[tuple[Any, ...]] = []
    table, columns, row_of = _TABLES.get(kind, (None, (), None))
    for count, record in enumerate(reader, 1):
        if isinstance(record, BadRow):
            bad[record.line] = record.raw
            continue
        records.append(record)
        if row_of is not None:
            batch.append(row_of(record, dates_as_text))
            if len(batch) >= ROWS_PER_BATCH:
                _insert(conn, writer, table, columns, batch, kind)
        if progress and count % 2000 == 0:
            progress(f"read {reader.display}", reader.bytes_read, 0)
    if table is not None:
        _insert(conn, writer, table, columns, batch, kind)
    conn.execute(sa.insert(gcat_files).values(
        kind=kind, path=reader.display, format=reader.format, sha256=sha,
        updated=reader.updated, rows=reader.rows, bad_rows=reader.bad_rows,
        header=list(reader.layout.columns), imported_at=dt.datetime.now(dt.UTC)))
    rejects = [{"kind": kind, "line": d.line, "severity": d.severity, "column": d.column,
                "message": d.message, "raw": bad.get(d.line)} for d in reader.diagnostics]
    if rejects:
        conn.execute(sa.insert(gcat_rejects), rejects)
    return records


def _insert(conn: Connection, writer: BulkWriter, table: sa.Table | None,
            columns: tuple[str, ...], batch: list[tuple[Any, ...]], kind: str) -> None:
    if table is None or not batch:
        return
    if table is gcat_payloads:
        _payload_precedence(conn, batch, kind)
    writer.insert(table, columns, batch)


def _payload_precedence(conn: Connection, batch: list[tuple[Any, ...]], kind: str) -> None:
    """psatcat and satcat share the payload table; psatcat's row of an object wins."""
    jcats = [row[0] for row in batch]
    if kind == "psatcat":
        conn.execute(sa.delete(gcat_payloads).where(gcat_payloads.c.jcat.in_(jcats)))
        return
    taken = set(conn.execute(sa.select(gcat_payloads.c.jcat)
                             .where(gcat_payloads.c.jcat.in_(jcats))).scalars())
    batch[:] = [row for row in batch if row[0] not in taken]


def _delete_rows(conn: Connection, kind: str) -> None:
    if kind in ("psatcat", "satcat"):
        conn.execute(sa.delete(gcat_payloads).where(sa.or_(
            gcat_payloads.c.catalog == kind,
            gcat_payloads.c.catalog.is_(None) if kind == "psatcat" else sa.false())))
    elif kind in _TABLES and _TABLES[kind][0] is not None:
        conn.execute(sa.delete(_TABLES[kind][0]))  # type: ignore[arg-type]


def _date(value: dt.date | None, as_text: bool) -> Any:
    return None if value is None else value.isoformat() if as_text else value


def _payload_row(obj: GcatRecord, as_text: bool) -> tuple[Any, ...]:
    """A row in :data:`crosswalk.COLUMNS` order, then launch tag, catalog, columns."""
    assert isinstance(obj, GcatObject)
    ldate, columns = obj.launch_date, obj.columns
    t_last = text(columns.get("TLast", ""))
    try:
        last = parse_gcat_date(t_last) if t_last and t_last != "*" else None
    except ValueError:
        last = None
    return (obj.jcat, obj.satcat, obj.piece, obj.name, columns.get("LDate", "").strip(),
            _date(ldate.first_day if ldate else None, as_text), obj.program, obj.object_class,
            obj.category, obj.result, obj.state, text(columns.get("UNReg", "")), obj.comment,
            t_last, _date(last.first_day if last else None, as_text),
            _date(last.last_day if last else None, as_text),
            *(_un(columns, name) for name in _ORBIT_COLUMNS[obj.kind]), obj.launch_tag,
            obj.kind, _json(columns))


#: Where a row's orbit comes from: psatcat's UN-registered one, satcat's catalogued one
#: (both kept in the ``un_*`` columns; ``catalog`` says which).
_ORBIT_COLUMNS = {"psatcat": ("UNPerigee", "UNApogee", "UNInc"),
                  "satcat": ("Perigee", "Apogee", "Inc")}


def _un(columns: dict[str, str], name: str) -> float | None:
    try:
        return number(columns.get(name, ""))
    except ValueError:
        return None


def _site_row(site: GcatRecord, _: bool) -> tuple[Any, ...]:
    assert isinstance(site, GcatSite)
    return (site.site, site.name, site.short_name, _short_english(site.columns),
            site.state_code, site.type, site.longitude, site.latitude, site.error_deg,
            site.start.text if site.start else None, site.stop.text if site.stop else None,
            _json(site.columns))


def _org_row(org: GcatRecord, _: bool) -> tuple[Any, ...]:
    assert isinstance(org, GcatOrg)
    return (org.code, org.name, org.short_name, _short_english(org.columns), org.state_code,
            org.type, org.parent, _json(org.columns))


def _vehicle_row(lv: GcatRecord, _: bool) -> tuple[Any, ...]:
    assert isinstance(lv, GcatVehicle)
    return (lv.name, lv.variant, lv.family, lv.manufacturer, lv.min_stage, lv.max_stage,
            lv.launch_mass_t, lv.leo_capacity_kg, lv.gto_capacity_kg, _json(lv.columns))


def _short_english(columns: dict[str, str]) -> str | None:
    value = columns.get("ShortEName", "").strip()
    return None if value in ("", "-") else value


def _json(columns: dict[str, str]) -> str:
    import json

    return json.dumps(columns, ensure_ascii=False)


RowOf = Callable[[GcatRecord, bool], tuple[Any, ...]]
_TABLES: dict[str, tuple[sa.Table | None, tuple[str, ...], RowOf | None]] = {
    "psatcat": (gcat_payloads, (*crosswalk.COLUMNS, "launch_tag", "catalog", "columns"),
                _payload_row),
    "satcat": (gcat_payloads, (*crosswalk.COLUMNS, "launch_tag", "catalog", "columns"),
               _payload_row),
    "sites": (gcat_sites, ("code", "name", "short_name", "english_name", "state_code", "type",
                           "longitude", "latitude", "error_deg", "start_text", "stop_text",
                           "columns"), _site_row),
    "orgs": (gcat_orgs, ("code", "name", "short_name", "english_name", "state_code", "type",
                         "parent", "columns"), _org_row),
    "lv": (gcat_vehicles, ("name", "variant", "family", "manufacturer", "min_stage",
                           "max_stage", "launch_mass_t", "leo_capacity_kg", "gto_capacity_kg",
                           "columns"), _vehicle_row),
    "launch": (None, (), None),  # written with the chronology, by rebuild_chronology
}


# -- the launch list as a chronology ---------------------------------------------------------


def stored_records(conn: Connection, kind: str) -> list[GcatRecord]:
    """The stored rows of one kind read again into records (by the file's layout)."""
    meta = conn.execute(sa.select(gcat_files.c.format, gcat_files.c.header, gcat_files.c.path)
                        .where(gcat_files.c.kind == kind)).first()
    if meta is None:
        return []
    rows = StoredRows(layout_of(meta.format, meta.header), meta.path)
    if kind == "launch":
        query = sa.select(gcat_launches.c.line, gcat_launches.c.columns)
    elif kind in ("psatcat", "satcat"):
        query = sa.select(sa.literal(0), gcat_payloads.c.columns).where(
            gcat_payloads.c.catalog == kind)
    else:
        table = _TABLES[kind][0]
        assert table is not None
        query = sa.select(sa.literal(0), table.c.columns)
    found = []
    for line, columns in conn.execute(query):
        record = rows.rebuild(line or 0, "", _loads(columns))
        if not isinstance(record, BadRow):
            found.append(record)
    return found


def _loads(value: Any) -> dict[str, str]:
    import json

    return json.loads(value) if isinstance(value, str) else dict(value or {})


class _Text:
    """Chronology text in memory, as something a :class:`SourceReader` opens."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name = data, name

    def open(self, mode: str = "rb") -> IO[bytes]:
        return io.BytesIO(self.data)

    def __str__(self) -> str:
        return self.name


def rebuild_chronology(conn: Connection, fresh: dict[str, list[GcatRecord]],
                       progress: ImportProgress | None = None) -> None:
    """Write the launch list as a chronology, store it as the source ``gcat`` (replacing
    the old one), and the launches' typed rows with their entries."""
    def records(kind: str) -> list[GcatRecord]:
        return fresh[kind] if kind in fresh else stored_records(conn, kind)

    catalog = GcatCatalog.from_records(
        r for kind in ("lv", "sites", "orgs", "satcat", "psatcat") for r in records(kind))
    launches = sorted((r for r in records("launch") if isinstance(r, GcatLaunch)),
                      key=launch_order)
    updated = conn.execute(sa.select(gcat_files.c.updated)
                           .where(gcat_files.c.kind == "launch")).scalar()
    data = "".join(render_chronology(launches, catalog, updated)).encode("utf-8")
    stream = ChronologyStream(SourceReader(_Text(data, GCAT_SOURCE), "utf-8",  # type: ignore[arg-type]
                                           display=GCAT_SOURCE))
    total = len(data)

    def report(done: int, _entries: int) -> None:
        if progress:
            progress("store the GCAT chronology", done, total)

    conn.execute(sa.delete(gcat_launches))
    ingest_stream(conn, GCAT_SOURCE, stream, report, hashlib.sha256(data).hexdigest())
    source_id = conn.execute(sa.select(sources.c.id)
                             .where(sources.c.path == GCAT_SOURCE)).scalar_one()
    ids = list(conn.execute(sa.select(entries.c.id).where(entries.c.source_id == source_id)
                            .order_by(entries.c.seq)).scalars())
    BulkWriter(conn).insert(gcat_launches, LAUNCH_COLUMNS, list(
        _launch_rows(launches, ids, catalog, conn.dialect.name == "sqlite")))


LAUNCH_COLUMNS = (
    "tag", "entry_id", "line", "date_text", "date_precision", "uncertain", "starts_at",
    "ends_at", "time_utc", "jd", "lv_type", "variant", "family", "flight_id", "flight",
    "mission", "platform", "site", "pad", "ascent_site", "ascent_pad", "apogee_km",
    "orbital_payload_t", "agency", "state", "launch_code", "category", "result", "score",
    "fail_code", "failed_stage", "failure", "group_code", "launch_category", "lt_cite", "cite",
    "notes", "columns")


def _launch_rows(launches: list[GcatLaunch], ids: list[int], catalog: GcatCatalog,
                 as_text: bool) -> Iterator[tuple[Any, ...]]:
    def instant(value: dt.datetime | None) -> Any:
        return None if value is None else value.isoformat(" ") if as_text else value

    seen: set[str] = set()
    for launch, entry_id in zip(launches, ids, strict=True):
        if launch.tag in seen:  # a tag given twice: the first row is the launch
            continue
        seen.add(launch.tag)
        date, code, failure = launch.date, launch.code, launch.failure
        yield (launch.tag, entry_id, launch.line, date.text, date.precision, date.uncertain,
               instant(date.start), instant(date.end), date.time, launch.jd, launch.lv_type,
               launch.variant, catalog.family(launch), launch.flight_id, launch.flight,
               launch.mission, launch.platform, launch.site, launch.pad, launch.ascent_site,
               launch.ascent_pad, launch.apogee_km, launch.orbital_payload_t, launch.agency,
               catalog.state(launch), code.text if code else None,
               code.category if code else None, code.result if code else None,
               code.score if code else None, failure.text if failure else None,
               None if failure is None or failure.stage is None else str(failure.stage),
               failure.description if failure else None, launch.group, launch.category,
               launch.lt_cite, launch.cite, launch.notes, _json(launch.columns))
