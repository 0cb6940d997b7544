"""GCAT's files read into typed records: launches, payloads, sites, vehicles, organisations.

GCAT is Jonathan McDowell's General Catalog of Artificial Space Objects
(planet4589.org, CC-BY 4.0; cite "J. McDowell, GCAT, planet4589.org").  Each
file is recognised by its header line (:func:`detect`), then streamed row by
row (:func:`open_gcat`): every row becomes a typed record, or a :class:`BadRow`
that keeps its raw text, with ``FILE:LINE:COL: error: …`` diagnostics and never
an exception.  A value that cannot be typed (a number that is not one) is an
error on its column, but the row is still a record, which keeps the value in
``columns`` as written.

Recognised files (the ``#`` header line decides):

* the launch list, GCAT's ``launch.tsv`` in both header generations (the older
  ``Launch_Code``; the newer ``LaunchCode`` + ``FailCode``, with or without
  ``OrbPay``) and a CSV export of it with ISO dates, whose time of day is only in
  ``Launch_JD`` (:class:`GcatLaunch`);
* the payload catalog ``psatcat.tsv`` and the object catalog ``satcat.tsv``
  (:class:`GcatObject`);
* ``sites.tsv`` (:class:`GcatSite`), ``orgs.tsv`` (:class:`GcatOrg`) and ``lv.tsv``
  (:class:`GcatVehicle`).

The codes and dates themselves are in :mod:`kosmochron.gcatcodes`: vague dates
(``1957 Oct  4 1928:34``, a trailing ``?`` widening the interval), launch codes
(``OF40``) and failure codes (``S4P``).

How GCAT and Astronautix become one record (the store's design; the library
decides what a fact is, the store only keeps it):

1. Every GCAT launch is also written as an entry in Encyclopedia Astronautica's
   format (:mod:`kosmochron.chronicle`: header date, time, site, complex, family,
   vehicle, configuration, ``FAILURE``/``Failed Stage`` from the codes, GCAT's own
   facts as further header fields such as ``Launch Tag``, ``Launch Code``,
   ``Failure Code``, ``Agency``, ``State``; one item per payload of psatcat), text
   the chronology parser reads back to the same facts.  The store ingests that
   text as one source (``gcat``) exactly like a chronology, so every list, filter,
   facet, search, statistic, page, API answer and export sees GCAT launches with
   no code of its own, and a stored Astronautix entry keeps its own text,
   re-parsed losslessly as before.  The typed rows (:class:`GcatLaunch` and the
   payload, site, vehicle and organisation records) are kept beside it in tables
   of their own, for reconciliation and for what the text does not say
   (coordinates, scores, citations), and bad rows in a table of rejects.
2. One event told by two sources is one launch: the store links an Astronautix
   entry to the GCAT launch it describes (``launch_links``: the two entries and
   how the match was made, e.g. ``designator 1971-045A`` or ``failure F601010A:
   date 1960-10-10, vehicle, site, time``) and marks the entry that does not count
   (``entries.merged_into`` names the entry that does).  Every count, list, facet
   and statistic reads only counted entries, so nothing is counted twice; a search
   or item filter that hits the other entry finds the launch through it.
3. Which entry counts is the ``prefer`` setting: GCAT by default (the figures use
   GCAT's codes, so they equal direct counts of its files), Astronautix if asked.
   The narrative is always Astronautix's, and a launch's page shows every
   source's value of each field, marked agreeing or not.
"""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import IO, Any, Literal, cast

from .gcatcodes import (
    FailCode,
    GcatDate,
    LaunchCode,
    jd_date_time,
    launch_tag_of_piece,
    parse_fail_code,
    parse_gcat_date,
    parse_launch_code,
)
from .model import Diagnostic
from .source import SourceReader

GCAT_CITATION = "J. McDowell, GCAT, planet4589.org"
GCAT_LICENCE = "CC-BY 4.0"
GCAT_URL = "https://planet4589.org/space/gcat/"

GcatKind = Literal["launch", "psatcat", "satcat", "sites", "orgs", "lv"]
GcatFormat = Literal["launch-tsv-1", "launch-tsv-2", "launch-csv", "psatcat", "satcat",
                     "sites", "orgs", "lv"]


class GcatError(ValueError):
    """A file that is not one of GCAT's, or cannot be read at all (message is
    ``FILE:LINE:COL: error: …``)."""


# -- records ---------------------------------------------------------------------


@dataclass(slots=True)
class BadRow:
    """A row that could not be read as a record: its raw text, kept, and why."""

    line: int
    raw: str
    message: str


@dataclass(slots=True)
class GcatLaunch:
    """One row of the launch list (orbital launch attempts, and any others it holds)."""

    line: int
    raw: str
    tag: str
    date: GcatDate
    jd: float | None = None
    lv_type: str | None = None
    variant: str | None = None
    flight_id: str | None = None
    flight: str | None = None
    mission: str | None = None
    flight_code: str | None = None
    platform: str | None = None
    site: str | None = None
    pad: str | None = None
    ascent_site: str | None = None
    ascent_pad: str | None = None
    apogee_km: float | None = None
    apogee_flag: str | None = None
    range_km: float | None = None
    range_flag: str | None = None
    dest: str | None = None
    #: ``OrbPay``: the mass put in orbit, tonnes.
    orbital_payload_t: float | None = None
    agency: str | None = None
    code: LaunchCode | None = None
    failure: FailCode | None = None
    group: str | None = None
    category: str | None = None
    lt_cite: str | None = None
    cite: str | None = None
    notes: str | None = None
    #: Every column as written, by header name (nothing is lost).
    columns: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def agencies(self) -> list[str]:
        """``JSC/MSFC`` as its organisation codes, an uncertain ``KVR?`` as ``KVR``."""
        return [a.rstrip("?") for a in (self.agency or "").split("/") if a.rstrip("?")]


@dataclass(slots=True)
class GcatObject:
    """A row of the payload catalog (psatcat) or the object catalog (satcat)."""

    line: int
    raw: str
    jcat: str
    kind: Literal["psatcat", "satcat"] = "psatcat"
    satcat: int | None = None
    launch_tag: str | None = None
    piece: str | None = None
    type: str | None = None
    name: str | None = None
    launch_date: GcatDate | None = None
    end_date: GcatDate | None = None
    program: str | None = None
    object_class: str | None = None
    category: str | None = None
    result: str | None = None
    owner: str | None = None
    state: str | None = None
    status: str | None = None
    mass_kg: float | None = None
    perigee_km: float | None = None
    apogee_km: float | None = None
    inclination_deg: float | None = None
    comment: str | None = None
    columns: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass(slots=True)
class GcatSite:
    """A launch site, pad or landing zone from ``sites.tsv``."""

    line: int
    raw: str
    site: str
    code: str | None = None
    ucode: str | None = None
    type: str | None = None
    state_code: str | None = None
    start: GcatDate | None = None
    stop: GcatDate | None = None
    short_name: str | None = None
    name: str | None = None
    location: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    error_deg: float | None = None
    parent: str | None = None
    english_name: str | None = None
    group: str | None = None
    columns: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass(slots=True)
class GcatOrg:
    """An organisation (agency, company, state…) from ``orgs.tsv``."""

    line: int
    raw: str
    code: str
    ucode: str | None = None
    state_code: str | None = None
    type: str | None = None
    org_class: str | None = None
    start: GcatDate | None = None
    stop: GcatDate | None = None
    short_name: str | None = None
    name: str | None = None
    location: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    parent: str | None = None
    english_name: str | None = None
    columns: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass(slots=True)
class GcatVehicle:
    """A launch vehicle variant from ``lv.tsv``, with its family."""

    line: int
    raw: str
    name: str
    family: str | None = None
    manufacturer: str | None = None
    variant: str | None = None
    alias: str | None = None
    min_stage: int | None = None
    max_stage: int | None = None
    length_m: float | None = None
    diameter_m: float | None = None
    launch_mass_t: float | None = None
    leo_capacity_kg: float | None = None
    gto_capacity_kg: float | None = None
    thrust_kn: float | None = None
    vehicle_class: str | None = None
    apogee_km: float | None = None
    columns: dict[str, str] = field(default_factory=dict, repr=False)


GcatRecord = GcatLaunch | GcatObject | GcatSite | GcatOrg | GcatVehicle


# -- typing one value --------------------------------------------------------------

Convert = Callable[[str], Any]


def text(value: str) -> str | None:
    """A text value: GCAT's ``-`` is no value; CSV-style quotes are taken off."""
    value = value.strip()
    if len(value) > 1 and value[0] == value[-1] == '"':  # "Mars probe, failed"
        value = value[1:-1].replace('""', '"').strip()
    return None if value in ("", "-") else value


def number(value: str) -> float | None:
    """A number; ``-`` and empty are none; a trailing ``?`` (a guess) is accepted."""
    value = value.strip().rstrip("?").strip()
    if value in ("", "-", "*"):
        return None
    try:
        result = float(value)
    except ValueError:
        raise ValueError("expected a number like '938.0' or '-'") from None
    if result != result or result in (float("inf"), float("-inf")):
        raise ValueError("expected a finite number")
    return result


def integer(value: str) -> int | None:
    result = number(value)
    if result is None:
        return None
    if result != int(result):
        raise ValueError("expected a whole number like '3'")
    return int(result)


def vague(value: str) -> GcatDate | None:
    """A vague date; ``-`` (not applicable) and ``*`` (still so) are none."""
    if value.strip() in ("", "-", "*"):
        return None
    return parse_gcat_date(value)


def flag(value: str) -> str | None:
    """A one-character flag column (``?`` for a guessed value); blank is none."""
    return value.strip() or None


def launch_code(value: str) -> LaunchCode | None:
    return None if value.strip() in ("", "-") else parse_launch_code(value.strip())


def fail_code(value: str) -> FailCode | None:
    return None if value.strip() in ("", "-") else parse_fail_code(value.strip())


#: (attribute, header names that fill it (first present wins), converter).
Spec = tuple[tuple[str, tuple[str, ...], Convert], ...]

LAUNCH_SPEC: Spec = (
    ("tag", ("Launch_Tag",), text), ("jd", ("Launch_JD",), number),
    ("lv_type", ("LV_Type",), text), ("variant", ("Variant", "LV_Variant"), text),
    ("flight_id", ("Flight_ID",), text), ("flight", ("Flight",), text),
    ("mission", ("Mission",), text), ("flight_code", ("FlightCode",), text),
    ("platform", ("Platform",), text), ("site", ("Launch_Site",), text),
    ("pad", ("Launch_Pad",), text), ("ascent_site", ("Ascent_Site",), text),
    ("ascent_pad", ("Ascent_Pad",), text), ("apogee_km", ("Apogee",), number),
    ("apogee_flag", ("Apoflag",), flag), ("range_km", ("Range",), number),
    ("range_flag", ("RangeFlag",), flag), ("dest", ("Dest",), text),
    ("orbital_payload_t", ("OrbPay",), number), ("agency", ("Agency",), text),
    ("code", ("LaunchCode", "Launch_Code"), launch_code),
    ("failure", ("FailCode",), fail_code), ("group", ("Group",), text),
    ("category", ("Category",), text), ("lt_cite", ("LTCite",), text),
    ("cite", ("Cite",), text), ("notes", ("Notes",), text),
)
OBJECT_SPEC: Spec = (
    ("jcat", ("JCAT",), text), ("satcat", ("Satcat",), integer),
    ("launch_tag", ("Launch_Tag",), text), ("piece", ("Piece",), text),
    ("type", ("Type",), text), ("name", ("Name",), text),
    ("launch_date", ("LDate",), vague), ("end_date", ("TDate", "DDate"), vague),
    ("program", ("Program",), text), ("object_class", ("Class",), text),
    ("category", ("Category",), text), ("result", ("Result",), text),
    ("owner", ("Owner",), text), ("state", ("State", "UNState"), text),
    ("status", ("Status",), text), ("mass_kg", ("Mass",), number),
    ("perigee_km", ("Perigee", "UNPerigee"), number),
    ("apogee_km", ("Apogee", "UNApogee"), number),
    ("inclination_deg", ("Inc", "UNInc"), number), ("comment", ("Comment",), text),
)
SITE_SPEC: Spec = (
    ("site", ("Site",), text), ("code", ("Code",), text), ("ucode", ("UCode",), text),
    ("type", ("Type",), text), ("state_code", ("StateCode",), text),
    ("start", ("TStart",), vague), ("stop", ("TStop",), vague),
    ("short_name", ("ShortName",), text), ("name", ("Name",), text),
    ("location", ("Location",), text), ("longitude", ("Longitude",), number),
    ("latitude", ("Latitude",), number), ("error_deg", ("Error",), number),
    ("parent", ("Parent",), text), ("english_name", ("EName",), text),
    ("group", ("Group",), text),
)
ORG_SPEC: Spec = (
    ("code", ("Code",), text), ("ucode", ("UCode",), text),
    ("state_code", ("StateCode",), text), ("type", ("Type",), text),
    ("org_class", ("Class",), text), ("start", ("TStart",), vague),
    ("stop", ("TStop",), vague), ("short_name", ("ShortName",), text),
    ("name", ("Name",), text), ("location", ("Location",), text),
    ("longitude", ("Longitude",), number), ("latitude", ("Latitude",), number),
    ("parent", ("Parent",), text), ("english_name", ("EName",), text),
)
VEHICLE_SPEC: Spec = (
    ("name", ("LV_Name",), text), ("family", ("LV_Family",), text),
    ("manufacturer", ("LV_Manufacturer",), text), ("variant", ("LV_Variant",), text),
    ("alias", ("LV_Alias",), text), ("min_stage", ("LV_Min_Stage",), integer),
    ("max_stage", ("LV_Max_Stage",), integer), ("length_m", ("Length",), number),
    ("diameter_m", ("Diameter",), number), ("launch_mass_t", ("Launch_Mass",), number),
    ("leo_capacity_kg", ("LEO_Capacity",), number),
    ("gto_capacity_kg", ("GTO_Capacity",), number), ("thrust_kn", ("TO_Thrust",), number),
    ("vehicle_class", ("Class",), text), ("apogee_km", ("Apogee",), number),
)


# -- recognising a file by its header ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layout:
    """What a header says: the kind and format of the file and its column names."""

    kind: GcatKind
    format: GcatFormat
    columns: tuple[str, ...]
    delimiter: str


#: (format, kind, columns that identify it) in the order they are tried.
SIGNATURES: tuple[tuple[GcatFormat, GcatKind, frozenset[str]], ...] = (
    ("launch-tsv-2", "launch", frozenset({"Launch_Tag", "Launch_Date", "LaunchCode"})),
    ("launch-tsv-1", "launch", frozenset({"Launch_Tag", "Launch_Date", "Launch_Code"})),
    ("satcat", "satcat", frozenset({"JCAT", "Satcat", "Piece", "LDate"})),
    ("psatcat", "psatcat", frozenset({"JCAT", "Piece", "Name", "LDate"})),
    ("sites", "sites", frozenset({"Site", "Code", "UCode", "StateCode"})),
    ("orgs", "orgs", frozenset({"Code", "UCode", "StateCode", "ShortName"})),
    ("lv", "lv", frozenset({"LV_Name", "LV_Family"})),
)
REQUIRED: dict[GcatKind, tuple[str, ...]] = {
    "launch": ("tag", "date"), "psatcat": ("jcat",), "satcat": ("jcat",),
    "sites": ("site",), "orgs": ("code",), "lv": ("name",),
}
SPECS: dict[GcatKind, tuple[type[Any], Spec]] = {
    "launch": (GcatLaunch, LAUNCH_SPEC), "psatcat": (GcatObject, OBJECT_SPEC),
    "satcat": (GcatObject, OBJECT_SPEC), "sites": (GcatSite, SITE_SPEC),
    "orgs": (GcatOrg, ORG_SPEC), "lv": (GcatVehicle, VEHICLE_SPEC),
}


def detect(header: str) -> Layout | None:
    """The layout a header line describes, or None if it is no GCAT header we know."""
    line = header.lstrip("\ufeff").rstrip("\r\n")
    if line.startswith("#"):
        delimiter, names = "\t", line[1:].split("\t")
    elif "\t" not in line and "Launch_Tag," in line:
        delimiter, names = ",", [c for c, _ in split_csv(line) or []]
    else:
        return None
    columns = tuple(n.strip() for n in names)
    present = set(columns)
    for fmt, kind, needed in SIGNATURES:
        if needed <= present:
            if delimiter == ",":
                return Layout(kind, "launch-csv", columns, ",") if kind == "launch" else None
            return Layout(kind, fmt, columns, delimiter)
    return None


# -- splitting rows ---------------------------------------------------------------------


def split_tsv(line: str) -> list[tuple[str, int]]:
    """The cells of a tab-separated row with their 1-based columns."""
    cells, column = [], 1
    for cell in line.split("\t"):
        cells.append((cell, column))
        column += len(cell) + 1
    return cells


def split_csv(line: str) -> list[tuple[str, int]] | None:
    """The cells of a CSV row (RFC 4180 quoting) with their 1-based columns, or None
    when a quoted cell is still open at the end (it goes on on the next line)."""
    cells: list[tuple[str, int]] = []
    i, size = 0, len(line)
    while True:
        start = i
        if i < size and line[i] == '"':
            parts, i = [], i + 1
            while True:
                close = line.find('"', i)
                if close < 0:
                    return None
                parts.append(line[i:close])
                if line.startswith('""', close):
                    parts.append('"')
                    i = close + 2
                    continue
                i = close + 1
                break
            end = line.find(",", i)
            end = size if end < 0 else end
            cells.append(("".join(parts) + line[i:end], start + 1))
        else:
            end = line.find(",", i)
            end = size if end < 0 else end
            cells.append((line[i:end], start + 1))
        if end >= size:
            return cells
        i = end + 1


# -- reading a file -------------------------------------------------------------------


class _Gzipped:
    """A gzip-compressed file as something :class:`SourceReader` can open: the
    bundled data is stored compressed, and read (and hashed) as the file it holds."""

    def __init__(self, path: str | Path | Traversable) -> None:
        self.path = path

    def open(self, mode: str = "rb") -> IO[bytes]:
        # The reader that asked closes what it is given, as it does a plain file.
        inner = open(self.path, "rb") if isinstance(self.path, (str, Path)) \
            else self.path.open("rb")  # noqa: SIM115
        return cast(IO[bytes], gzip.GzipFile(fileobj=inner, mode="rb"))

    def __str__(self) -> str:
        return str(self.path)


class GcatReader:
    """One GCAT file, recognised by its header and streamed row by row.

    Iterate for records and :class:`BadRow` s in file order; ``diagnostics`` then
    holds every problem as ``FILE:LINE:COL: severity: message``; ``sha256`` and
    ``bytes_read`` describe what was read (for idempotent imports and progress)."""

    def __init__(self, path: str | Path | Traversable, encoding: str = "utf-8",
                 display: str | None = None) -> None:
        source: str | Path | Traversable = path
        if str(getattr(path, "name", path)).endswith(".gz"):
            source = _Gzipped(path)  # type: ignore[assignment]
        self.reader = SourceReader(source, encoding, display or str(path))
        self.display = self.reader.display
        self.diagnostics: list[Diagnostic] = []
        #: When GCAT last updated the file: ``2025 Dec  1 0108:57`` from its ``# Updated`` line.
        self.updated: str | None = None
        self.rows = 0
        self.bad_rows = 0
        self._lines = enumerate(self.reader.lines(), 1)
        first = next(self._lines, None)
        header = "" if first is None else first[1][0]
        layout = detect(header)
        if layout is None:
            raise GcatError(
                f"{self.display}:1:1: error: not a GCAT file: expected a header line such as "
                "'#Launch_Tag<TAB>Launch_JD<TAB>Launch_Date…' (launch.tsv), 'Launch_Tag,"
                "Launch_JD,…' (the CSV export), '#JCAT<TAB>Piece<TAB>Name<TAB>LDate…' "
                "(psatcat.tsv), '#JCAT<TAB>Satcat…' (satcat.tsv), '#Site…' (sites.tsv), "
                "'#Code<TAB>UCode…' (orgs.tsv) or '#LV_Name…' (lv.tsv)")
        self.layout = layout
        self._index = {name: i for i, name in reversed(list(enumerate(layout.columns)))}

    @property
    def kind(self) -> GcatKind:
        return self.layout.kind

    @property
    def format(self) -> GcatFormat:
        return self.layout.format

    @property
    def sha256(self) -> str:
        return self.reader.sha256

    @property
    def bytes_read(self) -> int:
        return self.reader.bytes_read

    def file_sha256(self) -> str:
        return self.reader.file_sha256()

    def _diagnose(self, severity: Literal["error", "warning"], line: int, column: int,
                  message: str) -> None:
        self.diagnostics.append(Diagnostic(severity, self.display, line, column, message))

    def __iter__(self) -> Iterator[GcatRecord | BadRow]:
        csv_mode = self.layout.delimiter == ","
        for number_, (content, _eol) in self._lines:
            if not content.strip():
                continue
            if content.startswith("#"):
                words = content[1:].strip().split(None, 1)
                if words and words[0] == "Updated" and self.updated is None:
                    self.updated = words[1].split("\t")[0].strip() if len(words) > 1 else ""
                continue
            line, cells = number_, None
            if csv_mode:
                cells = split_csv(content)
                while cells is None:  # a quoted cell spans lines
                    more = next(self._lines, None)
                    if more is None:
                        break
                    content += "\n" + more[1][0]
                    cells = split_csv(content)
                if cells is None:
                    yield self._bad(line, 1, content, "a quoted cell is never closed; "
                                    "close it with '\"'")
                    continue
            else:
                cells = split_tsv(content)
            yield self._record(line, content, cells)

    def _bad(self, line: int, column: int, raw: str, message: str) -> BadRow:
        self.bad_rows += 1
        self._diagnose("error", line, column, f"{message}; the row is kept as raw text")
        return BadRow(line, raw, message)

    def record(self, line: int, raw: str, cells: list[tuple[str, int]]) -> GcatRecord | BadRow:
        """The record of one row's cells (with their columns) as this file's layout reads
        them; a stored row's ``columns`` can be read again this way."""
        return self._record(line, raw, cells)

    def _record(self, line: int, raw: str, cells: list[tuple[str, int]]) -> GcatRecord | BadRow:
        expected = len(self.layout.columns)
        if len(cells) != expected:
            at = cells[-1][1] if len(cells) < expected else cells[expected][1]
            return self._bad(line, at, raw, f"row has {len(cells)} columns, the header "
                             f"names {expected}; check for a missing or extra "
                             f"{'tab' if self.layout.delimiter == chr(9) else 'comma'}")
        values: dict[str, Any] = {}
        for attribute, name, index, convert in self._plan():
            cell, column = cells[index]
            try:
                values[attribute] = convert(cell)
            except ValueError as exc:
                if attribute in REQUIRED[self.kind]:
                    return self._bad(line, column, raw, f"{name} {cell.strip()!r}: {exc}")
                self._diagnose("error", line, column, f"{name} {cell.strip()!r}: {exc}; "
                               "the row is kept, with this value as written only")
        problem = self._complete(values, cells)
        if problem is not None:
            column, message = problem
            return self._bad(line, column, raw, message)
        self.rows += 1
        columns = {name: cells[i][0] for name, i in self._index.items()}
        return SPECS[self.kind][0](line=line, raw=raw,  # type: ignore[no-any-return]
                                   columns=columns, **values)

    def _plan(self) -> list[tuple[str, str, int, Convert]]:
        """(attribute, column name, cell index, converter) of each typed attribute of
        this file's kind that its header has: the first of its names present."""
        plan = getattr(self, "_planned", None)
        if plan is None:
            cls, spec = SPECS[self.kind]
            known = {f.name for f in fields(cls)}
            plan = []
            for attribute, names, convert in spec:
                name = next((n for n in names if n in self._index), None)
                if name is not None and attribute in known:
                    plan.append((attribute, name, self._index[name], convert))
            self._planned = plan
        return plan

    def _complete(self, values: dict[str, Any],
                  cells: list[tuple[str, int]]) -> tuple[int, str] | None:
        """Fill what a kind derives from other columns; (column, message) if a required
        value is missing."""
        if self.kind == "launch":
            problem = self._launch_date(values, cells)
            if problem is not None:
                return problem
        elif self.kind in ("psatcat", "satcat"):
            values["kind"] = self.kind
            jcat = values.get("jcat") or ""
            if values.get("satcat") is None and jcat[:1] == "S" and jcat[1:].isdigit():
                values["satcat"] = int(jcat[1:])
            if values.get("launch_tag") is None and values.get("piece"):
                values["launch_tag"] = launch_tag_of_piece(values["piece"])
        for attribute in REQUIRED[self.kind]:
            if values.get(attribute) is None:
                name = next(n for a, ns, _ in SPECS[self.kind][1] if a == attribute
                            for n in ns) if attribute != "date" else "Launch_Date"
                index = self._index.get(name)
                column = cells[index][1] if index is not None else 1
                return column, f"{name} is empty; every row needs one"
        return None

    def _launch_date(self, values: dict[str, Any],
                     cells: list[tuple[str, int]]) -> tuple[int, str] | None:
        """The launch's date: a vague date in launch.tsv; in the CSV export an ISO date,
        with the time of day taken from ``Launch_JD`` (to the JD's precision)."""
        index = self._index.get("Launch_Date")
        if index is None:
            return 1, "the header has no Launch_Date column"
        cell, column = cells[index]
        iso = cell.strip()
        try:
            if self.format == "launch-csv" or _looks_iso(iso):
                day = _iso_date(iso)
                jd_text = cells[self._index["Launch_JD"]][0].strip() \
                    if "Launch_JD" in self._index else ""
                values["date"] = jd_date_time(day, jd_text, iso)
            else:
                values["date"] = parse_gcat_date(cell)
        except ValueError as exc:
            return column, f"Launch_Date {iso!r}: {exc}"
        return None


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("expected an ISO date like '1957-10-04'") from None


def _looks_iso(value: str) -> bool:
    return len(value) == 10 and value[4] == value[7] == "-"


class StoredRows(GcatReader):
    """Records rebuilt from rows a store kept (their ``columns``, by header name), read
    by the same rules as the file they came from."""

    def __init__(self, layout: Layout, display: str = "<stored>") -> None:
        self.display = display
        self.diagnostics = []
        self.updated = None
        self.rows = self.bad_rows = 0
        self.layout = layout
        self._index = {name: i for i, name in reversed(list(enumerate(layout.columns)))}

    def rebuild(self, line: int, raw: str, columns: dict[str, str]) -> GcatRecord | BadRow:
        cells = [(columns.get(name, ""), 1) for name in self.layout.columns]
        return self._record(line, raw, cells)


def layout_of(fmt: GcatFormat, columns: Iterable[str]) -> Layout:
    """The layout of a file of format ``fmt`` with these column names."""
    kind = next(k for f, k, _ in SIGNATURES if f == fmt) if fmt != "launch-csv" else "launch"
    return Layout(kind, fmt, tuple(columns), "," if fmt == "launch-csv" else "\t")


def open_gcat(path: str | Path | Traversable, encoding: str = "utf-8",
              display: str | None = None) -> GcatReader:
    """A reader over a GCAT file; :class:`GcatError` if its header is not GCAT's, and
    :class:`~kosmochron.source.SourceError` if it cannot be read."""
    return GcatReader(path, encoding, display)


def read_gcat(path: str | Path, encoding: str = "utf-8") -> tuple[GcatReader,
                                                                list[GcatRecord | BadRow]]:
    """A whole (small) GCAT file read at once: the reader, for its diagnostics and
    layout, and every record."""
    reader = open_gcat(path, encoding)
    return reader, list(reader)
