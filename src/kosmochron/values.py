"""Typed readings of field values: masses, distances, angles, durations, dates,
catalog numbers and COSPAR designators.

Each converter takes the value text and returns the typed value or raises
``ValueError`` with a message that says what was expected; the parser turns that
into a diagnostic on the field and keeps the raw text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

from .dates import RECORD_YEARS
from .model import Cospar, Distance, Mass, Typed

_NUMBER = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_MASS = re.compile(rf"{_NUMBER} kg(?: \({_NUMBER} lb\))?")
_DISTANCE = re.compile(rf"{_NUMBER} km(?: \({_NUMBER} mi\))?")


def _number(text: str, limit: float = math.inf, unit: str = "") -> float:
    value = float(text.replace(",", ""))
    if not math.isfinite(value):  # hundreds of digits overflow to infinity
        raise ValueError(f"the number {text[:20]}… is too large to be a measurement")
    if value > limit:  # finite, but past what any computation downstream should meet
        raise ValueError(f"{text[:24]}{'…' if len(text) > 24 else ''} {unit} is beyond "
                         f"physical sense (at most {limit:,.0f} {unit})")
    return value


#: The largest value each measurement can have and still mean something: every stage of
#: every rocket flown is below 10^7 kg; 10^12 km is over 6,000 AU, past any probe's
#: apsis; 10^9 minutes is nearly 2,000 years.  Larger values are errors, kept as text,
#: so that Kepler's law, unit checks and charts only meet numbers they can compute with.
LIMITS = {"kg": 1e8, "lb": 1e8 / 0.45359237, "km": 1e12, "mi": 1e12 / 1.609344,
          "deg": 180.0, "min": 1e9, "days": 1e7}
#: Catalog numbers have at most nine digits (the catalog's planned extension).
SATCAT_MAX = 999_999_999

Pair = tuple[float, float | None]


def last_digit_unit(text: str) -> float:
    """The unit of a written number's last significant digit: 14,300 -> 100,
    10,250 -> 10, 87.90 -> 0.01, 640 -> 10 (trailing zeros count as rounding)."""
    digits = text.replace(",", "")
    if "." in digits:
        return 10.0 ** -len(digits.split(".")[1])
    stripped = digits.rstrip("0")
    return 10.0 ** (len(digits) - len(stripped)) if stripped else 1.0


def written_half_unit(value: str | None) -> float:
    """Half the unit of the last digit of the first number in a field's value
    (``25,000 km (15,000 mi)`` -> 500.0): how far the written figure may be from
    the one it was rounded from; 0.0 when there is no number."""
    m = re.search(_NUMBER, value or "")
    return 0.0 if m is None else last_digit_unit(m.group(1)) / 2


def _quantity(pattern: re.Pattern[str], example: str,
              units: tuple[str, str]) -> Callable[[str], Pair]:
    def read(value: str) -> Pair:
        m = pattern.fullmatch(value)
        if m is None:
            raise ValueError(f"expected a quantity like {example!r}")
        other = m.group(2)
        return (_number(m.group(1), LIMITS[units[0]], units[0]),
                None if other is None else _number(other, LIMITS[units[1]], units[1]))

    return read


_read_mass = _quantity(_MASS, "4,650 kg (10,250 lb)", ("kg", "lb"))
_read_distance = _quantity(_DISTANCE, "25,000 km (15,000 mi)", ("km", "mi"))


def mass(value: str) -> Mass:
    kg, lb = _read_mass(value)
    return Mass(kg, lb)


def distance(value: str) -> Distance:
    km, mi = _read_distance(value)
    return Distance(km, mi)


def _unit(unit: str, example: str) -> Callable[[str], float]:
    pattern = re.compile(rf"{_NUMBER} {unit}")

    def read(value: str) -> float:
        m = pattern.fullmatch(value)
        if m is None:
            raise ValueError(f"expected a number of {unit} like {example!r}")
        return _number(m.group(1), LIMITS[unit], unit)

    return read


degrees = _unit("deg", "65.1000 deg")
minutes = _unit("min", "89.10 min")
days = _unit("days", "2.35 days")


def iso_date(value: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("expected an ISO date like '1962-10-29'") from None
    if date.year not in RECORD_YEARS:
        raise ValueError(f"the year {date.year} is outside the years a launch record can mean "
                         f"({RECORD_YEARS.start}-{RECORD_YEARS.stop - 1})")
    return date


def satcat(value: str) -> int:
    if not (value.isascii() and value.isdigit()):  # "²".isdigit(), but int() rejects it
        raise ValueError("expected a satellite-catalog number (digits only) like '5234'")
    if len(value) > 9 and value.lstrip("0")[9:]:  # over nine digits: no catalog number
        raise ValueError(f"{value[:24]}{'…' if len(value) > 24 else ''} is beyond the "
                         f"catalog's nine digits (at most {SATCAT_MAX:,})")
    return int(value)


def failed_stage(value: str) -> str:
    if not re.fullmatch(r"\d|[A-Z]", value):
        raise ValueError("expected a stage number like '3' or a letter like 'S'")
    return value


GREEK = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa",
         "Lambda", "Mu", "Nu", "Xi", "Omicron", "Pi", "Rho", "Sigma", "Tau", "Upsilon", "Phi",
         "Chi", "Psi", "Omega"]
#: GCAT's three-letter (or shorter) Greek abbreviations.
GCAT_GREEK = {name: ("OME" if name == "Omega" else name[:3].upper()) for name in GREEK}
GCAT_GREEK.update({"Omicron": "OMI", "Mu": "MU", "Nu": "NU", "Xi": "XI", "Pi": "PI"})
#: In 1961-62 more than 24 launches a year needed a prefix: A = Alpha, B = Beta.
_GREEK_PREFIX = {"A": "Alpha", "B": "Beta", "Alpha": "Alpha", "Beta": "Beta"}

_MODERN = re.compile(r"(\d{4})-(\d{3})([A-Z]{1,3})?")
_PLACEHOLDER = re.compile(r"(\d{4})-(\d{3})?[a-z]{1,3}")
_GREEK = re.compile(r"(\d{4})-(?:(A|B|Alpha|Beta)-)?([A-Z][a-z]+)(?:-(\d+))?")
_FAILURE = re.compile(r"F(\d{2})(\d{2})(\d{2})([A-Z]{1,3})?")


def cospar(value: str) -> Cospar:
    """Classify a designator: ``modern`` 1971-045A, ``greek`` 1962-B-Iota-1,
    ``failure`` F601010A (a launch that failed on 1960-10-10, piece A) or
    ``placeholder`` 1988-058xx (pieces not yet catalogued)."""
    m = _MODERN.fullmatch(value)
    if m:
        return Cospar(value, "modern", int(m.group(1)), value, value, piece=m.group(3))
    m = _PLACEHOLDER.fullmatch(value)
    if m:
        return Cospar(value, "placeholder", int(m.group(1)))
    m = _GREEK.fullmatch(value)
    if m and m.group(3) in GCAT_GREEK:
        year, prefix, letter, piece = m.groups()
        names = [_GREEK_PREFIX[prefix]] if prefix else []
        names.append(letter)
        gcat = [GCAT_GREEK[n] for n in names]
        if prefix:  # GCAT writes the prefix as its Latin letter: 1962 B IOT 1
            gcat[0] = gcat[0][0]
        suffix = [piece] if piece else []
        return Cospar(value, "greek", int(year), " ".join([year, *names, *suffix]),
                      " ".join([year, *gcat, *suffix]), piece=piece)
    m = _FAILURE.fullmatch(value)
    if m:
        yy, mm, dd, piece = m.groups()
        year = (1900 if int(yy) >= 57 else 2000) + int(yy)
        try:
            when = dt.date(year, int(mm), int(dd))
        except ValueError:
            raise ValueError(f"failure designator {value!r} encodes no valid date "
                             "(expected FYYMMDD plus a piece letter)") from None
        return Cospar(value, "failure", year, value, value, launch_date=when, piece=piece)
    raise ValueError("expected a COSPAR designator like '1971-045A', '1962-B-Iota-1', "
                     "'F601010A' or '1988-058xx'")


#: Field key -> converter for the values Kosmochron types; other fields stay text.
CONVERTERS: dict[str, Callable[[str], Typed]] = {
    "Mass": mass,
    "Apogee": distance,
    "Perigee": distance,
    "Inclination": degrees,
    "Period": minutes,
    "Duration": days,
    "Decay Date": iso_date,
    "USAF Sat Cat": satcat,
    "COSPAR": cospar,
    "Failed Stage": failed_stage,
}
