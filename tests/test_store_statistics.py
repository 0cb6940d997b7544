"""Learning curves, success streaks, cadence and failures by stage from the store,
checked by hand against the seed (R-7 and Proton launches in date order), on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from db_support import SEED_LAUNCHES
from kosmochron.stats import jeffreys_interval
from kosmochron.store import LaunchFilter, QueryError, Store

pytest_plugins = ["db_support"]

S, F = "success", "failure"
#: The seed's launches by family, in date order (read off the chronology).
R7 = [F, F, F, S, F, F, F, S, S]
PROTON = [F, F, F, S, S, S, S, S, S, S, S, F]


def test_sequences_follow_the_chronology(seeded: Store) -> None:
    from kosmochron.store import statistics

    with seeded.engine.connect() as conn:
        found = {s.key: s for s in statistics.sequences(conn, "family")}
    assert list(found) == ["R-7", "Proton"]  # by first launch
    assert found["R-7"].outcomes == R7 and found["Proton"].outcomes == PROTON
    assert found["Proton"].dates[0] == dt.date(1969, 3, 27)
    assert all(a <= b for a, b in zip(found["Proton"].dates, found["Proton"].dates[1:],
                                      strict=False) if a and b)


def test_longest_success_streaks(seeded: Store) -> None:
    proton, r7 = seeded.streaks("family")
    assert (proton.key, proton.launches, proton.longest, proton.current) == ("Proton", 12, 8, 0)
    assert (proton.first, proton.last) == (dt.date(1971, 5, 19), dt.date(1988, 7, 12))
    assert (r7.key, r7.longest, r7.current) == ("R-7", 2, 2)
    assert r7.to_json() == {"key": "R-7", "launches": 9, "longest": 2, "from": "1964-11-30",
                            "to": "1965-07-18", "current": 2}
    assert seeded.streaks("family", LaunchFilter(outcome="failure"))[0].longest == 0


def test_learning_curve_of_the_seed(seeded: Store) -> None:
    steps = seeded.learning_curve("family")
    assert [(s.label, s.attempts, s.successes, s.vehicles) for s in steps] == [
        ("1–5", 10, 3, 2), ("6–10", 9, 7, 2), ("11–15", 2, 1, 1)]
    one = seeded.learning_curve("family", LaunchFilter(family="Proton"), size=4, most=8)
    assert [(s.label, s.attempts, s.successes) for s in one] == [
        ("1–4", 4, 1), ("5–8", 4, 4), ("9+", 4, 3)]
    with pytest.raises(QueryError, match="step size"):
        seeded.learning_curve("family", size=0)


def test_cadence_counts_every_dated_launch(seeded: Store) -> None:
    cells = seeded.cadence("family")
    assert sum(c.launches for c in cells) == SEED_LAUNCHES
    assert sum(c.failures for c in cells) == 10
    by = {(c.year, c.key): (c.launches, c.failures) for c in cells}
    assert by[(1973, "Proton")] == (4, 0) and by[(1962, "R-7")] == (3, 2)
    assert [c.year for c in cells] == sorted(c.year for c in cells)
    nations = seeded.cadence("nation")
    assert {c.key for c in nations} == {"USSR", "Russia"}
    with pytest.raises(QueryError, match="bad cadence group"):
        seeded.cadence("decade")


def test_failures_by_stage_in_stage_order(seeded: Store) -> None:
    found = seeded.failures_by_stage()
    assert [(c.stage, c.failures) for c in found] == [("1", 2), ("2", 2), ("3", 4), ("4", 1),
                                                      ("S", 1)]
    assert found[-1].to_json() == {"stage": "S", "stage_text": "payload shroud (fairing)",
                                   "cause": None, "failures": 1}
    assert seeded.failures_by_stage(LaunchFilter(family="R-7"))[0].stage == "1"


def test_stats_rows_carry_jeffreys_and_scores(seeded: Store) -> None:
    proton, r7 = seeded.stats("family")
    assert (proton.jeffreys_low, proton.jeffreys_high) == jeffreys_interval(8, 12)
    assert proton.score == 8.0 and r7.score == 3.0
    agencies = {r.key: (r.launches, r.failures) for r in seeded.stats("agency")}
    assert agencies == {"Korolev": (2, 1), "MOM": (10, 1), "RVSN": (8, 7), "UNKS": (2, 0),
                        "VKS": (1, 1)}
