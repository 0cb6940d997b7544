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
  data; whole responses are kept per data version (:mod:`kosmochron.web.httpcache`).
* JSON is written by orjson; a page of launches splices entries the store keeps
  already serialised (:meth:`Store.launches_json`) rather than rebuilding them.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from starlette.datastructures import URL

from ..export import diagnostic_json, entry_json
from ..store import (
    FACETS,
    INT_MAX,
    LaunchFilter,
    LaunchJSON,
    SearchHit,
    StatRow,
    Store,
    StoredEntry,
)
from ..store.budget import stepwise
from ..validate import RULE_IDS
from . import downloads
from .guard import base_url
from .params import (
    API,
    FACETS_PATTERN,
    Dimension,
    EntityKind,
    FilterDep,
    FormatDep,
    Id,
    Limit,
    Offset,
    OrderingParam,
    StoreDep,
    known_parameters,
    search_text,
    store_errors,
)
from .schemas import STR, _error, _ok
from .state import FastJSONResponse, HttpError, report_ready, wait_for_report

# -- representations ----------------------------------------------------------------

def _base(request: Request) -> str:
    """The configured base URL (never the request's Host header, which clients set)."""
    return base_url(request)


def _url(request: Request, path: str) -> str:
    return f"{_base(request)}{API}{path}"


def _here(request: Request) -> URL:
    """The request's own URL under the configured base."""
    path, root = request.scope["path"], request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]
    query = request.scope.get("query_string", b"").decode("latin-1")
    return URL(_base(request) + path + (f"?{query}" if query else ""))


def _page(request: Request, count: int, offset: int, limit: int, results: list[Any],
          *, more: bool | None = None) -> dict[str, Any]:
    """``count``/``next``/``previous`` as full URLs (the request's own, re-paged)."""
    has_next = offset + limit < count if more is None else more
    here = _here(request)
    previous = None
    if offset > 0:
        back = here.remove_query_params("offset") if offset <= limit \
            else here.include_query_params(offset=offset - limit)
        previous = str(back)
    return {"count": count,
            "next": str(here.include_query_params(offset=offset + limit))
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
    return row.to_json()


# -- routes ------------------------------------------------------------------------

api = APIRouter(prefix=API, dependencies=[Depends(known_parameters)], responses={
    400: _error("An unknown query parameter (named in the message and details), or a filter "
                "value that names nothing stored (the nearest known values in details)."),
    404: _error("No such launch, payload, entity, source or route."),
    422: _error("A parameter with a bad value (named in the message and details)."),
})


@api.get("", summary="Where everything is", responses=_ok("Index", "Links to the endpoints."))
def index(request: Request) -> FastJSONResponse:
    names = ("launches", "payloads", "search", "stats", "entities/family", "render",
             "openapi.json")
    return FastJSONResponse({n: _url(request, f"/{n}") for n in names}
                            | {"docs": f"{_base(request)}/api/docs"})


@api.get("/launches", summary="Launches, filtered, sorted and paged",
         responses=_ok("LaunchPage", "A page of launches."))
def launches(request: Request, store: StoreDep, f: FilterDep, fmt: FormatDep,
             ordering: OrderingParam = "date", limit: Limit = 50, offset: Offset = 0,
             facets: Annotated[str | None, Query(pattern=FACETS_PATTERN, description=(
                 f"Comma-separated facets to count over all matches: {', '.join(FACETS)}."
             ))] = None) -> Response:
    """Each result is an entry in the JSON contract plus its id, source, url and payload ids."""
    with store_errors(422):
        if fmt != "json":
            return downloads.respond(downloads.launches(
                store, f, ordering, "launches", lambda i: _url(request, f"/launches/{i}"),
                downloads.window(request, limit, offset)), fmt)
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
    with store_errors(404):
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
def payloads(request: Request, store: StoreDep, f: FilterDep, fmt: FormatDep,
             limit: Limit = 50, offset: Offset = 0) -> Response:
    with store_errors(422):
        if fmt != "json":
            return downloads.respond(downloads.payloads(
                store, f, "payloads", lambda r: _payload(request, r),
                downloads.window(request, limit, offset)), fmt)
        rows, total = store.payloads(f, limit=limit, offset=offset)
    return FastJSONResponse(_page(request, total, offset, limit,
                              [_payload(request, r) for r in rows]))


def _payload_detail(request: Request, store: Store, payload_id: int) -> FastJSONResponse:
    """A payload with ``told_by``: the same object as the other sources of its launch
    tell it (GCAT's Mars 3 and Astronautix's are one payload)."""
    with store_errors(404):
        body = _payload(request, store.payload(payload_id))
    others = store.payload_accounts([payload_id]).get(payload_id, [])[1:]
    body["told_by"] = [{**a.to_json(), "url": _url(request, f"/payloads/{a.item_id}")}
                       for a, _, _ in others]
    return FastJSONResponse(body)


def _one_payload(request: Request, store: Store, ids: list[int], what: str) -> FastJSONResponse:
    """The payload ``what`` names: one object told by several sources is the payload of
    the launch that counts (the others in its ``told_by``); several objects are 409."""
    if not ids:
        raise HttpError(404, "not_found", f"no payload with {what}")
    one = store.one_payload(ids) if len(ids) > 1 else (ids[0], [])
    if one is None:
        raise HttpError(409, "ambiguous", f"{len(ids)} payloads have {what}; use their ids",
                        {"ids": ids, "urls": [_url(request, f"/payloads/{i}") for i in ids]})
    return _payload_detail(request, store, one[0])


PAYLOAD_DOC = _ok("PayloadDetail", "The payload; told_by lists the same object as other "
                                   "sources tell it.") | {409: _error(
    "Several payloads match (e.g. the same chronology stored twice, no GCAT linking them); "
    "details list their ids.")}


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
    return _payload_detail(request, store, payload_id)


@api.get("/payloads/{payload_id}/events", summary="A payload's events, from its narrative",
         responses=_ok("EventList", "Arrivals, orbit insertions, flybys, landings, "
                                    "separations, losses of contact and re-entries."))
def payload_events(request: Request, store: StoreDep, payload_id: Id,
                   fmt: FormatDep) -> Response:
    """Each event with its kind, date (and precision), body, flyby distance and the span
    of the narrative that tells it; read from the narrative on the first request."""
    with store_errors(404):
        name = store.payload(payload_id)["name"]
        found = store.payload_events(payload_id)
    if fmt != "json":
        return downloads.respond(downloads.Table.of_records(
            f"payload-{payload_id}-events", [e.to_json() for e in found]), fmt)
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
    with store_errors(404):
        report = store.payload_transfer(payload_id, grid=grid)
        if report is None:
            reason = store.no_transfer_reason(payload_id)
            raise HttpError(404, "no_transfer", f"payload {payload_id} has no transfer: {reason}",
                            {"payload_id": payload_id, "reason": reason})
    return FastJSONResponse({**report, "url": _url(request, f"/payloads/{payload_id}/transfer"),
                         "payload_url": _url(request, f"/payloads/{payload_id}")})


@api.get("/search", summary="Full-text search, counted, filtered, sorted and paged",
         responses=_ok("SearchPage", "Hits, best first (or by date), with marked snippets."))
def search(request: Request, store: StoreDep, f: FilterDep, fmt: FormatDep,
           q: Annotated[str, Query(description='Words that must all occur; "quoted phrases" '
                                               "stay together.")],
           ordering: Annotated[Literal["rank", "date", "-date"], Query(
               description="rank: best first; date: by launch date ('-' reverses).")] = "rank",
           limit: Annotated[int, Query(ge=1, le=1000, description="Page size.")] = 20,
           offset: Offset = 0) -> Response:
    """The hits among the entries the launch filters select (every entry when none is
    given, events too unless ``kind`` says); ``count`` is how many there are.
    ``snippet`` marks matches with « », ``snippet_html`` is escaped HTML with <mark>."""
    text = search_text(q) or ""  # each term once, at most MAX_TERMS (else a 400)
    among = replace(f, text=None, kind=f.kind if "kind" in request.query_params else None)
    chosen = None if among == LaunchFilter(kind=None) else among
    with store_errors(422):
        if fmt != "json":
            return downloads.respond(downloads.hits(
                store, text, chosen, ordering, "search", lambda h: _hit(request, h),
                downloads.window(request, limit, offset)), fmt)
        count = store.search_count(text, filter=chosen)
        hits = store.search(text, limit, offset, filter=chosen, order=ordering)
    results = [_hit(request, h) for h in hits]
    return FastJSONResponse({"query": q, **_page(request, count, offset, limit, results)})


def _hit(request: Request, h: SearchHit) -> dict[str, Any]:
    return {"item_id": h.item_id, "entry_id": h.entry_id, "name": h.name,
            "date": h.date_text, "rank": h.rank, "snippet": h.snippet_text(),
            "snippet_html": h.snippet_html(), "url": _url(request, f"/launches/{h.entry_id}"),
            "payload_url": _url(request, f"/payloads/{h.item_id}")}


@api.get("/stats", summary="Launches, failures and success rates per group",
         responses=_ok("Stats", "One row per group, and the failed stages over all."))
def stats(store: StoreDep, f: FilterDep, fmt: FormatDep, by: Annotated[Dimension, Query(
        description="What to group by.")] = "family",
          definition: Annotated[Literal["launch", "mission"], Query(
              description="launch: the launch outcome (FAILURE: in the header); mission: "
              "GCAT's result per linked payload (then `launches` counts payloads).")]
          = "launch") -> Response:
    """Success rates come with their Wilson and Jeffreys 95% intervals, honest for small
    groups; ``score`` sums the launches' success scores (GCAT's partial scores, else 1 per
    success); ``longest_streak`` is the longest run of successes, dated."""
    with store_errors(422):
        rows = store.stats(by, f, definition=definition, streaks=True)
        stages = store.failed_stages(f)
    if fmt != "json":
        return downloads.respond(downloads.Table.of_records(
            f"stats-by-{by}", [_stat(r) for r in rows]), fmt)
    return FastJSONResponse({"by": by, "results": [_stat(r) for r in rows],
                             "failed_stages": stages})


Severity = Literal["info", "warning", "error"]
#: Rule ids and rule families, so the OpenAPI spec lists what ``rule`` accepts.
RuleId = StrEnum("RuleId", {name: name for name in sorted({*RULE_IDS, *RULE_IDS.values()})})  # type: ignore[misc]  # built from the rule table, not spelt out twice


@api.get("/findings", summary="Validation findings on the stored chronology",
         dependencies=[Depends(wait_for_report)],
         responses={**_ok("Findings", "Findings with counts by rule and severity."),
                    503: _error("The report is still being checked (after an ingest or a "
                                "start): try again after Retry-After seconds.")})
def findings(request: Request, store: StoreDep, rule: Annotated[list[RuleId] | None, Query(
        description="Only these rule ids or families (repeatable).")] = None,
             min_severity: Annotated[Severity, Query(
                 description="The lowest severity to list.")] = "info",
             launch_id: Annotated[int | None, Query(
                 ge=1, le=INT_MAX, description="Only this launch's findings.")] = None,
             limit: Limit = 50, offset: Offset = 0, fmt: FormatDep = "json") -> Response:
    """Orbits against Kepler (with the central body), unit pairs, dates, designators,
    the GCAT crosswalk: each finding with the evidence it used."""
    if launch_id is None:
        report_ready(store)  # 503 with Retry-After while the whole report is checked
    rules = [r.value for r in rule or []]
    with store_errors(422):
        if fmt != "json":
            found = store.findings(rules, min_severity, launch_id)
            return downloads.respond(downloads.Table.of_records(
                "findings", [f.to_json() for f in found][downloads.window(request, limit,
                                                                           offset)],
                downloads.FINDING_COLUMNS), fmt)
        if launch_id is None:  # the whole report: counted with it, one page listed
            counts = store.finding_counts(rules, min_severity)
            page = store.findings(rules, min_severity, offset=offset, limit=limit)
        else:
            found = store.findings(rules, min_severity, launch_id)
            counts = {}
            for f in found:
                counts.setdefault(f.rule, {}).setdefault(f.severity, 0)
                counts[f.rule][f.severity] += 1
            page = found[offset:offset + limit]
    return FastJSONResponse({"count": sum(n for c in counts.values() for n in c.values()),
                             "counts": counts, "results": [f.to_json() for f in page]})


@api.get("/entities/{kind}", summary="Sites, families, programs … with launch counts",
         responses=_ok("EntityList", "Every entity of the kind, by name."))
def entities(request: Request, store: StoreDep, kind: EntityKind,
             fmt: FormatDep) -> Response:
    """Each with its launches, the payloads they carried and its failed launches."""
    rows = [{**r, "url": _url(request, f"/entities/{kind}/{quote(r['slug'], safe='')}")}
            for r in store.entity_counts(kind)]
    if fmt != "json":
        return downloads.respond(downloads.Table.of_records(f"{kind}-list", rows), fmt)
    return FastJSONResponse({"kind": kind, "count": len(rows), "results": rows})


@api.get("/entities/{kind}/{slug}", summary="One entity: its statistics and launches",
         responses=_ok("EntityDetail", "The entity, its statistics and a page of launches."))
def entity(request: Request, store: StoreDep, kind: EntityKind, slug: str,
           fmt: FormatDep, ordering: OrderingParam = "date", limit: Limit = 50,
           offset: Offset = 0) -> Response:
    """In another format than json: the entity's launches (every one, or the page)."""
    with store_errors(404):
        found = store.entity(kind, slug)
        if fmt != "json":
            return downloads.respond(downloads.launches(
                store, LaunchFilter.from_options(**{kind: found["slug"]}), ordering,
                f"{kind}-{found['slug']}", lambda i: _url(request, f"/launches/{i}"),
                downloads.window(request, limit, offset)), fmt)
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
             "description": "The text.", "content": {"text/plain": {"schema": STR}},
             "headers": {"X-Total-Count": {"description": "Matching entries (paged text).",
                                           "schema": STR},
                         "Link": {"description": "The next and previous pages (paged text).",
                                  "schema": STR}}}})
def render(request: Request, store: StoreDep, f: FilterDep,
           ordering: OrderingParam = "date",
           limit: Annotated[int, Query(ge=1, le=1000, description=(
               "Entries per page of text (at most 1000)."))] = 100,
           offset: Offset = 0) -> Response:
    """With ``source`` alone: that stored source's exact bytes, as ``kosmochron render
    --stored`` writes them, streamed (chunk by chunk, never held whole).  Otherwise the
    raw text of the matching entries, in order, a page at a time (``limit``/``offset``;
    ``X-Total-Count`` and ``Link: <…>; rel="next"`` say what else there is)."""
    if f.source is not None and set(request.query_params) == {"source"}:
        with store_errors(404):
            encoding, chunks = store.stream_source(f.source)
        return StreamingResponse(stepwise(chunks), media_type=f"text/plain; charset={encoding}")
    with store_errors(422):
        texts = store.launch_texts(f, order=ordering, limit=limit, offset=offset)
        total = store.count(f) if len(texts) == limit or offset else len(texts)
    page = _page(request, total, offset, limit, [])
    links = [f'<{page[rel]}>; rel="{rel}"' for rel in ("next", "previous") if page[rel]]
    headers = {"X-Total-Count": str(total)} | ({"Link": ", ".join(links)} if links else {})
    return PlainTextResponse("".join(texts), headers=headers)
