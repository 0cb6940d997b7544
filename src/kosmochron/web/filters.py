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
                 "agency", "state", "type")
KINDS = {"": None, "all": None, "launch": "launch", "event": "event"}
#: Every parameter a chronology URL understands, in the order they are shown.
PARAMS = (*ENTITY_PARAMS, "outcome", "failed_stage", "code", "decade", "year", "from", "to", "q",
          "kind", "source")
#: The parameters that take several values, of which an entry matches any
#: (``?family=Proton&family=R-7``): the facets' check boxes.
MULTI = (*ENTITY_PARAMS, "failed_stage", "outcome")
Values = Mapping[str, list[str]]


def bad_request(message: str, parameter: str | None = None) -> HttpError:
    return HttpError(400, "bad_request", message,
                     None if parameter is None else {"parameter": parameter})


def whole_number(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """The parameter ``name`` as a whole number from ``low`` to ``high`` (``default`` when
    it is absent or blank); anything else is a 400 that names the parameter."""
    text = query.get(name, "").strip()
    if not text:
        return default
    # A number of thousands of digits is a bad value too, not a crash in int().
    if not text.isdecimal() or len(text) > len(str(high)) or not low <= int(text) <= high:
        raise bad_request(f"bad {name} {text[:40]!r}: expected a whole number from "
                          f"{low} to {high}", name)
    return int(text)


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

    #: Each chosen parameter's (first) value.
    params: dict[str, str]
    filter: LaunchFilter
    #: The filter for each facet without its own parameter.
    without: dict[str, LaunchFilter] = field(default_factory=dict)
    #: Every value of each chosen parameter (several for a multi-selected facet).
    values: dict[str, list[str]] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return any(k != "kind" for k in self.params)

    def pairs(self, drop: tuple[str, str] | None = None) -> list[tuple[str, str]]:
        """The selection as query parameters (without the one ``drop`` names)."""
        return [(k, v) for k, vs in self.values.items() for v in vs if (k, v) != drop]

    def to_json(self) -> dict[str, Any]:
        return {k: vs[0] if len(vs) == 1 else list(vs) for k, vs in self.values.items()}


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


def _names(values: list[str] | None) -> str | tuple[str, ...] | None:
    return None if not values else values[0] if len(values) == 1 else tuple(values)


def _filter(values: Values) -> LaunchFilter:
    params = {k: vs[0] for k, vs in values.items() if vs}
    kind = params.get("kind", "")
    if kind not in KINDS:
        raise UnknownValue("kind", kind, nearest(kind, ["all", "launch", "event"]), "kind",
                           expected="all, launch or event")
    outcomes = set(values.get("outcome", []))
    for outcome in sorted(outcomes - {"success", "failure"}):
        raise UnknownValue("outcome", outcome, nearest(outcome, ["success", "failure"]),
                           "outcome", expected="success or failure")
    date_from, date_to = _date_bounds(params)
    options: dict[str, Any] = {k: _names(values[k]) for k in ENTITY_PARAMS if values.get(k)}
    options.update(date_from=date_from, date_to=date_to,
                   outcome=outcomes.pop() if len(outcomes) == 1 else None,  # both: any
                   failed_stage=_names(values.get("failed_stage")), text=params.get("q"),
                   kind=KINDS[kind], launch_code=params.get("code"),
                   source=params.get("source"))
    try:
        return LaunchFilter.from_options(**options)
    except QueryError as exc:
        raise bad_request(str(exc)) from None


def _all(query: Mapping[str, str], name: str) -> list[str]:
    """Every non-blank value of ``name`` (a multi-selected facet's several, once each;
    the others' last), from a page's query parameters or a plain mapping."""
    getlist = getattr(query, "getlist", None)
    found = [query[name]] if getlist is None and name in query else \
        list(getlist(name)) if getlist is not None else []
    found = [v.strip() for v in found if v.strip()]
    return list(dict.fromkeys(found)) if name in MULTI else found[-1:]


def selection(query: Mapping[str, str], fixed: Mapping[str, str] | None = None,
              skip: tuple[str, ...] = ()) -> Selection:
    """The selection from a page's query parameters (blank ones ignored; ``fixed`` ones,
    such as an entity page's own entity, always apply and have no facet; ``skip`` ones
    mean something else on the page, as ``q`` on the search page)."""
    values = {k: vs for k in PARAMS if k not in skip and (vs := _all(query, k))}
    if values.get("kind") == ["all"]:  # the default, as the form sends it
        del values["kind"]
    if fixed:
        values.update({k: [v] for k, v in fixed.items()})
    chosen = _filter(values)
    without = {name: _filter({k: v for k, v in values.items() if k != name})
               for name in FACETS if not fixed or name not in fixed}
    shown = {k: v for k, v in values.items() if not fixed or k not in fixed}
    return Selection({k: v[0] for k, v in shown.items()}, chosen, without, shown)


def with_text(chosen: Selection, text: str) -> Selection:
    """The selection narrowed to entries whose payloads match ``text`` (a search's
    facets count the launches among its hits)."""
    return Selection(chosen.params, replace(chosen.filter, text=text),
                     {k: replace(f, text=text) for k, f in chosen.without.items()},
                     chosen.values)


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
    #: Several values may be chosen (check boxes), of which an entry matches any.
    multiple: bool = False

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
        current = {v.lower() for v in chosen.values.get(name, [])}
        options = []
        for row in rows:
            value = str(row["value"])
            selected = bool(current & {value.lower(), str(row["slug"])})
            current -= {value.lower(), str(row["slug"])}
            options.append(Option(value, option_label(name, value), int(row["count"]),
                                  selected))
        for value in chosen.values.get(name, []):  # chosen, but none under the others
            if value.lower() in current:
                options.append(Option(value, option_label(name, value), 0, True))
        result.append(Facet(name, label, options, multiple=name in MULTI))
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

