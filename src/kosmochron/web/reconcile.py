"""The reconciliation report on the web: ``/reconcile`` (and its ``.json`` twin) and
``GET /api/v1/reconcile``: every launch two sources tell, field by field, and what
one source has and the other lacks.  Also the attribution GCAT's licence asks for,
on every response (:class:`Attribution`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..gcat import GCAT_CITATION, GCAT_LICENCE, GCAT_URL
from ..store import Store
from . import downloads
from .pages import Page, twin
from .params import API, FormatDep, StoreDep, known_parameters
from .schemas import _error
from .state import FastJSONResponse

#: GCAT's credit, as its licence (CC-BY 4.0) asks: on every page and every API answer.
ATTRIBUTION = f"GCAT data: {GCAT_CITATION}, {GCAT_LICENCE}"
_HEADER = (b"x-data-attribution", ATTRIBUTION.encode())
_LINK = (b"link", f'<{GCAT_URL}>; rel="describedby"'.encode())

router = APIRouter(dependencies=[Depends(known_parameters)], responses={
    400: _error("An unknown query parameter (named in the message and details)."),
    422: _error("A parameter with a bad value (named in the message and details)."),
})


class Attribution:
    """Adds ``X-Data-Attribution`` (GCAT's credit) to every HTTP response, cached ones
    included (a plain ASGI wrapper: no cost beyond two header lines)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def credited(message: Message) -> None:
            if message["type"] == "http.response.start":  # a copy: a cache may keep the original
                message = {**message, "headers": [*message.get("headers", []), _HEADER, _LINK]}
            await send(message)

        await self.app(scope, receive, credited)


def _source(request: Request) -> str | None:
    value = request.query_params.get("source", "").strip()
    return value or None


@twin("/reconcile", "/reconcile.json")
def reconcile_page(request: Request, store: Store) -> Page:
    report = store.reconcile(_source(request))
    return Page("reconcile.html", "Sources compared", report, {"report": report})


@router.get(f"{API}/reconcile", response_class=FastJSONResponse, tags=["sources"],
            summary="Every launch two sources tell, field by field")
def reconcile_api(store: StoreDep, fmt: FormatDep, source: Annotated[str | None, Query(
        description="Only this stored chronology (its path as stored).")] = None) -> Any:
    """For every launch a chronology and GCAT both tell: how the match was made, and each
    field (date, time, site, pad, family, vehicle, outcome, failed stage, payload names,
    designators, satellite numbers, orbits, decay dates) with both values, the verdict
    and both citations; then, per chronology, the launches GCAT lacks and the GCAT
    launches of its period it lacks.  ``attribution`` credits GCAT.  As CSV: one row per
    field compared; as NDJSON: one record per launch (the web page's downloads too)."""
    report = store.reconcile(source)
    if fmt != "json":
        return downloads.respond(downloads.reconcile_table(report), fmt)
    return FastJSONResponse(report)
