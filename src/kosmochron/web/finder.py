"""Finding things from the web UI: identifiers in the search box and in URLs, and the
names of entities above the text hits.

* The search box jumps to what an identifier names (a COSPAR designator in any
  spelling, a JCAT or launch tag, a satellite number, a payload's exact name: see
  :mod:`kosmochron.store.lookup`) when it names one launch, and lists the few
  candidates when it names several; ``jump=0`` searches the words instead.
* ``/launches/{any identifier}`` redirects to the launch's page (several: to the
  search page, which lists them).
* Sites, vehicles, programs, agencies … whose names match are a group of their own.

No SQL here; no import of :mod:`.pages` (which imports this).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ..store import Store
from . import filters, listing
from .state import HttpError, Redirect

#: Entity kinds (with pages) as the search page names them.
KIND_LABELS = {"site": "Launch site", "complex": "Launch complex", "family": "Vehicle family",
               "vehicle": "Launch vehicle", "configuration": "Configuration",
               "program": "Program", "nation": "Nation", "agency": "Agency",
               "type": "Spacecraft type", "state": "State"}
#: Names a search shows at most.
ENTITY_LIMIT = 12


def launch_path(entry_id: int, found: str | None = None) -> str:
    return f"/launches/{entry_id}" + (f"?{urlencode({'found': found})}" if found else "")


def entry_id_or_redirect(store: Store, text: str) -> int:
    """The entry id of ``/launches/{text}``: a number is the id itself; any other
    identifier redirects to the page of the launch it names, or to the search page
    when it names several; nothing named is a 404."""
    if text.isdecimal() and len(text) <= 10:
        return int(text)
    matches = store.resolve(text)
    if len(matches) == 1:
        m = matches[0]
        raise Redirect(launch_path(m.entry_id), f"item-{m.item_id}" if m.item_id else None)
    if matches:
        raise Redirect("/search?" + urlencode({"q": text}))
    raise HttpError(404, "not_found", f"no launch is called or designated {text!r}: give an "
                    "id, a COSPAR designator (1971-049A, 1962 B IOT 1, F601010A), a satellite "
                    "number, a JCAT or launch tag, or a payload's name",
                    {"identifier": text})


def jump(store: Store, q: str, query: Any) -> list[dict[str, Any]]:
    """The launches the search text names as an identifier: a redirect to the one it
    names (unless ``jump=0``, a later page or filters ask for the list), else their
    summaries (empty when it names none)."""
    matches = store.resolve(q)
    if not matches:
        return []
    plain = set(query) <= {"q", "jump"} and query.get("jump") != "0"
    if len(matches) == 1 and plain:
        m = matches[0]
        raise Redirect(launch_path(m.entry_id, q), f"item-{m.item_id}" if m.item_id else None)
    by_id = {m.entry_id: m for m in matches}
    found = store.summaries([m.entry_id for m in matches])
    for row in found:
        match = by_id[row["id"]]
        row["matched_by"], row["item_id"] = match.matched_by, match.item_id
    return found


def entities(store: Store, q: str, url: Any, kinds: list[str]) -> list[dict[str, Any]]:
    """Entities of ``kinds`` named by (or whose names contain) the search text, with
    their pages' URLs (``url`` builds one from a path)."""
    found = store.find_entities(q, ENTITY_LIMIT, kinds)
    return [{"kind": m.kind, "label": KIND_LABELS.get(m.kind, m.kind), "name": m.name,
             "slug": m.slug, "exact": m.exact, "url": url(f"/entities/{m.kind}/{m.slug}")}
            for m in found]


def neighbours(store: Store, entry_id: int, url: Any) -> dict[str, dict[str, Any] | None]:
    """The launches before and after an entry in date order, each with its date, names
    and URL (``url(entry_id, None)``), for a launch page's previous/next links."""
    before, after = store.neighbours(entry_id)
    rows = {row["id"]: row for row in store.summaries([i for i in (before, after) if i])}

    def step(found: int | None) -> dict[str, Any] | None:
        row = rows.get(found) if found else None
        if row is None:
            return None
        return {"id": row["id"], "date_text": row["date_text"], "names": row["names"],
                "url": url(row["id"], None)}

    return {"previous": step(before), "next": step(after)}


#: How hits can be sorted, and what the page calls each.
HIT_SORTS = {"rank": "Relevance", "date": "Oldest first", "-date": "Newest first"}


def hits(store: Store, query: Any, here: listing.Here, q: str, chosen: filters.Selection,
         per_page: int, max_per_page: int) -> dict[str, Any]:
    """The search hits as a list: how many there are among the entries the page's
    filters select, one page of them in the chosen order, the pager and the sort
    links."""
    sort = listing.choice(query, "sort", tuple(HIT_SORTS), "rank")
    page = listing.int_param(query, "page", 1, 1, 10**6)
    per_page = listing.int_param(query, "per_page", per_page, 1, max_per_page)
    total = store.search_count(q, filter=chosen.filter) if q else 0
    pages = listing.page_count(total, per_page)
    listing.not_past(page, pages)
    found = store.search(q, per_page, (page - 1) * per_page, filter=chosen.filter,
                         order=sort) if q else []
    base = listing.kept(query, "page", "sort")  # with a sort, an identifier no longer jumps
    sorts = [{"sort": key, "label": label, "current": key == sort,
              "url": here(base + ([("sort", key)] if key != "rank" else []))}
             for key, label in HIT_SORTS.items()]
    return {"sort": sort, "sorts": sorts, "total": total, "per_page": per_page,
            "hits": found, "first_rank": (page - 1) * per_page + 1,
            **listing.pager(here, listing.kept(query, "page"), page, pages)}
