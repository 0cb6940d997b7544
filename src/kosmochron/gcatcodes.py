"""GCAT's codes and dates: vague dates, launch codes, failure codes, launch tags.

* **Vague dates** (``1957 Oct  4 1928:34``): a date written only as far as it is
  known (decade ``1960s``, year, quarter ``2021 Q2``, month, day, hour ``19h``,
  minute ``1928``, second ``1928:34``); a trailing ``?`` says even the last field
  is uncertain, which Kosmochron reads as one unit of that field either side
  (``1962 Apr?`` is March to May 1962).  :class:`GcatDate` keeps the text and the
  interval, and maps onto the chronology's :class:`~kosmochron.model.VagueDate`.
* **Launch codes** (``OS``, ``OF40``, ``DS``, ``OE``): a category letter (O orbital,
  D deep space …), a result letter (S success, F failure, U unknown, E a pad
  explosion: no launch) and, for some orbital launches, a success score in
  percent, kept as GCAT gives it (``OF40`` failed with a score of 0.40).
* **Failure codes** (``S4P``, ``S2P2*``, ``FF``, ``AD/S1S``): the stage that failed
  and the cause, decoded to words.  GCAT's page on these codes is not among the
  documentation Kosmochron was written from, so the meanings below were read off
  the launch list itself (each code against the notes of the launches that carry
  it); a code it does not know is kept and shown as written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .model import Precision, VagueDate

GcatPrecision = Literal["unknown", "decade", "year", "quarter", "month", "day", "hour",
                        "minute", "second"]

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_name) if name})
_TIME = re.compile(r"(?P<h>\d{2})(?:h|(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?)")
#: The Julian Date of 2000 January 1, 12:00 UTC.
J2000 = 2451545.0
_J2000_INSTANT = dt.datetime(2000, 1, 1, 12)
_EXAMPLE = "expected a GCAT date like '1957 Oct  4 1928:34', '1962 Apr?' or '1960s'"


@dataclass(frozen=True, slots=True)
class GcatDate:
    """A GCAT date as written and the interval of instants (UTC) it denotes.

    ``start`` is the first instant, ``end`` the instant just after the last one
    (both None when the date is unknown, ``?``).  ``time`` is the time of day to
    show (``19:28:34``, ``19:28``) when the date gives minutes or better."""

    text: str
    precision: GcatPrecision
    uncertain: bool
    start: dt.datetime | None
    end: dt.datetime | None
    time: str | None = None

    @property
    def first_day(self) -> dt.date | None:
        return None if self.start is None else self.start.date()

    @property
    def last_day(self) -> dt.date | None:
        if self.end is None:
            return None
        return (self.end - dt.timedelta(microseconds=1)).date()

    def contains(self, instant: dt.datetime, slack: dt.timedelta = dt.timedelta()) -> bool:
        """Whether ``instant`` lies in the interval, widened by ``slack`` either side."""
        if self.start is None or self.end is None:
            return False
        return self.start - slack <= instant < self.end + slack

    def vague_date(self) -> VagueDate:
        """The chronology model's reading: same text, the days the interval covers, and
        the precision of that span (one day, a range of days, a month, a season, a
        year; a wider span keeps the unit GCAT wrote)."""
        first, last = self.first_day, self.last_day
        if first is None or last is None:
            return VagueDate(self.text, "unknown", None, None)
        return VagueDate(self.text, span_precision(first, last, self.precision), first, last)


def span_precision(first: dt.date, last: dt.date, unit: GcatPrecision = "day") -> Precision:
    """The chronology precision of the closed span of days ``first``…``last``."""
    if first == last:
        return "day"
    month_end = calendar.monthrange(last.year, last.month)[1]
    whole_months = first.day == 1 and last.day == month_end
    if whole_months and (first.year, first.month) == (last.year, last.month):
        return "month"
    if whole_months and (first.month, last.month) == (1, 12) and first.year == last.year:
        return "year"
    if whole_months and _is_season(first, last):
        return "season"
    if (first.year, first.month) == (last.year, last.month):
        return "day-range"
    if unit in ("decade", "year"):
        return "year"
    if unit in ("quarter", "month"):
        return "month"
    return "day-range"


def _is_season(first: dt.date, last: dt.date) -> bool:
    months = (last.year - first.year) * 12 + last.month - first.month
    return months == 2 and first.month in (3, 6, 9, 12)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _month_start(year: int, month: int) -> dt.datetime:
    return dt.datetime(year, month, 1)


@functools.lru_cache(maxsize=65536)  # dates repeat (a launch's payloads share one)
def parse_gcat_date(text: str) -> GcatDate:
    """Read a GCAT vague date; ``ValueError`` says what was expected.

    ``1957 Oct  4 1928:34`` (to the second), ``1960 Dec  2 0712`` (minute),
    ``1960 Dec  2 07h`` (hour), ``1957 Oct  4``, ``1964 Mar``, ``2021 Q2``,
    ``1967``, ``1960s``, each optionally followed by ``?``; ``?`` alone is unknown."""
    written = text.strip()
    body = written.rstrip("?").rstrip()
    uncertain = written.endswith("?")
    if not body:
        if uncertain:
            return GcatDate(written, "unknown", True, None, None)
        raise ValueError(_EXAMPLE)
    words = body.split()
    try:
        return _interval(written, words, uncertain)
    except (ValueError, OverflowError) as exc:
        message = str(exc) if str(exc).startswith("expected") else _EXAMPLE
        raise ValueError(message) from None


def _interval(written: str, words: list[str], uncertain: bool) -> GcatDate:
    year_word = words[0]
    if re.fullmatch(r"\d{3}0s", year_word) and len(words) == 1:
        decade = int(year_word[:-1])
        return _widen(written, "decade", uncertain, dt.datetime(max(decade, 1), 1, 1),
                      dt.datetime(decade + 10, 1, 1))
    if not re.fullmatch(r"\d{1,4}", year_word) or int(year_word) < 1:
        raise ValueError(_EXAMPLE)
    year = int(year_word)
    if len(words) == 1 or words[1] == "-":
        if len(words) > 2 and words[2] != "-":
            raise ValueError("expected a month before the day, e.g. '1957 Oct  4'")
        return _widen(written, "year", uncertain, dt.datetime(year, 1, 1),
                      dt.datetime(year + 1, 1, 1) if year < 9999 else dt.datetime.max)
    if re.fullmatch(r"Q[1-4]", words[1]) and len(words) == 2:
        first = (int(words[1][1]) - 1) * 3 + 1
        end_year, end_month = _add_months(year, first, 3)
        return _widen(written, "quarter", uncertain, _month_start(year, first),
                      _month_start(end_year, end_month))
    month = _MONTHS.get(words[1].rstrip(".").lower())
    if month is None:
        raise ValueError(f"expected a month like 'Oct', not {words[1]!r}")
    if len(words) == 2 or words[2] == "-":
        if len(words) > 3:
            raise ValueError(_EXAMPLE)
        next_year, next_month = _add_months(year, month, 1)
        return _widen(written, "month", uncertain, _month_start(year, month),
                      _month_start(next_year, next_month))
    if not words[2].isdigit():
        raise ValueError(f"expected a day of the month, not {words[2]!r}")
    day = dt.datetime(year, month, int(words[2]))
    if len(words) == 3:
        return _widen(written, "day", uncertain, day, day + dt.timedelta(days=1))
    if len(words) > 4:
        raise ValueError(_EXAMPLE)
    m = _TIME.fullmatch(words[3])
    if m is None:
        raise ValueError(f"expected a time like '1928:34', '1928' or '19h', not {words[3]!r}")
    hour, minute, second = m.group("h"), m.group("m"), m.group("s")
    at = day.replace(hour=int(hour), minute=int(minute or 0), second=int(second or 0))
    if minute is None:
        return _widen(written, "hour", uncertain, at, at + dt.timedelta(hours=1))
    if second is None:
        return _widen(written, "minute", uncertain, at, at + dt.timedelta(minutes=1),
                      f"{hour}:{minute}")
    return _widen(written, "second", uncertain, at, at + dt.timedelta(seconds=1),
                  f"{hour}:{minute}:{second}")


#: How far a trailing ``?`` widens each kind of date, either side.
UNCERTAINTY = {"decade": 120, "year": 12, "quarter": 3, "month": 1}
UNCERTAINTY_TIME = {"day": dt.timedelta(days=1), "hour": dt.timedelta(hours=1),
                    "minute": dt.timedelta(minutes=1), "second": dt.timedelta(seconds=1)}


def _widen(written: str, precision: GcatPrecision, uncertain: bool, start: dt.datetime,
           end: dt.datetime, time: str | None = None) -> GcatDate:
    if uncertain:
        if precision in UNCERTAINTY:
            months = UNCERTAINTY[precision]
            y, m = _add_months(start.year, start.month, -months)
            start = _month_start(max(y, 1), m if y >= 1 else 1)
            if end != dt.datetime.max:
                y, m = _add_months(end.year, end.month, months)
                end = _month_start(y, m) if y <= 9999 else dt.datetime.max
        else:
            step = UNCERTAINTY_TIME[precision]
            start, end = start - step, min(end, dt.datetime.max - step) + step
    return GcatDate(written, precision, uncertain, start, end, time)


def julian_date_instant(jd: float | str) -> dt.datetime:
    """The UTC instant of a Julian Date (as text, exact to the microsecond)."""
    seconds = (Decimal(str(jd)) - Decimal(str(J2000))) * 86400
    return _J2000_INSTANT + dt.timedelta(microseconds=int(seconds * 1_000_000))


def jd_date_time(day: dt.date, jd_text: str, text: str | None = None) -> GcatDate:
    """The CSV export's launch date: the ISO ``day`` with the time of day from the
    Julian Date, known only to the JD's decimals (0.01 day is ±7.2 minutes).

    The interval is the JD's rounding interval clipped to ``day``; with no JD, or one
    that does not fall on ``day``, the date is the whole day."""
    text = text if text is not None else day.isoformat()
    start = dt.datetime(day.year, day.month, day.day)
    whole = GcatDate(text, "day", False, start, start + dt.timedelta(days=1))
    jd_text = jd_text.strip()
    if not re.fullmatch(r"\d+(?:\.\d+)?", jd_text):
        return whole
    decimals = len(jd_text.partition(".")[2])
    half = dt.timedelta(microseconds=int(Decimal(43_200_000_000) / 10 ** decimals))
    center = julian_date_instant(jd_text)
    low, high = max(center - half, start), min(center + half, start + dt.timedelta(days=1))
    if low >= high or decimals == 0:
        return whole
    precision: GcatPrecision = "second" if decimals >= 5 else "minute" if decimals >= 2 \
        else "hour"
    time = None
    if precision != "hour":
        shown = (center + dt.timedelta(seconds=30)).replace(second=0, microsecond=0)
        if shown.date() == day:
            time = shown.strftime("%H:%M")
    return GcatDate(text, precision, False, low, high, time)


# -- launch codes ---------------------------------------------------------------------

#: LaunchCode's first letter.  The orbital list uses O and D; GCAT's other launch
#: lists use further letters, shown by name where Kosmochron knows it.
LAUNCH_CATEGORIES = {"O": "orbital", "D": "deep space", "S": "suborbital",
                     "M": "military missile"}
#: LaunchCode's second letter.
LAUNCH_RESULTS = {"S": "success", "F": "failure", "U": "unknown",
                  "E": "pad explosion (no launch)"}
_LAUNCH_CODE = re.compile(r"(?P<cat>[A-Z])(?P<res>[A-Z])(?P<score>\d{2})?(?P<q>\?)?")


@dataclass(frozen=True, slots=True)
class LaunchCode:
    """``OF40``: category O (orbital), result F (failure), success score 0.40."""

    text: str
    category: str
    result: str
    #: GCAT's launch success fraction (``OS75`` is 0.75); None when not given.
    score: float | None = None
    uncertain: bool = False

    @property
    def category_name(self) -> str:
        return LAUNCH_CATEGORIES.get(self.category, f"category {self.category}")

    @property
    def result_name(self) -> str:
        return LAUNCH_RESULTS[self.result]

    @property
    def outcome(self) -> Literal["success", "failure"] | None:
        """The chronology's outcome: a pad explosion is a failed attempt; unknown is None."""
        if self.result == "S":
            return "success"
        if self.result in ("F", "E"):
            return "failure"
        return None

    @property
    def description(self) -> str:
        words = f"{self.category_name} launch, {self.result_name}"
        if self.score is not None:
            words += f" (success score {self.score:.2f})"
        return words + (", uncertain" if self.uncertain else "")


def parse_launch_code(text: str) -> LaunchCode:
    m = _LAUNCH_CODE.fullmatch(text.strip())
    if m is None or m.group("res") not in LAUNCH_RESULTS:
        raise ValueError("expected a launch code like 'OS', 'OF' or 'OF40' (category letter, "
                         "result S/F/U/E, optional score)")
    score = m.group("score")
    return LaunchCode(m.group(0), m.group("cat"), m.group("res"),
                      None if score is None else int(score) / 100, m.group("q") is not None)


# -- failure codes ----------------------------------------------------------------------

#: The cause letter after a stage (``S2P``: stage 2, propulsion).
STAGE_CAUSES = {"P": "propulsion", "G": "guidance and control", "I": "ignition",
                "S": "stage separation", "R": "restart", "E": "electrical",
                "U": "underperformance or early cutoff"}
#: Failure codes that name no stage.
OTHER_FAILURES = {
    "FF": "payload fairing failure",
    "FS": "structural failure or premature separation",
    "PE": "explosion, fire or fault at the pad",
    "PA": "payload did not separate",
    "PG": "payload attitude control failed during its burn",
    "PI": "payload's insertion motor failed",
    "AD": "accidental or erroneous destruct",
    "AL": "accident before launch",
    "WX": "weather (lightning strike)",
    "U": "cause unknown",
    "UX": "launch not confirmed",
}
_STAGE = re.compile(r"S(?P<stage>\d)(?P<cause>[A-Z])?(?P<burn>\d)?(?P<flag>\*)?")
_OTHER = re.compile(r"[A-Z]{1,3}\*?")


@dataclass(frozen=True, slots=True)
class FailPart:
    """One failure of a code (``AD/S1S`` has two): the stage and cause, or a code
    that names no stage."""

    text: str
    stage: int | None = None
    cause: str | None = None
    #: Which burn of the stage failed (``S2P2``: its second), if given.
    burn: int | None = None
    #: GCAT's ``*`` flag on the code, kept (its meaning is GCAT's).
    flagged: bool = False
    uncertain: bool = False

    @property
    def description(self) -> str:
        if self.stage is None:
            words = OTHER_FAILURES.get(self.cause or "", f"failure code {self.text}")
        else:
            words = f"stage {self.stage}"
            if self.cause is not None:
                words += " " + STAGE_CAUSES.get(self.cause, f"cause {self.cause}")
            if self.burn is not None:
                words += f", burn {self.burn}"
        if self.flagged:
            words += " (flagged *)"
        return words + (" (uncertain)" if self.uncertain else "")


@dataclass(frozen=True, slots=True)
class FailCode:
    """A failure code (``S4P``: stage 4, propulsion) as parts, each decoded."""

    text: str
    parts: tuple[FailPart, ...]

    @property
    def stage(self) -> int | None:
        """The first failed stage the code names, if any."""
        return next((p.stage for p in self.parts if p.stage is not None), None)

    @property
    def description(self) -> str:
        return "; ".join(p.description for p in self.parts)


def parse_fail_code(text: str) -> FailCode:
    """Decode ``S2P2*``, ``FF``, ``PE?``, ``AD/S1S`` …; a code of unknown shape is kept
    as one undecoded part rather than refused (GCAT may add codes)."""
    text = text.strip()
    parts = text.split("/")
    if not all(_STAGE.fullmatch(p.rstrip("?")) or _OTHER.fullmatch(p.rstrip("?"))
               for p in parts):
        raise ValueError("expected a failure code like 'S4P' (stage 4, propulsion), "
                         "'S2G2*', 'FF' or 'AD/S1S'")
    return FailCode(text, tuple(_fail_part(p) for p in parts))


def _fail_part(text: str) -> FailPart:
    uncertain = text.endswith("?")
    body = text.rstrip("?")
    m = _STAGE.fullmatch(body)
    if m is not None:
        burn = m.group("burn")
        return FailPart(text, int(m.group("stage")), m.group("cause"),
                        None if burn is None else int(burn), m.group("flag") is not None,
                        uncertain)
    flagged = body.endswith("*")
    return FailPart(text, None, body.rstrip("*"), None, flagged, uncertain)


# -- designators -------------------------------------------------------------------------

_MODERN_PIECE = re.compile(r"(\d{4}-\d{3})[A-Z]{0,3}")
_GREEK_PIECE = re.compile(r"(\d{4} (?:[AB] )?[A-Z]{2,3})(?: \d+)?")


def launch_tag_of_piece(piece: str) -> str | None:
    """The launch a piece designator belongs to: ``1957 ALP 2`` → ``1957 ALP``,
    ``1962 B IOT 1`` → ``1962 B IOT``, ``2025-071AB`` → ``2025-071``."""
    piece = piece.strip()
    for pattern in (_MODERN_PIECE, _GREEK_PIECE):
        m = pattern.fullmatch(piece)
        if m is not None:
            return m.group(1)
    return None
