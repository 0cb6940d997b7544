"""What ``kosmochron stats`` prints: success rates per group (the default view) and
the other statistics a launch historian asks for, each as a table, JSON or CSV.

* ``rates``: attempts, successes, failures, score (GCAT's partial scores), success
  rate with its Wilson and Jeffreys 95% intervals, longest success streak, failed
  stages, per group;
* ``streaks``: each group's longest run of successes (from, to) and current run;
* ``learning``: success by flight number (flights 1–5, 6–10 …) over the groups;
* ``cadence``: launches and failures per year and group;
* ``failures``: failed launches by stage (and cause, where the record gives one).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from rich import box
from rich.table import Table

from ..stats import describe_failed_stage
from ..store import LaunchFilter, StatRow, Store
from .common import StatsFormat, literal, out_console, write_json, write_records_csv


class StatsView(StrEnum):
    rates = "rates"
    streaks = "streaks"
    learning = "learning"
    cadence = "cadence"
    failures = "failures"


def _percent(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def _interval(low: float | None, high: float | None) -> str:
    return "–" if low is None or high is None else f"{low:.0%}–{high:.0%}"


def records(store: Store, view: StatsView, by: str, f: LaunchFilter, definition: str,
            size: int) -> list[dict[str, Any]]:
    """The view's rows as JSON-ready records (what ``--format json`` and ``csv`` write)."""
    if view is StatsView.rates:
        return [r.to_json() for r in store.stats(by, f, definition=definition, streaks=True)]
    if view is StatsView.streaks:
        return [r.to_json() for r in store.streaks(by, f)]
    if view is StatsView.learning:
        return [s.to_json() for s in store.learning_curve(by, f, size=size)]
    if view is StatsView.cadence:
        return [c.to_json() for c in store.cadence(by, f)]
    return [c.to_json() for c in store.failures_by_stage(f)]


def _rates_table(rows: list[StatRow], by: str, definition: str) -> Table:
    counted = "launches" if definition == "launch" else "payloads (GCAT result)"
    table = Table(title=literal(f"{counted.capitalize()} by {by}"), box=box.SIMPLE_HEAD)
    width = max((len(r.key) for r in rows), default=4)
    table.add_column(by, min_width=min(width, 30))
    for column in (counted, "failed", "score", "rate", "Wilson", "Jeffreys", "best run"):
        table.add_column(column, justify="right", no_wrap=True)
    for r in rows:
        streak = "–" if r.longest_streak is None else f"{r.longest_streak:,}"
        key = f"{r.key}s" if by == "decade" and r.key.isdecimal() else r.key
        table.add_row(literal(key), f"{r.launches:,}", f"{r.failures:,}",
                      "–" if r.score is None else f"{r.score:,.2f}".rstrip("0").rstrip("."),
                      _percent(r.success_rate), _interval(r.ci_low, r.ci_high),
                      _interval(r.jeffreys_low, r.jeffreys_high), streak)
    return table


RATES_NOTE = ("Wilson, Jeffreys: 95% intervals of the success rate. score: the launches' "
              "success scores summed (GCAT's partial scores, else 1 per success). best run: "
              "the longest streak of successes. Failed stages: --view failures, or "
              "--format json.")


def _table(title: str, columns: list[str], rows: list[list[str]], left: int = 1) -> Table:
    """A table whose first ``left`` columns are text (the rest figures, right-aligned)."""
    table = Table(title=title)
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i < left else "right")
    for row in rows:
        table.add_row(*(literal(cell) for cell in row))
    return table


def _streaks(records: list[dict[str, Any]], by: str) -> Table:
    return _table(f"Longest success streaks by {by}",
                  [by, "launches", "longest streak", "from", "to", "current streak"],
                  [[r["key"], f"{r['launches']:,}", f"{r['longest']:,}", r["from"] or "–",
                    r["to"] or "–", f"{r['current']:,}"] for r in records])


def _learning(records: list[dict[str, Any]], by: str) -> Table:
    return _table(f"Success by flight number, each {by} counted from its first flight",
                  ["flights", "attempts", "successes", "failures", "success", "Wilson 95%",
                   "Jeffreys 95%", f"{by} values"],
                  [[r["flights"], f"{r['attempts']:,}", f"{r['successes']:,}",
                    f"{r['failures']:,}", _percent(r["success_rate"]),
                    _interval(r["ci95_low"], r["ci95_high"]),
                    _interval(r["jeffreys95_low"], r["jeffreys95_high"]), f"{r['vehicles']:,}"]
                   for r in records])


def _cadence(records: list[dict[str, Any]], by: str) -> Table:
    return _table(f"Launches per year by {by}", ["year", by, "launches", "failures"],
                  [[str(r["year"]), r["key"], f"{r['launches']:,}", f"{r['failures']:,}"]
                   for r in records], left=2)


def _failures(records: list[dict[str, Any]], by: str) -> Table:
    return _table("Failed launches by stage", ["stage", "meaning", "cause", "failures"],
                  [[r["stage"], describe_failed_stage(r["stage"]), r["cause"] or "–",
                    f"{r['failures']:,}"] for r in records], left=3)


TABLES: dict[StatsView, Callable[[list[dict[str, Any]], str], Table]] = {
    StatsView.streaks: _streaks, StatsView.learning: _learning, StatsView.cadence: _cadence,
    StatsView.failures: _failures}


def show(store: Store, view: StatsView, by: str, f: LaunchFilter, definition: str,
         fmt: StatsFormat, size: int = 5) -> None:
    """Print one view in the asked format."""
    if fmt is StatsFormat.table and view is StatsView.rates:
        out = out_console()
        out.print(_rates_table(store.stats(by, f, definition=definition, streaks=True), by,
                               definition))
        out.print(RATES_NOTE)
        return
    rows = records(store, view, by, f, definition, size)
    if fmt is StatsFormat.json:
        write_json(rows)
    elif fmt is StatsFormat.csv:
        write_records_csv(rows)
    else:
        out_console().print(TABLES[view](rows, by))
