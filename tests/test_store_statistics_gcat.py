"""The statistics on GCAT's record (fixture rows copied from GCAT's files, CC-BY 4.0,
J. McDowell, GCAT, planet4589.org): states, variants, partial scores, failure codes
by stage and cause, and launch sites placed by coordinates, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kosmochron.store import LaunchFilter, Store

pytest_plugins = ["db_support"]
GCAT = Path(__file__).parent / "fixtures" / "gcat"
FILES = ["sites-sample.tsv", "orgs-sample.tsv", "lv-sample.tsv", "psatcat-sample.tsv",
         "orbital-launches-sample.csv"]


@pytest.fixture(scope="module")
def world(seeded: Store) -> Iterator[Store]:
    """The seed with GCAT's sample files imported (52 launches; the seed's merge in)."""
    seeded.import_gcat_files([GCAT / name for name in FILES])
    yield seeded


def test_stats_by_state_with_partial_scores(world: Store) -> None:
    rows = {r.key: r for r in world.stats("state")}
    assert {k: (r.launches, r.failures) for k, r in rows.items()} == {
        "China": (2, 0), "Russia": (3, 0), "USA": (20, 13), "USSR": (27, 10)}
    # Russia's 2017-042 is OS89: a success that GCAT scores 0.89.
    assert rows["Russia"].score == pytest.approx(2.89)
    assert rows["Russia"].successes == 3
    assert sum(r.launches for r in rows.values()) == world.count(kind="launch") == 52


def test_stats_by_variant(world: Store) -> None:
    variants = {r.key: (r.launches, r.score) for r in world.stats("variant")}
    assert variants["Fregat"][0] == 1 and variants["Fregat"][1] == pytest.approx(0.89)
    assert variants["JunoI"] == (1, 1.0)


def test_failure_codes_by_stage_and_cause(world: Store) -> None:
    found = world.failures_by_stage()
    pairs = {(c.stage, c.cause): c.failures for c in found}
    assert pairs[("2", "guidance and control")] == 2  # S2G codes
    assert pairs[("none", "explosion, fire or fault at the pad")] == 2  # PE: no stage
    assert pairs[("1", "stage separation")] == 1  # AD/S1S: the part that names a stage
    stages = [c.stage for c in found]
    assert stages == sorted(stages, key=lambda s: (not s.isdecimal(), s))
    assert sum(c.failures for c in found) >= 20


def test_sites_are_placed_by_gcat_coordinates(world: Store) -> None:
    points, unplaced = world.site_points()
    first = points[0]
    assert (first.name, first.launches, first.failures) == ("Baykonur", 26, 10)
    assert (first.longitude, first.latitude) == pytest.approx((63.0, 46.0))
    assert first.codes == ("GIK-5", "NIIP-5")
    assert sum(p.launches for p in points) + unplaced == 52 and unplaced == 1
    failed, _ = world.site_points(LaunchFilter(outcome="failure"))
    assert all(p.launches == p.failures for p in failed)
    assert {p.name: p.launches for p in failed}["Baykonur"] == 10


def test_cadence_by_state(world: Store) -> None:
    cells = world.cadence("state")
    assert sum(c.launches for c in cells) == 52
    assert {(c.year, c.key): c.launches for c in cells}[(1957, "USSR")] == 2
