"""Which planet a payload was sent to, and when it left and arrived: the light half of
:mod:`kosmochron.transfers`.

These functions need only the parsed entry and its narrative events, not the
ephemeris or the Lambert solver, so they live apart from :mod:`.transfers`
(whose import loads NumPy, Skyfield and Numba, about half a second): a launch
page or an API call can tell whether a payload has a transfer, and find it in a
cache, without paying for the heavy import.  :mod:`.transfers` re-exports them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from .events import Event
from .model import Entry, Item

_PLANET = re.compile(r"\b(Mars|Martian|Venus|Venusian)\b(?!\s*-?\d)")
_TYPE = re.compile(r"\b(Mars|Venus) (?:probe|lander|orbiter|flyby)\b")


def _planet(word: str) -> str:
    return "Mars" if word.startswith("Mar") else "Venus"


#: Venus and Mars programs and spacecraft families, as a Program or Spacecraft value
#: begins ("Venera 3MV-1A", "Mars M-71", "Fobos 1F", "Pioneer Venus", "Mars-96").
PLANET_NAMES: dict[str, tuple[str, ...]] = {
    "Venus": ("Venera", "Vega", "VeGa", "Venus", "Pioneer Venus", "Magellan", "Akatsuki",
              "Planet-C"),
    "Mars": ("Mars", "Marsnik", "Fobos", "Phobos", "Viking", "Nozomi", "Planet-B",
             "Mangalyaan", "Tianwen", "ExoMars", "MAVEN", "InSight"),
}
_PLANET_NAME = re.compile(
    "(" + "|".join(sorted((re.escape(n) for names in PLANET_NAMES.values() for n in names),
                          key=len, reverse=True)) + r")(?![\w])")
_NAME_PLANET = {n: planet for planet, names in PLANET_NAMES.items() for n in names}


def planet_named(value: str | None) -> str | None:
    """Venus or Mars if a Program or Spacecraft value names one of their programs or
    spacecraft families (``Venera``, ``Vega``, ``Fobos 1F``, ``Mars M-71``), else None."""
    m = _PLANET_NAME.match(value or "")
    return None if m is None else _NAME_PLANET[m.group(1)]


def target_of(item: Item) -> str | None:
    """Mars or Venus if the item is a probe for one of them, else None.

    Only a planetary item counts (Class "Planetary", a Type like "Mars probe", a
    Mars/Venera spacecraft family or a Venus/Mars program such as ``Venera``), so an
    Earth satellite whose narrative mentions Venus has no target.  Then a weighted
    vote, because Encyclopedia Astronautica's fields disagree (Sputnik 24 is filed as
    a "Venus probe" but was a Mars 2MV-3 lander): the Type counts 3, the Spacecraft
    family ("Mars 2MV-4", "Venera …") 2, the planet the narrative names first 2, the
    Program ("Mars", "Venera", "Vega", see :data:`PLANET_NAMES`) 1.  Ties go to the
    Type.
    """
    votes = {"Mars": 0, "Venus": 0}
    kind = _TYPE.search(item.value("Type") or "")
    if kind:
        votes[kind.group(1)] += 3
    craft = planet_named(item.value("Spacecraft"))
    if craft:
        votes[craft] += 2
    program = planet_named(item.value("Program"))
    if program:
        votes[program] += 1
    if not any(votes.values()) and item.value("Class") != "Planetary":
        return None
    texts = [item.narrative, item.value("Summary") or ""]
    first = next((m for m in (_PLANET.search(t) for t in texts) if m), None)
    if first:
        votes[_planet(first.group(1))] += 2
    best = max(votes.values())
    if best == 0:
        return None
    leaders = [p for p, v in votes.items() if v == best]
    if len(leaders) > 1 and kind:
        return kind.group(1)
    return leaders[0]


#: Events that date the spacecraft's meeting with its target, in preference order.
ARRIVAL_KINDS = ("arrival", "orbit-insertion", "flyby", "landing")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def launch_time(entry: Entry) -> dt.datetime | None:
    """The launch instant in UTC: the entry's GMT time on its day, else the day's noon
    (the middle of the day it names); None unless the date is precise to the day."""
    date = entry.date
    if date.start is None or date.start != date.end:
        return None
    m = _TIME.fullmatch(entry.time_utc or "")
    if m is None:
        return dt.datetime(date.start.year, date.start.month, date.start.day, 12,
                           tzinfo=dt.UTC)
    return dt.datetime(date.start.year, date.start.month, date.start.day, int(m.group(1)),
                       int(m.group(2)), int(m.group(3) or 0), tzinfo=dt.UTC)


def arrival_event(events: Sequence[Event], target: str) -> Event | None:
    """The event at ``target`` that marks the arrival: the earliest one dated to the day;
    failing that, the earliest dated only to a day range, a month or a season ("reached
    Venus in March 1966"), whose transfer then arrives within an interval."""
    def earliest(precise: bool) -> Event | None:
        dated = [(e.date.start, ARRIVAL_KINDS.index(e.kind), k, e)
                 for k, e in enumerate(events)
                 if e.kind in ARRIVAL_KINDS and e.body == target and e.date is not None
                 and e.date.start is not None and e.date.end is not None
                 and (e.date.start == e.date.end) == precise
                 and e.date.precision in ("day", "day-range", "month", "season")]
        return min(dated)[-1] if dated else None

    return earliest(True) or earliest(False)


#: A planetary probe that decayed within this many days of its launch never left Earth
#: orbit (one that left is not brought back by the atmosphere).
EARTH_BOUND_DAYS = 366
_STAYED = re.compile(
    r"\b(?:remained|stayed|stranded|stuck|left) in (?:an? |the )?(?:low |an )?Earth "
    r"(?:parking )?orbit\b|\b(?:never|failed to|did not) (?:leave|left) (?:the )?"
    r"(?:Earth(?:'s)? )?(?:parking )?orbit\b|\bfailed to (?:leave|escape) Earth\b",
    re.IGNORECASE)


def never_left_earth(entry: Entry, item: Item) -> str | None:
    """Why the record shows the payload never left Earth orbit, or None: it decayed
    within a year of its launch, or its narrative says so ("remained in Earth orbit",
    "failed to leave Earth orbit")."""
    decay = item.typed("Decay Date")
    launch = entry.date.start
    if isinstance(decay, dt.date) and launch is not None \
            and 0 <= (decay - launch).days <= EARTH_BOUND_DAYS:
        days = (decay - launch).days
        return (f"it never left Earth orbit: it decayed on {decay.isoformat()}, "
                f"{days} day{'s' if days != 1 else ''} after its launch")
    for text in (item.narrative, item.value("Summary") or ""):
        m = _STAYED.search(text)
        if m is not None:
            return f"it never left Earth orbit: the narrative says {m.group(0)!r}"
    return None


#: The days JPL's DE421 ephemeris covers (1899-07-29 to 2053-10-09, TDB), and the days
#: around a launch its transfer report reads: the window's departures (60 days before)
#: to its latest arrival, and the planets' orbits drawn from the launch (one Mars year).
DE421_SPAN = (dt.date(1899, 7, 29), dt.date(2053, 10, 8))
REPORT_DAYS_BEFORE, REPORT_DAYS_AFTER = 60, 700


def in_ephemeris(launch: dt.datetime) -> bool:
    """Whether every position a transfer report from ``launch`` needs is in DE421."""
    first, last = DE421_SPAN
    return first + dt.timedelta(days=REPORT_DAYS_BEFORE) <= launch.date() \
        <= last - dt.timedelta(days=REPORT_DAYS_AFTER)


#: Why a payload has no transfer when it was bound for no planet.
NOT_BOUND = "it was not bound for Mars or Venus"
#: The same payload as other sources tell it: (their entry, their item).
Accounts = Sequence[tuple[Entry, Item]]


def target_among(item: Item, others: Accounts = ()) -> str | None:
    """The payload's target by its own record (:func:`target_of`), else by the first
    other account of it that names one (GCAT files Sputnik 22 under no Mars program;
    Astronautix calls it a Mars probe)."""
    return target_of(item) or next((t for _, i in others if (t := target_of(i))), None)


def no_transfer_reason(entry: Entry, item: Item, others: Accounts = ()) -> str | None:
    """Why a payload has no transfer report (None if it has one): the cases in which
    :func:`kosmochron.transfers.transfer_for` returns None, in words.  ``others`` are
    the same payload as other sources tell it: a target, a carrier or a stay in Earth
    orbit that only they record counts too (one payload, every source's text); the
    launch (its outcome and day) is the entry's own."""
    if entry.outcome == "failure":
        return "its launch failed"
    if target_among(item, others) is None:
        return NOT_BOUND
    for told_entry, told_item in ((entry, item), *others):
        carrier = told_entry.carrier_of(told_item)
        if carrier is not None:
            return f"it was carried aboard {carrier.name}, whose transfer it shares"
    for told_entry, told_item in ((entry, item), *others):
        stayed = never_left_earth(told_entry, told_item)
        if stayed is not None:
            return stayed
    launch = launch_time(entry)
    if entry.date.start is None:
        return f"its launch date {entry.date.text!r} could not be read (see its diagnostics)"
    if launch is None:
        return f"its launch date {entry.date.text!r} is not precise to the day"
    if not in_ephemeris(launch):
        return (f"its launch date {entry.date.text!r} is outside DE421's 1899–2053, the "
                "ephemeris the planets' positions come from")
    return None
