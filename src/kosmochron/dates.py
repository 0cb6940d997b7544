"""Vague dates as chronologies write them: ``1961 May``, ``1960 Summer``, ``1959 June 25-26``.

A date keeps its text and precision and denotes a closed interval of days, the
way GCAT treats its vague dates, so a query for "May 1961" finds a ``1961 May``
entry without pretending it happened on the 1st.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re

from .model import VagueDate

MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
MONTH_ABBREVIATIONS = {name[:3]: i for name, i in MONTHS.items()}

#: Seasons as meteorological quarters (northern hemisphere), by the months they
#: span.  Winter is the one that begins in December of the written year.
SEASONS = {"Spring": (3, 5), "Summer": (6, 8), "Autumn": (9, 11), "Fall": (9, 11),
           "Winter": (12, 14)}

_DAYS = re.compile(r"(\d{1,2})(?:-(\d{1,2}))?")

#: The years an entry's date can mean: a chronology of spaceflight runs from rocketry's
#: early history to missions planned decades ahead.  A year outside them (``9999``,
#: ``0001``: a typo or filler) is an error and the entry is kept undated, so that no
#: date arithmetic downstream (a chart's next year, a decade, an ephemeris) meets it.
RECORD_YEARS = range(1000, 3000)


class DateBoundError(ValueError):
    """A ``--from``/``--to`` bound that is not a date (the message says what would be)."""


class DateError(ValueError):
    """A date that cannot be read; ``date`` is the best partial reading."""

    def __init__(self, message: str, date: VagueDate) -> None:
        super().__init__(message)
        self.date = date


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(year: int, month: int) -> int:
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _days_in(year, month))


def _year(text: str, year: int) -> VagueDate:
    return VagueDate(text, "year", dt.date(year, 1, 1), dt.date(year, 12, 31))


def parse_vague_date(text: str, years: range | None = RECORD_YEARS) -> VagueDate:
    """Read ``YEAR [MONTH|SEASON|-] [DAY[-DAY]|-]``; raise :class:`DateError` if unreadable
    or if the year is not in ``years`` (None: any year a date can hold)."""
    words = text.split()
    if not words or not words[0].isdigit() or len(words[0]) != 4:
        raise DateError(f"date {text!r} does not start with a four-digit year",
                        VagueDate(text, "unknown", None, None))
    year = int(words[0])
    if year < 1:
        raise DateError(f"year {year} is out of range", VagueDate(text, "unknown", None, None))
    if years is not None and year not in years:
        raise DateError(f"year {year} is outside the years a launch record can mean "
                        f"({years.start}-{years.stop - 1})",
                        VagueDate(text, "unknown", None, None))
    if len(words) == 1 or words[1] == "-":
        if len(words) > 2 and words[2] != "-":
            raise DateError(f"date {text!r} has a day but no month; expected e.g. '1961 May 12'",
                            _year(text, year))
        return _year(text, year)
    if len(words) > 3:
        raise DateError(f"date {text!r} has extra words; expected 'YEAR MONTH DAY'",
                        _year(text, year))
    name = words[1]
    if name in SEASONS:
        if len(words) == 3:
            raise DateError(f"season {name!r} cannot have a day", _year(text, year))
        first, last = SEASONS[name]
        end_year, end_month = (year + 1, last - 12) if last > 12 else (year, last)
        if end_year > dt.MAXYEAR:  # 9999 Winter ends in a year datetime cannot hold
            raise DateError(f"season {text!r} ends after the year {dt.MAXYEAR}",
                            _year(text, year))
        return VagueDate(text, "season", dt.date(year, first, 1), _month_end(end_year, end_month))
    month = MONTHS.get(name) or MONTH_ABBREVIATIONS.get(name.rstrip("."))
    if month is None:
        guess = difflib.get_close_matches(name, [*MONTHS, *SEASONS], n=1, cutoff=0.6)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        raise DateError(f"unknown month {name!r}: expected a month name (January…December) "
                        f"or a season (Spring, Summer, Autumn, Winter){hint}", _year(text, year))
    last = _days_in(year, month)
    if len(words) == 2 or words[2] == "-":
        return VagueDate(text, "month", dt.date(year, month, 1), dt.date(year, month, last))
    day = words[2]
    if day.isdecimal() and len(day) <= 2 and 1 <= int(day) <= last:  # the common case
        start = dt.date(year, month, int(day))
        return VagueDate(text, "day", start, start)
    m = _DAYS.fullmatch(day)
    partial = VagueDate(text, "month", dt.date(year, month, 1), dt.date(year, month, last))
    if m is None:
        raise DateError(f"day {day!r} is not a number or a range like '25-26'", partial)
    first_day, last_day = int(m.group(1)), int(m.group(2) or m.group(1))
    if not 1 <= first_day <= last_day <= last:
        raise DateError(f"day {day!r} is not within {name} {year} "
                        f"(1-{last}, ranges ascending)", partial)
    start, end = dt.date(year, month, first_day), dt.date(year, month, last_day)
    return VagueDate(text, "day" if start == end else "day-range", start, end)


def parse_date_bound(text: str, *, end: bool) -> dt.date:
    """``1971``, ``1971-05``, ``1971-05-19`` or ``1971 May`` to the first (or last) day."""
    text = text.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    try:
        if m:
            year, month, day = m.group(1), m.group(2), m.group(3)
            words = [year]
            if month:
                words.append(dt.date(2000, int(month), 1).strftime("%B"))
            if day:
                words.append(str(int(day)))
            text = " ".join(words)
        date = parse_vague_date(text, years=None)  # a bound may lie beyond any record
    except ValueError as exc:  # DateError included
        raise DateBoundError(f"bad date {text!r}: {exc}; expected e.g. 1971, 1971-05, "
                         "1971-05-19 or '1971 May'") from None
    bound = date.end if end else date.start
    assert bound is not None
    return bound
