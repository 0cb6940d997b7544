"""Paged lists as every list page has them: the chronology and its table view, the
entity pages' launches and the search hits.

* **Pages**: first, previous, numbered pages around the current one, next and last;
  ``per_page``; ``at=1971`` jumps to the page where 1971 begins (date order).
* **The table view** (``view=table``): one compact row per launch — date, launch
  and payloads, vehicle, site, outcome, designator — whose column headers sort
  (``sort=vehicle``, ``-vehicle`` …, date order within); no entry is parsed for it.
* **Chips**: one per chosen value, each a link to the page without it.

No SQL; no import of :mod:`.pages` (which imports this).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..store import LaunchFilter, Store, UnknownValue
from ..suggest import nearest
from . import filters
from .state import HttpError, Redirect

Pairs = list[tuple[str, str]]
#: A page's URL with these query parameters.
Here = Callable[[Pairs], str]

VIEWS = ("chronology", "table")
#: The table view's columns: (sort key, heading).
COLUMNS = (("date", "Date"), ("name", "Launch and payloads"), ("vehicle", "Vehicle"),
           ("site", "Site"), ("outcome", "Outcome"), ("designator", "Designator"))
TABLE_SORTS = tuple(s for key, _ in COLUMNS for s in (key, f"-{key}"))
#: How many numbered pages either side of the current one the pager shows.
WINDOW = 2
#: The parameters a list page keeps when it pages, besides its filters.
KEPT = ("view", "sort", "per_page", "q", "jump")
CHIP_LABELS = {**filters.FACETS, "configuration": "Configuration", "complex": "Complex",
               "agency": "Agency", "type": "Spacecraft type", "year": "Year", "from": "From",
               "to": "To", "q": "Words", "kind": "Entries"}


def int_param(query: Any, name: str, default: int, low: int, high: int) -> int:
    text = str(query.get(name, "")).strip()
    if not text:
        return default
    if not text.isdecimal() or len(text) > 9 or not low <= int(text) <= high:
        raise filters.bad_request(f"bad {name} {text!r}: expected a whole number from "
                                  f"{low} to {high}", name)
    return int(text)


def choice(query: Any, name: str, known: tuple[str, ...], default: str) -> str:
    value = str(query.get(name, "")).strip() or default
    if value not in known:
        raise UnknownValue(name, value, nearest(value, known, 3), name,
                           expected=", ".join(known))
    return value


def kept(query: Any, *drop: str) -> Pairs:
    """The page's own query parameters (filters, view, sort …) but ``drop`` and the page."""
    return [(k, v) for k, v in query.multi_items()
            if k in (*filters.PARAMS, *KEPT) and k not in drop and v.strip()]


def pager(here: Here, base: Pairs, page: int, pages: int) -> dict[str, Any]:
    """The links of a pager: first, previous, numbered (None for a gap), next, last."""

    def url(n: int) -> str:
        return here(base + ([("page", str(n))] if n > 1 else []))

    shown = sorted({1, pages, *range(max(1, page - WINDOW), min(pages, page + WINDOW) + 1)})
    numbered: list[tuple[int, str] | None] = []
    for n in shown:
        if numbered and numbered[-1] is not None and n - numbered[-1][0] > 1:
            numbered.append(None)
        numbered.append((n, url(n)))
    return {"page": page, "pages": pages, "numbered": numbered if pages > 1 else [],
            "first_url": url(1) if page > 1 else None,
            "prev_url": url(page - 1) if page > 1 else None,
            "next_url": url(page + 1) if page < pages else None,
            "last_url": url(pages) if page < pages else None}


def _year_offset(store: Store, f: LaunchFilter, year: int, order: str) -> int:
    """How many entries come before the year's first in date order (its last in ``-date``)."""
    before = store.count(replace(f, date_to=dt.date(year - 1, 12, 31))) if year > 1 else 0
    if order == "date":
        return before
    dated = store.count(replace(f, date_to=dt.date(9999, 12, 31)))
    return dated - store.count(replace(f, date_to=dt.date(year, 12, 31)))


def jump_to_year(store: Store, query: Any, here: Here, f: LaunchFilter, order: str,
                 per_page: int) -> None:
    """``at=1971``: redirect to the page where that year's entries are, at the year."""
    text = str(query.get("at", "")).strip()
    if not text:
        return
    if not text.isdecimal() or not 1 <= int(text) <= 9999:
        raise filters.bad_request(f"bad year {text!r}: expected four digits, e.g. 1971", "at")
    if order not in ("date", "-date"):
        raise filters.bad_request("a year can be jumped to in date order only", "at")
    offset = _year_offset(store, f, int(text), order)
    page = offset // per_page + 1
    raise Redirect(here(kept(query, "at") + ([("page", str(page))] if page > 1 else [])),
                   f"year-{int(text)}")


def chips(chosen: filters.Selection, here: Here, keep: Pairs) -> list[tuple[str, str, str]]:
    """(label, value, URL without it) for each chosen value."""
    return [(CHIP_LABELS.get(k, k),
             filters.option_label(k, v) if k in ("decade", "failed_stage") else v,
             here(chosen.pairs((k, v)) + keep))
            for k, vs in chosen.values.items() for v in vs]


def sort_links(here: Here, base: Pairs, current: str,
               columns: tuple[tuple[str, str], ...] = COLUMNS, default: str = "date",
               first: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Each table column's heading, its link (the other direction when it is the
    current sort; ``first`` columns start with their largest values) and its
    ``aria-sort``."""
    found = []
    for key, heading in columns:
        state = "ascending" if current == key else "descending" if current == f"-{key}" \
            else None
        if state is None:
            target = f"-{key}" if key in first else key
        else:
            target = key if current.startswith("-") else f"-{key}"
        found.append({"key": key, "heading": heading, "aria_sort": state or "none",
                      "url": here(base + ([("sort", target)] if target != default else []))})
    return found


#: The columns an entity list sorts by; counts start with the largest.
ENTITY_COLUMNS = (("name", "Name"), ("launches", "Launches"), ("payloads", "Payloads"),
                  ("failures", "Failures"))
ENTITY_SORTS = tuple(s for key, _ in ENTITY_COLUMNS for s in (key, f"-{key}"))


def sort_entities(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Entity rows by ``sort`` (``-launches``: most first), then by name."""
    key = sort.lstrip("-")
    by_name = sorted(rows, key=lambda r: str(r["name"]).casefold())
    if key == "name":
        return by_name[::-1] if sort.startswith("-") else by_name
    return sorted(by_name, key=lambda r: int(r[key]), reverse=sort.startswith("-"))


def view_links(here: Here, base: Pairs, view: str) -> list[dict[str, Any]]:
    return [{"view": v, "label": v.capitalize(), "current": v == view,
             "url": here(base + ([("view", v)] if v != "chronology" else []))} for v in VIEWS]


def table_rows(store: Store, ids: list[int], url: Callable[[int, int | None], str]
               ) -> list[dict[str, Any]]:
    """The table view's rows, each with its launch's URL and the year it begins (the
    first row of each year carries the year's anchor)."""
    rows = store.summaries(ids)
    last_year: int | None = None
    for row in rows:
        year = row["date_start"].year if row["date_start"] else None
        row["year_anchor"] = year if year != last_year and year is not None else None
        last_year = year
        row["url"] = url(row["id"], None)
        row["date_start"] = row["date_start"].isoformat() if row["date_start"] else None
    return rows


def not_past(page: int, pages: int) -> None:
    if page > pages:
        raise HttpError(404, "not_found", f"page {page} is past the last page ({pages})")


def page_count(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))
