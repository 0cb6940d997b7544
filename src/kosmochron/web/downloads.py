"""Downloads of every view: what a list, search, entity page, findings or reconciliation
view shows under its filters — every page of it, in its order — as CSV, JSON or NDJSON,
streamed; and the API's collections in those formats.

A page asks with ``format=csv|json|ndjson`` on its own URL (its links are in the
view's bar); an API collection with ``format=`` or ``Accept: text/csv`` /
``application/x-ndjson``.  CSV goes through the one CSV writer
(:mod:`kosmochron.tables`): the launches and payloads tables have the columns of
``kosmochron export``, other tables the keys of their JSON records.  JSON is a list
of the records the view's JSON twin (or the API) gives, one per line; NDJSON one
record per line.  Rows are read a batch at a time, so a download of 100,000
launches holds neither memory nor a connection for long.

No import of :mod:`.pages` (which imports this).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import orjson
from fastapi import Request
from fastapi.responses import StreamingResponse

from ..store import LaunchFilter, LaunchJSON, QueryError, Store, UnknownValue
from ..store.budget import stepwise
from ..suggest import nearest
from ..tables import (
    LAUNCH_COLUMNS,
    MEDIA_TYPES,
    PAYLOAD_COLUMNS,
    RECONCILE_COLUMNS,
    ROW_FORMATS,
    csv_chunks,
    json_chunks,
    json_text,
    names,
    ndjson_chunks,
    reconcile_rows,
    record_rows,
)
from . import filters, finder, listing
from .state import HttpError, report_ready

#: What each download is called in the page's bar.
LABELS = {"csv": "CSV", "json": "JSON", "ndjson": "NDJSON"}
#: Hits fetched per round trip of a search download (each page with its snippets).
HIT_BATCH = 500
HIT_COLUMNS = ("item_id", "entry_id", "name", "date_text", "rank", "snippet_text")


@dataclass(slots=True)
class Table:
    """A whole view as a table: its CSV rows and its JSON records (serialised), each
    made only when asked for."""

    name: str
    columns: Sequence[str]
    rows: Callable[[], Iterable[Sequence[object]]]
    records: Callable[[], Iterable[str]]

    @classmethod
    def of_records(cls, name: str, records: list[dict[str, Any]],
                   columns: Sequence[str] | None = None) -> Table:
        """A small table from its JSON records (its columns their keys)."""
        keys = list(columns or (records[0] if records else []))
        return cls(name, keys, lambda: record_rows(keys, records),
                   lambda: (json_text(r) for r in records))


def fmt_of(request: Request) -> str | None:
    """A page's download format, ``format=`` (a mistyped one is an error with the
    nearest); None for the page itself."""
    value = request.query_params.get("format", "").strip()
    if value and value not in ROW_FORMATS:
        raise UnknownValue("format", value, nearest(value, ROW_FORMATS, 3), "format",
                           expected="csv, json or ndjson")
    return value or None


def window(request: Request, limit: int, offset: int) -> slice:
    """The API's rows in another format: every match, or the page ``limit``/``offset``
    name when either is given."""
    asked = {"limit", "offset"} & set(request.query_params)
    return slice(offset, offset + limit) if asked else slice(None)


def respond(table: Table, fmt: str) -> StreamingResponse:
    """The table streamed in ``fmt``, as an attachment named after the view."""
    if fmt == "csv":
        chunks: Iterator[str] = csv_chunks(table.columns, table.rows())
    elif fmt == "json":
        chunks = json_chunks(table.records())
    else:
        chunks = ndjson_chunks(table.records())
    filename = f"kosmochron-{table.name}.{fmt}"
    # Each chunk within the request's database budget, not the whole download.
    return StreamingResponse(stepwise(chunks), media_type=MEDIA_TYPES[fmt], headers={
        "content-disposition": f"attachment; filename=\"{filename}\"; "
                               f"filename*=UTF-8''{quote(filename)}"})


def links(here: listing.Here, query: Any) -> list[dict[str, str]]:
    """The view's download links: the same URL (its filters, order …), every page, in
    each format."""
    base = [(k, v) for k, v in query.multi_items()
            if k not in ("page", "per_page", "at", "format", "jump") and v.strip()]
    return [{"format": fmt, "label": LABELS[fmt], "url": here([*base, ("format", fmt)])}
            for fmt in ROW_FORMATS]


# -- launches, payloads and hits as tables ------------------------------------------------


def launch_record(s: LaunchJSON, url: str | None = None) -> str:
    """A launch as the JSON twins list it (``url`` too, as the API lists it), spliced from
    its serialised entry."""
    head = {"id": s.id, "source": s.source, **({"url": url} if url else {})}
    return b"".join((orjson.dumps(head)[:-1], b",", s.body[1:-1], b',"item_ids":',
                     orjson.dumps(s.item_ids), b"}")).decode()


def launches(store: Store, f: LaunchFilter, order: str, name: str,
             url: Callable[[int], str] | None = None, window: slice = slice(None)) -> Table:
    """The launches a filter selects in ``order`` (those of ``window``, a page of them,
    if given).  Their ids are found now, so a bad filter fails before anything streams."""
    ids = list(store.ordered_ids(f, order))[window]
    return Table(name, names(LAUNCH_COLUMNS),
                 lambda: store.table("launches", f, ids=ids),
                 lambda: (launch_record(s, url(s.id) if url else None)
                          for s in store.launches_json_all(f, order=order, ids=ids)))


def payloads(store: Store, f: LaunchFilter, name: str,
             record: Callable[[dict[str, Any]], dict[str, Any]] = dict,
             window: slice = slice(None)) -> Table:
    """The payloads of the launches a filter selects, in launch order (all, or the
    ``window`` of them)."""
    ids = list(store.ordered_ids(f, "date"))
    if window == slice(None):
        return Table(name, names(PAYLOAD_COLUMNS), lambda: store.table("payloads", f, ids=ids),
                     lambda: (json_text(record(r)) for r in store.payload_records(f, ids=ids)))
    chosen = list(store.payload_records(f, ids=ids))[window]  # a page: small
    columns = names(PAYLOAD_COLUMNS)
    return Table(name, columns, lambda: record_rows(columns, chosen),
                 lambda: (json_text(record(r)) for r in chosen))


def hits(store: Store, q: str, f: LaunchFilter | None, order: str, name: str,
         record: Callable[[Any], dict[str, Any]], window: slice = slice(None)) -> Table:
    """Every hit of ``q`` among the entries ``f`` selects, in ``order`` (or the ``window``
    of them), fetched a batch at a time with their snippets."""
    total = store.search_count(q, filter=f)
    start, stop, _ = window.indices(total)

    def found() -> Iterator[dict[str, Any]]:
        for offset in range(start, stop, HIT_BATCH):
            yield from (record(h) for h in store.search(q, min(HIT_BATCH, stop - offset),
                                                        offset, filter=f, order=order))

    return Table(name, HIT_COLUMNS, lambda: record_rows(HIT_COLUMNS, found()),
                 lambda: (json_text(r) for r in found()))


def hit_record(h: Any) -> dict[str, Any]:
    """A hit as the search page's JSON twin gives it."""
    return {"item_id": h.item_id, "entry_id": h.entry_id, "name": h.name,
            "date_text": h.date_text, "rank": h.rank, "snippet_html": h.snippet_html(),
            "snippet_text": h.snippet_text()}


# -- the web UI's views -------------------------------------------------------------------


def _chronology(request: Request, store: Store) -> Table:
    chosen = filters.selection(request.query_params)
    return launches(store, chosen.filter, _view_order(request), "chronology")


def _view_order(request: Request) -> str:
    view = listing.choice(request.query_params, "view", listing.VIEWS, "chronology")
    return listing.choice(request.query_params, "sort", listing.TABLE_SORTS if view == "table"
                          else ("date", "-date"), "date")


def _entity(request: Request, store: Store) -> Table:
    kind, slug = str(request.path_params["kind"]), str(request.path_params["slug"])
    try:
        found = store.entity(kind, slug)
    except QueryError as exc:
        raise HttpError(404, "not_found", str(exc)) from None
    chosen = filters.selection(request.query_params, {kind: found["slug"]})
    return launches(store, chosen.filter, _view_order(request), f"{kind}-{found['slug']}")


def _search(request: Request, store: Store) -> Table:
    q = request.query_params.get("q", "").strip()
    chosen = filters.selection(request.query_params, skip=("q",))
    sort = listing.choice(request.query_params, "sort", tuple(finder.HIT_SORTS), "rank")
    return hits(store, q, chosen.filter, sort, "search", hit_record)


def _entity_list(request: Request, store: Store) -> Table:
    kind = str(request.path_params["kind"])
    sort = listing.choice(request.query_params, "sort", listing.ENTITY_SORTS, "-launches")
    try:
        rows = listing.sort_entities(store.entity_counts(kind), sort)
    except QueryError as exc:
        raise HttpError(404, "not_found", str(exc)) from None
    return Table.of_records(f"{kind}-list", rows)


def _findings(request: Request, store: Store) -> Table:
    rule = request.query_params.get("rule") or None
    report_ready(store)
    try:
        found = store.findings([rule] if rule else None,
                               request.query_params.get("min_severity") or "info")
    except QueryError as exc:
        raise HttpError(400, "bad_value", str(exc)) from None
    return Table.of_records("findings", [f.to_json() for f in found], FINDING_COLUMNS)


FINDING_COLUMNS = ("rule", "severity", "source", "line", "column", "entry", "item", "entry_id",
                   "item_id", "message", "evidence")


def reconcile_table(report: dict[str, Any]) -> Table:
    """The reconciliation report: a CSV row per field compared, a JSON record per launch."""
    return Table("reconcile", RECONCILE_COLUMNS, lambda: reconcile_rows(report),
                 lambda: (json_text(launch) for launch in report["launches"]))


def _reconcile(request: Request, store: Store) -> Table:
    return reconcile_table(store.reconcile(request.query_params.get("source", "").strip()
                                           or None))


#: The page builders whose views can be downloaded, by name.
VIEWS: dict[str, Callable[[Request, Store], Table]] = {
    "chronology": _chronology, "entity": _entity, "search_page": _search,
    "entity_list": _entity_list, "findings_page": _findings, "reconcile_page": _reconcile}


def view(name: str, request: Request, store: Store, fmt: str) -> StreamingResponse:
    """The download of the view a page builder ``name`` shows (every page of it)."""
    if name not in VIEWS:
        raise HttpError(400, "bad_request", f"this page has no download (format={fmt}): it is "
                        "not a list", {"parameter": "format"})
    return respond(VIEWS[name](request, store), fmt)
