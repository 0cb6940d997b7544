"""GCAT launches written as chronology text (kosmochron.chronicle): the parser reads the
text back to the same facts, with no diagnostics, and every entry is a launch."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kosmochron.chronicle import (
    GcatCatalog,
    astronautix_cospar,
    date_text,
    expected_facts,
    item_line,
    item_pairs,
    launch_facts,
    launch_order,
    program_and_spacecraft,
    render_chronology,
    render_launch,
    series_of,
)
from kosmochron.dates import parse_vague_date
from kosmochron.gcat import GcatLaunch, GcatObject, read_gcat
from kosmochron.gcatcodes import parse_gcat_date
from kosmochron.model import Cospar
from kosmochron.source import parse_text

GCAT = Path(__file__).parent / "fixtures" / "gcat"


@pytest.fixture(scope="module")
def catalog() -> GcatCatalog:
    records = []
    for name in ("psatcat-sample.tsv", "sites-sample.tsv", "orgs-sample.tsv", "lv-sample.tsv"):
        records.extend(read_gcat(GCAT / name)[1])
    return GcatCatalog.from_records(records)


def sample_launches() -> list[GcatLaunch]:
    found: list[GcatLaunch] = []
    for name in ("orbital-launches-sample.csv", "launch-v2.tsv", "launch-v1.tsv"):
        found.extend(r for r in read_gcat(GCAT / name)[1] if isinstance(r, GcatLaunch))
    return found


def test_every_sample_launch_reads_back_to_its_facts(catalog: GcatCatalog) -> None:
    launches = sample_launches()
    doc = parse_text("".join(render_chronology(launches, catalog)))
    assert doc.diagnostics == []
    assert len(doc.entries) == len(launches)
    for launch, entry in zip(sorted(launches, key=launch_order), doc.entries, strict=True):
        assert entry.kind == "launch", launch.tag
        assert launch_facts(entry) == expected_facts(launch, catalog), launch.tag


def test_what_an_entry_says(catalog: GcatCatalog) -> None:
    launches = {r.tag: r for r in read_gcat(GCAT / "orbital-launches-sample.csv")[1]
                if isinstance(r, GcatLaunch)}
    entry = parse_text(render_launch(launches["1962 B IOT"], catalog)).entries[0]
    assert (entry.date.text, entry.time_utc) == ("1962 October 24", "18:00")
    assert (entry.site, entry.complex, entry.lv_family, entry.vehicle) == \
        ("Baykonur", "Baykonur LC1", "R-7", "Molniya 8K78")
    assert entry.configuration is None and entry.value("Flight ID") == "T103-15"
    assert (entry.outcome, entry.failure, entry.failed_stage) == \
        ("failure", "Turbopump, stage exploded.", "4")
    assert [entry.value(k) for k in ("Launch Tag", "Launch Code", "Failure Code", "Agency",
                                     "State", "GCAT Site", "Launch JD")] == \
        ["1962 B IOT", "OF40", "S4P", "RVSN", "USSR", "NIIP-5", "2437962.25"]
    [sputnik22] = entry.items
    cospar = sputnik22.typed("COSPAR")
    assert isinstance(cospar, Cospar) and cospar.gcat == "1962 B IOT 1"
    assert sputnik22.value("Payload") is None  # GCAT gives this payload no name
    assert sputnik22.typed("USAF Sat Cat") == 443
    # A failure without psatcat payloads still has one item, named after the flight.
    vanguard = parse_text(render_launch(launches["1957-F01"], catalog)).entries[0]
    assert [i.name for i in vanguard.items] == ["Vanguard TV3"]
    assert vanguard.items[0].value("Payload") == "Vanguard Test Satellite"


def test_the_variant_is_said(catalog: GcatCatalog) -> None:
    launch = next(x for x in sample_launches() if x.tag == "1964-F01")
    entry = parse_text(render_launch(launch, catalog)).entries[0]
    assert (entry.vehicle, entry.value("LV Variant")) == ("Molniya 8K78", "M")


@pytest.mark.parametrize(("first", "last", "text"), [
    (dt.date(1957, 10, 4), dt.date(1957, 10, 4), "1957 October 4"),
    (dt.date(1961, 2, 26), dt.date(1961, 2, 28), "1961 February 26-28"),
    (dt.date(1964, 3, 1), dt.date(1964, 3, 31), "1964 March"),
    (dt.date(1962, 3, 1), dt.date(1962, 5, 31), "1962 Spring"),
    (dt.date(1962, 12, 1), dt.date(1963, 2, 28), "1962 Winter"),
    (dt.date(1967, 1, 1), dt.date(1967, 12, 31), "1967"),
    (dt.date(1961, 2, 28), dt.date(1961, 3, 2), "1961"),  # no closer chronology date holds it
])
def test_date_text(first: dt.date, last: dt.date, text: str) -> None:
    assert date_text(first, last) == text
    date = parse_vague_date(text)
    assert date.start is not None and date.end is not None
    assert date.start <= first and last <= date.end


@pytest.mark.parametrize(("piece", "written"), [
    ("1962 B IOT 1", "1962-B-Iota-1"), ("1957 ALP 2", "1957-Alpha-2"),
    ("1958 ALP", "1958-Alpha"), ("2025-071AB", "2025-071AB"), ("junk", None), (None, None),
])
def test_pieces_as_the_chronology_writes_them(piece: str | None, written: str | None) -> None:
    assert astronautix_cospar(piece) == written


SAFE_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "S")),
                    min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@example(flight="Mars Probe: Venus. Launch Site: Moon", notes="a.. b. C: d. Failed Stage: 9",
         agency="X - . Y", pad="LC 1.")
@example(flight="· Bullet", notes="FAILURE: x..", agency="U.S. Air Force", pad="T+300.9 s")
@given(flight=SAFE_TEXT, notes=SAFE_TEXT, agency=SAFE_TEXT, pad=SAFE_TEXT)
def test_any_values_read_back(flight: str, notes: str, agency: str, pad: str) -> None:
    """Names, notes and codes with periods, colons, dashes and bullets in them still
    read back as written (or as the one safe spelling the writer chose)."""
    base = next(x for x in sample_launches() if x.tag == "1962 B IOT")
    assert isinstance(base, GcatLaunch)
    launch = dataclasses.replace(base, flight=flight, notes=notes, agency=agency, pad=pad)
    catalog = GcatCatalog()
    entry_text = render_launch(launch, catalog)
    doc = parse_text(entry_text)
    assert len(doc.entries) == 1
    assert launch_facts(doc.entries[0]) == expected_facts(launch, catalog)


@pytest.mark.parametrize(("name", "series"), [
    ("Venera 7", "Venera"), ("Venera-9", "Venera"), ("Mars 2", "Mars"), ("Zond", "Zond"),
    ("Cosmos 419", "Cosmos"), ("Vanguard TV3", "Vanguard TV"), ("1VA No. 2", None),
    ("Molniya-1-23", None), (None, None), ("", None),
])
def test_the_series_of_a_name(name: str | None, series: str | None) -> None:
    assert series_of(name) == series


@pytest.mark.parametrize(("name", "program", "expected"), [
    # GCAT's program column names the spacecraft model: the series is the program.
    ("Venera-9", "4V-1", ("Venera", "4V-1")), ("Mars 2", "3M", ("Mars", "3M")),
    ("Venera 2", "3MV", ("Venera", "3MV")),
    # A program that is a name stays the program.
    ("Sputnik 2", "Sputnik", ("Sputnik", None)), ("Starlink-1007", "Starlink", ("Starlink", None)),
    # A model code but no series in the name: kept as GCAT wrote it.
    ("1VA No. 2", "1VA", ("1VA", None)), (None, None, (None, None)),
])
def test_program_and_spacecraft_from_gcat(name: str | None, program: str | None,
                                          expected: tuple[str | None, str | None]) -> None:
    assert program_and_spacecraft(name, program) == expected


def test_a_venera_probe_reads_back_with_its_program_and_model(tmp_path: Path) -> None:
    """``kosmochron render --program Venera`` must find GCAT's Venera probes, whose
    psatcat program is the bus (4V-1A): the item says Program: Venera, Spacecraft: 4V-1A."""
    header = ("#JCAT\tPiece\tName\tLDate\tTLast\tTOp\tTDate\tTF\tProgram\tPlane\tAtt\tMvr\t"
              "Class\tCategory\tResult\tControl\tDiscipline\tUNState\tUNReg\tUNPeriod\t"
              "UNPerigee\tUNApogee\tUNInc\tDispEpoch\tDispPeri\tDispApo\tDispInc\tComment\n")
    row = ("S04489\t1970-060A\tVenera 7\t1970 Aug 17\t1970 Dec 15\t-\t-\t-\t4V-1A\t-\t-\t-\t"
           "C\tPLAN\tS\t-\t-\tSU\t-\t-\t-\t-\t-\t-\t-\t-\t-\tVenus lander\n")
    path = tmp_path / "psatcat.tsv"
    path.write_text(header + row, encoding="utf-8")
    _, records = read_gcat(path)
    obj = next(r for r in records if isinstance(r, GcatObject))
    pairs = dict(item_pairs(obj, GcatCatalog()))
    assert (pairs["Program"], pairs["Spacecraft"]) == ("Venera", "4V-1A")


def test_psatcats_end_of_mission_is_no_decay_date() -> None:
    """Issue 17: psatcat's TDate is the end of the mission (Mars 1 fell silent on 1963
    March 21, on its way to Mars), not a re-entry: written as ``Mission End``, so that
    nothing reads it as a decay ("it never left Earth orbit: it decayed 140 days after
    its launch").  satcat's DDate is a decay date and stays one."""
    mars1 = GcatObject(1, "", "S00450", "psatcat", 450, "1962 B NU", "1962 B NU 3", "P",
                       "Mars 1", end_date=parse_gcat_date("1963 Mar 21"), category="PLAN")
    pairs = dict(item_pairs(mars1, GcatCatalog()))
    assert (pairs["Decay Date"], pairs["Mission End"]) == (None, "1963-03-21")
    entry = parse_text(f"T\n\n1962 November 1 - . Launch Site: Baykonur.\n\n"
                       f"{item_line(mars1, GcatCatalog())}\n").entries[0]
    assert entry.items[0].typed("Decay Date") is None
    assert entry.items[0].value("Mission End") == "1963-03-21"
    decayed = GcatObject(1, "", "S00002", "satcat", 2, "1957 ALP", "1957 ALP 2", "P",
                         "Sputnik 1", end_date=parse_gcat_date("1958 Jan  4"))
    pairs = dict(item_pairs(decayed, GcatCatalog()))
    assert (pairs["Decay Date"], pairs["Mission End"]) == ("1958-01-04", None)
