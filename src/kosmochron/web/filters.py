"""Query parameters of the chronology pages, as a store filter and as facets.

The same parameters (``family=Proton&outcome=failure&decade=1960`` …) drive
the chronology, the charts and the JSON twins, so a filtered view is a plain
URL that can be bookmarked and works without JavaScript.  Facet counts for a
facet are taken with every *other* selection applied, so the options show
what choosing them would give and the current choice can be switched.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from ..dates import DateBoundError, parse_date_bound
from ..stats import describe_failed_stage
from ..store import LaunchFilter, QueryError, Store, UnknownValue
from ..suggest import nearest
from .state import HttpError

#: Facet (query parameter) -> its label on the page; the store's facet names.
FACETS: dict[str, str] = {
    "family": "Vehicle family",
    "vehicle": "Launch vehicle",
    "site": "Launch site",
    "outcome": "Outcome",
    "decade": "Decade",
    "program": "Program",
    "nation": "Nation",
    "failed_stage": "Failed stage",
    "state": "State",
    "code": "GCAT launch code",
}
#: Entity filters passed to the store as they are (a name or a slug).
ENTITY_PARAMS = ("family", "vehicle", "configuration", "site", "complex", "program", "nation",
                 "agency", "state")
KINDS = {"": None, "all": None, "launch": "launch", "event": "event"}
#: Every parameter a chronology URL understands, in the order they are shown.
PARAMS = (*ENTITY_PARAMS, "outcome", "failed_stage", "code", "decade", "year", "from", "to", "q",
          "kind", "source")


def bad_request(message: str, parameter: str | None = None) -> HttpError:
    return HttpError(400, "bad_request", message,
                     None if parameter is None else {"parameter": parameter})


def unknown_value(query: Any, path: str, exc: UnknownValue) -> HttpError:
    """A page's filter value that names nothing stored, as a 400 whose page offers the
    same URL with each of the nearest known values instead (did you mean …); ``query``
    is the request's query parameters, ``path`` its path."""
    name = {"date_from": "from", "date_to": "to", "text": "q"}.get(exc.field, exc.field)
    pairs = list(query.multi_items())
    links = []
    for suggestion in exc.suggestions:
        swapped = [(k, suggestion if k == name and v.strip() == exc.value else v)
                   for k, v in pairs if k != "page"]
        links.append({"value": suggestion, "url": path + "?" + urlencode(swapped)})
    without = [(k, v) for k, v in pairs if not (k == name and v.strip() == exc.value)
               and k != "page"]
    return HttpError(400, "unknown_value", str(exc), {
        "parameter": name, "value": exc.value, "suggestions": exc.suggestions,
        "links": links, "without": path + ("?" + urlencode(without) if without else "")})


@dataclass(slots=True)
class Selection:
    """The chosen filter values (non-empty parameters only) and their store filter."""

    params: dict[str, str]
    filter: LaunchFilter
    #: The filter for each facet without its own parameter.
    without: dict[str, LaunchFilter] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return any(k != "kind" for k in self.params)

    def to_json(self) -> dict[str, Any]:
        return dict(self.params)


def _date_bounds(params: Mapping[str, str]) -> tuple[dt.date | None, dt.date | None]:
    """The tightest interval the decade, year, from and to parameters allow."""
    lows: list[dt.date] = []
    highs: list[dt.date] = []
    decade = params.get("decade")
    if decade is not None:
        m = re.fullmatch(r"(\d{3})0s?", decade)
        if not m:
            raise bad_request(f"bad decade {decade!r}: expected e.g. 1960", "decade")
        first = int(m.group(1)) * 10
        if first < 1:
            raise bad_request(f"bad decade {decade!r}: expected e.g. 1960", "decade")
        lows.append(dt.date(first, 1, 1))
        highs.append(dt.date(min(first + 9, 9999), 12, 31))
    year = params.get("year")
    if year is not None:
        if not re.fullmatch(r"\d{4}", year) or year == "0000":
            raise bad_request(f"bad year {year!r}: expected four digits", "year")
        lows.append(dt.date(int(year), 1, 1))
        highs.append(dt.date(int(year), 12, 31))
    for key, end, bounds in (("from", False, lows), ("to", True, highs)):
        if key in params:
            try:
                bounds.append(parse_date_bound(params[key], end=end))
            except DateBoundError as exc:
                raise bad_request(str(exc), key) from None
    return (max(lows) if lows else None, min(highs) if highs else None)


def _filter(params: Mapping[str, str]) -> LaunchFilter:
    kind = params.get("kind", "")
    if kind not in KINDS:
        raise UnknownValue("kind", kind, nearest(kind, ["all", "launch", "event"]), "kind",
                           expected="all, launch or event")
    outcome = params.get("outcome")
    if outcome not in (None, "success", "failure"):
        raise UnknownValue("outcome", outcome, nearest(outcome, ["success", "failure"]),
                           "outcome", expected="success or failure")
    date_from, date_to = _date_bounds(params)
    options: dict[str, Any] = {k: params[k] for k in ENTITY_PARAMS if k in params}
    options.update(date_from=date_from, date_to=date_to, outcome=outcome,
                   failed_stage=params.get("failed_stage"), text=params.get("q"),
                   kind=KINDS[kind], launch_code=params.get("code"),
                   source=params.get("source"))
    try:
        return LaunchFilter.from_options(**options)
    except QueryError as exc:
        raise bad_request(str(exc)) from None


def selection(query: Mapping[str, str], fixed: Mapping[str, str] | None = None) -> Selection:
    """The selection from a page's query parameters (blank ones ignored; ``fixed`` ones,
    such as an entity page's own entity, always apply and have no facet)."""
    params = {k: query[k].strip() for k in PARAMS if k in query and query[k].strip()}
    if params.get("kind") == "all":  # the default, as the form sends it
        del params["kind"]
    if fixed:
        params.update(fixed)
    chosen = _filter(params)
    without = {name: _filter({k: v for k, v in params.items() if k != name})
               for name in FACETS if not fixed or name not in fixed}
    shown = {k: v for k, v in params.items() if not fixed or k not in fixed}
    return Selection(shown, chosen, without)


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    label: str
    options: list[Option]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label,
                "values": [{"value": o.value, "count": o.count, "selected": o.selected}
                           for o in self.options]}


def option_label(name: str, value: str) -> str:
    """A facet value as the page shows it: ``1960s``, ``Failure``, ``S: payload shroud``."""
    if name == "outcome":
        return value.capitalize()
    if name == "decade":
        return value if value.endswith("s") else f"{value}s"
    if name == "failed_stage":
        words = describe_failed_stage(value)
        return f"Stage {value}" if words == f"stage {value}" else f"{value}: {words}"
    return value


def facets(store: Store, chosen: Selection) -> list[Facet]:
    """Each facet's values with counts under the other selections, plus the
    ``kind`` facet (all entries, launches, other events)."""
    result = []
    for name, label in FACETS.items():
        if name not in chosen.without:
            continue
        rows = store.facets([name], chosen.without[name])[name]
        if name == "decade":
            rows.sort(key=lambda r: r["value"])
        current = chosen.params.get(name)
        options = []
        for row in rows:
            value = str(row["value"])
            selected = current is not None and current.lower() in (value.lower(),
                                                                    str(row["slug"]))
            options.append(Option(value, option_label(name, value), int(row["count"]),
                                  selected))
        if current is not None and not any(o.selected for o in options):
            options.append(Option(current, option_label(name, current), 0, True))
        result.append(Facet(name, label, options))
    return result


def kind_counts(store: Store, chosen: Selection) -> Facet:
    """How many entries are launches and how many other events, under the selection."""
    current = chosen.params.get("kind", "all")
    base = chosen.filter
    launches = store.count(replace(base, kind="launch"))
    events = store.count(replace(base, kind="event"))
    return Facet("kind", "Entries", [
        Option("all", "All entries", launches + events, current in ("all", "")),
        Option("launch", "Launches", launches, current == "launch"),
        Option("event", "Other events", events, current == "event")])

