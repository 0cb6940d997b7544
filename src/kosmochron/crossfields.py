"""What a record's free text says that its fields also say: readers for the
cross-field checks of :mod:`kosmochron.validate`.

* the stages a ``FAILURE`` text names ("Stage 4", "the fourth stage", "3rd stage",
  "the payload shroud");
* how long after launch a re-entry came, when the narrative says it in words ("2
  days later", "about two months after insertion");
* the orbital period a narrative states ("an 11-day period orbit", "18 hour orbit",
  "a period of 94.5 minutes");
* which planet a payload's Type says it was for ("Venus probe").

Each reader returns what it found with the text it found it in, so a finding can
quote its evidence.  Nothing here knows about findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .values import last_digit_unit

_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
             "sixth": "6", "1st": "1", "2nd": "2", "3rd": "3", "4th": "4", "5th": "5",
             "6th": "6"}
_STAGE = re.compile(
    r"\b(?:stage\s+(?P<n>\d)\b|(?P<o>first|second|third|fourth|fifth|sixth|[1-6](?:st|nd|rd|th))"
    r"[-\s]stage\b|(?P<s>(?:payload\s+)?(?:shroud|fairing)))", re.IGNORECASE)


#: A stage named only to say when the failure came ("after fairing sep.", "following
#: the second stage separation") is not the stage that failed.
_WHEN_BEFORE = re.compile(r"\b(?:after|before|following)\s+(?:the\s+)?$", re.IGNORECASE)
_WHEN_AFTER = re.compile(r"\s*(?:sep\b|sep\.|separation|jettison|burnout|cutoff|shutdown)",
                         re.IGNORECASE)


def failure_stages(text: str | None) -> dict[str, str]:
    """The stages a failure text names, each with the words that name it first:
    ``{"4": "Stage 4"}``; the payload shroud or fairing is stage ``S``, as
    Encyclopedia Astronautica's ``Failed Stage: S`` writes it.  A stage whose
    separation or burnout only dates the failure ("Control failed after fairing
    sep.") is not named as failing."""
    found: dict[str, str] = {}
    text = text or ""
    for m in _STAGE.finditer(text):
        if _WHEN_BEFORE.search(text, max(0, m.start() - 20), m.start()) \
                and _WHEN_AFTER.match(text, m.end()):
            continue
        stage = m.group("n") or (_ORDINALS[m.group("o").lower()] if m.group("o") else "S")
        found.setdefault(stage, m.group(0))
    return found


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1}
_UNIT_DAYS = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.44, "year": 365.25}
_ABOUT = r"(?:about|approximately|around|some|roughly|nearly|almost|over|under)"
_ELAPSED = re.compile(
    rf"\b(?P<about>{_ABOUT}\s+)?(?P<n>\d+(?:\.\d+)?|{'|'.join(_NUMBER_WORDS)})[-\s]"
    r"(?P<unit>hour|day|week|month|year)s?\s+(?:later|after\b)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Elapsed:
    """A time after launch told in words, as the days it allows (``low``..``high``)."""

    text: str
    low: float
    high: float


def elapsed_after(text: str) -> Elapsed | None:
    """The first "N units later" / "about N units after" in ``text``: N units, give or
    take one unit, and for "about" also half of N either side, whichever is wider."""
    m = _ELAPSED.search(text)
    if m is None:
        return None
    word = m.group("n").lower()
    n = float(_NUMBER_WORDS.get(word, 0) or word)
    unit = _UNIT_DAYS[m.group("unit").lower()]
    spread = max(1.0, n / 2) if m.group("about") else 1.0
    return Elapsed(m.group(0), max(0.0, (n - spread) * unit), (n + spread) * unit)


_PERIOD_UNITS = {"minute": 1.0, "min": 1.0, "hour": 60.0, "hr": 60.0, "day": 1440.0}
_PERIOD = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?)[-\s](?P<unit>minute|min|hour|hr|day)s?(?:[-\s]period)?\s+orbit"
    r"|\b(?:orbital\s+)?period\s+of\s+(?:about\s+|approximately\s+)?(?P<n2>\d+(?:\.\d+)?)\s+"
    r"(?P<unit2>minute|min|hour|hr|day)s?\b", re.IGNORECASE)
#: A sentence or clause: up to a ``;`` or a full stop before a space (not "94.5").
_SENTENCE = re.compile(r"(?:[^.;]|\.(?=\S))+[.;]?")


@dataclass(frozen=True, slots=True)
class StatedPeriod:
    """A period the narrative states: minutes, half the unit of its last digit (in
    minutes: "11-day" is ±0.5 day), the words, and the sentence they are in."""

    minutes: float
    half_unit_min: float
    text: str
    sentence: str


def stated_periods(text: str) -> Iterator[StatedPeriod]:
    """Every orbital period the narrative states, in order."""
    if not _PERIOD.search(text):  # the common case, in one pass
        return
    for sentence in _SENTENCE.finditer(text):
        for m in _PERIOD.finditer(sentence.group(0)):
            number = m.group("n") or m.group("n2")
            unit = _PERIOD_UNITS[(m.group("unit") or m.group("unit2")).lower()]
            yield StatedPeriod(float(number) * unit, last_digit_unit(number) / 2 * unit,
                               m.group(0), sentence.group(0).strip())


_TYPE_PLANET = re.compile(r"\b(Mars|Martian|Venus|Venusian|Lunar|Moon)\b", re.IGNORECASE)


def type_planet(value: str | None) -> str | None:
    """The body a Type names ("Venus probe" → Venus, "Lunar orbiter" → Moon), or None."""
    m = _TYPE_PLANET.search(value or "")
    if m is None:
        return None
    word = m.group(1).lower()
    return "Mars" if word.startswith("mar") else "Venus" if word.startswith("ven") else "Moon"
