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


def gcat_agencies() -> dict[str, int]:
    """Launches per launching agency, counted straight from the launch list fixture."""
    from kosmochron.chronicle import clean
    from kosmochron.gcat import GcatLaunch, read_gcat

    counts: dict[str, int] = {}
    for r in read_gcat(GCAT / "orbital-launches-sample.csv")[1]:
        if isinstance(r, GcatLaunch) and r.agency:
            name = clean(r.agency) or ""
            counts[name] = counts.get(name, 0) + 1
    return counts


def test_stats_by_agency_count_the_launching_agency(world: Store) -> None:
    """Issue 17: a launch counts under the agency that launched it (GCAT's Agency, e.g.
    RVSN), not its payload's owner (Astronautix's MOM); every launch once, as the launch
    list counts them.  The filter, the facet and the entity page agree with the row."""
    rows = {r.key: r for r in world.stats("agency")}
    assert {k: r.launches for k, r in rows.items()} == gcat_agencies()
    assert sum(r.launches for r in rows.values()) == 52
    rvsn = rows["RVSN"]
    assert world.count(agency="RVSN", kind="launch") == rvsn.launches
    facet = {f["value"]: f["count"] for f in world.facets(["agency"],
                                                          LaunchFilter(kind="launch"))["agency"]}
    assert facet["RVSN"] == rvsn.launches and "MOM" not in facet
    entity = {e["name"]: e for e in world.entity_counts("agency")}
    assert (entity["RVSN"]["launches"], entity["RVSN"]["failures"]) == \
        (rvsn.launches, rvsn.failures)
    assert world.entity("agency", "rvsn")["launches"] == rvsn.launches
    # The seed as its own chronology has no launching agency: its payloads' agencies.
    own = LaunchFilter(source="soviet-mars-chronology.txt", kind="launch")
    assert world.count(LaunchFilter(source="soviet-mars-chronology.txt", kind="launch",
                                    agency="MOM")) == \
        {f["value"]: f["count"] for f in world.facets(["agency"], own)["agency"]}["MOM"] > 0
    # The streaks, learning curves and cadence group by the same agency.
    assert {s.key for s in world.streaks("agency")} == set(rows)
    assert {c.key for c in world.cadence("agency")} == set(rows)


def test_a_chronology_that_counts_takes_the_launching_agency_of_gcats_entry(
        store: Store) -> None:
    store.import_gcat_files([GCAT / name for name in FILES])
    before = {r.key: r.launches for r in store.stats("agency")}
    store.set_prefer("astronautix")
    assert {r.key: r.launches for r in store.stats("agency")} == before
    assert "MOM" not in before
