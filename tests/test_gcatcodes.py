"""GCAT's vague dates, launch codes, failure codes and launch tags (kosmochron.gcatcodes)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kosmochron.gcatcodes import (
    jd_date_time,
    julian_date_instant,
    launch_tag_of_piece,
    parse_fail_code,
    parse_gcat_date,
    parse_launch_code,
)

D = dt.datetime


@pytest.mark.parametrize(("text", "precision", "start", "end", "time"), [
    ("1957 Oct  4 1928:34", "second", D(1957, 10, 4, 19, 28, 34), D(1957, 10, 4, 19, 28, 35),
     "19:28:34"),
    ("1957 Oct  4 1928:34.2", "second", D(1957, 10, 4, 19, 28, 34), D(1957, 10, 4, 19, 28, 35),
     "19:28:34"),
    ("1960 Dec  2 0712", "minute", D(1960, 12, 2, 7, 12), D(1960, 12, 2, 7, 13), "07:12"),
    ("1960 Dec  2 07h", "hour", D(1960, 12, 2, 7), D(1960, 12, 2, 8), None),
    ("1957 Oct  4", "day", D(1957, 10, 4), D(1957, 10, 5), None),
    ("1964 Dec   8", "day", D(1964, 12, 8), D(1964, 12, 9), None),
    ("1964 Mar", "month", D(1964, 3, 1), D(1964, 4, 1), None),
    ("2025 Oct    -", "month", D(2025, 10, 1), D(2025, 11, 1), None),
    ("2021 Q2", "quarter", D(2021, 4, 1), D(2021, 7, 1), None),
    ("1967", "year", D(1967, 1, 1), D(1968, 1, 1), None),
    ("1960s", "decade", D(1960, 1, 1), D(1970, 1, 1), None),
    (" 509", "year", D(509, 1, 1), D(510, 1, 1), None),
    ("2025 jan  3", "day", D(2025, 1, 3), D(2025, 1, 4), None),
])
def test_vague_dates(text: str, precision: str, start: D, end: D, time: str | None) -> None:
    date = parse_gcat_date(text)
    assert (date.text, date.precision, date.uncertain) == (text.strip(), precision, False)
    assert (date.start, date.end, date.time) == (start, end, time)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("1962 Apr 29 0910?", D(1962, 4, 29, 9, 9), D(1962, 4, 29, 9, 12)),
    ("1961 Feb 27?", D(1961, 2, 26), D(1961, 3, 1)),
    ("1962 Apr?", D(1962, 3, 1), D(1962, 6, 1)),
    ("1962 Jan?", D(1961, 12, 1), D(1962, 3, 1)),
    ("2021 Q2?", D(2021, 1, 1), D(2021, 10, 1)),
    ("1960?", D(1959, 1, 1), D(1962, 1, 1)),
    ("2010s?", D(2000, 1, 1), D(2030, 1, 1)),
])
def test_a_question_mark_widens_by_one_unit_either_side(text: str, start: D, end: D) -> None:
    date = parse_gcat_date(text)
    assert date.uncertain and (date.start, date.end) == (start, end)


def test_unknown_date() -> None:
    date = parse_gcat_date("?")
    assert (date.precision, date.start, date.end) == ("unknown", None, None)
    assert date.vague_date().precision == "unknown"


@pytest.mark.parametrize("text", ["", "Oct 1957", "1957 Octo 4", "1957 Oct 32",
                                  "1957 Oct 4 2500", "1957 Oct 4 19:28", "1957 - 4",
                                  "1957 Oct 4 1928 extra", "1957 Q5", "0"])
def test_unreadable_dates_say_what_was_expected(text: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        parse_gcat_date(text)


@pytest.mark.parametrize(("text", "precision", "first", "last"), [
    ("1957 Oct  4 1928:34", "day", dt.date(1957, 10, 4), dt.date(1957, 10, 4)),
    ("1961 Feb 27?", "day-range", dt.date(1961, 2, 26), dt.date(1961, 2, 28)),
    ("1961 Mar  1?", "day-range", dt.date(1961, 2, 28), dt.date(1961, 3, 2)),
    ("1964 Mar", "month", dt.date(1964, 3, 1), dt.date(1964, 3, 31)),
    ("1962 Apr?", "season", dt.date(1962, 3, 1), dt.date(1962, 5, 31)),
    ("2021 Q2", "month", dt.date(2021, 4, 1), dt.date(2021, 6, 30)),
    ("1967", "year", dt.date(1967, 1, 1), dt.date(1967, 12, 31)),
    ("1960s", "year", dt.date(1960, 1, 1), dt.date(1969, 12, 31)),
])
def test_mapped_onto_the_chronology_vague_date(text: str, precision: str, first: dt.date,
                                               last: dt.date) -> None:
    date = parse_gcat_date(text).vague_date()
    assert (date.text, date.precision, date.start, date.end) == (text, precision, first, last)


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@given(st.datetimes(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)),
       st.sampled_from(["year", "month", "day", "hour", "minute", "second"]), st.booleans())
def test_any_written_date_denotes_an_interval_holding_its_instant(
        when: D, precision: str, uncertain: bool) -> None:
    parts = {"year": f"{when.year}", "month": f"{when.year} {MONTHS[when.month - 1]}"}
    day = f"{when.year} {MONTHS[when.month - 1]} {when.day:2d}"
    parts.update(day=day, hour=f"{day} {when.hour:02d}h",
                 minute=f"{day} {when.hour:02d}{when.minute:02d}",
                 second=f"{day} {when.hour:02d}{when.minute:02d}:{when.second:02d}")
    text = parts[precision] + ("?" if uncertain else "")
    date = parse_gcat_date(text)
    assert date.precision == precision and date.uncertain == uncertain
    assert date.contains(when)
    assert date.start is not None and date.end is not None and date.start < date.end


def test_julian_dates() -> None:
    assert julian_date_instant("2451545.0") == D(2000, 1, 1, 12)
    assert julian_date_instant("2436116.3115") == D(1957, 10, 4, 19, 28, 33, 600000)
    # A JD off the given day (an export error) leaves the day without a time.
    stray = jd_date_time(dt.date(1957, 10, 5), "2436116.31")
    assert (stray.precision, stray.time, stray.start) == ("day", None, D(1957, 10, 5))
    assert jd_date_time(dt.date(1957, 10, 4), "-").precision == "day"
    # Near midnight the JD's window is cut at the day's end.
    late = jd_date_time(dt.date(1957, 10, 4), "2436116.50")
    assert (late.start, late.end, late.time) == (D(1957, 10, 4, 23, 52, 48), D(1957, 10, 5),
                                                 None)


@pytest.mark.parametrize(("text", "category", "result", "score", "outcome"), [
    ("OS", "orbital", "success", None, "success"),
    ("OF", "orbital", "failure", None, "failure"),
    ("OF40", "orbital", "failure", 0.40, "failure"),
    ("OS75", "orbital", "success", 0.75, "success"),
    ("DS", "deep space", "success", None, "success"),
    ("OE", "orbital", "pad explosion (no launch)", None, "failure"),
    ("OU", "orbital", "unknown", None, None),
    ("SS", "suborbital", "success", None, "success"),
    ("XF", "category X", "failure", None, "failure"),
])
def test_launch_codes(text: str, category: str, result: str, score: float | None,
                      outcome: str | None) -> None:
    code = parse_launch_code(text)
    assert (code.category_name, code.result_name, code.score, code.outcome) == \
        (category, result, score, outcome)
    assert code.text == text


def test_launch_code_description_and_errors() -> None:
    assert parse_launch_code("OF40").description == \
        "orbital launch, failure (success score 0.40)"
    for bad in ("", "O", "OX", "OS7", "OS750", "os"):
        with pytest.raises(ValueError, match="expected a launch code"):
            parse_launch_code(bad)


@pytest.mark.parametrize(("text", "stage", "description"), [
    ("S4P", 4, "stage 4 propulsion"),
    ("S1G", 1, "stage 1 guidance and control"),
    ("S3I", 3, "stage 3 ignition"),
    ("S2S", 2, "stage 2 stage separation"),
    ("S4R", 4, "stage 4 restart"),
    ("S2E", 2, "stage 2 electrical"),
    ("S2U", 2, "stage 2 underperformance or early cutoff"),
    ("S0P", 0, "stage 0 propulsion"),
    ("S2P2*", 2, "stage 2 propulsion, burn 2 (flagged *)"),
    ("S3?", 3, "stage 3 (uncertain)"),
    ("S1", 1, "stage 1"),
    ("FF", None, "payload fairing failure"),
    ("PE?", None, "explosion, fire or fault at the pad (uncertain)"),
    ("AD/S1S", 1, "accidental or erroneous destruct; stage 1 stage separation"),
    ("S2P/FS", 2, "stage 2 propulsion; structural failure or premature separation"),
    ("ZZ", None, "failure code ZZ"),
])
def test_failure_codes(text: str, stage: int | None, description: str) -> None:
    code = parse_fail_code(text)
    assert (code.text, code.stage, code.description) == (text, stage, description)


@pytest.mark.parametrize("text", ["", "s2p", "S2 P", "S22PP", "AD/", "ABCD"])
def test_bad_failure_codes(text: str) -> None:
    with pytest.raises(ValueError, match="expected a failure code"):
        parse_fail_code(text)


@pytest.mark.parametrize(("piece", "tag"), [
    ("1957 ALP 2", "1957 ALP"), ("1958 ALP", "1958 ALP"), ("1962 B IOT 1", "1962 B IOT"),
    ("1961 A ALP 1", "1961 A ALP"), ("1962 B PI", "1962 B PI"), ("1960 MU", "1960 MU"),
    ("2025-071AB", "2025-071"), ("1963-001B", "1963-001"), ("1971-045", "1971-045"),
    ("F601010A", None), ("junk", None),
])
def test_launch_tag_of_a_piece(piece: str, tag: str | None) -> None:
    assert launch_tag_of_piece(piece) == tag
