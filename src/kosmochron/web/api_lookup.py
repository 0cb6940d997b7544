"""The API's lookup: what an identifier names, as the search box finds it.

``GET /api/v1/lookup?q=`` lists the launches a COSPAR designator (any spelling), a
JCAT or launch tag, a satellite number or a payload's name names (see
:mod:`kosmochron.store.lookup`), and the sites, vehicles, programs, agencies …
whose names match; ``GET /api/v1/launches/by-identifier/{identifier}`` redirects
(307) to the launch, 409 when several match.  Same conventions as
:mod:`kosmochron.web.api`.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from ..store import Store
from . import downloads
from .guard import base_url
from .params import API, FormatDep, StoreDep, known_parameters
from .schemas import INT, OINT, OSTR, STR, _arr, _error, _obj, _ok, _ref
from .state import FastJSONResponse, HttpError

LOOKUP_SCHEMAS: dict[str, dict[str, Any]] = {
    "LookupMatch": _obj({"launch_id": INT, "payload_id": OINT, "matched_by": STR, "url": STR,
                         "payload_url": OSTR, "page": STR, "date": STR, "names": _arr(STR),
                         "designator": OSTR, "source": STR}),
    "EntityMatch": _obj({"kind": STR, "name": STR, "slug": STR, "exact": {"type": "boolean"},
                         "url": STR}),
    "Lookup": _obj({"query": STR, "count": INT, "results": _arr(_ref("LookupMatch")),
                    "entities": _arr(_ref("EntityMatch"))}),
}

lookup_api = APIRouter(prefix=API, dependencies=[Depends(known_parameters)], responses={
    400: _error("An unknown query parameter (named in the message and details)."),
    422: _error("A parameter with a bad value (named in the message and details)."),
})

Identifier = Annotated[str, Query(min_length=1, max_length=200, description=(
    "A COSPAR designator in any spelling (1971-049A, 1971-049, 1962-B-Iota-1, '1962 B IOT 1', "
    "F601010A), a JCAT (S05252) or launch tag (1960-F12), a satellite number (5252), "
    "#id, or a payload's name (Mars 3); cospar:, jcat:, tag:, satcat:, name: say which."))]


def _base(request: Request) -> str:
    return base_url(request)  # configured, never the Host header


def _matches(request: Request, store: Store, q: str) -> list[dict[str, Any]]:
    matches = store.resolve(q)
    rows = {row["id"]: row for row in store.summaries([m.entry_id for m in matches])}
    base = _base(request)
    return [{"launch_id": m.entry_id, "payload_id": m.item_id, "matched_by": m.matched_by,
             "url": f"{base}{API}/launches/{m.entry_id}",
             "payload_url": f"{base}{API}/payloads/{m.item_id}" if m.item_id else None,
             "page": f"{base}/launches/{m.entry_id}", "date": rows[m.entry_id]["date_text"],
             "names": rows[m.entry_id]["names"], "designator": rows[m.entry_id]["designator"],
             "source": rows[m.entry_id]["source"]}
            for m in matches if m.entry_id in rows]


@lookup_api.get("/lookup", summary="What an identifier names",
                responses=_ok("Lookup", "The launches it names, and entities by name."))
def lookup(request: Request, store: StoreDep, q: Identifier, fmt: FormatDep) -> Response:
    """The launches (one for an identifier, several for a name many payloads share), each
    on the entry that counts for it, with the payload when the identifier names one;
    ``entities`` are the sites, vehicles, programs … whose names match."""
    results = _matches(request, store, q)
    base = _base(request)
    named = [{"kind": m.kind, "name": m.name, "slug": m.slug, "exact": m.exact,
              "url": f"{base}{API}/entities/{m.kind}/{quote(m.slug, safe='')}"}
             for m in store.find_entities(q)]
    if fmt != "json":
        return downloads.respond(downloads.Table.of_records("lookup", results), fmt)
    return FastJSONResponse({"query": q, "count": len(results), "results": results,
                             "entities": named})


@lookup_api.get("/launches/by-identifier/{identifier:path}",
                summary="A launch by any identifier (redirects)", responses={
                    307: {"description": "The launch: Location is its URL."},
                    404: _error("Nothing has this identifier."),
                    409: _error("Several launches have it; details list them.")})
def by_identifier(request: Request, store: StoreDep, identifier: Annotated[str, Path(
        min_length=1, max_length=200, description="Any identifier, as for /lookup.")]
                  ) -> RedirectResponse:
    results = _matches(request, store, identifier)
    if not results:
        raise HttpError(404, "not_found", f"no launch has the identifier {identifier!r}",
                        {"identifier": identifier})
    if len(results) > 1:
        raise HttpError(409, "ambiguous", f"{len(results)} launches have the identifier "
                        f"{identifier!r}; use their ids", {
                            "ids": [r["launch_id"] for r in results],
                            "urls": [r["url"] for r in results]})
    return RedirectResponse(results[0]["url"], 307)
