"""Typed field values: quantities, angles, durations, dates, catalog numbers, COSPAR."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

from kosmochron.model import Cospar, Distance, Mass, Typed
from kosmochron.values import (
    CONVERTERS,
    cospar,
    days,
    degrees,
    distance,
    failed_stage,
    iso_date,
    mass,
    minutes,
    satcat,
)

# --- masses and distances ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("640 kg (1,410 lb)", Mass(640.0, 1410.0)),
        ("4,650 kg (10,250 lb)", Mass(4650.0, 10250.0)),
        ("74,783 kg (164,868 lb)", Mass(74783.0, 164868.0)),
        ("3,038,500 kg (6,698,700 lb)", Mass(3038500.0, 6698700.0)),
        ("118,000 kg", Mass(118000.0, None)),  # without the paired unit
        ("890 kg", Mass(890.0, None)),
        ("12.5 kg (27.6 lb)", Mass(12.5, 27.6)),  # decimals
        ("1,234.5 kg", Mass(1234.5, None)),  # commas and decimals
        (".5 kg", Mass(0.5, None)),
    ],
)
def test_mass(text: str, expected: Mass) -> None:
    assert mass(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("260 km (160 mi)", Distance(260.0, 160.0)),
        ("193,000 km", Distance(193000.0, None)),
        ("439 km (272 mi)", Distance(439.0, 272.0)),
        ("1.5 km (0.9 mi)", Distance(1.5, 0.9)),
        ("1,500,000 km (932,000 mi)", Distance(1500000.0, 932000.0)),
    ],
)
def test_distance(text: str, expected: Distance) -> None:
    assert distance(text) == expected


@pytest.mark.parametrize(
    "text",
    ["9x0 kg", "640kg", "640 kg (1,410 lbs)", "640 kg (1,410)", "640 lb", "1,00 kg",
     "1,0000 kg", "640 kg 1,410 lb", "", "kg", "-5 kg", "640 kg (1,410 lb) extra"],
)
def test_bad_mass_names_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match=r"expected a quantity like '4,650 kg \(10,250 lb\)'"):
        mass(text)


@pytest.mark.parametrize("text", ["260 mi", "260km", "260 km (160 miles)", "far"])
def test_bad_distance_names_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match=r"expected a quantity like '25,000 km \(15,000 mi\)'"):
        distance(text)


# --- degrees, minutes, days -------------------------------------------------------


@pytest.mark.parametrize(
    ("convert", "text", "expected"),
    [
        (degrees, "65.1000 deg", 65.1),
        (degrees, "51 deg", 51.0),
        (degrees, "0.0000 deg", 0.0),
        (minutes, "89.10 min", 89.1),
        (minutes, "1,440 min", 1440.0),
        (days, "2.35 days", 2.35),
        (days, "12 days", 12.0),
    ],
)
def test_units(convert: Callable[[str], float], text: str, expected: float) -> None:
    assert convert(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("convert", "text", "message"),
    [
        (degrees, "65.1 degrees", "expected a number of deg like '65.1000 deg'"),
        (degrees, "deg", "expected a number of deg"),
        (minutes, "89.10", "expected a number of min like '89.10 min'"),
        (minutes, "89.10 minutes", "expected a number of min"),
        (days, "2.35 day", "expected a number of days like '2.35 days'"),
        (days, "two days", "expected a number of days"),
    ],
)
def test_bad_units(convert: Callable[[str], float], text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        convert(text)


# --- ISO dates, catalog numbers, failed stages ------------------------------------


def test_iso_date() -> None:
    assert iso_date("1962-10-29") == dt.date(1962, 10, 29)
    assert iso_date("1960-02-29") == dt.date(1960, 2, 29)


@pytest.mark.parametrize("text", ["1962-13-01", "1961-02-29", "29 October 1962", "1962-10", ""])
def test_bad_iso_date(text: str) -> None:
    with pytest.raises(ValueError, match="expected an ISO date like '1962-10-29'"):
        iso_date(text)


@pytest.mark.parametrize(("text", "number"), [("443", 443), ("5", 5), ("19281", 19281)])
def test_satcat(text: str, number: int) -> None:
    assert satcat(text) == number


@pytest.mark.parametrize("text", ["", "443a", "44 3", "-1", "4.5", "²"])
def test_bad_satcat(text: str) -> None:
    with pytest.raises(ValueError, match="expected a satellite-catalog number"):
        satcat(text)


@pytest.mark.parametrize("text", ["1", "3", "S", "U"])
def test_failed_stage(text: str) -> None:
    assert failed_stage(text) == text


@pytest.mark.parametrize("text", ["", "12", "s", "Stage 3", "3 "])
def test_bad_failed_stage(text: str) -> None:
    with pytest.raises(ValueError, match="expected a stage number like '3' or a letter like 'S'"):
        failed_stage(text)


# --- COSPAR designators -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1971-045A", Cospar("1971-045A", "modern", 1971, "1971-045A", "1971-045A", piece="A")),
        ("1964-078C", Cospar("1964-078C", "modern", 1964, "1964-078C", "1964-078C", piece="C")),
        ("1998-067ABC",
         Cospar("1998-067ABC", "modern", 1998, "1998-067ABC", "1998-067ABC", piece="ABC")),
        ("1971-045", Cospar("1971-045", "modern", 1971, "1971-045", "1971-045", piece=None)),
    ],
)
def test_modern(text: str, expected: Cospar) -> None:
    assert cospar(text) == expected


@pytest.mark.parametrize(
    ("text", "normalized", "gcat", "piece"),
    [
        ("1962-B-Iota-1", "1962 Beta Iota 1", "1962 B IOT 1", "1"),
        ("1962-Beta-Iota-1", "1962 Beta Iota 1", "1962 B IOT 1", "1"),
        ("1962-B-Nu-3", "1962 Beta Nu 3", "1962 B NU 3", "3"),
        ("1962-B-Xi-1", "1962 Beta Xi 1", "1962 B XI 1", "1"),
        ("1961-A-Omicron-2", "1961 Alpha Omicron 2", "1961 A OMI 2", "2"),
        ("1961-Omega-1", "1961 Omega 1", "1961 OME 1", "1"),
        ("1957-Alpha-2", "1957 Alpha 2", "1957 ALP 2", "2"),
        ("1960-Epsilon", "1960 Epsilon", "1960 EPS", None),
        ("1962-A-Pi", "1962 Alpha Pi", "1962 A PI", None),
        ("1959-Mu-1", "1959 Mu 1", "1959 MU 1", "1"),
    ],
)
def test_greek(text: str, normalized: str, gcat: str, piece: str | None) -> None:
    assert cospar(text) == Cospar(text, "greek", int(text[:4]), normalized, gcat, piece=piece)


@pytest.mark.parametrize(
    ("text", "launch_date", "piece"),
    [
        ("F601010A", dt.date(1960, 10, 10), "A"),
        ("F640219B", dt.date(1964, 2, 19), "B"),
        ("F600229A", dt.date(1960, 2, 29), "A"),  # a leap day
        ("F570101A", dt.date(1957, 1, 1), "A"),  # 57..99 is the twentieth century
        ("F010925A", dt.date(2001, 9, 25), "A"),  # 00..56 the twenty-first
        ("F601010", dt.date(1960, 10, 10), None),
    ],
)
def test_failure(text: str, launch_date: dt.date, piece: str | None) -> None:
    assert cospar(text) == Cospar(text, "failure", launch_date.year, text, text,
                                  launch_date=launch_date, piece=piece)


@pytest.mark.parametrize("text", ["F601310A", "F610229A", "F600431A", "F600100A"])
def test_failure_with_an_impossible_date(text: str) -> None:
    with pytest.raises(ValueError, match=rf"failure designator '{text}' encodes no valid date"):
        cospar(text)


@pytest.mark.parametrize(("text", "year"), [("1988-058xx", 1988), ("1996-064xx", 1996),
                                            ("1996-064x", 1996)])
def test_placeholder(text: str, year: int) -> None:
    assert cospar(text) == Cospar(text, "placeholder", year)


@pytest.mark.parametrize(
    "text", ["", "foo", "1971-45A", "71-045A", "1962-B-Foo-1", "1962-C-Iota-1", "F6010A",
             "1971 045A", "1971-045a1"],
)
def test_unknown_designator_lists_the_known_forms(text: str) -> None:
    with pytest.raises(ValueError) as info:
        cospar(text)
    for example in ("'1971-045A'", "'1962-B-Iota-1'", "'F601010A'", "'1988-058xx'"):
        assert example in str(info.value)


# --- which fields are typed -------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "typed"),
    [
        ("Mass", "890 kg (1,960 lb)", Mass(890.0, 1960.0)),
        ("Apogee", "260 km (160 mi)", Distance(260.0, 160.0)),
        ("Perigee", "202 km (125 mi)", Distance(202.0, 125.0)),
        ("Inclination", "65.1000 deg", 65.1),
        ("Period", "89.10 min", 89.1),
        ("Duration", "2.35 days", 2.35),
        ("Decay Date", "1962-10-29", dt.date(1962, 10, 29)),
        ("USAF Sat Cat", "443", 443),
        ("Failed Stage", "S", "S"),
        ("COSPAR", "1988-058xx", Cospar("1988-058xx", "placeholder", 1988)),
    ],
)
def test_converters_by_key(key: str, value: str, typed: Typed) -> None:
    assert CONVERTERS[key](value) == typed


def test_untyped_keys_have_no_converter() -> None:
    for key in ("Nation", "Agency", "Payload", "Launch Site", "FAILURE", "Summary", "Crew"):
        assert key not in CONVERTERS


# --- values beyond sense (issue 16): errors, so nothing downstream ever computes with them


@pytest.mark.parametrize(
    ("convert", "text", "message"),
    [
        (distance, "1" + "0" * 110 + " km", "beyond physical sense (at most 1,000,000,000,000 km)"),
        (distance, "2,000,000,000,000 km", "at most 1,000,000,000,000 km"),
        (distance, "200 km (700,000,000,000 mi)", "mi is beyond physical sense"),
        (mass, "200,000,000 kg", "at most 100,000,000 kg"),
        (degrees, "180.5 deg", "at most 180 deg"),
        (minutes, "2,000,000,000 min", "at most 1,000,000,000 min"),
        (days, "20,000,000 days", "at most 10,000,000 days"),
        (satcat, "12345678901234567890123", "beyond the catalog's nine digits"),
        (satcat, "2147483648", "at most 999,999,999"),  # 2^31: PostgreSQL's integer ends
        (iso_date, "9999-12-31", "the year 9999 is outside"),
        (iso_date, "0001-01-01", "(1000-2999)"),
    ],
)
def test_values_beyond_sense_are_errors(convert: Callable[[str], object], text: str,
                                        message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        convert(text)


@pytest.mark.parametrize(
    ("convert", "text", "expected"),
    [
        (distance, "1,000,000,000,000 km", Distance(1e12, None)),  # the limit itself
        (degrees, "180.0000 deg", 180.0),
        (satcat, "999999999", 999_999_999),
        (satcat, "000000000443", 443),  # zero-padded, not over nine digits
        (iso_date, "2999-12-31", dt.date(2999, 12, 31)),
    ],
)
def test_values_at_the_limits_are_read(convert: Callable[[str], object], text: str,
                                       expected: object) -> None:
    assert convert(text) == expected
