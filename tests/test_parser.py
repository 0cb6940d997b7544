"""The parser: structure of the real files, the format's variants, positions and
diagnostics, and a property test over chronologies generated from a small grammar."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PositionCheck, fixture_path
from kosmochron import (
    Cospar,
    Document,
    Entry,
    Field,
    Item,
    Mass,
    Text,
    parse_file,
    parse_text,
    render_document,
)
from kosmochron.model import Precision

D = dt.date


def field_pairs(fields: list[Field]) -> list[tuple[str, str]]:
    return [(f.key, f.value) for f in fields]


def entry_at(doc: Document, date_text: str) -> Entry:
    matches = [e for e in doc.entries if e.date.text == date_text]
    assert len(matches) == 1, f"{len(matches)} entries dated {date_text!r}"
    return matches[0]


# --- the bundled seed -------------------------------------------------------------


def test_seed_counts(seed_doc: Document) -> None:
    assert len(seed_doc.entries) == 21
    assert sum(len(e.items) for e in seed_doc.entries) == 29
    assert {e.kind for e in seed_doc.entries} == {"launch"}
    assert len(list(seed_doc.launches())) == 21
    assert seed_doc.diagnostics == []
    assert seed_doc.source.title == "Soviet Mars Chronology"


def test_seed_positions(seed_text: str, seed_doc: Document,
                        check_positions: PositionCheck) -> None:
    check_positions(seed_text, seed_doc)


def test_seed_first_launch_failure(seed_doc: Document) -> None:
    entry = seed_doc.entries[0]
    assert entry.date.text == "1960 October 10"
    assert (entry.date.precision, entry.date.start) == ("day", D(1960, 10, 10))
    assert entry.time_utc == "14:27"
    assert entry.kind == "launch"
    assert entry.outcome == "failure"
    assert entry.failed_stage == "3"
    assert entry.site == "Baikonur"
    assert entry.complex == "Baikonur LC1"
    assert entry.lv_family == "R-7"
    assert entry.vehicle == "Molniya 8K78"
    assert entry.configuration == "Molniya 8K78 L1-4M"
    assert entry.failure == (
        "At T+300.9 sec, the launcher went out of control and the destruct command was given "
        "at T+324.2 sec - the engine of Stage 3 cut off after 13.32 s of burning.")
    [item] = entry.items
    # The name drops the source's closing period; the raw head keeps it (issue 12).
    assert item.name == "Mars probe 1M s/n 1 failure"
    assert item.head == "· Mars probe 1M s/n 1 failure. - . "
    assert item.typed("COSPAR") == Cospar("F601010A", "failure", 1960, "F601010A", "F601010A",
                                          launch_date=D(1960, 10, 10), piece="A")
    assert item.typed("Mass") == Mass(640.0, 1410.0)
    assert item.typed("Decay Date") == D(1960, 10, 10)
    assert [f.key for f in item.fields] == [
        "Payload", "Mass", "Nation", "Agency", "Program", "Class", "Type", "Spacecraft",
        "Decay Date", "COSPAR"]
    assert item.narrative.startswith("This was the Soviet Union's first attempt")
    assert item.narrative.endswith("above East Siberia.")


def test_seed_sputnik_22_greek_designator(seed_doc: Document) -> None:
    entry = entry_at(seed_doc, "1962 October 24")
    [item] = entry.items
    assert item.name == "Sputnik 22"
    cospar = item.typed("COSPAR")
    assert isinstance(cospar, Cospar)
    assert cospar.kind == "greek"
    assert cospar.normalized == "1962 Beta Iota 1"
    assert cospar.gcat == "1962 B IOT 1"
    assert item.typed("USAF Sat Cat") == 443
    field = item.field("USAF Sat Cat")
    assert field is not None and field.raw == "USAF Sat Cat: 443 . "


def test_seed_failed_stage_letter(seed_doc: Document) -> None:
    entry = entry_at(seed_doc, "1969 March 27")
    assert entry.failed_stage == "S"
    assert entry.outcome == "failure"
    assert entry.failure == ("T+51s payload shroud failed. Second stage continued but third "
                             "stage failed to ignite.")


def test_seed_placeholders(seed_doc: Document) -> None:
    entry = entry_at(seed_doc, "1988 July 7")
    assert [i.name for i in entry.items] == ["Phobos 1", "1F DPS"]
    placeholder = entry.items[1].typed("COSPAR")
    assert placeholder == Cospar("1988-058xx", "placeholder", 1988)
    kinds = [
        c.kind for e in seed_doc.entries for i in e.items
        if isinstance(c := i.typed("COSPAR"), Cospar)
    ]
    assert len(kinds) == 29
    assert set(kinds) == {"modern", "greek", "failure", "placeholder"}


def test_seed_outcomes(seed_doc: Document) -> None:
    failures = [e.date.text for e in seed_doc.entries if e.outcome == "failure"]
    assert failures == [
        "1960 October 10", "1960 October 14", "1962 October 24", "1962 November 4",
        "1963 November 11", "1964 February 19", "1969 March 27", "1969 April 2",
        "1971 May 10", "1996 November 16"]
    assert entry_at(seed_doc, "1971 May 19").outcome == "success"


def test_seed_narrative_boundaries(seed_doc: Document) -> None:
    mars_1 = entry_at(seed_doc, "1962 November 1").items[0]
    assert mars_1.fields[-1].key == "COSPAR"
    assert mars_1.narrative.endswith(
        "Announced mission: Prolonged exploration of outer space during flight to the planet "
        "Mars; establishment of inter-planetary radio communications; photgraphing of the "
        "planet Mars and subsquent radio-transmission to Earth of the photographs of the "
        "surface of Mars thus obtained.")
    mars_3 = entry_at(seed_doc, "1971 May 28").items[0]
    assert "Parameters are for Mars orbit." in mars_3.narrative
    assert "Announced" not in [f.key for f in mars_1.fields]
    summary = entry_at(seed_doc, "1960 October 14").items[0]
    assert summary.value("Summary") == (
        "Mars probe intended to photograph Mars on a flyby trajectory. This was the Soviet "
        "Union's second attempt at a planetary probe. The upper stages and payload broke up "
        "on re-entry into the atmosphere.")
    assert summary.narrative == ""


# --- the Saturn V page ------------------------------------------------------------

SATURN_LAUNCHES = {
    "1967 November 9": ["Apollo 4"],
    "1968 April 4": ["Apollo 6"],
    "1968 December 21": ["Apollo 8"],
    "1969 March 3": ["Apollo 9", "Apollo 9 LM"],
    "1969 May 18": ["Apollo 10", "Apollo 10 LM"],
    "1969 July 16": ["Apollo 11", "Apollo 11 LM"],
    "1969 November 14": ["Apollo 12", "Apollo 12 LM"],
    "1970 April 11": ["Apollo 13", "Apollo 13 LM"],
    "1971 January 31": ["Apollo 14", "Apollo 14 LM"],
    "1971 July 26": ["Apollo 15", "Apollo 15 LM", "Apollo 15 Subsatellite"],
    "1972 April 16": ["Apollo 16", "Apollo 16 LM", "Apollo 16 Subsatellite"],
    "1972 December 7": ["Apollo 17", "Apollo 17 LM"],
    "1973 May 14": ["Skylab 1"],
}


def test_saturn_counts(saturn_doc: Document) -> None:
    assert len(saturn_doc.entries) == 211
    launches = list(saturn_doc.launches())
    assert len(launches) == 13
    assert {e.date.text: [i.name for i in e.items] for e in launches} == SATURN_LAUNCHES
    # The launches are exactly the entries with a launch time.
    assert [e for e in saturn_doc.entries if e.time_utc is not None] == launches
    assert all(e.outcome == "success" for e in launches)
    assert all(e.outcome is None for e in saturn_doc.entries if e.kind == "event")
    assert saturn_doc.diagnostics == []
    assert saturn_doc.source.title == "Saturn V"


def test_saturn_positions(saturn_text: str, saturn_doc: Document,
                          check_positions: PositionCheck) -> None:
    check_positions(saturn_text, saturn_doc)


def test_saturn_land_purchase_is_an_event(saturn_doc: Document) -> None:
    entry = entry_at(saturn_doc, "1961 September 5")
    assert entry.site == "Cape Canaveral"
    # A name drops the title's closing period (issue 12), an event's note's too.
    assert [i.name for i in entry.items] == ["Purchase of land for Saturn V launch facilities"]
    assert entry.kind == "event"


def test_saturn_secondary_payload_after_narrative_paragraphs(saturn_doc: Document) -> None:
    entry = entry_at(saturn_doc, "1969 March 3")
    assert entry.time_utc == "16:00"
    assert field_pairs(entry.fields) == [
        ("Launch Site", "Cape Canaveral"), ("Launch Complex", "Cape Canaveral LC39A"),
        ("Launch Platform", "LUT2"), ("Launch Vehicle", "Saturn V")]
    csm, lm = entry.items
    assert (csm.line, lm.line) == (885, 896)
    assert csm.value("Call Sign") == "Gumdrop"
    assert csm.value("Crew") == "McDivitt, Schweickart, Scott"
    assert csm.typed("Duration") == pytest.approx(10.04)
    assert csm.typed("COSPAR") == Cospar("1969-018A", "modern", 1969, "1969-018A", "1969-018A",
                                         piece="A")
    assert csm.narrative.startswith("Apollo 9 (AS-504), the first manned flight")
    assert csm.narrative.count("\n\n") == 4  # five paragraphs
    assert csm.end_line == 894
    assert lm.value("Call Sign") == "Spider"
    assert lm.typed("Mass") == Mass(14530.0, 32030.0)
    assert lm.typed("COSPAR") == Cospar("1969-018x", "placeholder", 1969)
    assert lm.narrative == ""


def test_saturn_every_launch_payload_is_catalogued(saturn_doc: Document) -> None:
    for entry in saturn_doc.launches():
        assert entry.site == "Cape Canaveral"
        assert entry.vehicle == "Saturn V"
        for item in entry.items:
            assert isinstance(item.typed("COSPAR"), Cospar), item.name
            assert isinstance(item.typed("USAF Sat Cat"), int), item.name


@pytest.mark.parametrize(
    ("text", "precision", "start", "end"),
    [
        ("1953 March", "month", D(1953, 3, 1), D(1953, 3, 31)),
        ("1960 Summer", "season", D(1960, 6, 1), D(1960, 8, 31)),
        ("1959 June 25-26", "day-range", D(1959, 6, 25), D(1959, 6, 26)),
    ],
)
def test_saturn_vague_dates(saturn_doc: Document, text: str, precision: Precision,
                            start: dt.date, end: dt.date) -> None:
    entry = entry_at(saturn_doc, text)
    assert (entry.date.precision, entry.date.start, entry.date.end) == (precision, start, end)
    assert entry.time_utc is None
    assert entry.vehicle == "Saturn V"
    assert entry.kind == "event"


def test_saturn_page_furniture_is_not_narrative(saturn_doc: Document) -> None:
    first, last = saturn_doc.nodes[0], saturn_doc.nodes[-1]
    assert isinstance(first, Text) and isinstance(last, Text)
    assert first.text.startswith("Home - Search - Browse")
    assert "American orbital launch vehicle." in first.text
    assert last.text.startswith("Home - Search - Browse")
    assert "© 1997-2017 Mark Wade" in last.text
    assert last.line == 1121
    for entry in saturn_doc.entries:
        texts = [n.text for n in entry.body if isinstance(n, Text)]
        texts += [i.narrative for i in entry.items]
        for text in texts:
            assert "Home - Search" not in text
            assert "Mark Wade" not in text
    assert saturn_doc.entries[0].line == 144
    skylab = saturn_doc.entries[-1].items[-1]
    assert skylab.end_line == 1119


def test_saturn_header_keeps_commas(saturn_doc: Document) -> None:
    entry = entry_at(saturn_doc, "1963 April 17")
    assert field_pairs(entry.fields) == [("LV Family", "Saturn V, Saturn I, Titan")]
    assert entry.items[0].name == "Large Solid Rocket Motor Program (Program 623A) begun"


def test_saturn_additional_details_on_the_item_line_is_a_field(saturn_doc: Document) -> None:
    entry = entry_at(saturn_doc, "1959 June 25-26")
    item = entry.items[0]
    assert item.fields[-1].key == "Additional Details"
    assert item.value("Additional Details") == "here..."
    assert item.narrative.startswith("Members of the Research Steering Committee")
    assert "Additional Details" not in item.narrative
    on_item_lines = [i for e in saturn_doc.entries for i in e.items
                     if any(isinstance(p, Field) and p.key == "Additional Details"
                            for p in i.parts)]
    assert len(on_item_lines) == 23
    everywhere = [i for e in saturn_doc.entries for i in e.items
                  if i.field("Additional Details")]
    assert len(everywhere) == 49


def test_saturn_additional_details_after_a_narrative_paragraph_is_a_field(
    saturn_doc: Document,
) -> None:
    skylab = entry_at(saturn_doc, "1973 May 14").items[0]
    assert skylab.value("Additional Details") == "here..."
    assert skylab.narrative.endswith("into Western Australia.")
    for entry in saturn_doc.entries:
        for item in entry.items:
            assert "Additional Details" not in item.narrative, item.name


# --- hand-made format variants ----------------------------------------------------


def test_variants_positions(variants_text: str, variants_doc: Document,
                            check_positions: PositionCheck) -> None:
    check_positions(variants_text, variants_doc)
    assert render_document(variants_doc) == variants_text
    assert variants_doc.diagnostics == []
    assert variants_doc.source.title == "Format Variants Chronology"
    assert len(variants_doc.entries) == 4


def test_year_precision_header_with_a_time(variants_doc: Document) -> None:
    entry = variants_doc.entries[0]
    assert entry.line == 3
    assert (entry.date.precision, entry.date.start, entry.date.end) == (
        "year", D(1961, 1, 1), D(1961, 12, 31))
    assert entry.time_utc == "12:30"
    assert entry.head == "1961 - - 12:30 GMT - . "
    assert field_pairs(entry.fields) == [("Launch Site", "Cape Canaveral"),
                                         ("LV Family", "Saturn V, Saturn I, Titan")]
    assert [f.column for f in entry.fields] == [24, 53]
    assert entry.kind == "launch"


def test_unknown_fields_in_source_order(variants_doc: Document) -> None:
    item = variants_doc.entries[0].items[0]
    assert item.name == "1F DPS"
    assert item.head == "· 1F DPS - . "
    assert field_pairs(item.fields) == [
        ("Payload", "Test article"), ("Nation", "USA"), ("Call Sign", "Spider"),
        ("Crew", "Armstrong, Aldrin"), ("Backup Crew", "Lovell"), ("Duration", "2.35 days"),
        ("Spacecraft Bus", "KAUR"), ("Related Persons", "Mueller"), ("Flight", "Apollo 9"),
        ("Launch Platform", "LUT2"), ("USAF Sat Cat", "443"), ("Decay Date", "1960-10-10"),
        ("COSPAR", "1961-001A")]
    # Field.column: the 1-based code-point column of the key's first character
    # ("·" is one code point).
    columns = {f.key: f.column for f in item.fields}
    assert (columns["Payload"], columns["Nation"], columns["Call Sign"]) == (14, 37, 50)
    sat_cat = item.field("USAF Sat Cat")
    decay = item.field("Decay Date")
    assert sat_cat is not None and sat_cat.raw == "USAF Sat Cat: 443 . "
    assert decay is not None and decay.raw == "Decay Date: 1960-10-10. "
    assert item.narrative == ("Announced mission: Prolonged exploration of outer space. "
                              "Parameters are for Mars orbit.")
    [narrative] = [p for p in item.parts if isinstance(p, Text)]
    assert (narrative.line, narrative.column) == (5, 288)


def test_failure_text_and_failed_stage_without_a_time(variants_doc: Document) -> None:
    entry = variants_doc.entries[1]
    assert entry.date.text == "1962 March 3"
    assert entry.time_utc is None
    assert entry.failure == ("At T+300.9 sec, the launcher went out of control. The engine cut "
                             "off after 13.32 s of burning.")
    assert entry.failed_stage == "3"
    stage = entry.field("Failed Stage")
    assert stage is not None and (stage.line, stage.column) == (7, 206)
    assert entry.kind == "launch" and entry.outcome == "failure"


def test_titles(variants_doc: Document) -> None:
    entry = variants_doc.entries[1]
    ended, dashed, second = entry.items
    assert ended.name == "Probe failure" and ended.head == "· Probe failure. - . "
    assert ended.value("Summary") == "A summary with a period. And a second sentence."
    assert ended.typed("COSPAR") == Cospar("F620303A", "failure", 1962, "F620303A", "F620303A",
                                           launch_date=D(1962, 3, 3), piece="A")
    assert dashed.name == "Apollo - Saturn 201"
    assert dashed.head == "Apollo - Saturn 201 - . "
    assert dashed.narrative == "A narrative paragraph about the second item."
    assert second.name == "Second Probe"
    assert second.head == "•  Second Probe - . "
    assert field_pairs(second.fields) == [("Nation", "USSR"), ("Additional Details", "here...")]
    assert second.narrative == "It flew."


def test_utc_time_stage_letter_and_tight_bullet(variants_doc: Document) -> None:
    entry = variants_doc.entries[2]
    assert entry.time_utc == "04:05"
    assert entry.failed_stage == "S"
    assert entry.failure == "Payload shroud failed."
    assert [i.name for i in entry.items] == ["Tight bullet"]


def test_event_entry_with_month_precision(variants_doc: Document) -> None:
    entry = variants_doc.entries[3]
    assert entry.date.precision == "month"
    assert entry.kind == "event" and entry.outcome is None
    [item] = entry.items
    assert item.head == "Contract signed - . "
    assert item.narrative == "NASA signed a contract."


# --- errors -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_doc() -> Document:
    return parse_file(fixture_path("bad-values.txt"))


def test_misspelt_month_is_its_own_entry_with_an_error(bad_doc: Document) -> None:
    assert [e.date.text for e in bad_doc.entries] == [
        "1965 November 12", "1965 Novembr 16", "1965 November 23"]
    assert [[i.name for i in e.items] for e in bad_doc.entries] == [
        ["Venera 2"], ["Venera 3"], ["Cosmos 96"]]
    entry = bad_doc.entries[1]
    assert entry.line == 5
    assert (entry.date.precision, entry.date.start, entry.date.end) == (
        "year", D(1965, 1, 1), D(1965, 12, 31))
    assert entry.site == "Baikonur"
    assert entry.has_errors
    month_error = entry.diagnostics[0]
    assert (month_error.severity, month_error.line, month_error.column) == ("error", 5, 1)
    assert "unknown month 'Novembr'" in month_error.message
    assert "did you mean 'November'?" in month_error.message


def test_bad_mass_is_an_error_on_the_value_and_the_rest_is_parsed(bad_doc: Document,
                                                                   ) -> None:
    item = bad_doc.entries[1].items[0]
    mass = item.field("Mass")
    assert mass is not None
    assert (mass.value, mass.typed, mass.raw) == ("9x0 kg", None, "Mass: 9x0 kg. ")
    assert (mass.line, mass.column) == (6, 38)
    mass_error = bad_doc.entries[1].diagnostics[1]
    assert str(mass_error).startswith(f"{bad_doc.source.path}:6:44: error: bad Mass value")
    assert item.value("Nation") == "USSR"
    assert item.value("COSPAR") == "1965-092A"
    last = bad_doc.entries[2]
    assert last.time_utc == "03:14"
    assert last.items[0].typed("COSPAR") == Cospar(
        "F651123A", "failure", 1965, "F651123A", "F651123A", launch_date=D(1965, 11, 23),
        piece="A")
    assert not last.has_errors
    assert len(bad_doc.diagnostics) == 2
    assert bad_doc.has_errors


def test_impossible_time_is_an_error_at_the_time() -> None:
    doc = parse_text("1961 May 5 - . 25:61 GMT - . Launch Site: X.\n")
    [diag] = doc.diagnostics
    assert (diag.line, diag.column) == (1, 16)
    assert "'25:61' is not a time of day" in diag.message
    assert doc.entries[0].time_utc == "25:61"


def test_header_text_that_is_not_a_field_is_a_warning() -> None:
    doc = parse_text("Title\n1961 May 5 - . a note without fields\n")
    entry = doc.entries[0]
    assert entry.header_rest is not None
    assert entry.header_rest.text == "a note without fields"
    [diag] = doc.diagnostics
    assert (diag.severity, diag.line, diag.column) == ("warning", 2, 16)


def test_payload_line_before_any_header_is_a_warning() -> None:
    doc = parse_text("Title\n· Sputnik - . Nation: USSR.\n1957 October 4 - . Launch Site: X.\n")
    [diag] = doc.diagnostics
    assert (diag.severity, diag.line, diag.column) == ("warning", 2, 1)
    assert "payload record before any dated entry" in diag.message
    assert len(doc.entries) == 1 and doc.entries[0].items == []


# --- edge cases from real Astronautix pages (issue 12) --------------------------------


@pytest.fixture(scope="module")
def edge_text() -> str:
    return fixture_path("parser-edge-cases.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def edge_doc() -> Document:
    return parse_file(fixture_path("parser-edge-cases.txt"))


def test_edge_cases_round_trip(edge_text: str, edge_doc: Document,
                               check_positions: PositionCheck) -> None:
    assert render_document(edge_doc) == edge_text
    check_positions(edge_text, edge_doc)


def test_site_banner_on_line_one_is_not_the_title(edge_doc: Document) -> None:
    # Older layouts: "Encyclopedia Astronautica" on line 1, the page name on line 2.
    assert edge_doc.source.title == "R-12"
    banner_only = parse_text("www.astronautix.com\n\nMars Chronology\n")
    assert banner_only.source.title == "Mars Chronology"
    # A page whose name merely starts with the site's name is not a banner.
    named = parse_text("Encyclopedia Astronautica Index\n")
    assert named.source.title == "Encyclopedia Astronautica Index"


def test_payload_record_before_any_entry_is_kept_with_a_warning(edge_doc: Document) -> None:
    [diag] = edge_doc.diagnostics
    assert (diag.severity, diag.line, diag.column) == ("warning", 4, 1)
    assert str(diag).startswith(f"{edge_doc.source.path}:4:1: warning: payload record before "
                                "any dated entry")
    [kept] = [n for n in edge_doc.nodes if isinstance(n, Text) and "Sounding" in n.text]
    assert "\nSounding rocket flight - . Nation: USSR. Apogee: 100 km (62 mi)." in kept.text
    assert edge_doc.source.title == "R-12"  # not the record
    # Without a banner or a title line the record is still not the title.
    doc = parse_text("Mars 1 - . Payload: 2MV-4. Nation: USSR.\n\n1962 November 1 - . "
                     "Launch Site: Baikonur.\n")
    assert doc.source.title is None
    assert [d.message.split(";")[0] for d in doc.diagnostics] == [
        "payload record before any dated entry"]
    # Prose with the separator but no field after it is a paragraph, and may be the title.
    prose = parse_text("Chronology - . the early years\n")
    assert (prose.source.title, prose.diagnostics) == ("Chronology - . the early years", [])


def test_indented_bullet_is_a_bullet(edge_doc: Document) -> None:
    entry = edge_doc.entries[0]
    [item] = entry.items
    assert item.name == "State trials missile test"
    assert item.head == "  • State trials missile test - . "
    assert item.value("Agency") == "RVSN"
    assert item.narrative == "First launch of the R-12 missile."
    tabbed = parse_text("1958 March 22 - . Launch Vehicle: R-12.\n\t· Test - . Nation: USSR.\n")
    assert [i.name for i in tabbed.entries[0].items] == ["Test"]


def test_missile_with_orbit_fields_is_a_launch(edge_doc: Document) -> None:
    missile, decree = edge_doc.entries[:2]
    # No launch time, no payload, designator or catalog number: the apogee decides.
    assert missile.time_utc is None and missile.items[0].value("Payload") is None
    assert (missile.kind, missile.outcome) == ("launch", "success")
    assert (decree.kind, decree.outcome) == ("event", None)
    for key in ("Perigee: 180 km", "Inclination: 51.6000 deg", "Period: 88.50 min"):
        doc = parse_text(f"1960 May 1 - . Launch Vehicle: R-7.\n· Test - . {key}.\n")
        assert doc.entries[0].kind == "launch", key


def test_payload_name_without_the_trailing_period(edge_doc: Document) -> None:
    failure, initialism = edge_doc.entries[2].items
    assert failure.name == "Mars probe 1M s/n 1 failure"
    assert failure.head == "· Mars probe 1M s/n 1 failure. - . "
    assert initialism.name == "U.S."  # an initialism keeps its last period
    assert [i.name for i in parse_text("1960 May 1 - . Launch Site: X.\n· Probe... - . "
                                       "Nation: USSR.\n").entries[0].items] == ["Probe"]


# --- header recognition -----------------------------------------------------------


def test_title_starting_with_a_year_is_an_item_not_a_header() -> None:
    # Regression: "Mars" starts like "March", which made this title a header.
    doc = parse_text("1962 May 1 - . Launch Site: X.\n"
                     "1962 Mars attempt - . Nation: USSR.\n"
                     "1962 May Day - . Nation: USSR.\n")
    assert doc.diagnostics == []
    [entry] = doc.entries
    assert [i.name for i in entry.items] == ["1962 Mars attempt", "1962 May Day"]


def test_misspelt_month_header_without_header_keys() -> None:
    doc = parse_text("1962 May 1 - . Launch Site: X.\n"
                     "1965 Novembr 16 - . Nation: USSR.\n"
                     "1965 Octobr - . Nation: USSR.\n")
    assert [e.date.text for e in doc.entries] == ["1962 May 1", "1965 Novembr 16",
                                                  "1965 Octobr"]
    assert len(doc.diagnostics) == 2


def test_narrative_starting_with_a_year_and_a_time_is_not_a_header() -> None:
    # Regression: a time used to make any "YEAR WORD HH:MM" line a header.
    doc = parse_text("1969 July 16 - . 13:32 GMT - . Launch Site: X.\n"
                     "· Apollo 11 - . Nation: USA.\n"
                     "1969 at 12:30 GMT the crew woke.\n")
    assert doc.diagnostics == []
    [entry] = doc.entries
    assert entry.items[0].narrative == "1969 at 12:30 GMT the crew woke."


def test_unreadable_date_with_a_time_and_separator_is_a_header() -> None:
    doc = parse_text("1969 at - . 12:30 GMT - . Nation: USA.\n")
    [entry] = doc.entries
    assert entry.time_utc == "12:30"
    assert entry.has_errors


def test_time_without_separator_after_the_date() -> None:
    doc = parse_text("1971 May 19 16:22 GMT - . Launch Site: Baikonur.\n")
    [entry] = doc.entries
    assert (entry.date.text, entry.time_utc, entry.site) == ("1971 May 19", "16:22",
                                                             "Baikonur")


@pytest.mark.parametrize(
    ("line", "date_text", "time"),
    [
        ("1961 May 5 - . 12:30 GMT", "1961 May 5", "12:30"),
        ("1961 May 6 - . 12:30", "1961 May 6", "12:30"),
        ("1961 May 7 12:30:15 UTC - .", "1961 May 7", "12:30:15"),
        ("1961 May 8 - . 9:05 GMT - . ", "1961 May 8", "09:05"),  # normalised to HH:MM
        ("1961 - . 00:00 GMT - . ", "1961", "00:00"),
        ("1961 May 9 - . ", "1961 May 9", None),
        ("1961 May 10 - .", "1961 May 10", None),
    ],
)
def test_header_time_forms_without_fields(line: str, date_text: str, time: str | None) -> None:
    doc = parse_text(line + "\n")
    [entry] = doc.entries
    assert (entry.date.text, entry.time_utc, entry.fields) == (date_text, time, [])
    assert entry.header_rest is None
    assert doc.diagnostics == []


def test_header_fields_after_a_sentence_in_a_header_value() -> None:
    doc = parse_text("1956 - . Agency: Korolev. Later OKB-1. Launch Vehicle: R-7.\n")
    entry = doc.entries[0]
    assert field_pairs(entry.fields) == [("Agency", "Korolev. Later OKB-1"),
                                         ("Launch Vehicle", "R-7")]
    assert entry.header_rest is None
    assert doc.diagnostics == []


def test_furniture_closes_the_open_entry() -> None:
    doc = parse_text("1961 May 5 - . Launch Site: X.\n· A - . Nation: USA.\nNarrative.\n"
                     "Home - Search - Browse - Alphabetic Index\n© 2017 Mark Wade\n"
                     "After the furniture.\n")
    [entry] = doc.entries
    assert entry.items[0].narrative == "Narrative."
    assert isinstance(doc.nodes[-1], Text)
    assert doc.nodes[-1].text.endswith("After the furniture.")


# --- property: generated chronologies ----------------------------------------------

MONTHS = list(calendar.month_name)[1:]
SEASONS = {"Spring": (3, 5), "Summer": (6, 8), "Autumn": (9, 11), "Fall": (9, 11)}
HEADER_KEYS = ["Launch Site", "Launch Complex", "LV Family", "Launch Vehicle",
               "LV Configuration", "Launch Platform"]
UNKNOWN_KEYS = ["Call Sign", "Crew", "Backup Crew", "Spacecraft Bus", "Related Persons",
                "Flight", "Launch Platform", "Support Crew", "Nation", "Agency", "Program",
                "Class", "Type", "Spacecraft", "Payload"]
#: Keys a random key must not be: typed, free-text, trailing or header-only.
RESERVED = {"Mass", "Apogee", "Perigee", "Inclination", "Period", "Duration", "Decay Date",
            "USAF Sat Cat", "COSPAR", "Failed Stage", "Summary", "Additional Details",
            "References"}
VALUE_WORDS = ["Baikonur", "Cape Canaveral", "LC39A", "R-7", "Saturn V", "Molniya 8K78",
               "s/n", "1M", "NASA Houston", "Proton-K/D", "2,114", "T+300.9", "Korolev",
               "RVSN", "Mars", "probe", "LUT2", "(AS-504)", "&", "O'Neill", "13.32",
               "Apollo CSM 104 / Apollo LM 3"]
TITLE_WORDS = ["Mars", "Probe", "1M", "s/n", "1F", "DPS", "Apollo", "9", "LM", "Cosmos",
               "419", "Venera", "failure", "Sputnik", "(Mars 8)", "2MV-4", "M-69"]
CAPITALS = ["The", "Mars", "It", "Zond", "This", "Apollo", "Stage 3", "Block L"]
LOWER = ["probe", "flew", "by", "13.32", "T+300.9", "sec", "km", "1,500", "orbit", "the",
         "of", "-", "(LM-3),", "and", "x"]
FIXED_SENTENCES = ["Announced mission: Prolonged exploration of outer space.",
                   "Parameters are for Mars orbit.", "It was tracked by U.S. radar.",
                   "10-12 UR-500K launches had been intended.", "1969 saw 12 launches."]


@dataclass
class ItemSpec:
    line: str
    name: str
    fields: list[tuple[str, str]]
    narrative: str


@dataclass
class EntrySpec:
    header: str
    date: tuple[str, Precision, dt.date, dt.date]
    time: str | None
    fields: list[tuple[str, str]]
    body: list[str] = field(default_factory=list)  # paragraphs before the first item
    items: list[ItemSpec] = field(default_factory=list)
    #: Lines after the header, in order.
    lines: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        launch_keys = {"Payload", "COSPAR", "USAF Sat Cat", "Apogee", "Perigee", "Inclination",
                       "Period"}
        if self.time is not None or any(k in launch_keys for i in self.items
                                        for k, _ in i.fields):
            return "launch"
        keys = {k for k, _ in self.fields}
        return "launch" if not self.items and keys & {"Launch Site", "Launch Complex"} \
            else "event"


@st.composite
def vague_dates(draw: st.DrawFn) -> tuple[str, Precision, dt.date, dt.date]:
    year = draw(st.integers(1900, 2030))
    form = draw(st.sampled_from(["day", "range", "month", "month-dash", "season", "winter",
                                 "year", "year-dash", "year-dashes"]))
    month = draw(st.integers(1, 12))
    name = MONTHS[month - 1]
    last = calendar.monthrange(year, month)[1]
    if form == "day":
        day = draw(st.integers(1, last))
        return f"{year} {name} {day}", "day", D(year, month, day), D(year, month, day)
    if form == "range":
        first = draw(st.integers(1, last - 1))
        end = draw(st.integers(first + 1, last))
        return (f"{year} {name} {first}-{end}", "day-range", D(year, month, first),
                D(year, month, end))
    if form in ("month", "month-dash"):
        text = f"{year} {name}" + (" -" if form == "month-dash" else "")
        return text, "month", D(year, month, 1), D(year, month, last)
    if form == "season":
        season = draw(st.sampled_from(sorted(SEASONS)))
        start, stop = SEASONS[season]
        return (f"{year} {season}", "season", D(year, start, 1),
                D(year, stop, calendar.monthrange(year, stop)[1]))
    if form == "winter":
        return (f"{year} Winter", "season", D(year, 12, 1),
                D(year + 1, 2, calendar.monthrange(year + 1, 2)[1]))
    text = {"year": f"{year}", "year-dash": f"{year} -", "year-dashes": f"{year} - -"}[form]
    return text, "year", D(year, 1, 1), D(year, 12, 31)


def values() -> st.SearchStrategy[str]:
    words = st.lists(st.sampled_from(VALUE_WORDS), min_size=1, max_size=4)
    return st.tuples(words, st.sampled_from([" ", ", "])).map(lambda t: t[1].join(t[0]))


@st.composite
def sentences(draw: st.DrawFn, fixed: bool = True) -> str:
    if fixed and draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(FIXED_SENTENCES))
    words = [draw(st.sampled_from(CAPITALS)),
             *draw(st.lists(st.sampled_from(LOWER), min_size=1, max_size=6))]
    if words[-1] == "-":
        words.append("x")
    return " ".join(words) + "."


def free_text() -> st.SearchStrategy[str]:
    return st.lists(sentences(fixed=False), min_size=1, max_size=3).map(" ".join)


@st.composite
def typed_fields(draw: st.DrawFn) -> tuple[str, str]:
    key = draw(st.sampled_from(["Mass", "Apogee", "Perigee", "Inclination", "Period",
                                "Duration", "Decay Date", "USAF Sat Cat", "COSPAR"]))
    n = draw(st.integers(1, 3_000_000))
    m = draw(st.integers(1, 3_000_000))
    with_pair = draw(st.booleans())
    x = draw(st.floats(0, 180, allow_nan=False))  # inclinations over 180 deg are errors
    if key == "Mass":
        return key, f"{n:,} kg" + (f" ({m:,} lb)" if with_pair else "")
    if key in ("Apogee", "Perigee"):
        return key, f"{n:,} km" + (f" ({m:,} mi)" if with_pair else "")
    if key == "Inclination":
        return key, f"{x:.4f} deg"
    if key == "Period":
        return key, f"{x:.2f} min"
    if key == "Duration":
        return key, f"{x:.2f} days"
    if key == "Decay Date":
        return key, draw(st.dates(D(1957, 1, 1), D(2030, 12, 31))).isoformat()
    if key == "USAF Sat Cat":
        return key, str(n)
    return key, draw(st.sampled_from(["1971-045A", "1962-B-Iota-1", "F601010A", "1988-058xx",
                                      "1969-018x", "1961-Omega-1", "1998-067ABC"]))


def unknown_keys() -> st.SearchStrategy[str]:
    word = st.tuples(st.sampled_from("ABCDKLMPSTZ"), st.text("aeiouklmnrst", min_size=1,
                                                            max_size=7)).map("".join)
    made_up = st.lists(word, min_size=1, max_size=3).map(" ".join)
    return st.one_of(st.sampled_from(UNKNOWN_KEYS), made_up.filter(lambda k: k not in RESERVED))


def segment(key: str, value: str, spaced: bool) -> str:
    """``Key: Value.``, optionally with the ``Key: Value .`` spacing of catalog numbers."""
    return f"{key}: {value}{' .' if spaced else '.'}"


@st.composite
def items(draw: st.DrawFn) -> ItemSpec:
    bullet = draw(st.sampled_from(["· ", "·  ", "• ", "·", "", "  • ", "\t· "]))
    words = draw(st.lists(st.sampled_from(TITLE_WORDS), min_size=1, max_size=4))
    joiners = draw(st.lists(st.sampled_from([" ", " - "]), min_size=len(words) - 1,
                            max_size=len(words) - 1))
    title = words[0] + "".join(j + w for j, w in zip(joiners, words[1:], strict=True))
    name = title
    if draw(st.booleans()):
        title += "."  # the source's period: kept in the raw head, not in the name
    pairs = draw(st.lists(st.one_of(st.tuples(unknown_keys(), values()), typed_fields()),
                          min_size=0 if bullet else 1, max_size=6))
    segments = [segment(k, v, draw(st.booleans())) for k, v in pairs]
    fields = list(pairs)
    if draw(st.integers(0, 3)) == 0:
        summary = draw(free_text())
        segments.append(f"Summary: {summary}.")
        fields.append(("Summary", summary))
    narrative = draw(st.lists(sentences(), max_size=3))
    segments += narrative
    if draw(st.integers(0, 3)) == 0:
        segments.append("Additional Details: here....")
        fields.append(("Additional Details", "here..."))
    trailing = draw(st.sampled_from(["", " ", "  "]))
    if segments:
        line = f"{bullet}{title} - . " + " ".join(segments) + trailing
    else:
        line = draw(st.sampled_from([f"{bullet}{title} - .", f"{bullet}{title} - . ",
                                     f"{bullet}{title}"]))
    return ItemSpec(line, name, fields, " ".join(narrative))


def paragraphs() -> st.SearchStrategy[str]:
    return st.lists(sentences(), min_size=1, max_size=3).map(" ".join)


def blank_lines() -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(["", " ", "\t"]), max_size=3)


@st.composite
def entries(draw: st.DrawFn) -> EntrySpec:
    date = draw(vague_dates())
    time = None
    head = f"{date[0]} - . "
    if draw(st.booleans()):
        time = f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
        if draw(st.booleans()):
            time += f":{draw(st.integers(0, 59)):02d}"
        zone = draw(st.sampled_from([" GMT", " UTC", ""]))
        separator = draw(st.sampled_from([" - . ", " "]))
        head = f"{date[0]}{separator}{time}{zone} - . "
    keys = draw(st.lists(st.sampled_from(HEADER_KEYS), max_size=4))
    fields = [(k, draw(values())) for k in keys]
    segments = [segment(k, v, False) for k, v in fields]
    if draw(st.integers(0, 3)) == 0:
        failure = draw(free_text())
        stage = draw(st.sampled_from(["1", "2", "3", "S"]))
        segments += [f"FAILURE: {failure}.", f"Failed Stage: {stage}."]
        fields += [("FAILURE", failure), ("Failed Stage", stage)]
    header = (head + " ".join(segments)).rstrip(" ") if segments else head
    header += draw(st.sampled_from(["", " "])) if segments else ""
    spec = EntrySpec(header, date, time, fields)
    spec.lines += draw(blank_lines())
    for paragraph in draw(st.lists(paragraphs(), max_size=2)):
        spec.body.append(paragraph)
        spec.lines += [paragraph, *draw(blank_lines())]
    for item in draw(st.lists(items(), max_size=3)):
        spec.items.append(item)
        spec.lines.append(item.line)
        spec.lines += draw(blank_lines())
        for paragraph in draw(st.lists(paragraphs(), max_size=2)):
            item.narrative = "\n\n".join(p for p in (item.narrative, paragraph) if p)
            spec.lines += [paragraph, *draw(blank_lines())]
    return spec


@st.composite
def chronologies(draw: st.DrawFn) -> tuple[str, str | None, list[EntrySpec]]:
    lines: list[str] = draw(blank_lines())
    if draw(st.integers(0, 3)) == 0:  # an older layout's site banner above the page name
        lines += [draw(st.sampled_from(["Encyclopedia Astronautica", "www.astronautix.com"])),
                  *draw(blank_lines())]
    title = None
    if draw(st.booleans()):
        title = " ".join(draw(st.lists(st.sampled_from(TITLE_WORDS), min_size=1, max_size=3)))
        lines += [title, *draw(blank_lines())]
    specs = draw(st.lists(entries(), max_size=4))
    for spec in specs:
        lines += [spec.header, *spec.lines]
    if draw(st.booleans()):
        lines += ["Home - Search - Browse - Alphabetic Index: 0- 1- 2-",
                  "A- B- C- D- E- F- G", "© 1997-2017 Mark Wade - Contact "]
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    final_eol = draw(st.booleans())
    text = eol.join(lines) + (eol if lines and final_eol else "")
    return text, title, specs


def assert_structure(doc: Document, title: str | None, specs: list[EntrySpec]) -> None:
    assert doc.diagnostics == []
    assert doc.source.title == title
    assert len(doc.entries) == len(specs)
    for entry, spec in zip(doc.entries, specs, strict=True):
        date_text, precision, start, end = spec.date
        assert (entry.date.text, entry.date.precision, entry.date.start, entry.date.end) == (
            date_text, precision, start, end)
        assert entry.time_utc == spec.time
        assert field_pairs(entry.fields) == spec.fields
        assert entry.header_rest is None
        assert [n.text for n in entry.body if isinstance(n, Text) and n.text] == spec.body
        assert len(entry.items) == len(spec.items)
        for item, item_spec in zip(entry.items, spec.items, strict=True):
            assert item.name == item_spec.name
            assert field_pairs(item.fields) == item_spec.fields
            assert item.narrative == item_spec.narrative
        assert entry.kind == spec.kind


@settings(max_examples=150, deadline=None)
@given(chronology=chronologies())
def test_generated_chronologies_round_trip_and_keep_their_structure(
    chronology: tuple[str, str | None, list[EntrySpec]], check_positions: PositionCheck,
) -> None:
    text, title, specs = chronology
    doc = parse_text(text)
    assert render_document(doc) == text
    check_positions(text, doc)
    assert_structure(doc, title, specs)


def test_items_are_items_and_text_is_text(seed_doc: Document) -> None:
    for entry in seed_doc.entries:
        assert all(isinstance(n, Item | Text) for n in entry.body)
        for item in entry.items:
            assert all(isinstance(p, Field | Text) for p in item.parts)
