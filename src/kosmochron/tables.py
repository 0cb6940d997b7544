"""Rows out: the one CSV writer, and JSON and NDJSON streams of records.

Every table Kosmochron writes (``kosmochron launches --format csv``, ``stats``,
``export``, the API's ``format=csv``, the web UI's downloads) goes through
:func:`csv_cell` and :class:`CsvWriter`, so the column order of a table and the
spelling of its cells are the same wherever it comes from:

* an absent value is an empty cell; booleans are ``true``/``false``; dates are ISO
  ``YYYY-MM-DD``; a list or mapping (a stats row's failed stages) is its compact
  JSON text; numbers are Python's shortest round-tripping form;
* text that a spreadsheet would execute as a formula (it starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return, and is not a plain number) gets a leading
  apostrophe, so Excel, LibreOffice and Google Sheets show it as text
  (:func:`spreadsheet_cell`);
* records end with ``\\r\\n`` (RFC 4180), and cells are quoted only when they must be.

The launches and payloads tables have stable columns (:data:`LAUNCH_COLUMNS`,
:data:`PAYLOAD_COLUMNS`): add new ones at the end, never rename or reorder.
JSON output is a list with one record per line (``[\\n rec,\\n rec\\n]``); NDJSON is
one record per line.  Records come already serialised, so a caller can pass on
what it keeps (a server's serialised launches) without decoding it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from .export import finite

#: The row formats every collection can be had in.
ROW_FORMATS = ("csv", "json", "ndjson")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
               "ndjson": "application/x-ndjson"}

#: (column, type) of the launches table; the type names the Parquet type.
LAUNCH_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "int"), ("source", "str"), ("line", "int"), ("kind", "str"), ("date_text", "str"),
    ("date_precision", "str"), ("date_start", "date"), ("date_end", "date"),
    ("time_utc", "str"), ("site", "str"), ("complex", "str"), ("lv_family", "str"),
    ("vehicle", "str"), ("configuration", "str"), ("outcome", "str"), ("failure", "str"),
    ("failed_stage", "str"), ("has_errors", "bool"), ("payload_count", "int"))
#: (column, type) of the payloads table.
PAYLOAD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "int"), ("launch_id", "int"), ("seq", "int"), ("line", "int"), ("name", "str"),
    ("payload", "str"), ("mass_kg", "float"), ("mass_lb", "float"), ("nation", "str"),
    ("agency", "str"), ("program", "str"), ("class", "str"), ("type", "str"),
    ("spacecraft", "str"), ("decay_date", "date"), ("satcat", "int"), ("cospar", "str"),
    ("cospar_kind", "str"), ("cospar_normalized", "str"), ("cospar_gcat", "str"),
    ("apogee_km", "float"), ("perigee_km", "float"), ("inclination_deg", "float"),
    ("period_min", "float"), ("duration_days", "float"), ("summary", "str"),
    ("narrative", "str"))
#: The reconciliation report (``kosmochron reconcile --format csv``, its web download):
#: one row per field of each launch two sources tell.
RECONCILE_COLUMNS = ("date", "gcat_tag", "matched_by", "how", "field", "payload",
                     "astronautix", "gcat", "verdict", "note", "citation", "gcat_citation")

#: Rows per chunk of a streamed table: big enough to be cheap, small enough to stream.
CHUNK_ROWS = 500


def names(columns: Sequence[tuple[str, str]]) -> list[str]:
    return [name for name, _ in columns]


def csv_cell(value: object) -> object:
    """A value as the CSV cell every table writes (see the module's documentation)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return json.dumps(finite(value), ensure_ascii=False, separators=(",", ":"))
    return spreadsheet_cell(value)


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet executes: text starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return is a formula to Excel, LibreOffice and Google
    Sheets (``=HYPERLINK(…)``, ``+cmd|…``), so it gets a leading apostrophe, which they
    show as text (OWASP's advice).  Plain numbers (``-12.5``) and a lone sign stay."""
    if isinstance(value, str) and len(value) > 1 and value[0] in "=+-@\t\r" \
            and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class CsvWriter:
    """The one CSV writer: a header, then rows of values spelt by :func:`csv_cell`."""

    def __init__(self, out: IO[str]) -> None:
        self._writer = csv.writer(out, lineterminator="\r\n")

    def header(self, columns: Sequence[str]) -> None:
        self._writer.writerow(columns)

    def rows(self, rows: Iterable[Sequence[object]]) -> None:
        self._writer.writerows([csv_cell(v) for v in row] for row in rows)


def csv_chunks(columns: Sequence[str], rows: Iterable[Sequence[object]],
               chunk: int = CHUNK_ROWS) -> Iterator[str]:
    """A CSV table as text chunks of ``chunk`` rows (the header first), for streaming."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.header(columns)
    batch: list[Sequence[object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            writer.rows(batch)
            batch = []
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.rows(batch)
    yield buffer.getvalue()


def record_rows(columns: Sequence[str],
                records: Iterable[dict[str, Any]]) -> Iterator[list[object]]:
    """Records as rows of ``columns`` (a key a record lacks is an empty cell)."""
    for record in records:
        yield [record.get(name) for name in columns]


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_text(record: object) -> str:
    """One record as compact JSON (dates as ISO text; never NaN or Infinity: null)."""
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False, default=_json_default,
                          separators=(",", ":"))
    except ValueError:  # rare: walk the record only when it holds one
        return json.dumps(finite(record), ensure_ascii=False, allow_nan=False,
                          default=_json_default, separators=(",", ":"))


def json_chunks(records: Iterable[str], chunk: int = CHUNK_ROWS) -> Iterator[str]:
    """Serialised records as one JSON list, one record per line, in chunks."""
    parts = ["["]
    for n, record in enumerate(records):
        parts.append(",\n " if n else "\n ")
        parts.append(record)
        if len(parts) >= 2 * chunk:
            yield "".join(parts)
            parts = []
    parts.append("\n]\n")
    yield "".join(parts)


def ndjson_chunks(records: Iterable[str], chunk: int = CHUNK_ROWS) -> Iterator[str]:
    """Serialised records one per line, in chunks."""
    parts: list[str] = []
    for record in records:
        parts.append(record)
        parts.append("\n")
        if len(parts) >= 2 * chunk:
            yield "".join(parts)
            parts = []
    if parts:
        yield "".join(parts)


def reconcile_rows(report: dict[str, Any]) -> Iterator[list[object]]:
    """The rows of :data:`RECONCILE_COLUMNS` of a reconciliation report."""
    for launch in report["launches"]:
        for f in launch["fields"]:
            yield [launch["date"], launch["tag"], launch["matched_by"], launch["how"],
                   f["field"], f["payload"], f["astronautix"], f["gcat"], f["verdict"],
                   f["note"], launch["citation"], launch["gcat_citation"]]
