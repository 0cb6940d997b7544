"""Narrative events: every seed narrative's events exactly, their spans, and hand-made variants."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import fixture_path
from kosmochron import Document, parse_file, parse_text
from kosmochron.events import RULES, Event, entry_events, extract_events, item_events

D = dt.date
#: Everything the seed's narratives (and Summary fields) should yield, in source
#: order: (item, kind, date, precision, body, distance_km, year inferred, detail).
#: Undated events are statements with no date in their clause.
SEED_EVENTS: list[tuple[str, str, D | None, str | None, str | None, float | None, bool,
                        str | None]] = [
    ("Mars probe 1M s/n 1 failure", "reentry", None, None, "Earth", None, False, None),
    ("Mars probe 1M s/n 2 failure", "reentry", None, None, "Earth", None, False, None),
    ("Mars 1", "loss-of-contact", D(1963, 3, 21), "day", None, None, False, None),
    ("Mars 1", "flyby", D(1963, 6, 19), "day", "Mars", 193_000.0, False, None),
    ("Sputnik 24", "reentry", None, None, "Earth", None, False, None),
    ("Cosmos 21", "reentry", None, None, "Earth", None, False, None),
    ("Zond 2", "loss-of-contact", D(1965, 4, 1), "month", None, None, False, None),
    ("Zond 2", "flyby", D(1965, 8, 6), "day", "Mars", 1500.0, False, None),
    ("Zond 3", "flyby", D(1965, 7, 20), "day", "Moon", None, True, None),
    ("Cosmos 419", "reentry", D(1971, 5, 12), "day", "Earth", None, False, None),
    ("Mars 2", "separation", D(1971, 11, 27), "day", "Mars", None, False, None),
    ("Mars 2", "arrival", D(1971, 11, 27), "day", "Mars", None, False, None),
    ("Mars 2", "landing", None, None, "Mars", None, False, "crash"),
    ("Mars 2", "orbit-insertion", None, None, "Mars", None, False, None),
    ("Mars 3", "separation", D(1971, 12, 2), "day", "Mars", None, False, None),
    ("Mars 3", "arrival", D(1971, 12, 2), "day", "Mars", None, False, None),
    ("Mars 3", "landing", None, None, "Mars", None, False, "soft"),
    ("Mars 3", "orbit-insertion", None, None, "Mars", None, False, None),
    ("Mars 4", "arrival", D(1974, 2, 10), "day", "Mars", None, False, None),
    ("Mars 4", "flyby", None, None, "Mars", 2200.0, False, None),
    ("Mars 5", "arrival", D(1974, 2, 12), "day", "Mars", None, False, None),
    ("Mars 5", "orbit-insertion", D(1974, 2, 12), "day", "Mars", None, False, None),
    ("Mars 6", "arrival", D(1974, 3, 12), "day", "Mars", None, False, None),
    ("Mars 6", "separation", D(1974, 3, 12), "day", "Mars", None, False, None),
    ("Mars 6", "loss-of-contact", None, None, None, None, False, None),
    ("Mars 6", "landing", None, None, "Mars", None, False, None),
    ("Mars 7", "arrival", D(1974, 3, 9), "day", "Mars", None, False, None),
    ("Mars 7", "separation", None, None, "Mars", None, False, None),
    ("Mars 7", "flyby", None, None, "Mars", 1300.0, False, None),
    ("Phobos 1", "loss-of-contact", D(1988, 9, 2), "day", None, None, False, None),
    ("Phobos 2", "orbit-insertion", D(1989, 1, 29), "day", "Mars", None, False, None),
    ("Phobos 2", "loss-of-contact", D(1989, 3, 27), "day", None, None, False, None),
    ("Mars-96 (Mars 8)", "reentry", D(1996, 11, 17), "day", "Earth", None, False, None),
]


@pytest.fixture(scope="module")
def seed_events(seed_doc: Document) -> list[tuple[str, Event]]:
    return [(item.name, e) for entry in seed_doc.entries
            for item, events in entry_events(entry) for e in events]


def _row(name: str, e: Event) -> tuple[str, str, D | None, str | None, str | None,
                                       float | None, bool, str | None]:
    return (name, e.kind, e.date.start if e.date else None,
            e.date.precision if e.date else None, e.body, e.distance_km, e.year_inferred,
            e.detail)


def test_seed_yields_exactly_the_listed_events(seed_events: list[tuple[str, Event]]) -> None:
    assert [_row(name, e) for name, e in seed_events] == SEED_EVENTS


def test_seed_day_dates_are_single_days(seed_events: list[tuple[str, Event]]) -> None:
    for _, e in seed_events:
        if e.date is not None and e.date.precision == "day":
            assert e.date.start == e.date.end


def test_seed_spans_point_at_their_text(seed_text: str,
                                        seed_events: list[tuple[str, Event]]) -> None:
    lines = seed_text.split("\n")
    for _, e in seed_events:
        s = e.span
        assert lines[s.line - 1][s.column - 1:s.end_column - 1] == s.text
        if e.date is not None:
            assert e.date.text in s.text


def test_seed_spans_cover_trigger_date_and_distance(
        seed_events: list[tuple[str, Event]]) -> None:
    spans = {(name, e.kind): e.span for name, e in seed_events}
    assert spans["Mars 2", "arrival"].text == "reaching Mars on 27 November 1971"
    assert spans["Mars 2", "arrival"].line == 81
    assert spans["Zond 2", "flyby"].text == \
        "flew by Mars on August 6, 1965, at a distance of 1500 km"
    assert spans["Phobos 2", "orbit-insertion"].text == "entered Mars orbit 1/29/89"
    assert spans["Cosmos 419", "reentry"].text == \
        "re-entered Earth's atmosphere 2 days later on 12 May 1971"
    # A Summary field's value is positioned too.
    assert spans["Cosmos 21", "reentry"].text == "burnt up on re-entry"
    assert spans["Cosmos 21", "reentry"].line == 37


#: What tests/fixtures/events-flybys.txt yields: flybys told in other words, distances
#: before the body or after a bare "at", arrivals known to the month or the season.
FLYBY_EVENTS = [
    ("Venera 1", "loss-of-contact", D(1961, 2, 19), D(1961, 2, 19), "day", None, None,
     "Communications were lost on 19 February 1961"),
    ("Venera 1", "flyby", D(1961, 5, 19), D(1961, 5, 19), "day", "Venus", 100_000.0,
     "passed within 100,000 km of Venus on 19 May 1961"),
    ("Mariner 2", "flyby", D(1962, 12, 14), D(1962, 12, 14), "day", "Venus", 34_773.0,
     "passed Venus at 34,773 km on 14 December 1962"),
    ("Zond 1", "loss-of-contact", D(1964, 5, 24), D(1964, 5, 24), "day", None, None,
     "Contact was lost on 24 May 1964"),
    ("Zond 1", "flyby", D(1964, 7, 1), D(1964, 7, 31), "month", "Venus", 100_000.0,
     "flew past Venus at a distance of 100,000 km in July 1964"),
    ("Venera 3", "loss-of-contact", D(1966, 2, 15), D(1966, 2, 15), "day", None, None,
     "Communications failed on 15 February 1966"),
    ("Venera 3", "arrival", D(1966, 3, 1), D(1966, 3, 31), "month", "Venus", None,
     "reached Venus in March 1966"),
    ("Venera 4", "arrival", D(1967, 9, 1), D(1967, 11, 30), "season", "Venus", None,
     "arrived at Venus in the autumn of 1967"),
    ("Passing craft", "flyby", None, None, None, "Mars", 3_430.0, "flying past Mars at 3,430 km"),
]


@pytest.fixture(scope="module")
def flyby_events() -> list[tuple[str, Event]]:
    doc = parse_file(fixture_path("events-flybys.txt"))
    return [(item.name, e) for entry in doc.entries
            for item, events in entry_events(entry) for e in events]


def test_flybys_and_vague_arrivals(flyby_events: list[tuple[str, Event]]) -> None:
    rows = [(name, e.kind, e.date and e.date.start, e.date and e.date.end,
             e.date and e.date.precision, e.body, e.distance_km, e.span.text)
            for name, e in flyby_events]
    assert rows == FLYBY_EVENTS


def test_every_rule_fires_on_the_seed_or_the_flybys(
        seed_events: list[tuple[str, Event]], flyby_events: list[tuple[str, Event]]) -> None:
    names = [r.name for r in RULES]
    assert len(set(names)) == len(names)
    assert {e.rule for _, e in [*seed_events, *flyby_events]} == set(names)


@pytest.mark.parametrize(("text", "body", "km", "rule"), [
    ("Mariner 5 passed Venus on 19 October 1967.", "Venus", None, "passed"),
    ("It passed close to Mars on 14 July 1965.", "Mars", None, "passed"),
    ("The probe passed within 24,000 km of Venus on 27 February 1966.", "Venus", 24_000.0,
     "passed-within"),
    ("The craft came within 3,500 km of Mars on 31 July 1969.", "Mars", 3_500.0,
     "passed-within"),
    ("The spacecraft flew past Mars at 9,846 km on 14 July 1965.", "Mars", 9_846.0, "flew-by"),
    ("It flew by Venus at a distance of 4,000 km on 11 June 1985.", "Venus", 4_000.0, "flew-by"),
    ("It flew by Venus at a minimum distance of 39,000 km on 15 June 1985.", "Venus",
     39_000.0, "flew-by"),
    ("Passing Venus at 100,000 miles on 19 May 1961, it went on.", "Venus",
     100_000 * 1.609344, "passed"),
])
def test_flyby_phrasings(text: str, body: str, km: float | None, rule: str) -> None:
    e = _one(text)
    assert (e.kind, e.body, e.rule) == ("flyby", body, rule)
    assert e.distance_km == (None if km is None else pytest.approx(km))
    assert e.date is not None and e.date.precision == "day"


@pytest.mark.parametrize("text", [
    "The probe passed Mars orbit insertion tests on 3 May 1971.",  # not a flyby of Mars
    "It never passed Venus on 19 May 1961.",
    "It landed at 45 deg S on Mars at 12:00.",  # "at" without a distance
])
def test_no_false_flybys(text: str) -> None:
    assert [e for e in extract_events(text) if e.kind == "flyby"] == []


@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("It reached Venus in March 1966.", D(1966, 3, 1), D(1966, 3, 31), "month"),
    ("It reached Venus in early March 1966.", D(1966, 3, 1), D(1966, 3, 31), "month"),
    ("It reached Mars in the summer of 1974.", D(1974, 6, 1), D(1974, 8, 31), "season"),
    ("It reached Mars in Spring 1974.", D(1974, 3, 1), D(1974, 5, 31), "season"),
    ("It reached Venus in winter 1966.", D(1966, 12, 1), D(1967, 2, 28), "season"),
])
def test_arrivals_to_the_month_or_season(text: str, start: D, end: D, precision: str) -> None:
    e = _one(text)
    assert e.kind == "arrival" and e.date is not None
    assert (e.date.start, e.date.end, e.date.precision) == (start, end, precision)


def _one(text: str, launch: D | None = None, *, line: int = 1, column: int = 1,
         context_body: str | None = None) -> Event:
    events = extract_events(text, launch=launch, line=line, column=column,
                            context_body=context_body)
    assert len(events) == 1, events
    return events[0]


@pytest.mark.parametrize("text", [
    "Mid-course corrections were made on 17 June and 20 November.",
    "Mars probe intended to make a soft landing on Mars.",
    "Failed; did not enter Martian orbit as planned; intended to be a Mars orbiter mission.",
    "The retro-rockets never fired, so it never entered Mars orbit on 10 February 1974.",
    "The upper stage reached an altitude of 120 km on 10 October 1960.",
    "The payload reached Earth orbit on 4 November 1962.",
    "Shortly before the final phase the spacecraft was to approach within 50 m of Phobos.",
    "The Proton booster successfully put the spacecraft into low Earth parking orbit.",
    "Mars 2 and 3 had completed their missions by 22 August 1972.",
    "10-12 UR-500K launches had been intended to land on the moon.",
])
def test_no_false_events(text: str) -> None:
    assert extract_events(text, launch=D(1971, 5, 19)) == []


def test_day_month_year_and_month_day_year() -> None:
    e = _one("The probe entered orbit around Venus on 22 October 1975.")
    assert (e.kind, e.body, e.date and e.date.start) == ("orbit-insertion", "Venus",
                                                         D(1975, 10, 22))
    e = _one("The lander landed on Venus on December 15, 1970.")
    assert (e.kind, e.body, e.date and e.date.start, e.date and e.date.text) == \
        ("landing", "Venus", D(1970, 12, 15), "December 15, 1970")


def test_us_short_dates_take_the_century_of_the_launch() -> None:
    e = _one("entered Mars orbit 1/29/89", launch=D(1988, 7, 12))
    assert e.date is not None and e.date.start == D(1989, 1, 29)
    e = _one("entered Mars orbit 12/25/03", launch=D(2003, 6, 2))
    assert e.date is not None and e.date.start == D(2003, 12, 25)
    e = _one("entered Mars orbit 1/29/89")  # no launch: 1957 pivot
    assert e.date is not None and e.date.start == D(1989, 1, 29)


def test_yearless_dates_take_the_launch_year_or_the_next() -> None:
    e = _one("The spacecraft reached Mars on 6 August.", launch=D(1964, 11, 30))
    assert e.date is not None and e.date.start == D(1965, 8, 6) and e.year_inferred
    e = _one("Mars 2 reached Mars on 27 November.", launch=D(1971, 5, 19))
    assert e.date is not None and e.date.start == D(1971, 11, 27) and e.year_inferred
    e = _one("On 19 May it reached Venus.", launch=D(1971, 5, 19))  # launch day itself
    assert e.date is not None and e.date.start == D(1971, 5, 19)
    e = _one("The spacecraft reached Mars on 6 August.")  # no launch: no year to take
    assert e.date is None and not e.year_inferred


def test_impossible_dates_are_ignored() -> None:
    e = _one("The probe reached Mars on 31 June 1971.")
    assert e.date is None


def test_flyby_distances_and_units() -> None:
    e = _one("It flew past Venus at a distance of 24,000 miles on 14 December 1962.")
    assert e.kind == "flyby" and e.body == "Venus"
    assert e.distance_km == pytest.approx(24_000 * 1.609344)
    assert e.date is not None and e.date.start == D(1962, 12, 14)
    e = _one("Closest approach to Venus was at a distance of about 1.5 million km.")
    assert e.distance_km == 1.5e6 and e.date is None
    e = _one("Luna 2 impacted the Moon on 14 September 1959.")
    assert (e.kind, e.body, e.detail) == ("landing", "Moon", "crash")


def test_the_planet_is_the_one_named_before() -> None:
    e = _one("The probe flew by the planet at a range of 500 km.", context_body="Venus")
    assert e.body == "Venus" and e.distance_km == 500.0
    events = extract_events("Venera 7 reached Venus on 15 December 1970. The Moon was far "
                            "away. It then flew by the planet.")
    assert [(ev.kind, ev.body) for ev in events] == [("arrival", "Venus"), ("flyby", "Venus")]
    events = extract_events("Zond 5 flew around the Moon. Then Mars 3 flew by the planet.")
    assert [ev.body for ev in events] == [None]  # "Mars 3" is a spacecraft, not a body


def test_rules_ignore_case_at_sentence_start() -> None:
    e = _one("Contact with the probe was lost.")
    assert (e.kind, e.date, e.body) == ("loss-of-contact", None, None)
    e = _one("Reached the moon on 3 February 1966.")
    assert (e.kind, e.body) == ("arrival", "Moon")


def test_date_stays_in_its_clause() -> None:
    events = extract_events("entered Mars orbit 1/29/89; contact was lost.",
                            launch=D(1988, 7, 12))
    assert [(e.kind, e.date and e.date.start) for e in events] == \
        [("orbit-insertion", D(1989, 1, 29)), ("loss-of-contact", None)]


def test_one_event_per_kind_per_sentence_earlier_rule_wins() -> None:
    e = _one("The orbit decayed and the spacecraft re-entered on 3/5/71.",
             launch=D(1971, 2, 1))
    assert (e.kind, e.rule, e.body) == ("reentry", "re-entered", "Earth")
    assert e.date is not None and e.date.start == D(1971, 3, 5)


def test_spans_are_offset_by_line_and_column() -> None:
    e = _one("xx. Mars 4 reached Mars on 10 February 1974.", line=7, column=40)
    assert (e.span.line, e.span.column, e.span.end_column) == (7, 51, 83)
    assert e.span.text == "reached Mars on 10 February 1974"


HANDMADE = (
    "1965 July 18 - . 14:38 GMT - . Launch Site: Baikonur. Launch Vehicle: Molniya 8K78.\n"
    "\n"
    "· Test probe - . Payload: T-1. Nation: USSR. Type: Mars probe. On July 20, during lunar "
    "flyby, pictures were taken. After the lunar flyby, it went on.\n"
    "\n"
    "Contact with the probe was lost. The signal was lost on 5 March 1966.\n")


def test_item_events_merge_retellings_and_position_paragraphs() -> None:
    doc = parse_text(HANDMADE)
    ((item, events),) = entry_events(doc.entries[0])
    assert events == item_events(item, D(1965, 7, 18))
    rows = [(e.kind, e.body, e.date and e.date.start, e.span.line) for e in events]
    assert rows == [("flyby", "Moon", D(1965, 7, 20), 3),
                    ("loss-of-contact", None, D(1966, 3, 5), 5)]
    lines = HANDMADE.split("\n")
    for e in events:
        assert lines[e.span.line - 1][e.span.column - 1:e.span.end_column - 1] == e.span.text


def test_to_json_is_plain_data(seed_events: list[tuple[str, Event]]) -> None:
    (mars2,) = [e for name, e in seed_events if name == "Mars 2" and e.kind == "arrival"]
    data = mars2.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["date"] == {"text": "27 November 1971", "precision": "day",
                            "start": "1971-11-27", "end": "1971-11-27"}
    assert data["span"]["text"] == "reaching Mars on 27 November 1971"
    assert data["kind"] == "arrival" and data["body"] == "Mars"


@pytest.mark.parametrize("name", [None, "astronautix-saturn-v-page.txt",
                                  "validate-hostile.txt", "format-variants.txt"])
def test_events_of_some_kinds_are_those_of_every_kind_filtered(name: str | None) -> None:
    """``item_events(…, kinds=…)`` reads only the sentences where those kinds' rules
    match (when they take no body from the context): the same events as reading every
    sentence and keeping those kinds."""
    doc = parse_file(None if name is None else fixture_path(name))
    kinds = sorted({rule.kind for rule in RULES})
    for entry in doc.entries:
        for item in entry.items:
            every = item_events(item, entry.date.start)
            for wanted in [{k} for k in kinds] + [{"reentry", "loss-of-contact"},
                                                   {"reentry", "arrival"}]:
                assert item_events(item, entry.date.start, kinds=frozenset(wanted)) == \
                    [e for e in every if e.kind in wanted], (item.name, wanted)
