"""The API's statistics beyond ``/stats``: success streaks, the learning curve,
cadence and failures by stage, and the launch sites as GeoJSON.

Same conventions as :mod:`kosmochron.web.api` (the launch filters, unknown
parameters 400, bad values 422, one error shape); every figure is the store's, the
same the CLI's ``kosmochron stats --view …`` prints and the web charts draw.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ..store import CADENCE_GROUPS, GCAT_CITATION
from . import downloads
from .guard import base_url
from .params import (
    API,
    Dimension,
    FilterDep,
    FormatDep,
    StoreDep,
    known_parameters,
    store_errors,
)
from .schemas import INT, NUM, ONUM, OSTR, STR, _arr, _error, _obj, _ok, _opt, _ref
from .state import FastJSONResponse

CadenceGroup = Literal["state", "family", "nation", "site", "vehicle", "agency", "program"]
assert set(get_args(CadenceGroup)) == set(CADENCE_GROUPS)

#: Response schemas of these routes (added to the OpenAPI document's components).
STATISTICS_SCHEMAS: dict[str, dict[str, Any]] = {
    "Streak": _obj({"key": STR, "launches": INT, "longest": INT, "from": OSTR, "to": OSTR,
                    "current": INT}),
    "Streaks": _obj({"by": STR, "results": _arr(_ref("Streak"))}),
    "LearningStep": _obj({"flights": STR, "first": INT, "last": _opt(INT), "attempts": INT,
                          "successes": INT, "failures": INT, "vehicles": INT,
                          "success_rate": ONUM, "ci95_low": NUM, "ci95_high": NUM,
                          "jeffreys95_low": NUM, "jeffreys95_high": NUM}),
    "LearningCurve": _obj({"by": STR, "step": INT, "results": _arr(_ref("LearningStep"))}),
    "CadenceCell": _obj({"year": INT, "key": STR, "launches": INT, "failures": INT}),
    "Cadence": _obj({"by": STR, "results": _arr(_ref("CadenceCell"))}),
    "StageFailures": _obj({"stage": STR, "stage_text": STR, "cause": OSTR, "failures": INT}),
    "FailuresByStage": _obj({"results": _arr(_ref("StageFailures"))}),
    "SiteFeature": _obj({"type": {"enum": ["Feature"]},
                         "geometry": _obj({"type": {"enum": ["Point"]},
                                           "coordinates": _arr(NUM)}),
                         "properties": _obj({"name": STR, "slug": STR, "launches": INT,
                                             "failures": INT, "codes": _arr(STR), "url": STR,
                                             "page": STR})}),
    "SiteCollection": _obj({"type": {"enum": ["FeatureCollection"]},
                            "features": _arr(_ref("SiteFeature")), "attribution": STR}),
}

statistics_api = APIRouter(prefix=API, dependencies=[Depends(known_parameters)], responses={
    400: _error("An unknown query parameter (named in the message and details)."),
    422: _error("A parameter with a bad value (named in the message and details)."),
})

By = Annotated[Dimension, Query(description="The groups: each counts its own launches.")]


@statistics_api.get("/stats/streaks", summary="Longest runs of successes per group",
                    responses=_ok("Streaks", "Each group's longest and current streak."))
def streaks(store: StoreDep, f: FilterDep, fmt: FormatDep, by: By = "family") -> Response:
    """Longest first; ``from``/``to`` date the streak's first and last launch."""
    with store_errors(422):
        rows = store.streaks(by, f)
    return _rows(fmt, f"streaks-by-{by}", [r.to_json() for r in rows], {"by": by})


@statistics_api.get("/stats/learning-curve", summary="Success by flight number",
                    responses=_ok("LearningCurve", "Flights 1–step, step+1–2·step, …"))
def learning_curve(store: StoreDep, f: FilterDep, fmt: FormatDep, by: By = "family",
                   step: Annotated[int, Query(ge=1, le=100, description=(
                       "Flights per step."))] = 5) -> Response:
    """Each group's launches are numbered from its own first flight; a step counts the
    flights with those numbers over every group (``vehicles``: how many reached it).
    Flights past 10 steps are one last open step."""
    with store_errors(422):
        steps = store.learning_curve(by, f, size=step, most=step * 10)
    return _rows(fmt, f"learning-curve-by-{by}", [s.to_json() for s in steps],
                 {"by": by, "step": step})


@statistics_api.get("/stats/cadence", summary="Launches per year and group",
                    responses=_ok("Cadence", "Launches and failures per year and group."))
def cadence(store: StoreDep, f: FilterDep, fmt: FormatDep, by: Annotated[CadenceGroup, Query(
        description="What to stack by (state: GCAT's launching state).")] = "family"
            ) -> Response:
    with store_errors(422):
        cells = store.cadence(by, f)
    return _rows(fmt, f"cadence-by-{by}", [c.to_json() for c in cells], {"by": by})


@statistics_api.get("/stats/failures", summary="Failed launches by stage",
                    responses=_ok("FailuresByStage", "Stages in order, codes in words."))
def failures(store: StoreDep, f: FilterDep, fmt: FormatDep) -> Response:
    """``stage`` as the record writes it (``3``, ``S``), ``stage_text`` in words."""
    with store_errors(422):
        rows = store.failures_by_stage(f)
    return _rows(fmt, "failures-by-stage", [r.to_json() for r in rows], {})


def _rows(fmt: str, name: str, results: list[dict[str, Any]],
          head: dict[str, Any]) -> Response:
    """The results as JSON (after ``head``), or as a CSV or NDJSON table (issue 13)."""
    if fmt != "json":
        return downloads.respond(downloads.Table.of_records(name, results), fmt)
    return FastJSONResponse({**head, "results": results})


@statistics_api.get("/sites.geojson", summary="Launch sites with coordinates, as GeoJSON",
                    responses=_ok("SiteCollection", "A FeatureCollection of sites (points)."))
def sites_geojson(request: Request, store: StoreDep, f: FilterDep) -> FastJSONResponse:
    """Every launch site with GCAT's coordinates (``sites.tsv``, once imported) and the
    matching launches and failures there; ``page`` is its web page.  A site made of
    several GCAT site codes sits at their launch-weighted mean.  Coordinates are
    [longitude, latitude] (WGS 84), as GeoJSON has them."""
    with store_errors(422):
        points, _ = store.site_points(f)
    base = base_url(request)  # configured, never the Host header
    features = [{"type": "Feature",
                 "geometry": {"type": "Point",
                              "coordinates": [round(p.longitude, 5), round(p.latitude, 5)]},
                 "properties": {"name": p.name, "slug": p.slug, "launches": p.launches,
                                "failures": p.failures, "codes": list(p.codes),
                                "url": f"{base}{API}/entities/site/{quote(p.slug, safe='')}",
                                "page": f"{base}/entities/site/{quote(p.slug, safe='')}"}}
                for p in points]
    return FastJSONResponse({"type": "FeatureCollection", "features": features,
                             "attribution": GCAT_CITATION})
