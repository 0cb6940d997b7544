"""Narrative events and transfers through the store, on SQLite and PostgreSQL: events
read lazily and kept in ``events``, transfer reports with the figures pinned in
``test_transfers.py``, and the ``transfer_cache`` that spares a second computation.

Facts of the bundled seed: Mars 2 (1971-045A) reached Mars on 27 November 1971;
Cosmos 419 (1971-042A) failed to leave Earth orbit; Mars 3 left nine days after
Mars 2; Phobos 1 was lost on the way (no arrival).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from db_support import SEED_NAME, no_orphans, row_counts, write_text
from kosmochron import transfers
from kosmochron.cli import main
from kosmochron.events import item_events
from kosmochron.store import QueryError, Store
from kosmochron.store import transfer_cache as stored_transfers
from kosmochron.store.schema import events, transfer_cache

pytest_plugins = ["db_support"]

#: A Venus probe, an Earth satellite that names Venus, and a probe dated to the month.
OTHERS = (
    "Other Chronology\n\n\n\n"
    "1967 June 12 - . 02:39 GMT - . Launch Site: Baikonur. LV Family: R-7. \n\n"
    "· Venera 4 - . Payload: 1V s/n 310. Nation: USSR. Program: Venera. Class: Planetary. "
    "Type: Venus probe. It reached Venus on 18 October 1967.\n\n"
    "1965 April 23 - . 01:12 GMT - . Launch Site: Baikonur. LV Family: R-7. \n\n"
    "· Molniya 1-1 - . Payload: 11F67. Nation: USSR. Program: Molniya. "
    "Type: Communications satellite. It relayed television, not Venus.\n\n"
    "1969 January - . Launch Site: Baikonur. LV Family: R-7. \n\n"
    "· Venera X - . Payload: 2V. Nation: USSR. Class: Planetary. Type: Venus probe. "
    "It reached Venus on 16 May 1969.\n\n")


def sig3(x: float | None) -> str:
    assert x is not None
    return f"{x:.3g}"


def payload(store: Store, cospar: str) -> int:
    [item_id] = store.payload_ids(cospar=cospar)
    return item_id


def named(store: Store, name: str) -> int:
    detail = store.get(name).stored
    return next(i for i, item in zip(detail.item_ids, detail.entry.items, strict=True)
                if item.name == name)


def cache_rows(store: Store) -> dict[str, Any]:
    with store.engine.connect() as conn:
        return {r.key: r for r in conn.execute(sa.select(transfer_cache))}


def event_rows(store: Store, item_id: int) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(events)
                                .where(events.c.item_id == item_id)).scalar_one())


# -- events ------------------------------------------------------------------------------


def test_events_are_read_on_first_request_and_stored(store: Store) -> None:
    assert row_counts(store)["events"] == 0  # nothing at ingest: they are read lazily
    mars2 = payload(store, "1971-045A")
    found = store.payload_events(mars2)
    arrival = [e for e in found if e.kind == "arrival"]
    assert [(e.body, e.date and e.date.start, e.date and e.date.precision, e.span.text)
            for e in arrival] == [("Mars", dt.date(1971, 11, 27), "day",
                                   "reaching Mars on 27 November 1971")]
    assert arrival[0].span.line == 81
    assert event_rows(store, mars2) == len(found) > 0
    # The stored rows give back exactly what the narrative gives.
    detail = store.get("Mars 2").stored
    direct = item_events(detail.entry.items[0], detail.entry.date.start)
    again = store.payload_events(mars2)
    # Each stored event also says where it is told (issue 17: a payload told by two
    # sources has the events of both narratives).
    told = {"source": SEED_NAME, "entry_id": detail.id, "item_id": mars2}
    assert [e.to_json() for e in again] == [e.to_json() | told for e in direct] \
        == [e.to_json() for e in found]
    assert event_rows(store, mars2) == len(found)  # read from the table, not stored twice


def test_seed_events_kinds_bodies_distances(store: Store) -> None:
    def summary(name: str) -> list[tuple[str, str | None, str | None, float | None]]:
        return [(e.kind, e.date.start.isoformat() if e.date and e.date.start else None,
                 e.body, e.distance_km) for e in store.payload_events(named(store, name))]

    assert ("flyby", "1965-08-06", "Mars", 1500.0) in summary("Zond 2")
    assert ("flyby", None, "Mars", 2200.0) in summary("Mars 4")
    assert ("arrival", "1974-02-10", "Mars", None) in summary("Mars 4")
    assert ("flyby", None, "Mars", 1300.0) in summary("Mars 7")
    assert ("orbit-insertion", "1989-01-29", "Mars", None) in summary("Phobos 2")
    assert ("reentry", "1971-05-12", "Earth", None) in summary("Cosmos 419")
    assert summary("MAS 1") == []


def test_events_of_an_unknown_payload(store: Store) -> None:
    with pytest.raises(QueryError, match="no payload with id 999999"):
        store.payload_events(999999)
    with pytest.raises(QueryError, match="no payload"):
        store.payload_transfer(999999)


def test_events_are_read_again_when_the_rules_change(store: Store) -> None:
    mars2, mars3 = payload(store, "1971-045A"), payload(store, "1971-049A")
    n = len(store.payload_events(mars2))
    assert cache_rows(store)[stored_transfers.EVENTS_KEY].data \
        == stored_transfers.fingerprint("kosmochron.events")
    with store.engine.begin() as conn:  # as if stored by other rules
        conn.execute(sa.update(transfer_cache).values(data="older rules")
                     .where(transfer_cache.c.key == stored_transfers.EVENTS_KEY))
    store.payload_events(mars3)
    assert event_rows(store, mars2) == 0 and event_rows(store, mars3) > 0
    assert len(store.payload_events(mars2)) == n
    assert cache_rows(store)[stored_transfers.EVENTS_KEY].data \
        == stored_transfers.fingerprint("kosmochron.events")


def test_events_go_with_their_source(store: Store) -> None:
    mars2 = payload(store, "1971-045A")
    store.payload_events(mars2)
    assert store.payload_transfer(mars2) is not None
    assert store.remove_source(None)
    counts = row_counts(store)
    assert counts["events"] == 0 and counts["items"] == 0
    assert counts["transfer_cache"] > 0  # pure functions of dates: no source owns them
    assert no_orphans(store)


# -- transfers ---------------------------------------------------------------------------


def test_mars2_transfer(store: Store) -> None:
    mars2 = payload(store, "1971-045A")
    report = store.payload_transfer(mars2)
    assert report is not None
    assert (report["name"], report["target"], report["launch"]) == \
        ("Mars 2", "Mars", "1971-05-19T16:22:00+00:00")
    t = report["transfer"]
    assert sig3(t["c3_km2_s2"]) == "8.11" and sig3(t["vinf_arrival_km_s"]) == "2.91"
    assert sig3(t["dla_deg"]) == "-27.2"
    assert t["arrive"] == "1971-11-27T12:00:00+00:00" and not report["suspect"]
    assert report["arrival"]["span"]["text"] == "reaching Mars on 27 November 1971"
    window = report["window"]
    assert window["key"] == "Mars:1971-05-19"
    assert sig3(window["best"]["c3_km2_s2"]) == "7.87"
    assert window["days_from_optimum"] == -5.0 and not window["at_edge"]
    assert [(m["name"], m["outcome"], m["arrival"]) for m in window["launches"]] == [
        ("Cosmos 419", "failure", None), ("Mars 2", "success", "1971-11-27"),
        ("Mars 3", "success", "1971-12-02")]
    assert "c3_km2_s2" not in window and "geometry" not in report
    assert json.loads(json.dumps(report, allow_nan=False)) == report


def test_grid_and_geometry_on_request(store: Store) -> None:
    report = store.payload_transfer(payload(store, "1971-045A"), grid=True, geometry=True)
    assert report is not None
    window = report["window"]
    assert len(window["departures"]) == len(window["c3_km2_s2"]) == 121
    assert len(window["arrivals"]) == len(window["c3_km2_s2"][0]) == 401
    g = report["geometry"]
    assert g["arc"][0] == g["earth_at_departure"]
    assert g["arc"][-1] == pytest.approx(g["target_at_arrival"], abs=1e-4)
    assert len(g["earth_orbit"]) == len(g["target_orbit"]) == 181
    mars_r = [(x * x + y * y) ** 0.5 for x, y in g["target_orbit"]]
    assert 1.38 < min(mars_r) < max(mars_r) < 1.67  # Mars's perihelion and aphelion


def test_the_second_request_is_served_from_the_cache(store: Store,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    mars2 = payload(store, "1971-045A")
    first = store.payload_transfer(mars2, grid=True, geometry=True)
    rows = cache_rows(store)
    assert {"Mars:1971-05-19", "arc:Mars:1971-05-19T16:22:00+00:00:1971-11-27"} <= set(rows)
    stored = json.loads(rows["Mars:1971-05-19"].data)
    assert stored["code"] == stored_transfers.fingerprint("kosmochron.transfers")
    assert len(stored["value"]["c3_km2_s2"]) == 121

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed again instead of read from the cache")

    for name in ("porkchop", "lambert_transfer", "transfer_for", "transfer_geometry"):
        monkeypatch.setattr(transfers, name, fail)
    assert store.payload_transfer(mars2, grid=True, geometry=True) == first
    # Mars 3 has its own arc, but Mars 2's launch day is not Mars 3's: its own window.
    with pytest.raises(AssertionError, match="computed again"):
        store.payload_transfer(payload(store, "1971-049A"))
    assert {r: rows[r].computed_at for r in rows} == \
        {r: v.computed_at for r, v in cache_rows(store).items() if r in rows}


def test_results_of_other_code_are_computed_again(store: Store,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    mars2 = payload(store, "1971-045A")
    first = store.payload_transfer(mars2)
    with store.engine.begin() as conn:
        conn.execute(sa.update(transfer_cache).values(data=json.dumps(
            {"code": "older code", "value": {"nonsense": True}}))
            .where(transfer_cache.c.key == "Mars:1971-05-19"))
    calls = []
    porkchop = transfers.porkchop

    def counted(*args: Any, **kwargs: Any) -> transfers.Porkchop:
        calls.append(args)
        return porkchop(*args, **kwargs)

    monkeypatch.setattr(transfers, "porkchop", counted)
    assert store.payload_transfer(mars2) == first
    assert calls == [(dt.date(1971, 5, 19), "Mars")]
    assert store.payload_transfer(mars2) == first and len(calls) == 1


def test_payloads_without_a_transfer(store: Store) -> None:
    cosmos419 = payload(store, "1971-042A")
    assert store.payload_transfer(cosmos419) is None
    assert store.no_transfer_reason(cosmos419) == "its launch failed"
    assert store.payload_transfer(payload(store, "1962-B-Iota-1")) is None  # Sputnik 22
    assert store.no_transfer_reason(payload(store, "1971-045A")) is None


def test_probe_lost_on_the_way_has_its_window_only(store: Store) -> None:
    report = store.payload_transfer(named(store, "Phobos 1"), geometry=True)
    assert report is not None
    assert report["arrival"] is None and report["transfer"] is None
    assert report["geometry"] is None and report["note"] is None
    assert report["window"]["days_from_optimum"] == 2.0
    assert [m["name"] for m in report["window"]["launches"]] == ["Phobos 1", "Phobos 2"]


def test_venus_and_payloads_with_no_target_or_no_day(store: Store, tmp_path: Path) -> None:
    store.ingest([write_text(tmp_path / "others.txt", OTHERS)])
    venera4 = named(store, "Venera 4")
    report = store.payload_transfer(venera4)
    assert report is not None and report["target"] == "Venus"
    assert sig3(report["transfer"]["c3_km2_s2"]) == "8.81"
    assert report["window"]["key"] == "Venus:1967-06-12"
    assert [m["name"] for m in report["window"]["launches"]] == ["Venera 4"]
    molniya = named(store, "Molniya 1-1")
    assert store.payload_transfer(molniya) is None
    assert store.no_transfer_reason(molniya) == "it was not bound for Mars or Venus"
    vague = named(store, "Venera X")
    assert store.payload_transfer(vague) is None
    assert store.no_transfer_reason(vague) == \
        "its launch date '1969 January' is not precise to the day"


# -- the command -------------------------------------------------------------------------


def test_transfer_command(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    db = store.settings.url
    assert main(["transfer", "1971-045A", "--db", db, "--format", "json"]) == 0
    [report] = json.loads(capsys.readouterr().out)
    assert report["name"] == "Mars 2" and sig3(report["transfer"]["c3_km2_s2"]) == "8.11"
    assert main(["transfer", "Mars 2", "--db", db]) == 0
    table = capsys.readouterr().out
    assert "8.11 km²/s²" in table and "2.91 km/s" in table and "-27.2°" in table
    assert "-5 days" in table and "Cosmos 419 1971-05-10 (failed)" in table
    assert main(["transfer", "Cosmos 419", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "no transfer for 'Cosmos 419'" in err and "its launch failed" in err
    assert main(["transfer", "Vulcan 1", "--db", db]) == 2
    assert "no launch matches 'Vulcan 1'" in capsys.readouterr().err


def test_vague_arrivals_strandings_and_sub_payloads(store: Store, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12 through the store: an arrival known to the month (Venera 3, March 1966)
    is an interval with bounding arcs, cached under an interval key; a probe that
    decayed two days after launch (Cosmos 27) and the Phobos sub-payloads have no
    report but a reason; Zond 3's window is outside any window."""
    fixture = Path(__file__).parent / "fixtures" / "events-flybys.txt"
    store.ingest([write_text(tmp_path / "flybys.txt", fixture.read_text(encoding="utf-8"))])
    venera3 = named(store, "Venera 3")
    report = store.payload_transfer(venera3)
    assert report is not None and report["arrival_interval"]["precision"] == "month"
    first, last = report["bounds"]
    assert (first["arrive"][:10], report["transfer"]["arrive"][:10], last["arrive"][:10]) == (
        "1966-03-01", "1966-03-16", "1966-03-31")
    assert "arc:Venus:1965-11-16T04:19:00+00:00:1966-03-01/1966-03-31" in cache_rows(store)
    assert store.payload_transfer(named(store, "Cosmos 27")) is None
    assert store.no_transfer_reason(named(store, "Cosmos 27")) == (
        "it never left Earth orbit: it decayed on 1964-03-29, 2 days after its launch")
    detail = store.get("Phobos 2").stored
    assert [store.no_transfer_reason(i) for i in detail.item_ids] == [
        None, *["it was carried aboard Phobos 2, whose transfer it shares"] * 2]
    zond3 = store.payload_transfer(named(store, "Zond 3"))
    assert zond3 is not None and zond3["window"]["best"] is None
    assert zond3["window_note"].startswith("launched outside any Mars window")
    db = store.settings.url
    assert main(["transfer", "Venera 3", "--db", db]) == 0
    table = capsys.readouterr().out
    assert "1966-03-01 to 1966-03-31 (month)" in table
    assert "over the arrival interval" in table
    assert main(["transfer", "Zond 3", "--db", db]) == 0
    assert "none: launched outside any Mars window" in capsys.readouterr().out
