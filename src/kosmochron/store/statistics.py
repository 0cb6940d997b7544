"""The launch historian's statistics beyond success rates: learning curves, success
streaks, cadence (launches per year by group) and failures by stage.

The SQL here only fetches: each group's outcomes in launch order (one light row per
launch, in date order from ``ix_entries_date``) or counts grouped in the database.
The arithmetic (streaks, learning curves, intervals) is :mod:`kosmochron.stats`.
Groups are the dimensions of :func:`kosmochron.store.query.stats`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..stats import LearningStep, current_streak, learning_curve, longest_streak
from .query import LaunchFilter, QueryError, _dimension, where
from .schema import entries

#: What cadence can stack by.
CADENCE_GROUPS = ("family", "nation", "site", "vehicle", "agency", "program")


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
    key, joins = _dimension(by)
    base: sa.FromClause = entries
    for table, condition in joins:
        base = base.outerjoin(table, condition)
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
    rows = []
    for s in sequences(conn, by, f):
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
    if not 1 <= size <= 100 or not size <= most <= 1000:
        raise QueryError("bad learning-curve steps: the step size must be 1 to 100 flights "
                         "and the last step 1,000 at most, not before the first")
    return learning_curve((s.outcomes for s in sequences(conn, by, f)), size, most)


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
    key, joins = _dimension(by)
    base: sa.FromClause = entries
    for table, condition in joins:
        base = base.outerjoin(table, condition)
    year = sa.cast(sa.extract("year", entries.c.date_start), sa.Integer)
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


def failures_by_stage(conn: Connection, f: LaunchFilter | None = None) -> list[FailureCount]:
    """Failed launches per failed stage (and cause, where the record gives one),
    stages in order: numbered stages first, then the other codes."""
    f = replace(f or LaunchFilter(), kind="launch")
    rows = conn.execute(sa.select(entries.c.failed_stage, sa.func.count())
                        .where(*where(conn, f), entries.c.failed_stage.is_not(None))
                        .group_by(entries.c.failed_stage)).all()
    counts = [FailureCount(str(stage), None, int(n)) for stage, n in rows]
    return sorted(counts, key=lambda c: (not c.stage.isdecimal(),
                                         int(c.stage) if c.stage.isdecimal() else 0, c.stage))
