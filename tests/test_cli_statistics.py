"""``kosmochron stats`` and its views end to end (in-process), on SQLite and PostgreSQL:
every figure printed comes from the store, checked here against the seed by hand."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from kosmochron.cli import main
from kosmochron.stats import jeffreys_interval, wilson_interval
from kosmochron.store import Store

pytest_plugins = ["db_support"]


def stats(capsys: pytest.CaptureFixture[str], store: Store, *args: str) -> tuple[int, str]:
    status = main(["stats", "--db", store.settings.url, *args])
    out, err = capsys.readouterr()
    assert err == "" or status != 0, err
    return status, out


def as_json(capsys: pytest.CaptureFixture[str], store: Store, *args: str) -> Any:
    status, out = stats(capsys, store, *args, "--format", "json")
    assert status == 0
    return json.loads(out)


def test_rates_carry_both_intervals_scores_and_streaks(capsys: pytest.CaptureFixture[str],
                                                       seeded: Store) -> None:
    rows = {r["key"]: r for r in as_json(capsys, seeded)}
    proton = rows["Proton"]
    assert (proton["launches"], proton["successes"], proton["failures"]) == (12, 8, 4)
    assert proton["score"] == 8.0
    assert (proton["ci95_low"], proton["ci95_high"]) == pytest.approx(wilson_interval(8, 12))
    assert (proton["jeffreys95_low"], proton["jeffreys95_high"]) \
        == pytest.approx(jeffreys_interval(8, 12))
    assert (proton["longest_streak"], proton["streak_from"], proton["streak_to"]) \
        == (8, "1971-05-19", "1988-07-12")
    status, out = stats(capsys, seeded, "--by", "agency")
    assert status == 0 and "RVSN" in out and "Jeffreys" in out and "95% intervals" in out


def test_the_other_views(capsys: pytest.CaptureFixture[str], seeded: Store) -> None:
    streaks = as_json(capsys, seeded, "--view", "streaks")
    assert [(r["key"], r["longest"]) for r in streaks] == [("Proton", 8), ("R-7", 2)]
    learning = as_json(capsys, seeded, "--view", "learning", "--step", "5")
    assert [(r["flights"], r["attempts"], r["successes"]) for r in learning] \
        == [("1–5", 10, 3), ("6–10", 9, 7), ("11–15", 2, 1)]
    cadence = as_json(capsys, seeded, "--view", "cadence", "--by", "nation")
    assert {(r["year"], r["key"]): r["launches"] for r in cadence}[(1996, "Russia")] == 1
    failures = as_json(capsys, seeded, "--view", "failures", "--family", "Proton")
    assert [(r["stage"], r["failures"]) for r in failures] == [("1", 1), ("2", 1), ("4", 1),
                                                                ("S", 1)]
    status, out = stats(capsys, seeded, "--view", "failures")
    assert status == 0 and "payload shroud (fairing)" in out


def test_csv_and_table_of_a_view(capsys: pytest.CaptureFixture[str], seeded: Store) -> None:
    status, out = stats(capsys, seeded, "--view", "learning", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 0 and rows[0]["flights"] == "1–5" and rows[0]["attempts"] == "10"
    status, out = stats(capsys, seeded, "--view", "streaks")
    assert status == 0 and "1971-05-19" in out


def test_a_bad_view_or_group_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                              seeded: Store) -> None:
    assert main(["stats", "--db", seeded.settings.url, "--view", "colour"]) == 2
    assert main(["stats", "--db", seeded.settings.url, "--view", "cadence",
                 "--by", "decade"]) == 2
    assert "bad cadence group 'decade'" in capsys.readouterr().err
