"""GCAT's launches written as a chronology in Encyclopedia Astronautica's format.

A launch becomes an entry the chronology parser reads back to the same facts
(:func:`launch_facts` of the parsed entry equals :func:`expected_facts` of the
records), so a store that holds chronologies holds GCAT too, and every view
that reads entries reads GCAT launches:

    1957 October 4 - . 19:26 GMT - . Launch Site: Baykonur. Launch Complex: Baykonur
    LC1. LV Family: R-7. Launch Vehicle: Sputnik 8K71PS. Flight ID: M1-PS. Launch Tag:
    1957 ALP. Launch Code: OS. Agency: MVS. State: USSR. …

    · First Sputnik - . Payload: First Sputnik. Nation: USSR. Program: Sputnik. …

The header carries the launch (date and time, site and pad, family from
``lv.tsv``, vehicle, configuration with the flight's serial, ``FAILURE`` and
``Failed Stage`` from the codes) and GCAT's own facts as further fields (``Launch
Tag``, ``Launch Code``, ``Failure Code``, ``Agency``, ``State``, ``GCAT Date``,
citations); each payload of the launch in psatcat is an item.  Values are written
so that the parser cannot misread them: a period followed by a space inside a
value would end it, so the space becomes a no-break space, which looks the same
(the typed GCAT records keep every value as written).

:class:`GcatCatalog` joins the files: a launch's vehicle and family (``lv.tsv``),
its site with coordinates (``sites.tsv``), its agency's state (``orgs.tsv``) and
its payloads (psatcat, by launch tag).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .dates import SEASONS
from .gcat import (
    GCAT_CITATION,
    GCAT_LICENCE,
    GcatLaunch,
    GcatObject,
    GcatOrg,
    GcatRecord,
    GcatSite,
    GcatVehicle,
)
from .gcatcodes import GcatDate
from .model import Cospar, Distance, Entry
from .values import GCAT_GREEK

_GREEK_NAMES = {abbr: name for name, abbr in GCAT_GREEK.items()}
_GCAT_GREEK_PIECE = re.compile(r"(\d{4}) (?:([AB]) )?([A-Z]{2,3})(?: (\d+))?")


@dataclass(slots=True)
class GcatCatalog:
    """GCAT's files joined: look a launch's vehicle, site, state and payloads up."""

    vehicles: dict[str, list[GcatVehicle]] = field(default_factory=dict)
    sites: dict[str, GcatSite] = field(default_factory=dict)
    orgs: dict[str, GcatOrg] = field(default_factory=dict)
    payloads: dict[str, list[GcatObject]] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[GcatRecord | Any]) -> GcatCatalog:
        """A catalog of every record given (launches and bad rows are skipped)."""
        catalog = cls()
        for record in records:
            catalog.add(record)
        return catalog

    def add(self, record: GcatRecord | Any) -> None:
        if isinstance(record, GcatVehicle):
            self.vehicles.setdefault(record.name, []).append(record)
        elif isinstance(record, GcatSite):
            self.sites.setdefault(record.site, record)
        elif isinstance(record, GcatOrg):
            self.orgs.setdefault(record.code, record)
        elif isinstance(record, GcatObject) and record.launch_tag:
            self.payloads.setdefault(record.launch_tag, []).append(record)

    def vehicle(self, launch: GcatLaunch) -> GcatVehicle | None:
        """The ``lv.tsv`` row of the launch's vehicle and variant (else its plain row)."""
        rows = self.vehicles.get(launch.lv_type or "", [])
        for variant in (launch.variant, None):
            for row in rows:
                if row.variant == variant:
                    return row
        return rows[0] if rows else None

    def family(self, launch: GcatLaunch) -> str | None:
        vehicle = self.vehicle(launch)
        return None if vehicle is None else vehicle.family

    def site(self, launch: GcatLaunch) -> GcatSite | None:
        return self.sites.get((launch.site or "").rstrip("?"))

    def site_name(self, launch: GcatLaunch) -> str:
        """The site's short English name (``Baykonur``), else its code (``NIIP-5``)."""
        site = self.site(launch)
        if site is not None:
            name = site.columns.get("ShortEName", "").strip()
            name = name if name not in ("", "-") else site.short_name or ""
            if name:
                return name
        return (launch.site or "Unknown").rstrip("?") or "Unknown"

    def state(self, launch: GcatLaunch) -> str | None:
        """The state code of the launch's (first) agency (``SU``, ``US``)."""
        for code in launch.agencies:
            org = self.orgs.get(code)
            if org is not None and org.state_code:
                return org.state_code
        return None

    def state_name(self, code: str | None) -> str | None:
        """``SU`` as ``USSR``: the state's short English name, else the code itself;
        GCAT's brackets (``[US]``: not registered with the UN) are kept."""
        if not code:
            return None
        bare = code.strip("[]")
        org = self.orgs.get(bare)
        name = bare
        if org is not None:
            short = org.columns.get("ShortEName", "").strip()
            name = short if short not in ("", "-") else org.short_name or bare
        return f"[{name}]" if code.startswith("[") and code.endswith("]") else name

    def payloads_of(self, launch: GcatLaunch) -> list[GcatObject]:
        return sorted(self.payloads.get(launch.tag, []), key=_piece_order)


def _piece_order(obj: GcatObject) -> tuple[int, str, str]:
    piece = obj.piece or ""
    suffix = re.sub(r"^\d{4}[- ](?:\d{3})?", "", piece)
    return (len(suffix), suffix, obj.jcat)


# -- values the parser reads back as written ---------------------------------------------


#: What a value must not hold as it is: whitespace other than single spaces, a period
#: ending it or followed by a space, two periods, the item title's `` - .``.
_UNSAFE = re.compile(r"\s\s|[\t\n\r\f\v]|\.(?: |$)|\.\.|^\s|\s$| - \.")


def clean(value: str | None) -> str | None:
    """A value that ends only where the field does: one line, no ``. `` inside (a
    no-break space after the period instead), no period at the end, no ``..``; None if
    nothing is left."""
    if value is None:
        return None
    if not _UNSAFE.search(value):
        return value or None
    text = " ".join(value.split())
    text = re.sub(r"\.{2,}", ".", text).rstrip(". ")
    # A period followed by a space would end the value: a no-break space looks the same
    # and does not (``3MV-4 No. 4``).
    text = text.replace(". ", ".\u00a0")
    text = text.replace(" - .", " -")
    return text or None


def _title(value: str) -> str:
    return (clean(value) or "").lstrip("·• ") or "Payload"


MONTH_NAMES = list(calendar.month_name)


def date_text(first: dt.date, last: dt.date) -> str:
    """The chronology date that holds the days ``first``…``last``: the exact day, day
    range, month, season or year when one is the span, else the smallest month or
    year that holds it (the exact GCAT date is kept in a field beside it)."""
    month = MONTH_NAMES[first.month]
    if first == last:
        return f"{first.year} {month} {first.day}"
    same_month = (first.year, first.month) == (last.year, last.month)
    month_end = calendar.monthrange(last.year, last.month)[1]
    if same_month and (first.day, last.day) == (1, month_end):
        return f"{first.year} {month}"
    if same_month:
        return f"{first.year} {month} {first.day}-{last.day}"
    if first.day == 1 and last.day == month_end:
        if (first.year, first.month, last.month) == (last.year, 1, 12):
            return f"{first.year}"
        for name, (start, end) in SEASONS.items():
            end_year, end_month = (first.year + 1, end - 12) if end > 12 else (first.year, end)
            if name != "Fall" and first.month == start and (last.year, last.month) == \
                    (end_year, end_month):
                return f"{first.year} {name}"
    return f"{first.year}"


def astronautix_cospar(piece: str | None) -> str | None:
    """GCAT's piece as the chronology writes it: ``1962 B IOT 1`` → ``1962-B-Iota-1``;
    a modern designator is the same in both; None for what neither can say."""
    if not piece:
        return None
    if re.fullmatch(r"\d{4}-\d{3}[A-Z]{0,3}", piece):
        return piece
    m = _GCAT_GREEK_PIECE.fullmatch(piece)
    if m is None or m.group(3) not in _GREEK_NAMES:
        return None
    year, prefix, letter, number = m.groups()
    words = [year, *([prefix] if prefix else []), _GREEK_NAMES[letter],
             *([number] if number else [])]
    return "-".join(words)


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


# -- writing a launch ----------------------------------------------------------------------


def _fields(pairs: Iterable[tuple[str, str | None]]) -> str:
    out = []
    for key, value in pairs:
        value = clean(value)
        if value is not None:
            out.append(f"{key}: {value}. ")
    return "".join(out)


def header_pairs(launch: GcatLaunch, catalog: GcatCatalog) -> list[tuple[str, str | None]]:
    """The header's fields in order (FAILURE aside, which is free text)."""
    site = catalog.site_name(launch)
    vehicle = launch.lv_type
    stage = launch.failure.stage if launch.failure is not None else None
    failed = launch.code is not None and launch.code.outcome == "failure"
    return [
        ("Launch Site", site),
        ("Launch Complex", f"{site} {launch.pad}" if launch.pad else None),
        ("Launch Platform", launch.platform),
        ("LV Family", catalog.family(launch)),
        ("Launch Vehicle", vehicle),
        ("Flight ID", launch.flight_id),
        ("Failed Stage", str(stage) if failed and stage is not None else None),
        ("LV Variant", launch.variant),
        ("Launch Tag", launch.tag),
        ("Launch Code", launch.code.text if launch.code else launch.columns.get(
            "LaunchCode", launch.columns.get("Launch_Code"))),
        ("Failure Code", launch.failure.text if launch.failure else None),
        ("Agency", launch.agency),
        ("State", catalog.state_name(catalog.state(launch))),
        ("GCAT Site", launch.site),
        ("GCAT Date", launch.date.text if launch.date.text != _iso(launch.date) else None),
        ("Launch JD", launch.columns.get("Launch_JD")),
        ("Flight", launch.flight), ("Mission", launch.mission),
        ("LTCite", launch.lt_cite), ("Cite", launch.cite),
    ]


def _iso(date: GcatDate) -> str | None:
    return None if date.first_day is None else date.first_day.isoformat()


def failure_text(launch: GcatLaunch) -> str | None:
    """The ``FAILURE`` text of a failed launch: GCAT's note, else its decoded code."""
    if launch.code is None or launch.code.outcome != "failure":
        return None
    words = launch.notes or (launch.failure.description if launch.failure else None)
    if words is None:
        words = launch.code.result_name.capitalize()
    text = clean(words) or "Failure"
    return text


def header_line(launch: GcatLaunch, catalog: GcatCatalog) -> str:
    date = launch.date
    first, last = date.first_day, date.last_day
    when = date_text(first, last) if first and last else "0001"
    time = f"{date.time} GMT - . " if date.time else ""
    pairs = header_pairs(launch, catalog)
    failure = failure_text(launch)
    head = _fields(pairs[:6])  # FAILURE goes before Failed Stage, as in Astronautix
    if failure is not None:
        head += f"FAILURE: {failure}.. "
    return f"{when} - . {time}{head}{_fields(pairs[6:])}"


#: A name in a numbered series: ``Venera 7``, ``Venera-9``, ``Mars 2``, ``Zond``.
_SERIES = re.compile(r"([A-Za-z][A-Za-z .'/]*?)(?:[- ]?\d+[A-Za-z]?)?")


def series_of(name: str | None) -> str | None:
    """The series a payload or flight name belongs to (``Venera-9`` → ``Venera``), or
    None when the name is not a word followed by a number."""
    m = _SERIES.fullmatch((name or "").strip())
    return m.group(1).strip(" -") if m else None


def program_and_spacecraft(name: str | None, program: str | None) -> tuple[str | None,
                                                                        str | None]:
    """Astronautix's ``Program`` (the mission series: Venera, Mars) and ``Spacecraft``
    (the model) for a GCAT object.  GCAT's program column often names the spacecraft
    model instead (``3MV``, ``4V-1A``, ``3M``: a code with a digit in it); then the
    series comes from the object's name and the code is the spacecraft, so that
    ``--program Venera`` finds GCAT's Venera probes as it finds Astronautix's."""
    if program and any(ch.isdigit() for ch in program):
        series = series_of(name)
        if series:
            return series, program
    return program, None


def item_pairs(obj: GcatObject, catalog: GcatCatalog) -> list[tuple[str, str | None]]:
    """The fields of a payload's item.  Its end date (to the day) is a ``Decay Date``
    only where it is one, satcat's ``DDate``; psatcat's ``TDate`` is the end of the
    mission (First Sputnik's is 1957 October 27, when it fell silent; it decayed on
    1958 January 4; a Mars probe's is its last contact), written as ``Mission End``."""
    program, spacecraft = program_and_spacecraft(obj.name, obj.program)
    end = obj.end_date
    day = end.first_day.isoformat() if end is not None and end.first_day and \
        end.first_day == end.last_day else None
    decay = day if obj.kind == "satcat" else None
    return [
        ("Payload", obj.name),
        ("Nation", catalog.state_name(obj.state)),
        ("Program", program),
        ("Class", obj.object_class),
        ("Type", obj.category),
        ("Spacecraft", spacecraft),
        ("Decay Date", decay),
        ("Mission End", None if decay else day),
        ("USAF Sat Cat", str(obj.satcat) if obj.satcat is not None else None),
        ("COSPAR", astronautix_cospar(obj.piece)),
        ("Apogee", f"{_number(obj.apogee_km)} km" if obj.apogee_km is not None
         and obj.apogee_km >= 0 else None),
        ("Perigee", f"{_number(obj.perigee_km)} km" if obj.perigee_km is not None
         and obj.perigee_km >= 0 else None),
        ("Inclination", f"{_number(obj.inclination_deg)} deg"
         if obj.inclination_deg is not None else None),
        ("Result", obj.result),
    ]


def item_line(obj: GcatObject, catalog: GcatCatalog) -> str:
    summary = clean(obj.comment)
    line = f"· {_title(obj.name or obj.piece or obj.jcat)} - . {_fields(item_pairs(obj, catalog))}"
    if summary is not None:
        line += f"Summary: {summary}.. "
    return line.rstrip(" ")


def _launch_item_name(launch: GcatLaunch) -> str:
    return launch.flight or launch.mission or f"{launch.lv_type or 'Launch'} {launch.tag}"


def launch_item_pairs(launch: GcatLaunch) -> list[tuple[str, str | None]]:
    """The fields of a launch's only item when psatcat lists no payload for it: the
    payload as GCAT's mission names it, the program as its flight's series."""
    return [("Payload", launch.mission or _launch_item_name(launch)),
            ("Program", series_of(launch.flight))]


def launch_item_line(launch: GcatLaunch) -> str:
    """The item of a launch with no payload in psatcat (a failure, mostly)."""
    return f"· {_title(_launch_item_name(launch))} - . " \
           f"{_fields(launch_item_pairs(launch))}".rstrip(" ")


def render_launch(launch: GcatLaunch, catalog: GcatCatalog, eol: str = "\n") -> str:
    """One launch as an entry: the header line, a blank line, an item line per payload
    (or one for the launch when psatcat lists none), each followed by a blank line."""
    lines = [header_line(launch, catalog).rstrip(" "), ""]
    payloads = catalog.payloads_of(launch)
    items = [item_line(p, catalog) for p in payloads] or [launch_item_line(launch)]
    for item in items:
        lines.extend([item, ""])
    return eol.join(lines) + eol + eol


def launch_order(launch: GcatLaunch) -> tuple[dt.datetime, str]:
    return (launch.date.start or dt.datetime.min, launch.tag)


def chronology_title(updated: str | None = None) -> str:
    when = f", updated {updated}" if updated else ""
    return (f"GCAT orbital launch list ({GCAT_CITATION}, {GCAT_LICENCE}{when}), "
            "written as a chronology by Kosmochron")


def render_chronology(launches: Iterable[GcatLaunch], catalog: GcatCatalog,
                      updated: str | None = None) -> Iterator[str]:
    """The launches in time order as one chronology: a title, then each entry."""
    yield chronology_title(updated) + "\n\n\n"
    for launch in sorted(launches, key=launch_order):
        yield render_launch(launch, catalog)


# -- facts, for checking that the parser reads the text back --------------------------------


def expected_facts(launch: GcatLaunch, catalog: GcatCatalog) -> dict[str, Any]:
    """What an entry written by :func:`render_launch` must read back as."""
    pairs = dict(header_pairs(launch, catalog))
    first, last = launch.date.first_day, launch.date.last_day
    header = {k: clean(v) for k, v in pairs.items() if clean(v) is not None}
    payloads = catalog.payloads_of(launch)
    items = [{k: clean(v) for k, v in item_pairs(p, catalog) if clean(v) is not None}
             | ({"Summary": f"{clean(p.comment)}."} if clean(p.comment) else {})
             for p in payloads] or [{k: clean(v) for k, v in launch_item_pairs(launch)
                                     if clean(v) is not None}]
    return {"date": date_text(first, last) if first and last else "0001",
            "time": launch.date.time, "outcome": launch.code.outcome if launch.code and
            launch.code.outcome == "failure" else "success",
            "failure": _sentence(failure_text(launch)), "header": header, "items": items}


def _sentence(text: str | None) -> str | None:
    """A free-text value as the parser reads it: with the period of its ``..``."""
    return None if text is None else f"{text}."


def launch_facts(entry: Entry) -> dict[str, Any]:
    """The facts of a parsed entry, in :func:`expected_facts`' shape."""
    header = {f.key: f.value for f in entry.fields if f.key != "FAILURE"}
    items = []
    for item in entry.items:
        values = {f.key: f.value for f in item.fields}
        items.append(values)
    return {"date": entry.date.text, "time": entry.time_utc, "outcome": entry.outcome,
            "failure": entry.failure, "header": header, "items": items}


def typed_ok(entry: Entry) -> bool:
    """Whether every typed field of the entry was read (no conversion failed)."""
    for item in entry.items:
        for f in item.fields:
            if f.key in ("COSPAR", "Apogee", "Perigee") and not isinstance(
                    f.typed, (Cospar, Distance)):
                return False
    return not entry.diagnostics
