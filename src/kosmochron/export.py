"""The JSON contract: documents, entries, items and diagnostics as plain dicts.

The shape is published as ``schema/chronology.schema.json`` and every output
is validated against it in the tests.  Absent values are ``null``.

An item's named keys (``payload``, ``mass_kg``, ``cospar_kind`` …) all read the
*first* field with that key, so a value and its typed reading never come from
two different fields; ``fields`` keeps every field, repeated ones included.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Sequence
from json.encoder import encode_basestring
from typing import IO, Any

from .model import Cospar, Diagnostic, Distance, Document, Entry, Field, Item, Mass, Source, Typed

JSON = dict[str, Any]


def dumps(value: Any, indent: int | None = None) -> str:
    """Compact JSON as the CLI writes it: UTF-8 text as is, and never ``NaN``/``Infinity``
    (which are not JSON): a number that is not finite is written as ``null``."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent)
    except ValueError:  # rare: walk the value only when it holds one
        return json.dumps(finite(value), ensure_ascii=False, allow_nan=False, indent=indent)


def finite(value: Any) -> Any:
    """``value`` with every float that is not finite (NaN, ±infinity) as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _real(number: float | None) -> float | None:
    """JSON has no infinity: a reading too large for a float is absent rather than invalid."""
    return number if number is not None and math.isfinite(number) else None


def field_json(f: Field) -> JSON:
    return {"key": f.key, "value": f.value, "line": f.line, "column": f.column}


def _number(typed: Typed | None) -> float | None:
    return _real(typed) if isinstance(typed, float) else None


def _km(typed: Typed | None) -> float | None:
    return _real(typed.km) if isinstance(typed, Distance) else None


def item_json(item: Item) -> JSON:
    fields = item.fields
    first: dict[str, Field] = {}
    for f in fields:
        first.setdefault(f.key, f)
    values = {key: f.value for key, f in first.items()}
    typed = {key: f.typed for key, f in first.items()}
    mass = typed.get("Mass")
    cospar = typed.get("COSPAR")
    decay = typed.get("Decay Date")
    satcat = typed.get("USAF Sat Cat")
    return {
        "name": item.name,
        "line": item.line,
        "end_line": item.end_line,
        "payload": values.get("Payload"),
        "mass_kg": _real(mass.kg) if isinstance(mass, Mass) else None,
        "mass_lb": _real(mass.lb) if isinstance(mass, Mass) else None,
        "nation": values.get("Nation"),
        "agency": values.get("Agency"),
        "program": values.get("Program"),
        "class": values.get("Class"),
        "type": values.get("Type"),
        "spacecraft": values.get("Spacecraft"),
        "decay_date": _iso(decay) if isinstance(decay, dt.date) else None,
        "satcat": satcat if isinstance(satcat, int) else None,
        "cospar": values.get("COSPAR"),
        "cospar_kind": cospar.kind if isinstance(cospar, Cospar) else None,
        "cospar_normalized": cospar.normalized if isinstance(cospar, Cospar) else None,
        "cospar_gcat": cospar.gcat if isinstance(cospar, Cospar) else None,
        "apogee_km": _km(typed.get("Apogee")),
        "perigee_km": _km(typed.get("Perigee")),
        "inclination_deg": _number(typed.get("Inclination")),
        "period_min": _number(typed.get("Period")),
        "duration_days": _number(typed.get("Duration")),
        "summary": values.get("Summary"),
        "narrative": item.narrative or None,
        "fields": [field_json(f) for f in fields],
    }


def entry_json(entry: Entry) -> JSON:
    date = entry.date
    return {
        "kind": entry.kind,
        "line": entry.line,
        "end_line": entry.end_line,
        "date": {"text": date.text, "precision": date.precision,
                 "start": _iso(date.start), "end": _iso(date.end)},
        "time_utc": entry.time_utc,
        "site": entry.site,
        "complex": entry.complex,
        "lv_family": entry.lv_family,
        "vehicle": entry.vehicle,
        "configuration": entry.configuration,
        "outcome": entry.outcome,
        "failure": entry.failure,
        "failed_stage": entry.failed_stage,
        "has_errors": entry.has_errors,
        "fields": [field_json(f) for f in entry.fields],
        "items": [item_json(i) for i in entry.items],
    }


def diagnostic_json(d: Diagnostic) -> JSON:
    return {"severity": d.severity, "source": d.source, "line": d.line, "column": d.column,
            "message": d.message}


def source_json(source: Source) -> JSON:
    return {"path": source.path, "sha256": source.sha256, "title": source.title}


def document_json(document: Document) -> JSON:
    return {
        "source": source_json(document.source),
        "entries": [entry_json(e) for e in document.entries],
        "diagnostics": [diagnostic_json(d) for d in document.diagnostics],
    }


# -- the same JSON as text, written straight from the model ---------------------------
#
# ``entry_text(e) == dumps(entry_json(e))``, byte for byte (the tests hold them to it over
# the seed, the Saturn V page and a generated corpus), without building the dicts: the
# parse command spent more time building and encoding them than parsing.

_esc = encode_basestring  # json's own C string encoder, as dumps(ensure_ascii=False) uses


def _str(value: str | None) -> str:
    return "null" if value is None else _esc(value)


def _num(value: float | None) -> str:
    """A number as json writes it (non-finite ones are already None)."""
    return "null" if value is None else repr(value)


#: ``{"key": "Mass", "value": `` for each field key seen (a chronology has a few dozen
#: keys; past 4,096 a hostile file's keys are not kept).  A plain dict, so looking a key
#: up is the interpreter's fast path; a miss fills it in :func:`_fields_items`.
_KEY_HEADS: dict[str, str] = {}


def _fields_items(fields: list[Field]) -> str:
    """The members of ``dumps([field_json(f) for f in fields])``, without the brackets."""
    heads, esc = _KEY_HEADS, _esc
    try:
        return ", ".join([f'{heads[f.key]}{esc(f.value)}, "line": {f.line}, '
                          f'"column": {f.column}}}' for f in fields])
    except KeyError:
        for f in fields:
            if f.key not in heads and len(heads) < 4096:
                heads[f.key] = '{"key": ' + esc(f.key) + ', "value": '
        return ", ".join([f'{{"key": {esc(f.key)}, "value": {esc(f.value)}, "line": {f.line}, '
                          f'"column": {f.column}}}' for f in fields])


def fields_text(fields: list[Field]) -> str:
    """``dumps([field_json(f) for f in fields])``."""
    return f"[{_fields_items(fields)}]"


def _day(day: dt.date | None) -> str:
    return "null" if day is None else f'"{day.isoformat()}"'


def item_text(item: Item) -> str:
    """``dumps(item_json(item))``."""
    fields = item.fields
    # The first field of each key wins: reversed, so an earlier one is written last.
    value = {f.key: _esc(f.value) for f in reversed(fields)}.get
    typed = {f.key: f.typed for f in reversed(fields)}.get
    mass, cospar, decay, satcat = typed("Mass"), typed("COSPAR"), typed("Decay Date"), \
        typed("USAF Sat Cat")
    kg = lb = None
    if isinstance(mass, Mass):
        kg, lb = _real(mass.kg), _real(mass.lb)
    kind = normalized = gcat = None
    if isinstance(cospar, Cospar):
        kind, normalized, gcat = cospar.kind, cospar.normalized, cospar.gcat
    null = "null"
    return (
        f'{{"name": {_esc(item.name)}, "line": {item.line}, "end_line": {item.end_line}, '
        f'"payload": {value("Payload", null)}, "mass_kg": {_num(kg)}, "mass_lb": {_num(lb)}, '
        f'"nation": {value("Nation", null)}, "agency": {value("Agency", null)}, '
        f'"program": {value("Program", null)}, "class": {value("Class", null)}, '
        f'"type": {value("Type", null)}, "spacecraft": {value("Spacecraft", null)}, '
        f'"decay_date": {_day(decay) if isinstance(decay, dt.date) else null}, '
        f'"satcat": {satcat if isinstance(satcat, int) else null}, '
        f'"cospar": {value("COSPAR", null)}, "cospar_kind": {_str(kind)}, '
        f'"cospar_normalized": {_str(normalized)}, "cospar_gcat": {_str(gcat)}, '
        f'"apogee_km": {_num(_km(typed("Apogee")))}, '
        f'"perigee_km": {_num(_km(typed("Perigee")))}, '
        f'"inclination_deg": {_num(_number(typed("Inclination")))}, '
        f'"period_min": {_num(_number(typed("Period")))}, '
        f'"duration_days": {_num(_number(typed("Duration")))}, '
        f'"summary": {value("Summary", null)}, "narrative": {_str(item.narrative or None)}, '
        f'"fields": [{_fields_items(fields)}]}}')


def entry_text(entry: Entry, source: str | None = None) -> str:
    """``dumps(entry_json(entry))``; with ``source``, ``dumps({"source": source,
    **entry_json(entry)})`` (an NDJSON record)."""
    date = entry.date
    fields = entry.fields
    header = {f.key: _esc(f.value) for f in reversed(fields)}
    get = header.get
    kind = entry.kind
    outcome = "null" if kind != "launch" else \
        '"failure"' if "FAILURE" in header or "Failed Stage" in header else '"success"'
    null = "null"
    head = "{" if source is None else f'{{"source": {_esc(source)}, '
    return (
        f'{head}"kind": "{kind}", "line": {entry.line}, "end_line": {entry.end_line}, '
        f'"date": {{"text": {_esc(date.text)}, "precision": "{date.precision}", '
        f'"start": {_day(date.start)}, "end": {_day(date.end)}}}, '
        f'"time_utc": {_str(entry.time_utc)}, "site": {get("Launch Site", null)}, '
        f'"complex": {get("Launch Complex", null)}, "lv_family": {get("LV Family", null)}, '
        f'"vehicle": {get("Launch Vehicle", null)}, '
        f'"configuration": {get("LV Configuration", null)}, '
        f'"outcome": {outcome}, "failure": {get("FAILURE", null)}, '
        f'"failed_stage": {get("Failed Stage", null)}, '
        f'"has_errors": {"true" if entry.has_errors else "false"}, '
        f'"fields": [{_fields_items(fields)}], '
        f'"items": [{", ".join([item_text(i) for i in entry.items])}]}}')


def ndjson_line(entry: Entry, source: str) -> str:
    """One NDJSON record: the entry with the path of its file under ``source``."""
    return entry_text(entry, source) + "\n"


def write_document(
    out: IO[str],
    entries: Iterable[Entry],
    end: Callable[[], tuple[Source, Sequence[Diagnostic]]],
) -> None:
    """Write one JSON document, streaming: each entry as it is parsed, then the
    diagnostics and the source, which ``end()`` gives once ``entries`` is exhausted
    (the file's hash needs the whole file), so ``source`` is the last key."""
    out.write('{"entries": [')
    for i, entry in enumerate(entries):
        out.write(",\n  " if i else "\n  ")
        out.write(entry_text(entry))
    source, diagnostics = end()
    out.write("\n],\n")
    out.write(f' "diagnostics": {dumps([diagnostic_json(d) for d in diagnostics])},\n')
    out.write(f' "source": {dumps(source_json(source))}}}')
