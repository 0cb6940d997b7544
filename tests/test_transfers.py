"""Interplanetary transfers: pinned Lambert figures for Mars 2, cross-checks against a
second solver and a Hohmann estimate, the porkchop window, targets and seed reports.

Few ephemeris calls and one compiled Lambert loop: the first run in a fresh
checkout compiles it (about 5 s; Numba caches it under ``__pycache__``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest

from conftest import fixture_path
from kosmochron import Document, Item, parse_file, parse_text
from kosmochron.events import entry_events, extract_events
from kosmochron.targets import no_transfer_reason, planet_named
from kosmochron.transfers import (
    C3_SUSPECT,
    Porkchop,
    Transfer,
    TransferReport,
    arrival_event,
    ephemeris,
    hohmann,
    lambert_grid,
    lambert_transfer,
    porkchop,
    target_of,
    transfer_for,
)

MARS2_LAUNCH = dt.datetime(1971, 5, 19, 16, 22, tzinfo=dt.UTC)  # seed: 16:22 GMT
MARS2_ARRIVAL = dt.date(1971, 11, 27)  # seed: "reaching Mars on 27 November 1971"


def sig3(x: float | None) -> str:
    """``x`` to three significant figures, as text."""
    assert x is not None
    return f"{x:.3g}"


@pytest.fixture(scope="module")
def mars2() -> Transfer:
    return lambert_transfer(MARS2_LAUNCH, MARS2_ARRIVAL, "Mars")


@pytest.fixture(scope="module")
def window_1971() -> Porkchop:
    return porkchop(dt.date(1971, 5, 19), "Mars")


def test_mars2_pinned(mars2: Transfer) -> None:
    assert sig3(mars2.c3_km2_s2) == "8.11"
    assert sig3(mars2.vinf_departure_km_s) == "2.85"
    assert sig3(mars2.vinf_arrival_km_s) == "2.91"
    assert sig3(mars2.dla_deg) == "-27.2"
    assert sig3(mars2.rla_deg) == "336"
    assert sig3(mars2.transfer_angle_deg) == "147"  # type I
    # 19 May 16:22 UTC to 27 November 12:00 UTC (a bare date is its noon), in TDB days.
    assert mars2.tof_days == pytest.approx(191 + (24 - 16 - 22 / 60 + 12) / 24, abs=1e-6)
    assert not mars2.suspect
    assert mars2.arrive == dt.datetime(1971, 11, 27, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize("solver", ["gooding1990", "vallado2013"])
def test_mars2_second_solver_agrees(mars2: Transfer, solver: str) -> None:
    other = lambert_transfer(MARS2_LAUNCH, MARS2_ARRIVAL, "Mars", solver=solver)  # type: ignore[arg-type]
    assert other.solver == solver
    for name in ("c3_km2_s2", "vinf_arrival_km_s", "dla_deg", "rla_deg"):
        assert getattr(other, name) == pytest.approx(getattr(mars2, name), rel=1e-6), name


def test_hohmann_estimate() -> None:
    mars = hohmann("Mars")
    # Curtis, Orbital Mechanics, Example 8.4: v∞ 2.94 km/s leaving Earth for Mars.
    assert sig3(mars.c3_km2_s2) == "8.67"
    assert sig3(math.sqrt(mars.c3_km2_s2)) == "2.94"
    assert sig3(mars.vinf_arrival_km_s) == "2.65"
    assert sig3(mars.tof_days) == "259"
    assert sig3(hohmann("Venus").c3_km2_s2) == "6.23"


def test_window_minimum_is_near_hohmann(window_1971: Porkchop, mars2: Transfer) -> None:
    best = window_1971.best
    assert best is not None
    h = hohmann("Mars")
    # Same order of magnitude: eccentric, inclined orbits move the real optimum.
    assert 0.5 < best.c3_km2_s2 / h.c3_km2_s2 < 1.5
    assert best.c3_km2_s2 <= mars2.c3_km2_s2
    assert best.tof_days < h.tof_days  # 1971 was a favourable (near-perihelion) opposition


def test_window_1971_pinned(window_1971: Porkchop) -> None:
    best = window_1971.best
    assert best is not None
    assert sig3(best.c3_km2_s2) == "7.87"
    assert sig3(best.vinf_arrival_km_s) == "2.85"
    assert best.depart == dt.datetime(1971, 5, 24, 12, tzinfo=dt.UTC)
    assert best.arrive.date() == dt.date(1971, 12, 23)
    assert window_1971.days_from_optimum == -5.0  # Mars 2 left five days early
    assert not window_1971.at_edge


def test_porkchop_grid(window_1971: Porkchop) -> None:
    grid = window_1971.grid
    assert grid.c3.shape == (121, 401) == grid.vinf_arrival.shape == grid.tof_days.shape
    assert grid.departures[0] == dt.datetime(1971, 3, 20, 12, tzinfo=dt.UTC)
    assert grid.arrivals[0] == dt.datetime(1971, 7, 18, 12, tzinfo=dt.UTC)
    solved = ~np.isnan(grid.c3)
    assert ((grid.tof_days[solved] > 120 - 1e-6) & (grid.tof_days[solved] < 400 + 1e-6)).all()
    assert not solved[(grid.tof_days < 119.9) | (grid.tof_days > 400.1)].any()
    assert solved.sum() > 0.6 * solved.size
    assert window_1971.best is not None
    assert window_1971.best.c3_km2_s2 == pytest.approx(float(np.nanmin(grid.c3)), rel=1e-9)
    # A grid cell is the same arc as a single transfer between those instants.
    i, j = 60, 192  # 1971-05-19 12:00 → 1971-11-27 12:00
    one = lambert_transfer(grid.departures[i], grid.arrivals[j], "Mars")
    assert grid.c3[i, j] == pytest.approx(one.c3_km2_s2, rel=1e-9)
    assert grid.vinf_arrival[i, j] == pytest.approx(one.vinf_arrival_km_s, rel=1e-9)


def test_lambert_grid_solves_every_forward_pair() -> None:
    deps = [dt.date(1971, 5, 1) + dt.timedelta(days=10 * k) for k in range(5)]
    arrs = [dt.date(1971, 5, 21) + dt.timedelta(days=50 * k) for k in range(6)]
    grid = lambert_grid(deps, arrs, "Mars")
    assert np.array_equal(~np.isnan(grid.c3), grid.tof_days > 0)


def test_wrong_dates_are_suspect() -> None:
    early = lambert_transfer(MARS2_LAUNCH, dt.date(1971, 8, 27), "Mars")
    assert early.c3_km2_s2 > C3_SUSPECT and early.suspect
    assert sig3(early.c3_km2_s2) == "28.6"


def test_venus_transfer() -> None:
    # Venera 4: launched 1967-06-12 02:40 UTC, entered Venus's atmosphere 1967-10-18.
    venera4 = lambert_transfer(dt.datetime(1967, 6, 12, 2, 40), dt.date(1967, 10, 18), "Venus")
    assert sig3(venera4.c3_km2_s2) == "8.81"
    assert sig3(venera4.vinf_arrival_km_s) == "3.14"
    window = porkchop(dt.date(1967, 6, 12), "Venus")
    assert window.grid.c3.shape == (121, 251)  # 70-200 days of flight
    assert window.best is not None and sig3(window.best.c3_km2_s2) == "5.82"
    assert window.days_from_optimum == 13.0


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="not after departure"):
        lambert_transfer(dt.date(1971, 11, 27), dt.date(1971, 5, 19), "Mars")
    with pytest.raises(ValueError, match="unknown target"):
        lambert_transfer(dt.date(1971, 5, 19), dt.date(1971, 11, 27), "Vulcan")
    with pytest.raises(ValueError, match="pass tof_days"):
        porkchop(dt.date(1971, 5, 19), "Jupiter")


def test_ephemeris_is_bundled_and_cached() -> None:
    eph = ephemeris()
    assert ephemeris() is eph
    path = Path(eph.kernel.path)
    assert path.name == "de421.bsp" and "skyfield_data" in path.parts


def _items(doc: Document) -> dict[str, Item]:
    return {item.name: item for entry in doc.entries for item in entry.items}


def test_target_of_seed(seed_doc: Document) -> None:
    targets = {name: target_of(item) for name, item in _items(seed_doc).items()}
    venus = {"Cosmos 21", "3MV-1A", "3MV-1 No. 2 SA"}
    assert {n for n, t in targets.items() if t == "Venus"} == venus
    assert {n for n, t in targets.items() if t is None} == set()
    # Filed as a "Venus probe", but a Mars 2MV-3 whose narrative names Mars.
    assert targets["Sputnik 24"] == "Mars"


def test_target_of_none_and_venus_narrative() -> None:
    doc = parse_text(
        "1965 April 23 - . 01:12 GMT - . Launch Site: Baikonur.\n\n"
        "· Molniya 1-1 - . Payload: 11F67. Nation: USSR. Program: Molniya. "
        "Type: Communications satellite. Relayed television.\n\n"
        "· Astron - . Payload: A-1. Class: Astronomy. Type: Telescope. Observed Venus.\n\n"
        "1967 June 12 - . 02:39 GMT - . Launch Site: Baikonur.\n\n"
        "· Venera 4 - . Payload: 1V s/n 310. Nation: USSR. Program: Venera. "
        "Type: Venus probe. It reached Venus on 18 October 1967.\n")
    items = _items(doc)
    assert target_of(items["Molniya 1-1"]) is None
    assert target_of(items["Astron"]) is None  # names Venus, but is no planetary probe
    assert target_of(items["Venera 4"]) == "Venus"
    entry = doc.entries[1]
    ((item, events),) = entry_events(entry)
    report = transfer_for(entry, item, events, window=False)
    assert report is not None and report.transfer is not None and report.window is None
    assert report.launch == dt.datetime(1967, 6, 12, 2, 39, tzinfo=dt.UTC)
    assert sig3(report.transfer.c3_km2_s2) == "8.81"
    other = doc.entries[0]
    assert transfer_for(other, other.items[0], []) is None


@pytest.fixture(scope="module")
def seed_reports(seed_doc: Document) -> dict[str, TransferReport | None]:
    return {item.name: transfer_for(entry, item, events)
            for entry in seed_doc.entries for item, events in entry_events(entry)
            if item.name != "1F DPS"}  # twice in the seed, under Phobos 1 and 2


def test_failed_launches_have_no_transfer(seed_doc: Document,
                                          seed_reports: dict[str, TransferReport | None]
                                          ) -> None:
    for entry in seed_doc.entries:
        for item in entry.items:
            if entry.outcome == "failure":
                assert seed_reports.get(item.name) is None, item.name


def test_seed_reports(seed_reports: dict[str, TransferReport | None]) -> None:
    """C3 (km²/s²) and arrival v∞ (km/s) of every seed payload whose narrative
    dates its arrival, to three significant figures; none is suspect."""
    expected = {"Mars 1": ("15.3", "3.95"), "Zond 2": ("10.8", "3.76"),
                "Mars 2": ("8.11", "2.91"), "Mars 3": ("8.37", "2.89"),
                "Mars 4": ("15.2", "2.96"), "Mars 5": ("14.6", "2.9"),
                "Mars 6": ("16.1", "2.59"), "Mars 7": ("16.3", "2.54"),
                "Phobos 2": ("12", "2.58")}
    got = {name: (sig3(r.transfer.c3_km2_s2), sig3(r.transfer.vinf_arrival_km_s))
           for name, r in seed_reports.items() if r is not None and r.transfer is not None}
    assert got == expected
    assert not any(r.suspect for r in seed_reports.values() if r is not None)


def test_seed_report_details(seed_reports: dict[str, TransferReport | None]) -> None:
    mars2 = seed_reports["Mars 2"]
    assert mars2 is not None and mars2.arrival is not None and mars2.transfer is not None
    assert (mars2.arrival.kind, mars2.arrival.span.text) == \
        ("arrival", "reaching Mars on 27 November 1971")
    assert mars2.launch == MARS2_LAUNCH
    phobos2 = seed_reports["Phobos 2"]
    assert phobos2 is not None and phobos2.arrival is not None
    assert phobos2.arrival.kind == "orbit-insertion"
    # Phobos 1 was lost on the way: no arrival, but its window.
    phobos1 = seed_reports["Phobos 1"]
    assert phobos1 is not None and phobos1.transfer is None and phobos1.window is not None
    assert phobos1.window.days_from_optimum == 2.0
    # Zond 3 left in July 1965, months after the Mars window: the grid's minimum is
    # on its edge, no window's optimum, so there is no window report but a reason
    # (issue 12; it was reported with that edge minimum as its "best").
    zond3 = seed_reports["Zond 3"]
    assert zond3 is not None and zond3.transfer is None and zond3.window is None
    assert zond3.window_note is not None
    assert zond3.window_note.startswith("launched outside any Mars window: the lowest C3 for "
                                        "launches within 60 days of it (43.7 km²/s², departing "
                                        "1965-05-19) lies on the edge of the grid")
    data = zond3.to_json()
    assert (data["window"], data["window_note"]) == (None, zond3.window_note)
    edge = porkchop(dt.date(1965, 7, 18), "Mars").to_json(grid=False)
    assert edge["best"] is None and edge["days_from_optimum"] is None
    assert edge["at_edge"] is True and edge["edge_best"]["c3_km2_s2"] == pytest.approx(43.7, 0.01)
    assert edge["note"] == zond3.window_note
    assert porkchop(dt.date(1971, 5, 19), "Mars").to_json(grid=False)["note"] is None


@pytest.fixture(scope="module")
def flyby_doc() -> Document:
    return parse_file(fixture_path("events-flybys.txt"))


def _report(doc: Document, name: str, *, window: bool = False) -> TransferReport | None:
    for entry in doc.entries:
        for item, events in entry_events(entry):
            if item.name == name:
                return transfer_for(entry, item, events, window=window)
    raise KeyError(name)


def test_an_arrival_known_to_the_month_gives_an_interval(flyby_doc: Document) -> None:
    """Venera 3 "reached Venus in March 1966": the arc to the middle day and the arcs
    to the first and last days of March bound the transfer."""
    report = _report(flyby_doc, "Venera 3")
    assert report is not None and report.transfer is not None and report.bounds is not None
    first, last = report.bounds
    assert [t.arrive.date() for t in (first, report.transfer, last)] == [
        dt.date(1966, 3, 1), dt.date(1966, 3, 16), dt.date(1966, 3, 31)]
    assert first.tof_days < report.transfer.tof_days < last.tof_days
    assert last.tof_days - first.tof_days == pytest.approx(30.0)
    data = report.to_json()
    assert data["arrival_interval"] == {"text": "March 1966", "precision": "month",
                                        "start": "1966-03-01", "end": "1966-03-31"}
    assert [b["arrive"][:10] for b in data["bounds"]] == ["1966-03-01", "1966-03-31"]
    # A season (Venera 4, autumn 1967) and a flyby month (Zond 1, July 1964) alike.
    venera4 = _report(flyby_doc, "Venera 4")
    assert venera4 is not None and venera4.bounds is not None
    assert venera4.to_json()["arrival_interval"]["precision"] == "season"
    zond1 = _report(flyby_doc, "Zond 1")
    assert zond1 is not None and zond1.arrival is not None and zond1.arrival.kind == "flyby"
    # A day-precise arrival has no bounds.
    venera1 = _report(flyby_doc, "Venera 1")
    assert venera1 is not None and venera1.bounds is None
    assert venera1.to_json()["arrival_interval"] is None


def test_a_day_arrival_is_preferred_to_a_vaguer_one() -> None:
    events = extract_events("It reached Venus in March 1966. It landed on Venus on "
                            "1 March 1966.", launch=dt.date(1965, 11, 16))
    arrival = arrival_event(events, "Venus")
    assert arrival is not None and arrival.kind == "landing"


def test_venus_and_mars_programs_are_targets(flyby_doc: Document) -> None:
    assert [planet_named(p) for p in ("Venera", "Vega", "Pioneer Venus", "Fobos 1F",
                                      "Mars-96", "Marsnik", "Mariner", "Marshall", None)] == [
        "Venus", "Venus", "Venus", "Mars", "Mars", "Mars", None, None, None]
    items = {i.name: i for e in flyby_doc.entries for i in e.items}
    # Venera 1: no Class, no Type, a spacecraft "1VA": the Program alone says Venus.
    assert target_of(items["Venera 1"]) == "Venus"
    assert target_of(items["Venera 3"]) == "Venus"


def test_a_probe_that_never_left_earth_orbit_has_no_transfer(flyby_doc: Document) -> None:
    entry = next(e for e in flyby_doc.entries if e.items[0].name == "Cosmos 27")
    assert entry.outcome == "success"  # no FAILURE field: the record says it otherwise
    assert no_transfer_reason(entry, entry.items[0]) == (
        "it never left Earth orbit: it decayed on 1964-03-29, 2 days after its launch")
    assert _report(flyby_doc, "Cosmos 27") is None
    stayed = parse_text("1964 March 27 - . 03:24 GMT - . Launch Site: Baikonur.\n\n· P - . "
                        "Type: Venus probe. The escape stage failed and it remained in Earth "
                        "orbit.\n")
    entry = stayed.entries[0]
    assert no_transfer_reason(entry, entry.items[0]) == (
        "it never left Earth orbit: the narrative says 'remained in Earth orbit'")
    # A decay more than a year after the launch is not a stranding in a parking orbit.
    late = parse_text("1964 March 27 - . 03:24 GMT - . Launch Site: Baikonur.\n\n· P - . "
                      "Type: Venus probe. Decay Date: 1965-04-01.\n")
    assert no_transfer_reason(late.entries[0], late.entries[0].items[0]) is None


def test_sub_payloads_carried_aboard_share_their_carriers_transfer(seed_doc: Document) -> None:
    phobos2 = next(e for e in seed_doc.entries if e.date.text == "1988 July 12")
    assert [no_transfer_reason(phobos2, i) for i in phobos2.items] == [
        None, "it was carried aboard Phobos 2, whose transfer it shares",
        "it was carried aboard Phobos 2, whose transfer it shares"]
    for item, events in entry_events(phobos2)[1:]:
        assert transfer_for(phobos2, item, events, window=False) is None


def test_reports_are_plain_json(seed_reports: dict[str, TransferReport | None]) -> None:
    report = seed_reports["Mars 2"]
    assert report is not None
    data = report.to_json()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert "c3_km2_s2" not in data["window"]
    assert data["transfer"]["depart"] == "1971-05-19T16:22:00+00:00"
    assert data["arrival"]["kind"] == "arrival"
    assert report.window is not None
    full = report.window.to_json(grid=True)
    text = json.dumps(full, allow_nan=False)
    assert len(full["c3_km2_s2"]) == len(full["departures"]) == 121
    assert len(full["c3_km2_s2"][0]) == len(full["arrivals"]) == 401
    assert full["c3_km2_s2"][0][0] is None and "NaN" not in text
