"""The API's response schemas (JSON Schema), as the OpenAPI document publishes them.

:class:`kosmochron.web.app.App` adds :data:`SCHEMAS` to the document's components and
each route names its own with :func:`_ok`; schemathesis then holds every response
to them (``tests/test_api_schemathesis.py``).  Kept apart from the routes so that
:mod:`kosmochron.web.api` stays readable.
"""

from __future__ import annotations

from typing import Any


def _opt(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _arr(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": schema}


def _obj(props: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props,
            "required": [k for k in props if k not in optional]}


STR, INT, NUM, BOOL = ({"type": t} for t in ("string", "integer", "number", "boolean"))
OSTR, OINT, ONUM = _opt(STR), _opt(INT), _opt(NUM)
COUNTS = {"type": "object", "additionalProperties": INT}
_ITEM = {"name": STR, "line": INT, "end_line": INT, "payload": OSTR, "mass_kg": ONUM,
         "mass_lb": ONUM, "nation": OSTR, "agency": OSTR, "program": OSTR, "class": OSTR,
         "type": OSTR, "spacecraft": OSTR, "decay_date": OSTR, "satcat": OINT, "cospar": OSTR,
         "cospar_kind": OSTR, "cospar_normalized": OSTR, "cospar_gcat": OSTR,
         "apogee_km": ONUM, "perigee_km": ONUM, "inclination_deg": ONUM, "period_min": ONUM,
         "duration_days": ONUM, "summary": OSTR, "narrative": OSTR, "fields": _arr(_ref("Field"))}
_LAUNCH = {"id": INT, "source": STR, "url": STR, "kind": {"enum": ["launch", "event"]},
           "line": INT, "end_line": INT, "date": _ref("VagueDate"), "time_utc": OSTR,
           "site": OSTR, "complex": OSTR, "lv_family": OSTR, "vehicle": OSTR,
           "configuration": OSTR, "outcome": {"enum": ["success", "failure", None]},
           "failure": OSTR, "failed_stage": OSTR, "has_errors": BOOL,
           "fields": _arr(_ref("Field")), "items": _arr(_ref("Item")), "item_ids": _arr(INT)}
_PAYLOAD = {"id": INT, "url": STR, "launch_url": STR, "entry_id": INT, "seq": INT, "line": INT,
            **{k: v for k, v in _ITEM.items() if k not in ("line", "end_line", "narrative",
                                                          "fields")},
            "launch_date": STR, "launch_outcome": OSTR}
_PAGE = {"count": INT, "next": OSTR, "previous": OSTR}
_TRANSFER = {"target": STR, "depart": STR, "arrive": STR, "tof_days": NUM, "c3_km2_s2": ONUM,
             "vinf_departure_km_s": ONUM, "dla_deg": ONUM, "rla_deg": ONUM,
             "vinf_arrival_km_s": ONUM, "transfer_angle_deg": NUM, "solver": STR,
             "suspect": BOOL}
_GRID = {"departures": _arr(STR), "arrivals": _arr(STR), "c3_km2_s2": _arr(_arr(ONUM)),
         "vinf_arrival_km_s": _arr(_arr(ONUM))}
#: Narrative events and transfers (``/payloads/{id}/events`` and ``/transfer``).
TRANSFER_SCHEMAS: dict[str, dict[str, Any]] = {
    "Event": _obj({"kind": {"enum": ["arrival", "orbit-insertion", "flyby", "landing",
                                     "separation", "loss-of-contact", "reentry"]},
                   "body": OSTR, "distance_km": ONUM, "date": _opt(_ref("VagueDate")),
                   "year_inferred": BOOL, "detail": OSTR, "rule": STR,
                   "span": _obj({"line": INT, "column": INT, "end_column": INT,
                                 "text": STR}),
                   "source": OSTR, "entry_id": OINT, "item_id": OINT}),
    "EventList": _obj({"payload_id": INT, "name": STR, "url": STR, "count": INT,
                       "results": _arr(_ref("Event"))}),
    "Transfer": _obj(_TRANSFER),
    "WindowLaunch": _obj({"entry_id": INT, "payload_id": INT, "name": STR,
                          "outcome": {"enum": ["success", "failure", None]}, "launch": OSTR,
                          "arrival": OSTR, "arrival_kind": OSTR}),
    "Window": _obj({"target": STR, "launch": STR, "key": STR,
                    "best": _opt(_ref("Transfer")), "days_from_optimum": ONUM,
                    "at_edge": BOOL, "note": OSTR, "edge_best": _opt(_ref("Transfer")),
                    "launches": _arr(_ref("WindowLaunch")), **_GRID},
                   optional=tuple(_GRID)),
    "TransferReport": _obj({"payload_id": INT, "url": STR, "payload_url": STR, "name": STR,
                            "target": {"enum": ["Mars", "Venus"]}, "launch": STR,
                            "arrival": _opt(_ref("Event")),
                            "arrival_interval": _opt(_ref("VagueDate")),
                            "transfer": _opt(_ref("Transfer")),
                            "bounds": _opt(_arr(_ref("Transfer"))), "note": OSTR,
                            "window": _ref("Window"), "window_note": OSTR, "suspect": BOOL,
                            "told_by": _arr(_ref("Account"))}),
    "Account": _obj({"payload_id": INT, "launch_id": INT, "source": STR, "counted": BOOL}),
}
SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": _obj({"error": _obj({"status": INT, "code": STR, "message": STR, "details": {}})}),
    "Field": _obj({"key": STR, "value": STR, "line": INT, "column": INT}),
    "VagueDate": _obj({"text": STR, "precision": STR, "start": OSTR, "end": OSTR}),
    "Item": _obj(_ITEM),
    "Launch": _obj(_LAUNCH),
    "LaunchPayload": {"allOf": [_ref("Item"), _obj(
        {"id": INT, "url": STR, "gcat": _opt({"type": "object"})})]},
    "Diagnostic": _obj({"severity": STR, "source": STR, "line": INT, "column": INT,
                        "message": STR}),
    "LaunchDetail": _obj({**_LAUNCH, "items": _arr(_ref("LaunchPayload")),
                          "diagnostics": _arr(_ref("Diagnostic")),
                          "span": _obj({"path": STR, "line": INT, "end_line": INT}),
                          "raw": STR}),
    "Facets": {"type": "object", "additionalProperties": _arr(
        _obj({"value": STR, "slug": OSTR, "count": INT}))},
    "LaunchPage": _obj({**_PAGE, "results": _arr(_ref("Launch")), "facets": _ref("Facets")},
                       optional=("facets",)),
    "Payload": _obj(_PAYLOAD),
    "PayloadDetail": _obj({**_PAYLOAD, "narrative": OSTR, "told_by": _arr(_ref("Account"))}),
    "PayloadPage": _obj({**_PAGE, "results": _arr(_ref("Payload"))}),
    "SearchHit": _obj({"item_id": INT, "entry_id": INT, "name": STR, "date": STR, "rank": NUM,
                       "snippet": STR, "snippet_html": STR, "url": STR, "payload_url": STR}),
    "SearchPage": _obj({"query": STR, "count": INT, "next": OSTR, "previous": OSTR,
                        "results": _arr(_ref("SearchHit"))}),
    "StatRow": _obj({"key": STR, "launches": INT, "failures": INT, "successes": INT,
                     "score": ONUM, "success_rate": ONUM, "ci95_low": ONUM, "ci95_high": ONUM,
                     "jeffreys95_low": ONUM, "jeffreys95_high": ONUM, "longest_streak": OINT,
                     "streak_from": OSTR, "streak_to": OSTR, "failed_stages": COUNTS}),
    "Stats": _obj({"by": STR, "results": _arr(_ref("StatRow")), "failed_stages": COUNTS}),
    "Entity": _obj({"id": INT, "name": STR, "slug": STR, "launches": INT, "payloads": INT,
                    "failures": INT, "url": STR}),
    "EntityList": _obj({"kind": STR, "count": INT, "results": _arr(_ref("Entity"))}),
    "EntityDetail": _obj({"kind": STR, "id": INT, "name": STR, "slug": STR, "url": STR,
                          "stats": _ref("StatRow"), "launches": _ref("LaunchPage")}),
    "Index": {"type": "object", "additionalProperties": STR},
    "Finding": _obj({"rule": STR, "severity": {"enum": ["info", "warning", "error"]},
                     "source": STR, "line": INT, "column": INT, "entry": STR, "item": OSTR,
                     "entry_id": OINT, "item_id": OINT, "message": STR,
                     "evidence": {"type": "object"}}),
    "Findings": _obj({"count": INT, "counts": {"type": "object", "additionalProperties": COUNTS},
                      "results": _arr(_ref("Finding"))}),
    **TRANSFER_SCHEMAS,
}


def _ok(schema: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"schema": _ref(schema)}}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}
