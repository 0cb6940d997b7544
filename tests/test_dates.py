"""Vague dates: every precision, the interval each denotes, and readable errors."""

from __future__ import annotations

import datetime as dt

import pytest

from kosmochron.dates import DateError, parse_vague_date
from kosmochron.model import Precision, VagueDate

D = dt.date


@pytest.mark.parametrize(
    ("text", "precision", "start", "end"),
    [
        # day
        ("1961 May 12", "day", D(1961, 5, 12), D(1961, 5, 12)),
        ("1960 October 10", "day", D(1960, 10, 10), D(1960, 10, 10)),
        ("1961 Feb. 3", "day", D(1961, 2, 3), D(1961, 2, 3)),  # abbreviation with a period
        ("1961 Sep 30", "day", D(1961, 9, 30), D(1961, 9, 30)),
        # day-range
        ("1959 June 25-26", "day-range", D(1959, 6, 25), D(1959, 6, 26)),
        ("1969 July 16-24", "day-range", D(1969, 7, 16), D(1969, 7, 24)),
        ("1961 May 5-5", "day", D(1961, 5, 5), D(1961, 5, 5)),  # a one-day range is a day
        # month
        ("1953 March", "month", D(1953, 3, 1), D(1953, 3, 31)),
        ("1961 May -", "month", D(1961, 5, 1), D(1961, 5, 31)),
        ("1961 April", "month", D(1961, 4, 1), D(1961, 4, 30)),
        ("1961 Dec", "month", D(1961, 12, 1), D(1961, 12, 31)),
        # season: meteorological quarters
        ("1960 Spring", "season", D(1960, 3, 1), D(1960, 5, 31)),
        ("1960 Summer", "season", D(1960, 6, 1), D(1960, 8, 31)),
        ("1960 Autumn", "season", D(1960, 9, 1), D(1960, 11, 30)),
        ("1960 Fall", "season", D(1960, 9, 1), D(1960, 11, 30)),
        # year
        ("1961", "year", D(1961, 1, 1), D(1961, 12, 31)),
        ("1961 -", "year", D(1961, 1, 1), D(1961, 12, 31)),
        ("1961 - -", "year", D(1961, 1, 1), D(1961, 12, 31)),
    ],
)
def test_precisions_and_intervals(
    text: str, precision: Precision, start: dt.date, end: dt.date
) -> None:
    assert parse_vague_date(text) == VagueDate(text, precision, start, end)


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("1962 Winter", D(1963, 2, 28)),  # Winter begins in December, ends in February
        ("1963 Winter", D(1964, 2, 29)),  # ... of a leap year
        ("1899 Winter", D(1900, 2, 28)),  # 1900 is not a leap year
        ("1999 Winter", D(2000, 2, 29)),  # 2000 is
        ("9998 Winter", D(9999, 2, 28)),  # the last Winter a date can hold
    ],
)
def test_winter_spans_december_to_february_of_the_next_year(text: str, end: dt.date) -> None:
    date = parse_vague_date(text, years=None)  # any year a date can hold (9998 included)
    assert date.precision == "season"
    assert date.start == D(int(text[:4]), 12, 1)
    assert date.end == end


@pytest.mark.parametrize(
    ("text", "last_day"),
    [("1960 February", 29), ("1961 February", 28), ("1900 February", 28),
     ("2000 February", 29)],
)
def test_february_month_interval_follows_leap_years(text: str, last_day: int) -> None:
    assert parse_vague_date(text).end == D(int(text[:4]), 2, last_day)


@pytest.mark.parametrize("text", ["1960 February 29", "2000 February 29", "1960 February 28-29"])
def test_february_29_of_a_leap_year_is_a_day(text: str) -> None:
    date = parse_vague_date(text)
    assert date.end == D(int(text[:4]), 2, 29)


@pytest.mark.parametrize(
    ("text", "fragments", "partial"),
    [
        ("", ["four-digit year"], "unknown"),
        ("61 May 5", ["'61 May 5'", "four-digit year"], "unknown"),
        ("May 1961", ["four-digit year"], "unknown"),
        ("19610 May", ["four-digit year"], "unknown"),
        ("0000 May 1", ["year 0 is out of range"], "unknown"),
        ("1961 - 5", ["has a day but no month", "'1961 May 12'"], "year"),
        ("1961 May 5 GMT", ["extra words", "'YEAR MONTH DAY'"], "year"),
        ("1960 Summer 5", ["season 'Summer' cannot have a day"], "year"),
        ("1965 Novembr 16", ["unknown month 'Novembr'", "did you mean 'November'?"], "year"),
        ("1965 Wintr", ["unknown month 'Wintr'", "did you mean 'Winter'?"], "year"),
        ("1965 Qqqq 1", ["unknown month 'Qqqq'", "January…December"], "year"),
        ("1961 May x", ["day 'x' is not a number or a range like '25-26'"], "month"),
        ("1961 May 0", ["day '0' is not within May 1961 (1-31"], "month"),
        ("1961 April 31", ["day '31' is not within April 1961 (1-30"], "month"),
        ("1961 February 29", ["day '29' is not within February 1961 (1-28"], "month"),
        ("1900 February 29", ["(1-28"], "month"),
        ("1959 June 26-25", ["'26-25'", "ranges ascending"], "month"),
        ("1959 June 25-31", ["'25-31'", "(1-30"], "month"),
        ("1959 June 1-2-3", ["'1-2-3' is not a number or a range"], "month"),
        ("9999 Winter", ["year 9999 is outside the years a launch record can mean",
                         "(1000-2999)"], "unknown"),
        ("9999 May 1", ["year 9999 is outside", "(1000-2999)"], "unknown"),
        ("0001 January 1", ["year 1 is outside", "(1000-2999)"], "unknown"),
        ("0999", ["year 999 is outside"], "unknown"),
        ("3000 June", ["year 3000 is outside"], "unknown"),
    ],
)
def test_errors_say_what_was_expected_and_keep_a_partial_reading(
    text: str, fragments: list[str], partial: Precision
) -> None:
    with pytest.raises(DateError) as info:
        parse_vague_date(text)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message
    assert info.value.date.text == text
    assert info.value.date.precision == partial
    if partial == "unknown":
        assert info.value.date.start is None and info.value.date.end is None
    else:
        assert info.value.date.start is not None
        assert info.value.date.start.year == int(text[:4])


def test_unknown_month_without_a_close_match_gives_no_hint() -> None:
    with pytest.raises(DateError) as info:
        parse_vague_date("1961 Xyzzy")
    assert "did you mean" not in str(info.value)


def test_date_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown month"):
        parse_vague_date("1961 Smarch 3")


def test_partial_reading_of_a_bad_day_is_the_month() -> None:
    with pytest.raises(DateError) as info:
        parse_vague_date("1961 April 31")
    assert info.value.date == VagueDate("1961 April 31", "month", D(1961, 4, 1), D(1961, 4, 30))


def test_without_the_record_years_a_date_still_ends_within_what_a_date_can_hold() -> None:
    with pytest.raises(DateError, match="'9999 Winter' ends after the year 9999") as info:
        parse_vague_date("9999 Winter", years=None)
    assert info.value.date.precision == "year"


def test_record_years_cover_history_to_future_plans() -> None:
    assert parse_vague_date("1000").start == D(1000, 1, 1)
    assert parse_vague_date("2999 December 31").end == D(2999, 12, 31)
    assert parse_vague_date("2200 May 5").start == D(2200, 5, 5)  # beyond DE421, still a date
