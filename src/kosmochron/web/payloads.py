"""A launch page's payloads: each one's orbit, narrative events and transfer, read from
every source that tells it.

A payload told by two sources is one payload (:mod:`kosmochron.store.twins`): GCAT's
Mars 3, the entry that counts, has no narrative and no orbit of its own, Astronautix's
has both.  So its events and transfer are those of every account's text (the store
merges them, each event saying where it is told), and a payload with no apsides of
its own is drawn in the orbit another source gives, with that source named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..model import Entry
from ..orbits import OrbitFit, orbit_of
from ..store import Store
from ..targets import target_among
from . import charts, transfer_charts


@dataclass(frozen=True, slots=True)
class Orbit:
    """A payload's orbit for its diagram: the fit, and the source whose record gives the
    apsides when it is not the page's own (None)."""

    index: int
    fit: OrbitFit
    source: str | None = None
    entry_id: int | None = None

    def to_json(self, item_id: int | None, name: str) -> dict[str, Any]:
        return {"item_id": item_id, "name": name, **self.fit.to_json(), "source": self.source}


def orbit_fits(entry: Entry, told: dict[int, list[Any]] | None = None,
               item_ids: list[int] | None = None) -> list[Orbit]:
    """Each payload's orbit, the body chosen from the whole record
    (:func:`kosmochron.orbits.orbit_of`): from its own apsides, else from the first
    other account of it that has some (``told``: the store's accounts by payload id)."""
    fits = []
    for index, item in enumerate(entry.items):
        fit = orbit_of(entry, item)
        if fit is not None:
            fits.append(Orbit(index, fit))
            continue
        item_id = item_ids[index] if item_ids and index < len(item_ids) else None
        for account, other_entry, other in (told or {}).get(item_id or -1, [])[1:]:
            other_fit = orbit_of(other_entry, other)
            if other_fit is not None:
                fits.append(Orbit(index, other_fit, account.source, account.entry_id))
                break
    return fits


def orbit_figures(entry: Entry, fits: list[Orbit]) -> dict[int, tuple[Orbit, Markup]]:
    return {o.index: (o, Markup(charts.orbit_svg(o.fit, name=entry.items[o.index].name)))
            for o in fits}


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _porkchop(report: dict[str, Any], payload_ids: set[int]) -> str:
    """The porkchop SVG of a transfer report's window (with its grid); the launch of
    ``payload_ids`` (the payload and its other accounts) ringed."""
    window = report["window"]
    best = window["best"]
    marks = [transfer_charts.PorkchopMark(m["name"], _when(m["launch"]),
                                 dt.date.fromisoformat(m["arrival"]) if m["arrival"] else None,
                                 m["outcome"], m["payload_id"] in payload_ids)
             for m in window["launches"] if m["launch"]]
    return transfer_charts.porkchop_svg(
        [_when(d) for d in window["departures"]], [_when(a) for a in window["arrivals"]],
        window["c3_km2_s2"], target=report["target"], marks=marks,
        best=None if best is None or best["c3_km2_s2"] is None else
        (_when(best["depart"]), _when(best["arrive"]), best["c3_km2_s2"]),
        title=f"Launch window to {report['target']} around {window['launch'][:10]}: "
              "C3 by departure and arrival date")


def _arc(report: dict[str, Any]) -> str:
    """The SVG of a report's transfer arc between the planets' orbits."""
    g, target = report["geometry"], report["target"]
    depart, arrive = report["transfer"]["depart"][:10], report["transfer"]["arrive"][:10]
    points = [transfer_charts.ArcPoint(label, g[key][0], g[key][1], body, filled)
              for label, key, body, filled in (
                  (f"Earth {depart}", "earth_at_departure", "Earth", True),
                  (f"{target} {arrive}", "target_at_arrival", target, True),
                  ("Earth at arrival", "earth_at_arrival", "Earth", False),
                  (f"{target} at launch", "target_at_departure", target, False))]
    return transfer_charts.transfer_arc_svg(g["earth_orbit"], g["target_orbit"], g["arc"],
                                   target=target, points=points,
                                   title=f"{report['name']}: transfer from Earth to {target}")


def payload_extras(store: Store, entry: Entry, item_ids: list[int],
                   told: dict[int, list[Any]] | None = None) -> list[dict[str, Any]]:
    """Per payload: its narrative events and, if it has one, its transfer report with
    the porkchop and arc SVGs; a payload bound for a planet without one says why
    (``no_transfer``: it never left Earth orbit, it was carried aboard another…).  A
    window already drawn for an earlier payload of the launch is not drawn again:
    ``window_of`` names it.  Events and transfers read every source's account of the
    payload (``told``); every transfer figure and grid comes from the database's
    cache."""
    extras: list[dict[str, Any]] = []
    drawn: dict[str, str] = {}
    for index, item_id in enumerate(item_ids):
        report = store.payload_transfer(item_id, grid=True, geometry=True)
        others = [(e, i) for _, e, i in (told or {}).get(item_id, [])[1:]]
        planetary = index < len(entry.items) and \
            target_among(entry.items[index], others) is not None
        extra: dict[str, Any] = {"item_id": item_id, "events": store.payload_events(item_id),
                                 "transfer": report, "porkchop_svg": None, "arc_svg": None,
                                 "window_of": None, "no_transfer": None}
        if report is None and planetary:
            extra["no_transfer"] = store.no_transfer_reason(item_id)
        if report is not None:
            key = report["window"]["key"]
            if key in drawn:
                extra["window_of"] = drawn[key]
            else:
                drawn[key] = report["name"]
                ids = {item_id, *(a["payload_id"] for a in report.get("told_by", []))}
                extra["porkchop_svg"] = Markup(_porkchop(report, ids))
            if report["geometry"] is not None:
                extra["arc_svg"] = Markup(_arc(report))
        extras.append(extra)
    return extras


def extras_json(extra: dict[str, Any]) -> dict[str, Any]:
    report = extra["transfer"]
    if report is not None:  # the grid is 1 MB: the API serves it (?grid=true)
        grid = ("departures", "arrivals", "c3_km2_s2", "vinf_arrival_km_s")
        report = {**report, "window": {k: v for k, v in report["window"].items()
                                       if k not in grid}}
    return {"item_id": extra["item_id"], "events": [e.to_json() for e in extra["events"]],
            "transfer": report, "no_transfer": extra["no_transfer"]}
