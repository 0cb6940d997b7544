"""Charts as figures: each drawn from the store under the page's filters, with its
data as a table, and downloadable as SVG and as CSV of that data.

A *figure* is a chart with everything a reader needs around it: a title stating the
selection it shows, the SVG, a caption explaining its marks and codes, the numbers
it draws as rows (shown "as a table" under the chart, written as CSV by the
download), and its download links.  Builders are registered by name in
:data:`FIGURES`; the charts page, the entity pages and the download routes
(``/charts/{name}.svg`` and ``/charts/{name}.csv``, with the page's query string) all
call the same builder, so a download is exactly the chart and data on the page.

Chart options travel in the query string next to the filters: ``stack`` (cadence:
``nation``, ``family`` …), ``rel`` (reliability by ``family`` or ``vehicle``) and
``min`` (its minimum number of attempts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

from ..stats import describe_failed_stage
from ..store import CADENCE_GROUPS, LaunchFilter, QueryError, Store
from ..tables import csv_chunks
from . import downloads, filters, timelines
from .cadence_charts import Cell, cadence_svg
from .chartkit import count
from .map import MAP_WIDTHS, SitePoint, site_map_svg
from .reliability_charts import RateItem, Step, count_rows_svg, learning_svg, reliability_svg
from .state import HttpError, get_store

#: Words for the filters in a chart's title.
FILTER_WORDS = {"family": "family", "vehicle": "vehicle", "configuration": "configuration",
                "site": "site", "complex": "complex", "program": "program", "nation": "nation",
                "agency": "agency", "state": "state", "failed_stage": "failed stage",
                "year": "year", "from": "from", "to": "to", "q": "words"}
#: Reliability: the smallest number of attempts a group needs to be drawn, by default.
MIN_ATTEMPTS = 5
#: Reliability: at most this many groups are drawn (those with the most attempts).
MOST_RATES = 60


def decade_label(key: str) -> str:
    """``1960`` → ``1960s`` (the store keys decades by their first year)."""
    return f"{key}s" if key.isdecimal() else key


def selection_words(params: Mapping[str, str]) -> str:
    """The selection in words for a title: ``all launches``, or ``family Proton,
    failures, 1960s``."""
    words = []
    for key, value in params.items():
        if key == "kind":
            continue
        if key == "outcome":
            words.append("failures" if value == "failure" else "successes")
        elif key == "decade":
            words.append(decade_label(value.rstrip("s")))
        elif key == "q":
            words.append(f"words “{value}”")
        else:
            words.append(f"{FILTER_WORDS.get(key, key)} {value}")
    return "all launches" if not words else ", ".join(words)


@dataclass(slots=True)
class Context:
    """What a builder needs: the store, the selection (its filter and its parameters,
    an entity page's own entity included, by name), the request's chart options and
    a way to make links."""

    store: Store
    filter: LaunchFilter
    params: dict[str, str]
    options: Mapping[str, str]
    url: Callable[[str, dict[str, Any] | None], str]
    #: Shown before the selection words (an entity page: ``Proton (vehicle family)``).
    scope: str | None = None
    #: The page the figure is on (its switches link back to it).
    path: str = "/charts"
    #: The page's own selection that is not in its query (an entity page's entity).
    fixed: dict[str, str] = field(default_factory=dict)

    @property
    def link_params(self) -> dict[str, str]:
        """The selection as query parameters, for links to lists of launches."""
        return {**self.fixed, **self.params}

    @property
    def words(self) -> str:
        chosen = selection_words(self.params)
        if self.scope:
            return self.scope if chosen == "all launches" else f"{self.scope}, {chosen}"
        return chosen

    def option(self, name: str, allowed: Sequence[str], default: str) -> str:
        value = self.options.get(name, "").strip() or default
        if value not in allowed:
            raise filters.bad_request(f"bad {name} {value!r}: expected one of "
                                      f"{', '.join(allowed)}", name)
        return value

    def number(self, name: str, default: int, low: int, high: int) -> int:
        return filters.whole_number(self.options, name, default, low, high)


@dataclass(slots=True)
class Figure:
    """A chart and its data: ``rows`` under ``columns`` are what it draws."""

    name: str
    heading: str
    svg: str
    caption: str
    columns: list[str]
    rows: list[list[Any]]
    #: Links that switch the chart (label, URL, current?), e.g. stack by family/nation.
    switches: list[tuple[str, str, bool]] = field(default_factory=list)
    downloads: dict[str, str] = field(default_factory=dict)
    #: What a page's JSON twin may want beyond the rows (the timeline's points).
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def markup(self) -> Markup:
        return Markup(self.svg)

    def table_rows(self) -> list[list[str]]:
        """The rows as the page shows them: counts with thousands separators."""
        return [[count(v) if isinstance(v, int | float) and not isinstance(v, bool)
                 else ("–" if v is None else str(v)) for v in row] for row in self.rows]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "heading": self.heading, "columns": self.columns,
                "rows": self.rows, "downloads": self.downloads}

    def csv(self) -> str:
        """The rows as CSV, through the one CSV writer (:mod:`kosmochron.tables`)."""
        return "".join(csv_chunks(self.columns, self.rows))

    def records(self) -> list[dict[str, Any]]:
        """The rows as records keyed by the columns (the JSON and NDJSON downloads)."""
        return [dict(zip(self.columns, row, strict=False)) for row in self.rows]


Builder = Callable[[Context], Figure]
FIGURES: dict[str, Builder] = {}


def figure(name: str) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        FIGURES[name] = build
        return build

    return register


def _switches(ctx: Context, fig: str, option: str, choices: Sequence[tuple[str, str]],
              current: str) -> list[tuple[str, str, bool]]:
    """Links to this page with the figure's ``option`` set to each choice."""
    keep = {**ctx.params, **{k: v for k, v in ctx.options.items() if k in CHART_OPTIONS}}
    return [(label, ctx.url(ctx.path, {**keep, option: value}) + f"#fig-{fig}", value == current)
            for value, label in choices]


# -- the figures ----------------------------------------------------------------------------


@figure("cadence")
def cadence(ctx: Context) -> Figure:
    stack = ctx.option("stack", CADENCE_GROUPS,
                       "state" if ctx.store.entities("state") else "nation")
    cells = [Cell(c.year, c.key, c.launches, c.failures)
             for c in ctx.store.cadence(stack, ctx.filter)]
    label = "payload nation" if stack == "nation" else stack
    svg = cadence_svg(cells, title=f"Launches per year by {label}: {ctx.words}",
                      stacked_by=label, ident="cadence",
                      href=lambda year: ctx.url("/", {**ctx.link_params, "year": year}))
    choices = [(g, "payload nation" if g == "nation" else g) for g in CADENCE_GROUPS]
    return Figure("cadence", "Cadence", svg,
                  f"Launches per year, stacked by {label}: the busiest get a colour each, the "
                  "rest are grey; the hatched top of each band is its failed launches. A bar "
                  "leads to that year's launches.",
                  ["year", label, "launches", "failures"],
                  [[c.year, c.key, c.launches, c.failures] for c in cells],
                  _switches(ctx, "cadence", "stack", choices, stack))


def _rate_items(rows: Sequence[Any], label: Callable[[str], str] = str) -> list[RateItem]:
    return [RateItem(label(r.key), r.launches, r.successes, r.ci_low, r.ci_high) for r in rows]


def _rate_rows(rows: Sequence[Any], label: Callable[[str], str] = str) -> list[list[Any]]:
    return [[label(r.key), r.launches, r.successes, r.failures,
             None if r.success_rate is None else round(r.success_rate, 4),
             None if r.ci_low is None else round(r.ci_low, 4),
             None if r.ci_high is None else round(r.ci_high, 4),
             None if r.jeffreys_low is None else round(r.jeffreys_low, 4),
             None if r.jeffreys_high is None else round(r.jeffreys_high, 4)] for r in rows]


RATE_COLUMNS = ["attempts", "successes", "failures", "success rate", "Wilson 95% low",
                "Wilson 95% high", "Jeffreys 95% low", "Jeffreys 95% high"]


#: What the reliability table adds to the rates: scores and streaks.
RUN_COLUMNS = ["score", "longest success streak", "streak from", "streak to"]


@figure("reliability")
def reliability(ctx: Context) -> Figure:
    by = ctx.option("rel", ("family", "vehicle"), "family")
    least = ctx.number("min", MIN_ATTEMPTS, 1, 1_000_000)
    every = ctx.store.stats(by, ctx.filter, streaks=True)
    rows = [r for r in every if r.launches >= least]
    dropped = len(every) - len(rows)
    busiest = len(rows) > MOST_RATES
    if busiest:  # the chart stays readable and small at any scale
        rows = sorted(rows, key=lambda r: -r.launches)[:MOST_RATES]
    rows.sort(key=lambda r: (-(r.success_rate or 0), -r.launches, r.key))
    what = "vehicle family" if by == "family" else "launch vehicle"
    note = (f"Only {what} values with at least {count(least)} attempts"
            + (f" ({count(dropped)} with fewer left out)" if dropped else "")
            + (f", the {MOST_RATES} with the most" if busiest else "")
            + "; sorted by success rate.")
    svg = reliability_svg(_rate_items(rows), title=f"Success rate by {what}: {ctx.words}",
                          notes=[note], kind="rates")
    runs = [[r.score, r.longest_streak,
             None if r.streak_from is None else r.streak_from.isoformat(),
             None if r.streak_to is None else r.streak_to.isoformat()] for r in rows]
    return Figure("reliability", "Reliability", svg,
                  "The bar is the observed success rate, the whiskers its 95% Wilson score "
                  "interval, which stays honest for a handful of launches. The table adds the "
                  "Jeffreys interval, the score (GCAT's partial success scores summed, where "
                  "it gives them) and the longest streak of successes.",
                  [what, *RATE_COLUMNS, *RUN_COLUMNS],
                  [row + run for row, run in zip(_rate_rows(rows), runs, strict=True)],
                  _switches(ctx, "reliability", "rel", [("family", "by family"),
                                                        ("vehicle", "by vehicle")], by))


@figure("learning")
def learning(ctx: Context) -> Figure:
    steps = ctx.store.learning_curve("family", ctx.filter, size=5, most=50)
    items = [Step(s.label, RateItem(s.label, s.attempts, s.successes, *s.rate.wilson),
                  s.vehicles) for s in steps]
    svg = learning_svg(items, title=f"Success by flight number: {ctx.words}",
                       notes=["Each vehicle family's flights numbered from its own first "
                              "flight; flights past the 50th in one last step."])
    return Figure("learning", "Learning curve", svg,
                  "How new rockets fare: the success rate of every family's flights 1–5, "
                  "6–10 … with its 95% Wilson interval; under each step, how many launches "
                  "it holds.",
                  ["flights", "families", *RATE_COLUMNS],
                  [[s.label, s.vehicles, s.attempts, s.successes, s.attempts - s.successes,
                    round(s.successes / s.attempts, 4), *(round(v, 4) for v in s.rate.wilson),
                    *(round(v, 4) for v in s.rate.jeffreys)] for s in steps])


@figure("decades")
def decades(ctx: Context) -> Figure:
    rows = [r for r in ctx.store.stats("decade", ctx.filter) if r.key != "(none)"]
    svg = reliability_svg(_rate_items(rows, decade_label),
                          title=f"Success rate by decade: {ctx.words}", kind="rates")
    return Figure("decades", "Success rate by decade", svg,
                  "The bar is the success rate of the decade's launches, the whiskers its "
                  "95% Wilson interval.", ["decade", *RATE_COLUMNS],
                  _rate_rows(rows, decade_label))


@figure("failures")
def failures(ctx: Context) -> Figure:
    found = ctx.store.failures_by_stage(ctx.filter)
    rows = [(describe_failed_stage(c.stage).capitalize()
             + (f": {c.cause}" if c.cause else ""), c.failures,
             f"Failed Stage {c.stage}") for c in found]
    svg = count_rows_svg(rows, title=f"Failed launches by stage: {ctx.words}",
                         what="failed launches")
    codes = sorted({c.stage for c in found if not c.stage.isdecimal()})
    explained = "; ".join(f"“{s}” is the {describe_failed_stage(s)}" for s in codes)
    return Figure("failures", "Failures by stage", svg,
                  "Failed launches by the stage that failed, as the record's “Failed Stage” "
                  "gives it" + (f" ({explained})" if explained else "") + ".",
                  ["stage", "meaning", "cause", "failed launches"],
                  [[c.stage, describe_failed_stage(c.stage), c.cause, c.failures]
                   for c in found])


@figure("map")
def site_map(ctx: Context) -> Figure:
    points, unplaced = ctx.store.site_points(ctx.filter)
    here = ctx.fixed.get("site")
    small = here is not None
    drawn = [SitePoint(p.name, p.longitude, p.latitude, p.launches, p.failures,
                       ctx.url(f"/entities/site/{quote(p.slug, safe='')}", None),
                       p.slug == here) for p in points]
    notes = [f"{count(unplaced)} launch{'es' if unplaced != 1 else ''} at sites without "
             "coordinates are not on the map."] if unplaced else []
    svg = site_map_svg(drawn, title=f"Launch sites: {ctx.words}", notes=notes,
                       width=MAP_WIDTHS[0] if small else MAP_WIDTHS[1],
                       labels=1 if small else 10,
                       ident="site-map")
    return Figure("map", "Launch sites", svg,
                  "Each circle is a launch site at GCAT's coordinates, its area proportional "
                  "to its launches; a circle leads to the site's page. World: Natural "
                  "Earth 1:110m land (public domain), Equal Earth projection. Coordinates: "
                  "J. McDowell, GCAT, planet4589.org (CC-BY 4.0).",
                  ["site", "longitude", "latitude", "launches", "failures", "GCAT site codes"],
                  [[p.name, round(p.longitude, 4), round(p.latitude, 4), p.launches,
                    p.failures, " ".join(p.codes)] for p in points])


CHART_OPTIONS = ("stack", "rel", "min")


def build(name: str, ctx: Context, download_params: Mapping[str, str]) -> Figure:
    """The figure, with its download links (the page's filters and chart options)."""
    if name not in FIGURES:
        raise HttpError(404, "not_found", f"no chart {name!r}: expected one of "
                        f"{', '.join(FIGURES)}")
    fig = FIGURES[name](ctx)
    query = urlencode({k: v for k, v in download_params.items() if v})
    suffix = f"?{query}" if query else ""
    fig.downloads = {ext: ctx.url(f"/charts/{name}.{ext}", None) + suffix
                     for ext in ("svg", "csv", "json", "ndjson")}
    return fig


def figure_params(request: Request, fixed: Mapping[str, str] | None = None) -> dict[str, str]:
    """The query parameters a figure's download carries: filters, the fixed entity, and
    chart options."""
    keep = {k: v for k, v in request.query_params.items()
            if k in (*filters.PARAMS, *CHART_OPTIONS) and v.strip()}
    return {**(fixed or {}), **keep}


# -- downloads ---------------------------------------------------------------------------------

router = APIRouter(include_in_schema=False)


@router.get("/favicon.ico")
def favicon(request: Request) -> Response:
    """Browsers ask for /favicon.ico whatever the page says: the SVG icon."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return Response(status_code=308, headers={"Location": f"{root}/static/favicon.svg"})


def _download(request: Request, store: Store, name: str) -> Figure:
    chosen = filters.selection(request.query_params)
    root = str(request.scope.get("root_path", "")).rstrip("/")

    def url(path: str, params: dict[str, Any] | None = None) -> str:
        query = urlencode({k: v for k, v in (params or {}).items() if v not in (None, "")})
        return root + path + (f"?{query}" if query else "")

    ctx = Context(store, chosen.filter, chosen.params, request.query_params, url)
    try:
        return build(name, ctx, figure_params(request))
    except QueryError as exc:
        raise filters.bad_request(str(exc)) from None


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _error(error: HttpError) -> Response:
    from .state import FastJSONResponse

    return FastJSONResponse(error.body(), status_code=error.status)


@router.get("/charts/{name}.svg")
def chart_svg(request: Request, name: str, store: Store = Depends(get_store)) -> Response:  # noqa: B008
    """The chart as a standalone SVG file."""
    return _file(request, store, name, "svg")


@router.get("/charts/{name}.json")
def chart_json(request: Request, name: str, store: Store = Depends(get_store)) -> Response:  # noqa: B008
    """The chart's data as a JSON list of records keyed by its table's columns."""
    return _file(request, store, name, "json")


@router.get("/charts/{name}.ndjson")
def chart_ndjson(request: Request, name: str, store: Store = Depends(get_store)) -> Response:  # noqa: B008
    """The chart's data, one record per line."""
    return _file(request, store, name, "ndjson")


@router.get("/charts/{name}.csv")
def chart_csv(request: Request, name: str, store: Store = Depends(get_store)) -> Response:  # noqa: B008
    """The chart's data, the rows of its table, as CSV."""
    return _file(request, store, name, "csv")


def _file(request: Request, store: Store, name: str, fmt: str) -> Response:
    """The chart ``name`` as a download in ``fmt`` (svg, csv, json or ndjson), or the JSON
    error of an unknown chart or a bad option."""
    try:
        fig = _download(request, store, name)
    except HttpError as error:
        return _error(error)
    if fmt == "svg":
        return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + fig.svg,
                        media_type="image/svg+xml", headers=_attachment(f"kosmochron-{name}.svg"))
    if fmt == "csv":
        return Response(fig.csv(), media_type="text/csv; charset=utf-8",
                        headers=_attachment(f"kosmochron-{name}.csv"))
    return downloads.respond(downloads.Table.of_records(name, fig.records(), fig.columns), fmt)


@figure("timeline")
def timeline(ctx: Context) -> Figure:
    chart = timelines.timeline(ctx.store, ctx.url, lambda i: ctx.url(f"/launches/{i}", None),
                               ctx.filter, title=f"Timeline: {ctx.words}", params=ctx.link_params)
    caption = ("Too many entries to draw one by one: bars count them per year and vehicle "
               "family (green successes, red failures, grey other events); a bar leads to "
               "that year's entries." if chart.bins is not None else
               "Each point is one entry, by date (across) and vehicle family (down): "
               "● success, ✕ failure, ◆ other event. Points link to their launch pages.")
    return Figure("timeline", "Timeline", chart.svg, caption, chart.columns, chart.rows,
                  extra={"points": chart.points_json(), "bins": chart.bins})
