"""The timeline of a selection: each entry as a point, or, where points would pile
into a smear, counts per year and vehicle family.

A point is ~300 bytes of SVG and a few pixels wide, so the timeline counts instead
of drawing when the selection has more than :data:`TIMELINE_POINTS` entries or any
year has more than :data:`YEAR_POINTS` (a year of 732 launches is a solid bar of
marks, not a timeline).  Families beyond the :data:`MOST_ROWS` busiest share one
row, so the binned chart stays small at any scale.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..store import LaunchFilter, Store, StoredEntry
from . import charts

#: More dated entries than this and the timeline counts them per year and family.
TIMELINE_POINTS = 1000
#: More entries than this in any one year and the timeline counts them too.
YEAR_POINTS = 200
#: Families with a row of their own in a binned timeline; the rest share one.
MOST_ROWS = 16
OTHER_ROW = charts.OTHER_ROW


@dataclass(slots=True)
class Timeline:
    """A timeline chart and its data: each entry (``points``), or counts per year and
    family (``bins``) when the selection is too dense to draw entry by entry."""

    svg: str
    points: list[dict[str, Any]]
    bins: list[dict[str, Any]] | None

    def points_json(self) -> list[dict[str, Any]]:
        return [{"id": r["id"], "date": r["date_start"], "date_text": r["date_text"],
                 "family": r["family"], "outcome": r["outcome"], "kind": r["kind"],
                 "name": r["name"]} for r in self.points]

    @property
    def columns(self) -> list[str]:
        if self.bins is not None:
            return ["year", "family", "successes", "failures", "events"]
        return ["id", "date", "date text", "family", "outcome", "kind", "first payload"]

    @property
    def rows(self) -> list[list[Any]]:
        if self.bins is not None:
            return [[b["year"], b["family"], b["successes"], b["failures"], b["events"]]
                    for b in self.bins]
        return [[r["id"], r["date_start"].isoformat(), r["date_text"], r["family"],
                 r["outcome"], r["kind"], r["name"]] for r in self.points]


def point_label(row: dict[str, Any]) -> str:
    outcome = row["outcome"] or row["kind"]
    return f"{row['date_text']}: {row['name'] or '(no payload)'} on " \
           f"{row['family'] or 'unknown family'}, {outcome}"


def dense(rows: list[dict[str, Any]]) -> bool:
    """Too many points for a point each: over the total or over a year's share."""
    if len(rows) > TIMELINE_POINTS:
        return True
    per_year = Counter(r["date_start"].year for r in rows)
    return bool(per_year) and max(per_year.values()) > YEAR_POINTS


def timeline(store: Store, url: Callable[[str, dict[str, Any] | None], str],
             launch_url: Callable[[int], str], f: LaunchFilter, *, title: str,
             params: dict[str, str], current: StoredEntry | None = None) -> Timeline:
    """The timeline of the entries matching ``f``; ``params`` are the page's selection,
    which a bar of a binned timeline narrows to its family and year."""
    if store.count(f) > TIMELINE_POINTS:  # (kept by the page's list) then perhaps binned:
        bins = store.timeline_bins(f)     # no need to fetch 1,001 rows to learn it
        if sum(row["count"] for row in bins) > TIMELINE_POINTS:
            return _binned(store, url, f, title=title, params=params, current=current,
                           counted=bins)
    rows = store.timeline(f, limit=TIMELINE_POINTS + 1)
    if not dense(rows):
        current_id = current.id if current else None
        points = [charts.TimelinePoint(r["date_start"], r["family"] or "(no family)",
                                       r["outcome"], point_label(r), launch_url(r["id"]),
                                       r["id"] == current_id) for r in rows]
        return Timeline(charts.timeline_svg(points, title=title), rows, None)
    return _binned(store, url, f, title=title, params=params, current=current)


def _binned(store: Store, url: Callable[[str, dict[str, Any] | None], str], f: LaunchFilter,
            *, title: str, params: dict[str, str], current: StoredEntry | None,
            counted: list[dict[str, Any]] | None = None) -> Timeline:
    cells: dict[tuple[int, str | None], list[int]] = {}
    for row in store.timeline_bins(f) if counted is None else counted:
        tally = cells.setdefault((row["year"], row["family"]), [0, 0, 0])
        tally[{"success": 0, "failure": 1}.get(row["outcome"] or "", 2)] += row["count"]
    totals: Counter[str | None] = Counter()
    for (_, family), tally in cells.items():
        totals[family] += sum(tally)
    kept = {family for family, _ in totals.most_common(MOST_ROWS)} \
        if len(totals) > MOST_ROWS + 1 else set(totals)
    merged: dict[tuple[int, str | None, bool], list[int]] = {}
    for (year, family), tally in cells.items():
        own = family in kept
        into = merged.setdefault((year, family if own else None, own), [0, 0, 0])
        for i in range(3):
            into[i] += tally[i]
    here = current.entry.date.start if current else None
    bins, data = [], []
    for (year, family, own), (ok, failed, other) in merged.items():
        name = (family or "(no family)") if own else OTHER_ROW
        href = url("/", {**params, "family": family, "year": year}) if own and family else None
        mark = (here is not None and current is not None and here.year == year and own
                and current.entry.lv_family == family)
        bins.append(charts.TimelineBin(year, name, ok, failed, other, href, mark))
        data.append({"year": year, "family": family if own else OTHER_ROW, "successes": ok,
                     "failures": failed, "events": other})
    return Timeline(charts.timeline_bins_svg(bins, title=title), [], data)
