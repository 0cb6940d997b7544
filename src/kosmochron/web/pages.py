"""The web UI: server-rendered pages, each with a JSON twin at the same URL + ``.json``.

Every page is one *builder* that turns the request into a :class:`Page` (a
template, its context and the JSON data the page shows); :func:`twin`
registers it twice, as HTML and as JSON, so the two can never disagree.
Errors are :class:`~kosmochron.web.state.HttpError`: an error page with the
right status for HTML, the API's one error shape for JSON.  No SQL here: all
data comes from the :class:`~kosmochron.store.Store`.

Templates are Jinja2 with autoescaping on; the only markup inserted
unescaped is SVG from :mod:`.charts` (which escapes every label) and search
snippets from :meth:`SearchHit.snippet_html` (escaped, with ``<mark>``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from ..export import diagnostic_json, entry_json
from ..gcatcodes import parse_fail_code, parse_launch_code
from ..model import Entry, Field
from ..stats import describe_failed_stage, wilson_interval
from ..store import LaunchFilter, QueryError, Store, StoredEntry, UnknownValue
from ..validate import RULE_IDS, SEVERITIES, rule_doc
from . import (
    charts,
    downloads,
    figures,
    filters,
    finder,
    listing,
    payloads,
    timelines,
)
from .state import FastJSONResponse, HttpError, Redirect, get_store, report_ready, wait_for_report
from .timelines import Timeline

router = APIRouter(include_in_schema=False)
#: The stylesheet (and any small local scripts), served at ``/static``.
static_dir = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
PER_PAGE, MAX_PER_PAGE, SEARCH_PER_PAGE, FINDINGS_PER_PAGE = 50, 200, 20, 200
#: Up to this many hits, a search's facets count the launches among them.
SEARCH_FACET_HITS = 2000
#: Entity kinds with pages: those a launch filter can select on.
ENTITY_KINDS: dict[str, tuple[str, str]] = {
    "family": ("Vehicle family", "Vehicle families"),
    "vehicle": ("Launch vehicle", "Launch vehicles"),
    "configuration": ("Configuration", "Configurations"),
    "site": ("Launch site", "Launch sites"),
    "complex": ("Launch complex", "Launch complexes"),
    "program": ("Program", "Programs"),
    "nation": ("Nation", "Nations"),
    "agency": ("Agency", "Agencies"),
    "state": ("State", "States"),
    "type": ("Spacecraft type", "Spacecraft types"),
}
#: Source field key -> entity kind, for linking values to their entity pages.
FIELD_ENTITIES = {"Launch Site": "site", "Launch Complex": "complex", "LV Family": "family",
                  "Launch Vehicle": "vehicle", "LV Configuration": "configuration",
                  "Program": "program", "Nation": "nation", "Agency": "agency", "Type": "type",
                  "State": "state"}

env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                         undefined=jinja2.StrictUndefined, trim_blocks=True,
                         lstrip_blocks=True)
env.tests["field"] = lambda node: isinstance(node, Field)
env.filters["percent"] = charts.percent
env.filters["number"] = charts.number
env.filters["code_words"] = lambda f: code_words(f.key, f.value)


def compile_templates() -> None:
    """Compile every page template now (a server starting up), so that no visitor
    waits for it (the chronology page's alone takes ~40 ms)."""
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        env.get_template(name)


def code_words(key: str, value: str) -> str | None:
    """A coded field in words, where it is shown: ``Failed Stage: S`` is the payload
    shroud, GCAT's ``Launch Code: OF40`` and ``Failure Code: S4P`` decoded."""
    try:
        if key == "Failed Stage":
            return describe_failed_stage(value)
        if key == "Launch Code":
            return parse_launch_code(value).description
        if key == "Failure Code":
            return parse_fail_code(value).description
    except ValueError:
        return None
    return None


@dataclass(slots=True)
class Page:
    """What a builder returns: the template and its context, and the JSON twin's data."""

    template: str
    title: str
    data: dict[str, Any]
    context: dict[str, Any] = field(default_factory=dict)


Builder = Callable[[Request, Store], Page]
StoreDep = Annotated[Store, Depends(get_store)]


def not_found(message: str) -> HttpError:
    return HttpError(404, "not_found", message)


class Links:
    """URLs for the pages, under the app's root path, and entity links by name.

    Entity slugs are looked up once per kind per request (a name's slug is not
    always its slugified name: clashes get a suffix)."""

    def __init__(self, request: Request, store: Store) -> None:
        self.root = str(request.scope.get("root_path", "")).rstrip("/")
        self.path = request.url.path
        self.query = request.query_params
        self.store = store
        self._slugs: dict[str, Mapping[str, str]] = {}

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        query = urlencode({k: v for k, v in (params or {}).items() if v not in (None, "")})
        return self.root + path + (f"?{query}" if query else "")

    def here(self, params: dict[str, Any] | list[tuple[str, str]] | None = None) -> str:
        """The current page with other query parameters (a mapping, or pairs that may
        repeat a name: a multi-selected facet)."""
        pairs = params.items() if isinstance(params, dict) else params or []
        query = urlencode([(k, v) for k, v in pairs if v not in (None, "")])
        return self.path + (f"?{query}" if query else "")

    def downloads(self) -> list[dict[str, str]]:
        """This view's download links (CSV, JSON, NDJSON of every page)."""
        return downloads.links(self.here, self.query)

    def static(self, name: str) -> str:
        return f"{self.root}/static/{name}"

    def launch(self, entry_id: int, item_id: int | None = None) -> str:
        return self.url(f"/launches/{entry_id}") + (f"#item-{item_id}" if item_id else "")

    def entity(self, kind: str, name: str | None) -> str | None:
        if not name or kind not in ENTITY_KINDS:
            return None
        if kind not in self._slugs:
            self._slugs[kind] = self.store.entity_slugs(kind)
        slug = self._slugs[kind].get(name.lower())
        return None if slug is None else self.url(f"/entities/{kind}/{slug}")

    def field(self, f: Field) -> str | None:
        kind = FIELD_ENTITIES.get(f.key)
        return None if kind is None else self.entity(kind, f.value)

    def value(self, f: Field) -> Markup:
        """A field's value, linked to its entity's page if it names one."""
        href = self.field(f)
        shown = escape(f.value)
        return Markup(f'<a href="{escape(href)}">{shown}</a>') if href else shown

    def run_in(self, f: Field) -> Markup:
        """A field as a list shows it, ``Key: Value.`` (written here rather than by a
        template macro: a page of 50 GCAT launches has 6,000 fields, and a macro call
        each cost more than the page's queries)."""
        dot = "" if f.value.endswith(".") else "."
        return Markup(f'<span class="field"><span class="key">{escape(f.key)}:</span> '
                      f'{self.value(f)}{dot}</span>')


def _html(request: Request, store: Store, page: Page, status: int = 200) -> HTMLResponse:
    links = Links(request, store)
    path = request.url.path
    json_path = path + "index.json" if path.endswith("/") else path + ".json"
    query = request.url.query
    context = {"title": page.title, "links": links, "url": links.url, "path": path,
               "json_url": json_path + (f"?{query}" if query else ""), **page.context}
    body = env.get_template(page.template).render(context)
    return HTMLResponse(body, status_code=status)


def error_page(request: Request, store: Store, error: HttpError) -> HTMLResponse:
    """The error as a page (its status, a heading, the message), for browsers."""
    titles = {400: "Bad request", 404: "Not found", 503: "Being prepared"}
    page = Page("error.html", titles.get(error.status, "Error"), error.body(),
                {"error": error, "refresh": error.headers.get("Retry-After")})
    response = _html(request, store, page, error.status)
    response.headers.update(error.headers)
    return response


def twin(html_path: str, *json_paths: str,
         dependencies: list[Any] | None = None) -> Callable[[Builder], Builder]:
    """Register a builder as an HTML page and as its JSON twin(s).  JSON routes go
    first so ``/launches/14.json`` is not taken for a launch called ``14.json``."""

    def decorate(build: Builder) -> Builder:
        def run(request: Request, store: Store) -> Page | Response:
            try:
                fmt = downloads.fmt_of(request)  # ?format=csv: the whole view, streamed
                if fmt is not None:
                    return downloads.view(build.__name__, request, store, fmt)
                return build(request, store)
            except UnknownValue as exc:  # a mistyped filter value: did you mean …
                raise filters.unknown_value(request.query_params, request.url.path,
                                            exc) from None

        def as_json(request: Request, store: StoreDep) -> Response:
            try:
                page = run(request, store)
                if isinstance(page, Response):
                    return page
            except HttpError as error:
                return FastJSONResponse(error.body(), status_code=error.status,
                                        headers=error.headers)
            except Redirect as to:
                return RedirectResponse(to.json_url(Links(request, store).root), to.status)
            return FastJSONResponse(jsonable_encoder(page.data))

        def as_html(request: Request, store: StoreDep) -> Response:
            try:
                page = run(request, store)
                if isinstance(page, Response):
                    return page
            except HttpError as error:
                return error_page(request, store, error)
            except Redirect as to:
                return RedirectResponse(to.html_url(Links(request, store).root), to.status)
            return _html(request, store, page)

        for path in json_paths:
            router.add_api_route(path, as_json, methods=["GET"], response_class=FastJSONResponse,
                                 name=f"{build.__name__}_json", dependencies=dependencies)
        router.add_api_route(html_path, as_html, methods=["GET"], response_class=HTMLResponse,
                             name=build.__name__, dependencies=dependencies)
        return build

    return decorate


def stored_json(s: StoredEntry) -> dict[str, Any]:
    return {"id": s.id, "source": s.source, **entry_json(s.entry), "item_ids": s.item_ids}


def _year(entry: Entry) -> str:
    return str(entry.date.start.year) if entry.date.start else "Undated"


def by_year(found: Iterable[StoredEntry]) -> list[tuple[str, list[StoredEntry]]]:
    """Entries grouped under year headings, keeping their order."""
    groups: list[tuple[str, list[StoredEntry]]] = []
    for s in found:
        year = _year(s.entry)
        if not groups or groups[-1][0] != year:
            groups.append((year, []))
        groups[-1][1].append(s)
    return groups


def timeline(store: Store, links: Links, f: LaunchFilter, *, title: str,
             params: dict[str, str], current: StoredEntry | None = None) -> Timeline:
    """The timeline of the entries matching ``f`` (:func:`.timelines.timeline`)."""
    return timelines.timeline(store, links.url, links.launch, f, title=title, params=params,
                              current=current)


def stat_json(row: Any) -> dict[str, Any]:
    return {"key": row.key, "launches": row.launches, "failures": row.failures,
            "success_rate": row.success_rate, "ci_low": row.ci_low, "ci_high": row.ci_high,
            "failed_stages": row.failed_stages}


def _chronology(request: Request, store: Store, links: Links,
                chosen: filters.Selection) -> dict[str, Any]:
    """The paged entries of a selection, as the chronology or as a table (``view=table``),
    with the pager, the view switch and the table's sort links (:mod:`.listing`):
    shared by the home page and the entity pages."""
    query = request.query_params
    view = listing.choice(query, "view", listing.VIEWS, "chronology")
    sort = listing.choice(query, "sort", listing.TABLE_SORTS if view == "table"
                          else ("date", "-date"), "date")
    page = listing.int_param(query, "page", 1, 1, 10**6)
    per_page = listing.int_param(query, "per_page", PER_PAGE, 1, MAX_PER_PAGE)
    listing.jump_to_year(store, query, links.here, chosen.filter, sort, per_page)
    total = store.count(chosen.filter)
    pages = listing.page_count(total, per_page)
    listing.not_past(page, pages)
    offset = (page - 1) * per_page
    context: dict[str, Any] = {
        "total": total, "per_page": per_page, "view": view, "sort": sort,
        **listing.pager(links.here, listing.kept(query, "page"), page, pages),
        "views": listing.view_links(links.here, listing.kept(query, "page", "view", "sort"),
                                    view),
        "columns": listing.sort_links(links.here, listing.kept(query, "page", "sort"), sort),
        "at_keep": listing.kept(query, "page", "at"), "found": [], "years": [], "rows": [],
        "filter_keep": [(k, v) for k, v in listing.kept(query) if k in ("view", "sort",
                                                                         "per_page")],
        "downloads": downloads.links(links.here, query)}
    context["listing"] = context  # what the list macros take
    if view == "table":
        ids = store.page_ids(chosen.filter, order=sort, limit=per_page, offset=offset)
        context["rows"] = listing.table_rows(store, ids, links.launch)
    else:
        found = store.launches(chosen.filter, order=sort, limit=per_page, offset=offset)
        context.update(found=found, years=by_year(found))
    return context


def _listing_json(listing_: dict[str, Any]) -> dict[str, Any]:
    """A list page's JSON: its paging, and its entries or (table view) its rows."""
    data = {k: listing_[k] for k in ("total", "page", "pages", "per_page", "view", "sort")}
    if listing_["view"] == "table":
        data["rows"] = listing_["rows"]
    else:
        data["entries"] = [stored_json(s) for s in listing_["found"]]
    return data


def _remove_links(links: Links, chosen: filters.Selection) -> list[Any]:
    """(label, value, URL without it) for each chosen value."""
    return listing.chips(chosen, links.here, listing.kept(links.query, "page", *filters.PARAMS))


@twin("/", "/index.json", "/.json")
def chronology(request: Request, store: Store) -> Page:
    links = Links(request, store)
    chosen = filters.selection(request.query_params)
    listed = _chronology(request, store, links, chosen)
    facets = [filters.kind_counts(store, chosen), *filters.facets(store, chosen)]
    chart = timeline(store, links, chosen.filter, title="Timeline of the listed entries",
                     params=chosen.params) if listed["view"] != "table" else None  # compact
    titles = [s["title"] for s in store.sources() if s["title"]]
    heading = titles[0] if len(titles) == 1 else "Chronology"
    data = {"filter": chosen.to_json(), **_listing_json(listed),
            "facets": [f.to_json() for f in facets]}
    return Page("chronology.html", heading if not chosen.active else f"{heading} (filtered)",
                data, {"heading": heading, "chosen": chosen, "facets": facets,
                       "removals": _remove_links(links, chosen),
                       "timeline_svg": Markup(chart.svg) if chart else "",
                       "timeline_binned": chart is not None and chart.bins is not None,
                       **listed})


@twin("/search", "/search.json")
def search_page(request: Request, store: Store) -> Page:
    """Search as a list: the hits among the entries the page's filters select, counted,
    sorted by relevance or date and paged; an identifier goes to what it names (or
    lists the launches); names of sites, vehicles, programs … come above the hits."""
    query = request.query_params
    q = query.get("q", "").strip()
    links = Links(request, store)
    chosen = filters.selection(query, skip=("q",))
    candidates = finder.jump(store, q, query) if q else []
    listed = finder.hits(store, query, links.here, q, chosen, SEARCH_PER_PAGE, MAX_PER_PAGE)
    named = finder.entities(store, q, links.url, list(ENTITY_KINDS)) \
        if q and listed["page"] == 1 else []
    # Facets count the launches among the hits; for many hits, the selection's (as the
    # chronology has them, and keeps them): counting tens of thousands of hits once per
    # facet would take a second.
    counted = filters.with_text(chosen, q) if listed["total"] <= SEARCH_FACET_HITS else chosen
    facets = [filters.kind_counts(store, counted), *filters.facets(store, counted)] if q else []
    found = listed["hits"]
    data = {"q": q, "filter": chosen.to_json(), "total": listed["total"],
            "page": listed["page"], "pages": listed["pages"], "per_page": listed["per_page"],
            "sort": listed["sort"], "has_more": listed["next_url"] is not None,
            "identifier": [{**c, "url": links.launch(c["id"], c["item_id"])}
                           for c in candidates], "entities": named,
            "facets": [f.to_json() for f in facets],
            "facets_of_hits": listed["total"] <= SEARCH_FACET_HITS,
            "hits": [{"item_id": h.item_id, "entry_id": h.entry_id, "name": h.name,
                      "date_text": h.date_text, "rank": h.rank,
                      "snippet_html": h.snippet_html(), "snippet_text": h.snippet_text()}
                     for h in found]}
    return Page("search.html", f"Search: {q}" if q else "Search", data, {
        "candidates": data["identifier"], "named": named, "q": q, "chosen": chosen,
        "facets": facets, "removals": _remove_links(links, chosen),
        "facets_of_hits": listed["total"] <= SEARCH_FACET_HITS,
        "snippets": [Markup(h.snippet_html()) for h in found], "listing": listed,
        "filter_keep": [(k, v) for k, v in listing.kept(query)
                        if k in ("q", "sort", "per_page", "jump")],
        "downloads": downloads.links(links.here, query) if q else [], **listed})


def _entry_id(request: Request, store: Store) -> int:
    """The id in ``/launches/{id}``; any other identifier redirects to its launch."""
    return finder.entry_id_or_redirect(store, str(request.path_params["entry_id"]))


@twin("/launches/{entry_id}", "/launches/{entry_id}.json")
def launch(request: Request, store: Store) -> Page:
    entry_id = _entry_id(request, store)
    try:
        detail = store.detail(entry_id)
    except QueryError as exc:
        raise not_found(str(exc)) from None
    links = Links(request, store)
    stored, entry = detail.stored, detail.stored.entry
    told_payloads = store.payload_accounts(stored.item_ids)  # every source's account
    fits = payloads.orbit_fits(entry, told_payloads, stored.item_ids)
    orbits = payloads.orbit_figures(entry, fits)
    names = ", ".join(i.name for i in entry.items)
    title = f"{names} ({entry.date.text})" if names else entry.date.text
    context_svg, context_binned = None, False
    if entry.lv_family:
        chart = timeline(store, links, LaunchFilter(family=entry.lv_family, kind=None),
                         title=f"{entry.lv_family} launches, this one marked",
                         params={"family": entry.lv_family}, current=stored)
        context_svg, context_binned = Markup(chart.svg), chart.bins is not None
    diag_lines = {d.line for d in detail.diagnostics}
    # The format's lines end at \n only (str.splitlines also breaks at \x0c, U+2028 …).
    raw_lines = [line.removesuffix("\r") for line in detail.raw.split("\n")]
    while raw_lines and not raw_lines[-1].strip():  # the blank lines before the next entry
        raw_lines.pop()
    lines = [(entry.line + i, text, entry.line + i in diag_lines)
             for i, text in enumerate(raw_lines)]
    findings = store.findings(entry_id=entry_id)
    steps = finder.neighbours(store, entry_id, links.launch)
    extras = payloads.payload_extras(store, entry, stored.item_ids, told_payloads)
    told = sources_context(store.launch_sources(entry_id), entry_id)
    data = {**stored_json(stored),
            "diagnostics": [diagnostic_json(d) for d in detail.diagnostics],
            "findings": [f.to_json() for f in findings],
            "raw": detail.raw,
            "gcat": {str(k): v for k, v in detail.gcat.items()},
            "orbits": [o.to_json(stored.item_ids[o.index] if o.index < len(stored.item_ids)
                                 else None, entry.items[o.index].name) for o in fits],
            "payloads": [payloads.extras_json(extra) for extra in extras],
            "sources": told["json"],
            "previous_launch": steps["previous"], "next_launch": steps["next"]}
    return Page("launch.html", title, data, {
        "told": told,
        "stored": stored, "entry": entry, "detail": detail, "orbits": orbits,
        "item_ids": stored.item_ids, "lines": lines, "context_svg": context_svg,
        "context_binned": context_binned,
        "findings": findings, "extras": extras,
        "found": request.query_params.get("found", "").strip(), "steps": steps,
        "heading": names or entry.date.text})


def sources_context(found: dict[str, Any], entry_id: int) -> dict[str, Any]:
    """Every source of a launch for its page: which counts and how each was matched, the
    fields compared, and the narrative of the chronology that tells it (Astronautix's,
    when the page is the GCAT entry that counts)."""
    from ..source import parse_text

    others = [s for s in found["sources"] if s["id"] != entry_id]
    narratives = []
    for other in others:
        if other["gcat"]:
            continue
        told = parse_text(other["raw"], other["source"])
        for item in (told.entries[0].items if told.entries else []):
            if item.narrative:
                narratives.append({"source": other["source"], "id": other["id"],
                                   "name": item.name, "text": item.narrative})
    sources = [{k: v for k, v in s.items() if k != "raw"} for s in found["sources"]]
    comparisons = found["comparisons"]
    return {"prefer": found["prefer"], "sources": sources, "comparisons": comparisons,
            "narratives": narratives,
            "json": {"prefer": found["prefer"], "told_by": sources,
                     "comparisons": comparisons}}


@twin("/entities", "/entities.json")
def entity_kinds(request: Request, store: Store) -> Page:
    kinds = [{"kind": kind, "label": plural, "count": store.entity_count(kind)}
             for kind, (_, plural) in ENTITY_KINDS.items()]
    return Page("entities.html", "Entities", {"kinds": kinds}, {"kinds": kinds})


def _kind(request: Request) -> str:
    kind = str(request.path_params["kind"])
    if kind not in ENTITY_KINDS:
        raise not_found(f"no entity kind {kind!r}: expected one of {', '.join(ENTITY_KINDS)}")
    return kind


@twin("/entities/{kind}", "/entities/{kind}.json")
def entity_list(request: Request, store: Store) -> Page:
    """Every entity of a kind with its launches, payloads and failures, sortable by each."""
    kind = _kind(request)
    sort = listing.choice(request.query_params, "sort", listing.ENTITY_SORTS, "-launches")
    rows = listing.sort_entities(store.entity_counts(kind), sort)
    plural = ENTITY_KINDS[kind][1]
    links = Links(request, store)
    base = listing.kept(request.query_params, "sort", "page")
    return Page("entity_list.html", plural, {"kind": kind, "sort": sort, "entities": rows},
                {"kind": kind, "label": ENTITY_KINDS[kind][0], "plural": plural,
                 "entities": rows, "sort": sort,
                 "columns": listing.sort_links(links.here, base, sort, listing.ENTITY_COLUMNS,
                                               "-launches", ("launches", "payloads",
                                                             "failures")),
                 "downloads": downloads.links(links.here, request.query_params)})


@twin("/entities/{kind}/{slug}", "/entities/{kind}/{slug}.json")
def entity(request: Request, store: Store) -> Page:
    kind = _kind(request)
    slug = str(request.path_params["slug"])
    try:
        found = store.entity(kind, slug)
    except QueryError as exc:
        raise not_found(str(exc)) from None
    links = Links(request, store)
    chosen = filters.selection(request.query_params, {kind: found["slug"]})
    listed = _chronology(request, store, links, chosen)
    n, failures = int(found["launches"]), int(found["failures"])
    low, high = wilson_interval(n - failures, n) if n else (None, None)
    rate = (n - failures) / n if n else None
    launches_only = LaunchFilter.from_options(**{kind: found["slug"]})
    by_decade = store.stats("decade", launches_only)
    by_family = store.stats("family", launches_only) if kind != "family" else []
    stages = store.failed_stages(launches_only)
    label = ENTITY_KINDS[kind][0]
    ctx = figure_context(request, store, links, chosen, f"{found['name']} ({label.lower()})",
                         {kind: found["slug"]})
    names = [*(["map"] if kind == "site" else []), "timeline", "cadence", "decades",
             *(["reliability"] if kind != "family" else []), "learning", "failures"]
    shown = [figures.build(name, ctx, figures.figure_params(request, {kind: found["slug"]}))
             for name in names]
    data = {**found, "label": label, "success_rate": rate, "ci_low": low, "ci_high": high,
            "by_decade": [stat_json(r) for r in by_decade],
            "by_family": [stat_json(r) for r in by_family], "failed_stages": stages,
            "filter": chosen.to_json(), **_listing_json(listed),
            "figures": {fig.name: fig.to_json() for fig in shown}}
    return Page("entity.html", f"{found['name']} ({label.lower()})", data, {
        "entity": found, "kind": kind, "label": label, "rate": rate, "low": low, "high": high,
        "figures": shown, "removals": _remove_links(links, chosen), **listed})


@twin("/findings", "/findings.json", dependencies=[Depends(wait_for_report)])
def findings_page(request: Request, store: Store) -> Page:
    """The validation report: counts by rule and severity, then the findings."""
    rule = request.query_params.get("rule") or None
    min_severity = request.query_params.get("min_severity") or "info"
    if rule is not None and rule not in RULE_IDS and rule not in RULE_IDS.values():
        raise HttpError(400, "bad_value", f"unknown rule {rule!r}",
                        {"parameter": "rule", "known": sorted(RULE_IDS)})
    if min_severity not in SEVERITIES:
        raise HttpError(400, "bad_value", f"bad severity {min_severity!r}",
                        {"parameter": "min_severity", "known": list(SEVERITIES)})
    report_ready(store)
    chosen = [rule] if rule else None
    tally = store.finding_counts(chosen, min_severity)  # kept with the report
    total = sum(n for by_severity in tally.values() for n in by_severity.values())
    page = filters.whole_number(request.query_params, "page", 1, 1, 10**6)
    per_page = filters.whole_number(request.query_params, "per_page", FINDINGS_PER_PAGE, 1,
                                    MAX_PER_PAGE * 5)
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        raise not_found(f"page {page} is past the last page ({pages})")
    shown = store.findings(chosen, min_severity, offset=(page - 1) * per_page, limit=per_page)
    counts = [{"rule": r, "info": 0, "warning": 0, "error": 0, **n, "doc": rule_doc(r)}
              for r, n in sorted(tally.items())]
    data = {"count": total, "counts": counts, "page": page, "pages": pages,
            "per_page": per_page, "results": [f.to_json() for f in shown]}
    links = Links(request, store)
    keep = {"rule": rule, "min_severity": min_severity if min_severity != "info" else None,
            "per_page": per_page if per_page != FINDINGS_PER_PAGE else None}

    def page_url(n: int) -> str:
        return links.url("/findings", {**keep, "page": n if n > 1 else None})

    return Page("findings.html", "Validation report", data, {
        "total": total, "counts": counts, "shown": shown, "page": page, "pages": pages,
        "first": (page - 1) * per_page + 1,
        "prev_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page < pages else None,
        "rules": sorted({*RULE_IDS}), "chosen_rule": rule, "min_severity": min_severity})


def figure_context(request: Request, store: Store, links: Links, chosen: filters.Selection,
                   scope: str | None = None,
                   fixed: dict[str, str] | None = None) -> figures.Context:
    """What the figures of a page are drawn from: its selection and chart options."""
    return figures.Context(store, chosen.filter, chosen.params, request.query_params, links.url,
                           scope, request.url.path, fixed or {})


#: The figures of the charts page, in order.
CHART_FIGURES = ("timeline", "cadence", "map", "reliability", "learning", "decades", "failures")


@twin("/charts", "/charts.json")
def charts_page(request: Request, store: Store) -> Page:
    links = Links(request, store)
    chosen = filters.selection(request.query_params)
    f = chosen.filter
    ctx = figure_context(request, store, links, chosen)
    shown = [figures.build(name, ctx, figures.figure_params(request)) for name in CHART_FIGURES]
    chart = shown[0].extra
    by_family = store.stats("family", f)
    by_decade = store.stats("decade", f)
    stages = store.failed_stages(f)
    data = {"filter": chosen.to_json(),
            # Each entry, or (when too dense) counts per year and family.
            "timeline": chart["points"], "timeline_bins": chart["bins"],
            "by_family": [stat_json(r) for r in by_family],
            "by_decade": [stat_json(r) for r in by_decade], "failed_stages": stages,
            "figures": {fig.name: fig.to_json() for fig in shown}}
    return Page("charts.html", "Charts", data, {
        "chosen": chosen, "removals": _remove_links(links, chosen), "figures": shown})
