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
from typing import IO, Any

from .model import Cospar, Diagnostic, Distance, Document, Entry, Field, Item, Mass, Source, Typed

JSON = dict[str, Any]


def dumps(value: Any) -> str:
    """Compact JSON as the CLI writes it: UTF-8 text as is, and never ``NaN``/``Infinity``
    (which are not JSON)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


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


def ndjson_line(entry: Entry, source: str) -> str:
    """One NDJSON record: the entry with the path of its file under ``source``."""
    return dumps({"source": source, **entry_json(entry)}) + "\n"


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
        out.write(dumps(entry_json(entry)))
    source, diagnostics = end()
    out.write("\n],\n")
    out.write(f' "diagnostics": {dumps([diagnostic_json(d) for d in diagnostics])},\n')
    out.write(f' "source": {dumps(source_json(source))}}}')
