"""The REST API and the app that serves it with the web UI: ``kosmochron serve``.

One ASGI app (:func:`create_app`) carries the versioned, read-only JSON API under
``/api/v1``, its OpenAPI document, an offline docs page at ``/api/docs`` and the
web UI's router.  Design choices, and why:

* Handlers are thin ``def`` functions: the store is blocking SQLAlchemy, so FastAPI
  runs them in its thread pool; every query lives in :mod:`kosmochron.store`.
* Every error, FastAPI's and Starlette's included, has one shape,
  ``{"error": {"status", "code", "message", "details"}}``, so a client needs one
  error path: unknown query parameters are 400 (a typo must not silently widen a
  filter), bad values 422 naming the parameter, unknown ids 404, writes 405.
* The OpenAPI document describes exactly what the server accepts (dates and facet
  lists have patterns the server enforces), so schemathesis can hold it to it.
* The docs page is rendered here from that document: FastAPI's Swagger and ReDoc
  pages load their JavaScript from a CDN and are blank offline.
* Responses carry an ETag made from the data version, with ``Cache-Control:
  no-cache``: clients revalidate and get a bodiless 304 until an ingest changes the
  data; whole responses are kept per data version (:mod:`kosmochron.httpcache`).
* JSON is written by orjson; a page of launches splices entries the store keeps
  already serialised (:meth:`Store.launches_json`) rather than rebuilding them.
"""

from __future__ import annotations

import calendar
import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args
from urllib.parse import quote

import anyio.to_thread
import jinja2
import orjson
from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__
from .api_schemas import SCHEMAS, STR, _error, _ok
from .appstate import FastJSONResponse, HttpError, get_store, report_ready
from .export import diagnostic_json, entry_json
from .httpcache import ReadOnlyCache, ResponseCache
from .render import render_entry
from .store import (
    LaunchFilter,
    LaunchJSON,
    QueryError,
    Settings,
    StatRow,
    Store,
    StoredEntry,
)
from .store.browse import FACETS
from .store.query import INT_MAX, ORDERINGS, STAT_DIMENSIONS, parse_date_bound
from .store.schema import ENTITY_TABLES
from .validate import RULE_IDS
from .web import error_page, static_dir
from .web import router as web_router

API = "/api/v1"

Ordering = Literal["date", "-date", "id", "-id"]
Dimension = Literal["family", "vehicle", "configuration", "site", "program", "nation", "decade",
                    "year"]
EntityKind = Literal["site", "complex", "family", "vehicle", "configuration", "program",
                     "agency", "nation", "type"]
# The literals are spelled out for the type checker and the schema; they must stay the store's.
assert set(get_args(Ordering)) == set(ORDERINGS)
assert set(get_args(Dimension)) == set(STAT_DIMENSIONS)
assert set(get_args(EntityKind)) == set(ENTITY_TABLES)


def _date_pattern() -> str:
    """The ``from``/``to`` dates as one regular expression that only valid days match
    (leap years included), so the schema promises no date the server then rejects."""
    year = "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
    leap = "([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)"
    days = {28: "(0?[1-9]|1[0-9]|2[0-8])", 30: "(0?[1-9]|[12][0-9]|30)",
            31: "(0?[1-9]|[12][0-9]|3[01])"}
    numbers = {31: "(0?[13578]|1[02])", 30: "(0?[469]|11)", 28: "0?2"}
    names: dict[int, list[str]] = {31: [], 30: [], 28: []}
    for month in range(1, 13):
        full, short = calendar.month_name[month], calendar.month_abbr[month]
        length = calendar.monthrange(2001, month)[1]
        names[length].append(full if full == short else f"{full}|{short}")
    forms = [year, f"{year}-(0?[1-9]|1[0-2])", f"{leap}-0?2-29", f"{leap} (February|Feb) 29",
             f"{year} ({'|'.join(n for ns in names.values() for n in ns)})"]
    for length, day in days.items():
        forms.append(f"{year}-{numbers[length]}-{day}")
        forms.append(f"{year} ({'|'.join(names[length])}) {day}")
    return "^(" + "|".join(forms) + ")$"


DATE_PATTERN = _date_pattern()
FACETS_PATTERN = "^({0})(,({0}))*$".format("|".join(FACETS))
DATE_HINT = "a date like 1971, 1971-05, 1971-05-19, '1971 May' or '1971 May 19'"
#: What a value that fails a pattern should have looked like (the patterns are unreadable).
PATTERN_HINTS = {"from": DATE_HINT, "to": DATE_HINT,
                 "facets": f"comma-separated facet names from {', '.join(FACETS)}"}


# -- parameters --------------------------------------------------------------------

def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def known_parameters(request: Request) -> None:
    """Reject query parameters the route does not take (400): ``?familly=Proton``
    must not quietly list every launch.  Runs before the values are validated.
    (The dependencies are ``async``: a plain ``def`` dependency costs a trip through
    the thread pool, several times the work it does.)"""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed = _query_names(route.dependant)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        names = ", ".join(unknown)
        raise HttpError(400, "unknown_parameter",
                        f"unknown query parameter{'s' if len(unknown) > 1 else ''} {names}; "
                        f"{route.path} takes: {', '.join(sorted(allowed)) or 'none'}",
                        {"parameters": [{"name": n, "in": "query",
                                         "value": request.query_params[n],
                                         "message": "unknown parameter"} for n in unknown],
                         "allowed": sorted(allowed)})


def _text(value: str | None) -> str | None:
    """User text as a filter value.  No stored text holds a NUL (PostgreSQL text cannot),
    so a NUL becomes U+FFFD: the value then matches nothing, as it should, where a NUL
    would fail the query on PostgreSQL and a stripped one could match something else."""
    return None if value is None else value.replace("\x00", "\ufffd")


def _date(name: str, value: str | None, *, end: bool) -> Any:
    if value is None:
        return None
    try:
        return parse_date_bound(value, end=end)
    except QueryError as exc:
        raise HttpError(422, "bad_value", f"bad value for query parameter {name}: {exc}",
                        {"parameters": [{"name": name, "in": "query", "value": value,
                                         "message": str(exc)}]}) from None


def _about(description: str) -> Any:
    return Query(description=description)


Text = str | None


async def launch_filter(
    date_from: Annotated[Text, Query(alias="from", pattern=DATE_PATTERN, description=(
        f"Launched on or after: {DATE_HINT}; vague dates match if their span overlaps."))] = None,
    date_to: Annotated[Text, Query(alias="to", pattern=DATE_PATTERN, description=(
        f"Launched on or before: {DATE_HINT}."))] = None,
    site: Annotated[Text, _about("Launch site name or slug (any case).")] = None,
    complex: Annotated[Text, _about("Launch complex name or slug.")] = None,
    family: Annotated[Text, _about("LV family name or slug, e.g. Proton.")] = None,
    vehicle: Annotated[Text, _about("Launch vehicle name or slug.")] = None,
    configuration: Annotated[Text, _about("LV configuration name or slug.")] = None,
    program: Annotated[Text, _about("A payload's program, e.g. Mars.")] = None,
    nation: Annotated[Text, _about("A payload's nation, e.g. USSR.")] = None,
    agency: Annotated[Text, _about("A payload's agency, e.g. MOM.")] = None,
    outcome: Annotated[Literal["success", "failure"] | None, _about("Launch outcome.")] = None,
    failed_stage: Annotated[Text, _about("The stage that failed, e.g. 3 or S.")] = None,
    cospar: Annotated[Text, _about("A payload's COSPAR designator in any spelling: "
                                   "1962-B-Iota-1, '1962 Beta Iota 1', '1962 B IOT 1'.")] = None,
    satcat: Annotated[int | None, Query(ge=0, le=INT_MAX, description=(
        "A payload's satellite catalog number."))] = None,
    q: Annotated[Text, _about('Full-text words that must all occur; "quoted phrases" stay '
                              "together.")] = None,
    kind: Annotated[Literal["launch", "event"], _about("Launches or other events.")] = "launch",
    source: Annotated[Text, _about("Only entries of this stored source (path as stored).")] = None,
) -> LaunchFilter:
    """The CLI's ``launches`` filters as query parameters (shared by every list)."""
    return LaunchFilter(
        date_from=_date("from", date_from, end=False), date_to=_date("to", date_to, end=True),
        site=_text(site), complex=_text(complex), family=_text(family),
        vehicle=_text(vehicle), configuration=_text(configuration), program=_text(program),
        nation=_text(nation), agency=_text(agency), outcome=outcome,
        failed_stage=_text(failed_stage), cospar=_text(cospar), satcat=satcat, text=_text(q),
        kind=kind, source=_text(source))


StoreDep = Annotated[Store, Depends(get_store)]
FilterDep = Annotated[LaunchFilter, Depends(launch_filter)]
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size (at most 1000).")]
Offset = Annotated[int, Query(ge=0, le=INT_MAX, description="Results to skip.")]
OrderingParam = Annotated[Ordering, Query(description="Sort by date or id; '-' reverses.")]
Id = Annotated[int, Path(ge=1, le=INT_MAX)]


@contextmanager
def _store_errors(status: int) -> Iterator[None]:
    """A store QueryError as an API error: 404 where the input named something that is
    not there, 422 where the input was a value the store cannot use."""
    try:
        yield
    except QueryError as exc:
        raise HttpError(status, "not_found" if status == 404 else "bad_value", str(exc)) \
            from None


# -- representations ----------------------------------------------------------------

def _url(request: Request, path: str) -> str:
    return f"{str(request.base_url).rstrip('/')}{API}{path}"


def _page(request: Request, count: int, offset: int, limit: int, results: list[Any],
          *, more: bool | None = None) -> dict[str, Any]:
    """``count``/``next``/``previous`` as full URLs (the request's own, re-paged)."""
    has_next = offset + limit < count if more is None else more
    previous = None
    if offset > 0:
        back = request.url.remove_query_params("offset") if offset <= limit \
            else request.url.include_query_params(offset=offset - limit)
        previous = str(back)
    return {"count": count,
            "next": str(request.url.include_query_params(offset=offset + limit))
            if has_next else None,
            "previous": previous, "results": results}


def _launch(request: Request, s: StoredEntry) -> dict[str, Any]:
    return {"id": s.id, "source": s.source, "url": _url(request, f"/launches/{s.id}"),
            **entry_json(s.entry), "item_ids": s.item_ids}


def _launch_listed(request: Request, s: LaunchJSON) -> orjson.Fragment:
    """What :func:`_launch` gives, from an entry serialised once: its object's members
    spliced between the id, source and url and the item ids."""
    head = orjson.dumps({"id": s.id, "source": s.source,
                         "url": _url(request, f"/launches/{s.id}")})
    return orjson.Fragment(b"".join((head[:-1], b",", s.body[1:-1], b',"item_ids":',
                                     orjson.dumps(s.item_ids), b"}")))


def _payload(request: Request, row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "url": _url(request, f"/payloads/{row['id']}"),
            "launch_url": _url(request, f"/launches/{row['entry_id']}")}


def _stat(row: StatRow) -> dict[str, Any]:
    return {"key": row.key, "launches": row.launches, "failures": row.failures,
            "successes": row.successes, "success_rate": row.success_rate,
            "ci95_low": row.ci_low, "ci95_high": row.ci_high, "failed_stages": row.failed_stages}


# -- routes ------------------------------------------------------------------------

api = APIRouter(prefix=API, dependencies=[Depends(known_parameters)], responses={
    400: _error("An unknown query parameter (named in the message and details)."),
    404: _error("No such launch, payload, entity, source or route."),
    422: _error("A parameter with a bad value (named in the message and details)."),
})


@api.get("", summary="Where everything is", responses=_ok("Index", "Links to the endpoints."))
def index(request: Request) -> FastJSONResponse:
    names = ("launches", "payloads", "search", "stats", "entities/family", "render",
             "openapi.json")
    return FastJSONResponse({n: _url(request, f"/{n}") for n in names}
                        | {"docs": f"{str(request.base_url).rstrip('/')}/api/docs"})


@api.get("/launches", summary="Launches, filtered, sorted and paged",
         responses=_ok("LaunchPage", "A page of launches."))
def launches(request: Request, store: StoreDep, f: FilterDep, ordering: OrderingParam = "date",
             limit: Limit = 50, offset: Offset = 0,
             facets: Annotated[str | None, Query(pattern=FACETS_PATTERN, description=(
                 f"Comma-separated facets to count over all matches: {', '.join(FACETS)}."
             ))] = None) -> FastJSONResponse:
    """Each result is an entry in the JSON contract plus its id, source, url and payload ids."""
    with _store_errors(422):
        found = store.launches_json(f, order=ordering, limit=limit, offset=offset)
        body = _page(request, store.count(f), offset, limit,
                     [_launch_listed(request, s) for s in found])
        if facets:
            body["facets"] = store.facets(list(dict.fromkeys(facets.split(","))), f)
    return FastJSONResponse(body)


@api.get("/launches/{launch_id}", summary="One launch in full",
         responses=_ok("LaunchDetail", "The launch with payload ids, diagnostics and text."))
def launch(request: Request, store: StoreDep, launch_id: Id) -> FastJSONResponse:
    """The entry with its payloads' ids and GCAT links, diagnostics, source span and raw text."""
    with _store_errors(404):
        detail = store.detail(launch_id)
    stored = detail.stored
    body = _launch(request, stored)
    body["items"] = [{"id": item_id, "url": _url(request, f"/payloads/{item_id}"), **item,
                      "gcat": detail.gcat.get(item_id)}
                     for item_id, item in zip(stored.item_ids, body["items"], strict=False)]
    body["diagnostics"] = [diagnostic_json(d) for d in detail.diagnostics]
    body["span"] = {"path": stored.source, "line": stored.entry.line,
                    "end_line": stored.entry.end_line}
    body["raw"] = detail.raw
    return FastJSONResponse(body)


@api.get("/payloads", summary="Payloads of the matching launches, paged",
         responses=_ok("PayloadPage", "A page of payloads in launch order."))
def payloads(request: Request, store: StoreDep, f: FilterDep, limit: Limit = 50,
             offset: Offset = 0) -> FastJSONResponse:
    with _store_errors(422):
        rows, total = store.payloads(f, limit=limit, offset=offset)
    return FastJSONResponse(_page(request, total, offset, limit,
                              [_payload(request, r) for r in rows]))


def _one_payload(request: Request, store: Store, ids: list[int], what: str) -> FastJSONResponse:
    if not ids:
        raise HttpError(404, "not_found", f"no payload with {what}")
    if len(ids) > 1:
        raise HttpError(409, "ambiguous", f"{len(ids)} payloads have {what}; use their ids",
                        {"ids": ids, "urls": [_url(request, f"/payloads/{i}") for i in ids]})
    with _store_errors(404):
        return FastJSONResponse(_payload(request, store.payload(ids[0])))


PAYLOAD_DOC = _ok("PayloadDetail", "The payload.") | {409: _error(
    "Several payloads match (e.g. the same chronology stored twice); details list their ids.")}


@api.get("/payloads/by-cospar/{cospar}", summary="A payload by COSPAR designator",
         responses=PAYLOAD_DOC)
def payload_by_cospar(request: Request, store: StoreDep, cospar: Annotated[str, Path(
        description="As written (1962-B-Iota-1), normalized ('1962 Beta Iota 1') or in "
                    "GCAT's spelling ('1962 B IOT 1').")]) -> FastJSONResponse:
    return _one_payload(request, store, store.payload_ids(cospar=cospar),
                        f"COSPAR designator {cospar!r}")


@api.get("/payloads/by-satcat/{satcat}", summary="A payload by satellite number",
         responses=PAYLOAD_DOC)
def payload_by_satcat(request: Request, store: StoreDep,
                      satcat: Annotated[int, Path(ge=0, le=INT_MAX)]) -> FastJSONResponse:
    return _one_payload(request, store, store.payload_ids(satcat=satcat),
                        f"satellite number {satcat}")


@api.get("/payloads/{payload_id}", summary="One payload",
         responses=_ok("PayloadDetail", "The payload with its narrative."))
def payload(request: Request, store: StoreDep, payload_id: Id) -> FastJSONResponse:
    with _store_errors(404):
        return FastJSONResponse(_payload(request, store.payload(payload_id)))


@api.get("/payloads/{payload_id}/events", summary="A payload's events, from its narrative",
         responses=_ok("EventList", "Arrivals, orbit insertions, flybys, landings, "
                                    "separations, losses of contact and re-entries."))
def payload_events(request: Request, store: StoreDep, payload_id: Id) -> FastJSONResponse:
    """Each event with its kind, date (and precision), body, flyby distance and the span
    of the narrative that tells it; read from the narrative on the first request."""
    with _store_errors(404):
        name = store.payload(payload_id)["name"]
        found = store.payload_events(payload_id)
    return FastJSONResponse({"payload_id": payload_id, "name": name,
                         "url": _url(request, f"/payloads/{payload_id}/events"),
                         "count": len(found), "results": [e.to_json() for e in found]})


@api.get("/payloads/{payload_id}/transfer", summary="A payload's transfer to Mars or Venus",
         responses=_ok("TransferReport", "C3, DLA, v∞ and time of flight, and the window."))
def payload_transfer(request: Request, store: StoreDep, payload_id: Id,
                     grid: Annotated[bool, Query(description=(
                         "Add the window's porkchop: C3 and arrival v∞ for every departure "
                         "× arrival day (121 × 401 for Mars, about 1 MB)."))] = False
                     ) -> FastJSONResponse:
    """The Lambert arc from the launch to the arrival the narrative dates (``transfer``,
    None if it dates none), the launch window around the launch day (its minimum-C3
    transfer, how many days the launch came after it, the launches to the target in
    it) and ``suspect`` when the C3 is implausible (a wrong date).  404 with code
    ``no_transfer`` for a failed launch, a payload not bound for Mars or Venus, or a
    launch not dated to the day."""
    with _store_errors(404):
        report = store.payload_transfer(payload_id, grid=grid)
        if report is None:
            reason = store.no_transfer_reason(payload_id)
            raise HttpError(404, "no_transfer", f"payload {payload_id} has no transfer: {reason}",
                            {"payload_id": payload_id, "reason": reason})
    return FastJSONResponse({**report, "url": _url(request, f"/payloads/{payload_id}/transfer"),
                         "payload_url": _url(request, f"/payloads/{payload_id}")})


@api.get("/search", summary="Full-text search, ranked",
         responses=_ok("SearchPage", "Hits, best first, with marked snippets."))
def search(request: Request, store: StoreDep,
           q: Annotated[str, Query(description='Words that must all occur; "quoted phrases" '
                                               "stay together.")],
           limit: Annotated[int, Query(ge=1, le=1000, description="Page size.")] = 20,
           offset: Offset = 0) -> FastJSONResponse:
    """``snippet`` marks matches with « », ``snippet_html`` is escaped HTML with <mark>."""
    hits = store.search(_text(q) or "", limit + 1, offset)
    results = [{"item_id": h.item_id, "entry_id": h.entry_id, "name": h.name,
                "date": h.date_text, "rank": h.rank, "snippet": h.snippet_text(),
                "snippet_html": h.snippet_html(), "url": _url(request, f"/launches/{h.entry_id}"),
                "payload_url": _url(request, f"/payloads/{h.item_id}")} for h in hits[:limit]]
    page = _page(request, offset + len(results), offset, limit, results,
                 more=len(hits) > limit)
    del page["count"]  # a search does not count every hit; ``next`` says whether there are more
    return FastJSONResponse({"query": q, **page})


@api.get("/stats", summary="Launches, failures and success rates per group",
         responses=_ok("Stats", "One row per group, and the failed stages over all."))
def stats(store: StoreDep, f: FilterDep, by: Annotated[Dimension, Query(
        description="What to group by.")] = "family",
          definition: Annotated[Literal["launch", "mission"], Query(
              description="launch: the launch outcome (FAILURE: in the header); mission: "
              "GCAT's result per linked payload (then `launches` counts payloads).")]
          = "launch") -> FastJSONResponse:
    """Success rates come with their Wilson 95% interval, honest for small groups."""
    with _store_errors(422):
        rows = store.stats(by, f, definition=definition)
        stages = store.failed_stages(f)
    return FastJSONResponse({"by": by, "results": [_stat(r) for r in rows],
                             "failed_stages": stages})


Severity = Literal["info", "warning", "error"]
#: Rule ids and rule families, so the OpenAPI spec lists what ``rule`` accepts.
RuleId = StrEnum("RuleId", {name: name for name in sorted({*RULE_IDS, *RULE_IDS.values()})})  # type: ignore[misc]  # built from the rule table, not spelt out twice


@api.get("/findings", summary="Validation findings on the stored chronology",
         responses={**_ok("Findings", "Findings with counts by rule and severity."),
                    503: _error("The report is still being checked (after an ingest or a "
                                "start): try again after Retry-After seconds.")})
def findings(store: StoreDep, rule: Annotated[list[RuleId] | None, Query(
        description="Only these rule ids or families (repeatable).")] = None,
             min_severity: Annotated[Severity, Query(
                 description="The lowest severity to list.")] = "info",
             launch_id: Annotated[int | None, Query(
                 ge=1, le=INT_MAX, description="Only this launch's findings.")] = None,
             limit: Limit = 50, offset: Offset = 0) -> FastJSONResponse:
    """Orbits against Kepler (with the central body), unit pairs, dates, designators,
    the GCAT crosswalk: each finding with the evidence it used."""
    if launch_id is None:
        report_ready(store)  # 503 with Retry-After while the whole report is checked
    with _store_errors(422):
        found = store.findings([r.value for r in rule or []], min_severity, launch_id)
    counts: dict[str, dict[str, int]] = {}
    for f in found:
        counts.setdefault(f.rule, {}).setdefault(f.severity, 0)
        counts[f.rule][f.severity] += 1
    return FastJSONResponse({"count": len(found), "counts": counts,
                             "results": [f.to_json() for f in found[offset:offset + limit]]})


@api.get("/entities/{kind}", summary="Sites, families, programs … with launch counts",
         responses=_ok("EntityList", "Every entity of the kind, by name."))
def entities(request: Request, store: StoreDep, kind: EntityKind) -> FastJSONResponse:
    rows = store.entity_counts(kind)
    return FastJSONResponse({"kind": kind, "count": len(rows), "results": [
        {**r, "url": _url(request, f"/entities/{kind}/{quote(r['slug'], safe='')}")}
        for r in rows]})


@api.get("/entities/{kind}/{slug}", summary="One entity: its statistics and launches",
         responses=_ok("EntityDetail", "The entity, its statistics and a page of launches."))
def entity(request: Request, store: StoreDep, kind: EntityKind, slug: str,
           ordering: OrderingParam = "date", limit: Limit = 50,
           offset: Offset = 0) -> FastJSONResponse:
    with _store_errors(404):
        found = store.entity(kind, slug)
        row = store.entity_stats(kind, slug)
        page, total = store.entity_launches(kind, slug, order=ordering, limit=limit,
                                            offset=offset)
    return FastJSONResponse({
        "kind": kind, "id": found["id"], "name": found["name"], "slug": found["slug"],
        "url": _url(request, f"/entities/{kind}/{quote(found['slug'], safe='')}"),
        "stats": _stat(row),
        "launches": _page(request, total, offset, limit, [_launch(request, s) for s in page])})


@api.get("/render", summary="Chronology text: a stored source byte for byte, or entries",
         response_class=PlainTextResponse, responses={200: {
             "description": "The text.", "content": {"text/plain": {"schema": STR}}}})
def render(request: Request, store: StoreDep, f: FilterDep,
           ordering: OrderingParam = "date") -> Response:
    """With ``source`` alone: that stored source's exact bytes, as ``kosmochron render
    --stored`` writes them.  Otherwise the raw text of the matching entries, in order."""
    if f.source is not None and set(request.query_params) == {"source"}:
        with _store_errors(404):
            data, encoding = store.stored_source(f.source)
        return Response(data, media_type=f"text/plain; charset={encoding}")
    with _store_errors(422):
        found = store.launches(f, order=ordering)
    return PlainTextResponse("".join(render_entry(s.entry) for s in found))


# -- the docs page -------------------------------------------------------------------

def _type(schema: dict[str, Any]) -> str:
    """A parameter's schema in a few words: ``integer 1…1000``, ``one of date, -date``."""
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    text = str(schema.get("type", "any"))
    if "minimum" in schema or "maximum" in schema:
        text += f" {schema.get('minimum', '')}…{schema.get('maximum', '')}"
    return text + (" (pattern)" if "pattern" in schema else "")


_JINJA = jinja2.Environment(autoescape=True)
_JINJA.filters["type"] = _type
#: Every path, method, parameter and response of the OpenAPI document, on one page.
DOCS_PAGE = _JINJA.from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ doc.info.title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}.m{font-weight:bold;color:#06c}.d{white-space:pre-line}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
</style></head><body><h1>{{ doc.info.title }} <small>{{ doc.info.version }}</small></h1>
<p class="d">{{ doc.info.description }}</p>
<p>The OpenAPI document: <a href="{{ url }}">{{ url }}</a></p>
{% for path, methods in doc.paths.items() %}{% for method, op in methods.items() %}
<section id="{{ op.operationId }}"><h2><code><span class="m">{{ method|upper }}</span>
{{ path }}</code></h2><p><b>{{ op.summary }}</b></p><p class="d">{{ op.description }}</p>
{% if op.parameters %}<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Default</th>
<th>Description</th></tr>{% for p in op.parameters %}<tr><td><code>{{ p.name }}</code>
{% if p.required %}<em>required</em>{% endif %}</td><td>{{ p['in'] }}</td>
<td>{{ p.schema|type }}</td><td>{{ p.schema.default if p.schema.default is not none }}</td>
<td>{{ p.description }}</td></tr>{% endfor %}</table>{% endif %}<p>Responses:</p><ul>
{% for status, r in op.responses.items() %}<li><b>{{ status }}</b> {{ r.description }}</li>
{% endfor %}</ul></section>{% endfor %}{% endfor %}</body></html>""")


docs = APIRouter(include_in_schema=False)


@docs.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Rendered here, with no JavaScript: FastAPI's Swagger UI and ReDoc pages load theirs
    from a CDN and are blank offline."""
    return HTMLResponse(DOCS_PAGE.render(doc=request.app.openapi(), url=f"{API}/openapi.json"))


# -- the app -----------------------------------------------------------------------

DESCRIPTION = """Read-only JSON over a stored space-launch chronology.
Lists take the filters of `kosmochron launches` and page with limit/offset; next and previous \
are full URLs. Errors have one shape: {"error": {"status", "code", "message", "details"}}. \
Unknown query parameters are 400, bad values 422, unknown ids 404, other methods than GET and \
HEAD 405. Every response has an ETag; send it back in If-None-Match for a 304."""


class App(FastAPI):
    """FastAPI whose OpenAPI document covers the versioned API only (the web UI's routes
    are pages, not API) and publishes the response schemas and cache headers."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            document = get_openapi(title="Kosmochron API", version=__version__,
                                   description=DESCRIPTION, routes=self.routes)
            document["paths"] = {path: methods for path, methods in document["paths"].items()
                                 if path.startswith(API)}
            document.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
            for methods in document["paths"].values():
                for op in methods.values():
                    op["responses"]["200"]["headers"] = {
                        "ETag": {"description": "Revalidate with If-None-Match.",
                                 "schema": STR}}
                    op["responses"]["304"] = {"description": "Not modified (If-None-Match)."}
            self.openapi_schema = document
        return self.openapi_schema


#: Handlers running at once (in threads).  They are mostly Python (parsing, JSON) around
#: short SQLite calls, so more threads only queue for the GIL, each waking the others:
#: with AnyIO's default of 40, ten clients got 30% less throughput than one.  More
#: cores are used with ``kosmochron serve --workers N``.
HANDLER_THREADS = 4
#: ``kosmochron serve --workers N`` gives its workers one boot token, hence one ETag.
BOOT_VAR = "KOSMOCHRON_BOOT"


def _lifespan(settings: Settings | None,
              store: Store | None) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = HANDLER_THREADS
        if store is not None:  # the caller's store: the caller closes it
            yield
            return
        built = await run_in_threadpool(Store.from_settings, settings or Settings.from_env())
        built.serve()  # keep answers between requests until the data changes
        app.state.store = built
        try:
            yield
        finally:
            built.close()

    return lifespan


def _error_response(exc: HttpError, headers: dict[str, str] | None = None) -> FastJSONResponse:
    return FastJSONResponse(exc.body(), status_code=exc.status, headers=headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HttpError)
    return _error_response(exc, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's 422 in the one error shape, each bad parameter named."""
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        where, name = (loc[0], ".".join(loc[1:])) if len(loc) > 1 else ("request", "".join(loc))
        if error.get("type") == "missing":
            message = "missing (required)"
        elif error.get("type") == "string_pattern_mismatch" and name in PATTERN_HINTS:
            message = f"expected {PATTERN_HINTS[name]}"
        else:
            message = str(error.get("msg", "invalid"))
        value = None if error.get("type") == "missing" else error.get("input")
        problems.append({"name": name, "in": where, "message": message, "value": value
                         if value is None or isinstance(value, str | int | float) else str(value)})
    text = "; ".join(f"{p['in']} parameter {p['name']}"
                     + ("" if p["value"] is None else f"={p['value']!r}") + f": {p['message']}"
                     for p in problems)
    return _error_response(HttpError(422, "bad_value", f"bad value: {text}",
                                     {"parameters": problems}))


async def _starlette_error(request: Request, exc: Exception) -> Response:
    """Starlette's 404 (no route) and 405 (a method other than GET or HEAD)."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        return _error_response(HttpError(
            405, "method_not_allowed", f"{request.method} is not allowed on "
            f"{request.url.path}: the API is read-only (GET and HEAD)",
            {"method": request.method, "allowed": ["GET", "HEAD"]}), {"Allow": "GET, HEAD"})
    if exc.status_code == 404:
        error = HttpError(404, "not_found", f"no route {request.url.path}",
                          {"path": request.url.path})
        path = request.url.path
        if "text/html" in request.headers.get("accept", "") and not path.startswith("/api/") \
                and not path.endswith(".json"):
            return error_page(request, request.app.state.store, error)  # a browser's typo
        return _error_response(error)
    return _error_response(HttpError(exc.status_code, "http_error", str(exc.detail)),
                           dict(exc.headers or {}))


async def _internal_error(request: Request, exc: Exception) -> Response:
    return _error_response(HttpError(500, "internal_error",
                                     f"internal error ({type(exc).__name__}); please report it"))


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The app: API, docs and web UI.  The store is opened from ``settings`` (default:
    ``--db``/``$KOSMOCHRON_DB``/the user's data dir) when the app starts, never at import
    time, and closed when it stops; a given ``store`` is used as is and left open."""
    app = App(title="Kosmochron", version=__version__, openapi_url=f"{API}/openapi.json",
              docs_url=None, redoc_url=None, lifespan=_lifespan(settings, store))
    if store is not None:  # usable even by clients that never run the lifespan
        app.state.store = store
    app.state.responses = ResponseCache.from_env()
    app.add_middleware(ReadOnlyCache, boot=os.environ.get(BOOT_VAR) or secrets.token_hex(8),
                       responses=app.state.responses)
    app.add_exception_handler(HttpError, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _starlette_error)
    app.add_exception_handler(Exception, _internal_error)
    app.include_router(api)
    app.include_router(docs)
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=static_dir), name="static")
    return app
