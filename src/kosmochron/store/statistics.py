"""The launch historian's statistics beyond success rates: learning curves, success
streaks, cadence (launches per year by group) and failures by stage.

The SQL here only fetches: each group's outcomes in launch order (one light row per
launch, in date order from ``ix_entries_date``) or counts grouped in the database.
The arithmetic (streaks, learning curves, intervals) is :mod:`kosmochron.stats`.
Groups are the dimensions of :func:`kosmochron.store.query.stats`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..gcatcodes import STAGE_CAUSES, parse_fail_code
from ..stats import NO_STAGE, LearningStep, current_streak, learning_curve, longest_streak
from .query import LaunchFilter, QueryError, grouping, where, year_of
from .schema import entries, gcat_launches, gcat_sites, sites

#: Aliases made once (a new alias builds a proxy of every column on each call).
_FAILED = gcat_launches.alias("failed")
_PLACED = gcat_launches.alias("placed")
#: What cadence can stack by.
CADENCE_GROUPS = ("state", "family", "nation", "site", "vehicle", "agency", "program")


@dataclass(slots=True)
class Sequence:
    """One group's launches in date order: their dates and outcomes."""

    key: str
    dates: list[dt.date | None]
    outcomes: list[str | None]


def sequences(conn: Connection, by: str, f: LaunchFilter | None = None) -> list[Sequence]:
    """Each group's launch outcomes in launch order (undated launches last), groups by
    their first launch.  A launch without the grouping value is in the group ``(none)``."""
    f = replace(f or LaunchFilter(), kind="launch")
    key, base = grouping(by)
    rows = conn.execute(sa.select(key, entries.c.date_start, entries.c.outcome)
                        .select_from(base).where(*where(conn, f))
                        .order_by(entries.c.date_start.asc().nulls_last(), entries.c.id))
    groups: dict[str, Sequence] = {}
    for k, date, outcome in rows:
        label = "(none)" if k is None else str(k)
        group = groups.get(label)
        if group is None:
            group = groups[label] = Sequence(label, [], [])
        group.dates.append(date)
        group.outcomes.append(outcome)
    return list(groups.values())


@dataclass(frozen=True, slots=True)
class StreakRow:
    """A group's longest run of successes (with the dates of its first and last
    launch) and its current run."""

    key: str
    launches: int
    longest: int
    first: dt.date | None
    last: dt.date | None
    current: int

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "launches": self.launches, "longest": self.longest,
                "from": None if self.first is None else self.first.isoformat(),
                "to": None if self.last is None else self.last.isoformat(),
                "current": self.current}


def streaks(conn: Connection, by: str, f: LaunchFilter | None = None) -> list[StreakRow]:
    """Every group's longest success streak, longest first."""
    return streaks_of(sequences(conn, by, f))


def streaks_of(groups: Iterable[Sequence]) -> list[StreakRow]:
    """:func:`streaks` of sequences already fetched."""
    rows = []
    for s in groups:
        run = longest_streak(s.outcomes)
        rows.append(StreakRow(s.key, len(s.outcomes), run.length,
                              None if run.start is None else s.dates[run.start],
                              None if run.end is None else s.dates[run.end],
                              current_streak(s.outcomes)))
    rows.sort(key=lambda r: (-r.longest, r.key))
    return rows


def learning(conn: Connection, by: str, f: LaunchFilter | None = None, size: int = 5,
             most: int = 50) -> list[LearningStep]:
    """Success by flight number, each group's launches numbered from its first."""
    return learning_of(sequences(conn, by, f), size, most)


def learning_of(groups: Iterable[Sequence], size: int = 5, most: int = 50) -> list[LearningStep]:
    """:func:`learning` of sequences already fetched."""
    if not 1 <= size <= 100 or not size <= most <= 1000:
        raise QueryError("bad learning-curve steps: the step size must be 1 to 100 flights "
                         "and the last step 1,000 at most, not before the first")
    return learning_curve((s.outcomes for s in groups), size, most)


@dataclass(frozen=True, slots=True)
class CadenceCell:
    """One group's launches in one year: how many, and how many failed."""

    year: int
    key: str
    launches: int
    failures: int

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "key": self.key, "launches": self.launches,
                "failures": self.failures}


def cadence(conn: Connection, by: str, f: LaunchFilter | None = None) -> list[CadenceCell]:
    """Launches (and failures) per year and group, counted in the database."""
    if by not in CADENCE_GROUPS:
        raise QueryError(f"bad cadence group {by!r}: expected one of {', '.join(CADENCE_GROUPS)}")
    f = replace(f or LaunchFilter(), kind="launch")
    key, base = grouping(by)
    year = year_of(entries.c.date_start)
    rows = conn.execute(
        sa.select(year, key, sa.func.count(),
                  sa.func.count().filter(entries.c.outcome == "failure"))
        .select_from(base).where(*where(conn, f), entries.c.date_start.is_not(None))
        .group_by(year, key).order_by(year, key))
    return [CadenceCell(int(y), "(none)" if k is None else str(k), int(n), int(failed))
            for y, k, n, failed in rows]


@dataclass(frozen=True, slots=True)
class FailureCount:
    """Failed launches at one stage (``stage`` as the record writes it: ``3``, ``S``)
    and for one cause (None where the record names none)."""

    stage: str
    cause: str | None
    failures: int

    def to_json(self) -> dict[str, Any]:
        from ..stats import describe_failed_stage

        return {"stage": self.stage, "stage_text": describe_failed_stage(self.stage),
                "cause": self.cause, "failures": self.failures}


def _stage_and_cause(failed_stage: str | None, fail_code: str | None) -> tuple[str, str | None]:
    """Where a failure was and why: GCAT's failure code where there is one (the first
    part that names a stage: ``S2P`` is stage 2, propulsion, ``AD/S1S`` stage 1,
    separation; ``FF`` names none, its cause is the fairing), else the record's
    ``Failed Stage`` with no cause."""
    if fail_code:
        try:
            parts = parse_fail_code(fail_code).parts
        except ValueError:
            parts = ()
        staged = next((p for p in parts if p.stage is not None), None)
        if staged is not None:
            return str(staged.stage), STAGE_CAUSES.get(staged.cause or "")
        if parts:
            return failed_stage or NO_STAGE, parts[0].description
    return failed_stage or "U", None


def failures_by_stage(conn: Connection, f: LaunchFilter | None = None) -> list[FailureCount]:
    """Failed launches per failed stage and cause (GCAT's failure codes decoded, where
    the launch has one), stages in order: numbered stages first, then the other codes."""
    f = replace(f or LaunchFilter(), kind="launch")
    gcat = _FAILED
    rows = conn.execute(
        sa.select(entries.c.failed_stage, gcat.c.fail_code, sa.func.count())
        .select_from(entries.outerjoin(gcat, gcat.c.entry_id == entries.c.id))
        .where(*where(conn, f), sa.or_(entries.c.failed_stage.is_not(None),
                                       gcat.c.fail_code.is_not(None)))
        .group_by(entries.c.failed_stage, gcat.c.fail_code)).all()
    tally: dict[tuple[str, str | None], int] = {}
    for stage, code, n in rows:
        key = _stage_and_cause(stage, code)
        tally[key] = tally.get(key, 0) + int(n)
    counts = [FailureCount(stage, cause, n) for (stage, cause), n in tally.items()]
    return sorted(counts, key=lambda c: (not c.stage.isdecimal(),
                                         int(c.stage) if c.stage.isdecimal() else 0, c.stage,
                                         -c.failures, c.cause or ""))


@dataclass(frozen=True, slots=True)
class SitePoint:
    """A launch site (its entity) placed by GCAT's coordinates of its launches' sites,
    with the launches and failures that match the filter."""

    name: str
    slug: str
    longitude: float
    latitude: float
    launches: int
    failures: int
    #: GCAT's site codes that make it up (``NIIP-5``).
    codes: tuple[str, ...]


def site_points(conn: Connection, f: LaunchFilter | None = None) -> tuple[list[SitePoint], int]:
    """Every launch site with coordinates and its matching launches, busiest first, and
    how many matching launches have no site with coordinates (not on the map)."""
    f = replace(f or LaunchFilter(), kind="launch")
    gcat = _PLACED
    base = (entries.join(sites, sites.c.id == entries.c.site_id)
            .join(gcat, gcat.c.entry_id == entries.c.id)
            .join(gcat_sites, gcat_sites.c.code == gcat.c.site))
    rows = conn.execute(
        sa.select(sites.c.name, sites.c.slug, gcat_sites.c.code,
                  sa.func.avg(gcat_sites.c.longitude), sa.func.avg(gcat_sites.c.latitude),
                  sa.func.count(), sa.func.count().filter(entries.c.outcome == "failure"))
        .select_from(base)
        .where(*where(conn, f), gcat_sites.c.longitude.is_not(None),
               gcat_sites.c.latitude.is_not(None))
        .group_by(sites.c.name, sites.c.slug, gcat_sites.c.code)).all()
    merged: dict[str, list[Any]] = {}
    for name, slug, code, lon, lat, n, failed in rows:
        site = merged.setdefault(slug, [name, slug, 0.0, 0.0, 0, 0, []])
        site[2] += float(lon) * n
        site[3] += float(lat) * n
        site[4] += int(n)
        site[5] += int(failed)
        site[6].append(code)
    points = [SitePoint(name, slug, lon / n, lat / n, n, failed, tuple(sorted(codes)))
              for name, slug, lon, lat, n, failed, codes in merged.values()]
    points.sort(key=lambda p: (-p.launches, p.name))
    total = int(conn.execute(sa.select(sa.func.count()).select_from(entries)
                             .where(*where(conn, f))).scalar_one())
    return points, total - sum(p.launches for p in points)
