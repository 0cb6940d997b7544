"""Dated mission events read from payload narratives by an ordered table of small rules.

Encyclopedia Astronautica's narratives tell what happened after launch in plain
sentences: "Mars 2 released the descent module … 4.5 hours before reaching Mars
on 27 November 1971", "entered Mars orbit 1/29/89", "On March 21, 1963 …
communications ceased".  Each rule in :data:`RULES` is one regular expression
for one way of saying one kind of event (arrival, orbit insertion, flyby,
landing, separation, loss of contact, re-entry).  Only past-tense statements of
fact match ("intended to make a soft landing", "did not enter Martian orbit" and
"Mid-course corrections were made on 17 June" yield nothing).

The narrative is read sentence by sentence (a clause ends at ``;``).  For each
rule match:

* **date**: the first date from the match onwards in its clause, else the last
  date before it in the clause, else none (``date`` is None).  Dates are
  ``27 November 1971``, ``June 19, 1963``, ``1/29/89`` (US month/day/year),
  ``1971-11-27``, ``April 1965`` (month precision), ``the autumn of 1967`` or
  ``Summer 1974`` (season precision, as :mod:`kosmochron.dates` reads seasons) and
  year-less ``17 June``, which takes the launch year, or the next year when that
  day would fall before the launch;
* **body**: the one the rule names ("reached Mars", "lunar flyby"), else the
  first planet or moon named after the match in the sentence, else the last one
  named before it in the item ("flew by the planet" after "reached Mars").
  Spacecraft names ("Mars 4", "Phobos 2", "Mars-96") are not bodies.  Re-entry
  is always at Earth; loss of contact has no body;
* **distance** (flybys), from the trigger on: "at a [minimum] distance/range of
  [approximately] N km", "at N km", "passed within N km of Venus", "missed the
  planet by N km", N may be "1.5 million"; miles are converted.  Flybys are told as
  "flew by/past", "passed (close to) Venus", "passed within … of", "came within …
  of", "closest approach to", "Venus flyby", "missed the planet by".

One sentence yields at most one event of a kind (earlier rules win), and an
undated event is dropped when the item has another of the same kind and body
("After the lunar flyby" repeats "On July 20, during lunar flyby").  Every event
keeps its source span: the line and 1-based columns, in the file, of the text
from the first to the last of its trigger, date and distance.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .dates import SEASONS
from .model import Entry, Field, Item, Text, VagueDate

EventKind = Literal["arrival", "orbit-insertion", "flyby", "landing", "separation",
                    "loss-of-contact", "reentry"]


@dataclass(frozen=True, slots=True)
class Span:
    """Where an event is told: ``line`` and 1-based ``column``..``end_column``
    (exclusive) in the source file, and the text there."""

    line: int
    column: int
    end_column: int
    text: str


@dataclass(frozen=True, slots=True)
class Event:
    """A mission event: what, when (None if the sentence gives no date), where."""

    kind: EventKind
    date: VagueDate | None
    body: str | None
    distance_km: float | None
    span: Span
    #: The name of the rule that found it.
    rule: str
    #: The date was written without a year, which was taken from the launch.
    year_inferred: bool = False
    #: For landings: "soft", "crash" or None.
    detail: str | None = None
    #: Where it is told, when read from a database: the source, the entry and the
    #: payload whose narrative tells it (a payload told by two sources has the events
    #: of both narratives; the span is in that entry's text).
    source: str | None = None
    entry_id: int | None = None
    item_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        d = self.date
        return {"kind": self.kind, "body": self.body, "distance_km": self.distance_km,
                "date": None if d is None else {
                    "text": d.text, "precision": d.precision,
                    "start": None if d.start is None else d.start.isoformat(),
                    "end": None if d.end is None else d.end.isoformat()},
                "year_inferred": self.year_inferred, "detail": self.detail,
                "rule": self.rule, "span": {"line": self.span.line, "column": self.span.column,
                                            "end_column": self.span.end_column,
                                            "text": self.span.text},
                "source": self.source, "entry_id": self.entry_id, "item_id": self.item_id}


# --- dates ---------------------------------------------------------------------------

_MONTH_NUMBER = {name: i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NUMBER.update({name[:3]: i for name, i in list(_MONTH_NUMBER.items())})
_MONTH_NUMBER["Sept"] = 9
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November" \
         r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_SEASON = r"(?:[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter)"
DATE = re.compile(
    rf"(?<![\w/])(?:(?P<dd>\d{{1,2}}) (?P<dm>{_MONTH})(?:,? (?P<dy>\d{{4}}))?"
    rf"|(?P<season>{_SEASON})(?: of)? (?P<sy>\d{{4}})"
    rf"|(?P<mm>{_MONTH}) (?P<md>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,? (?P<my>\d{{4}}))?"
    rf"|(?P<um>\d{{1,2}})/(?P<ud>\d{{1,2}})/(?P<uy>\d{{4}}|\d{{2}})"
    rf"|(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})"
    rf"|(?P<om>{_MONTH}) (?P<oy>\d{{4}}))(?![\w/])")


def _month(name: str) -> int:
    return _MONTH_NUMBER[name.rstrip(".")]


def read_date(m: re.Match[str], launch: dt.date | None) -> tuple[VagueDate, bool] | None:
    """The date a :data:`DATE` match names, and whether its year was inferred from
    ``launch``; None if it is not a calendar date or needs a launch year it lacks."""
    text = m.group(0)
    g = m.groupdict()
    try:
        if g["season"]:
            year, name = int(g["sy"]), g["season"].capitalize()
            first, last = SEASONS[name]
            end_year, end_month = (year + 1, last - 12) if last > 12 else (year, last)
            return VagueDate(text, "season", dt.date(year, first, 1), dt.date(
                end_year, end_month, calendar.monthrange(end_year, end_month)[1])), False
        if g["om"]:
            year, month = int(g["oy"]), _month(g["om"])
            last = calendar.monthrange(year, month)[1]
            return VagueDate(text, "month", dt.date(year, month, 1),
                             dt.date(year, month, last)), False
        if g["um"]:
            year, month, day = int(g["uy"]), int(g["um"]), int(g["ud"])
            if year < 100:  # two digits: the century that puts it near the launch
                year += 1900
                pivot = launch.year - 1 if launch else 1957
                if year < pivot:
                    year += 100
        elif g["iy"]:
            year, month, day = int(g["iy"]), int(g["im"]), int(g["id"])
        else:
            month = _month(g["dm"] or g["mm"])
            day = int(g["dd"] or g["md"])
            written = g["dy"] or g["my"]
            if written is None:
                if launch is None:
                    return None
                year = launch.year + (dt.date(launch.year, month, day) < launch)
                when = dt.date(year, month, day)
                return VagueDate(text, "day", when, when), True
            year = int(written)
        when = dt.date(year, month, day)
    except ValueError:  # 31 June, 29 February of a common year
        return None
    return VagueDate(text, "day", when, when), False


# --- bodies and distances --------------------------------------------------------------

_PLANETS = ("Mercury", "Venus", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune")
_ADJECTIVES = {"martian": "Mars", "venusian": "Venus", "lunar": "Moon", "jovian": "Jupiter"}
#: A body named in text; a following number makes it a spacecraft ("Mars 4").
BODY = (r"(?:the )?(?:Mercury|Venus|Earth|[Tt]he [Mm]oon|Moon|Mars|Jupiter|Saturn|Uranus"
        r"|Neptune|Phobos|Deimos|Martian|Venusian|[Ll]unar|Jovian)(?!['’]?\s*-?\d)")
_MENTION = re.compile(rf"\b{BODY}\b")
_PLANET_WORD = r"(?:the planet|" + BODY + ")"
DISTANCE = re.compile(
    r"\b(?:(?:at )?a (?:minimum |closest |miss )?(?:distance|range|altitude) of|at|within|by)"
    r"\s+(?:approximately |about |some |only |roughly |just |~)?"
    r"(?P<n>\d[\d,]*(?:\.\d+)?)(?: (?P<mult>million|thousand))?\s?"
    r"(?P<unit>km|kilometers|kilometres|miles|mi)\b")


def body_name(word: str) -> str:
    """``the Moon``/``lunar`` → Moon, ``Martian`` → Mars, ``Venus`` → Venus."""
    word = word.lower().removeprefix("the ")
    return _ADJECTIVES.get(word, word.capitalize())


def _km(m: re.Match[str]) -> float:
    value = float(m.group("n").replace(",", ""))
    value *= {"million": 1e6, "thousand": 1e3}.get(m.group("mult") or "", 1.0)
    return value * 1.609344 if m.group("unit").startswith("mi") else value


# --- rules -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Rule:
    """One way of telling one kind of event (matched ignoring case).  The pattern's
    ``body`` group, if it matched, names the body; ``detail`` is recorded on the
    event (landings)."""

    name: str
    kind: EventKind
    pattern: re.Pattern[str]
    detail: str | None = None


def _rule(name: str, kind: EventKind, pattern: str, detail: str | None = None) -> Rule:
    return Rule(name, kind, re.compile(pattern, re.IGNORECASE), detail)


_NOT_EARTH_ORBIT = r"(?:(?!Earth|earth|parking|heliocentric|solar|transfer|cruise)[^.;]){0,60}?"
_CRAFT = r"(?:lander|landing probe|probe|capsule|descent module|descent craft|spacecraft|craft)"

#: The rules, in the order they are tried (earlier ones win a sentence's kind).
RULES: tuple[Rule, ...] = (
    _rule("orbit-entered", "orbit-insertion",
          rf"\bentered (?:an? )?(?:orbit (?:about|around) (?P<body>{BODY})"
          rf"|(?P<body2>{BODY}) orbit)"),
    _rule("orbit-inserted", "orbit-insertion",
          rf"\b(?:inserted|placed|put)(?: the spacecraft| it)? into (?:an? )?"
          rf"{_NOT_EARTH_ORBIT}\borbit (?:about|around) (?P<body>{BODY})"
          rf"|\binserted into (?:an? )?{_NOT_EARTH_ORBIT}\borbit\b"),
    _rule("reached", "arrival",
          rf"\b(?:reached|reaching|arrived at|arriving at) (?P<body>{_PLANET_WORD})"
          r"(?! (?:orbit|parking|atmosphere))"),
    _rule("closest-approach", "flyby", rf"\bclosest approach to (?P<body>{_PLANET_WORD})"),
    _rule("flew-by", "flyby",
          rf"\b(?:flew|flying|passed|passing|swung|swinging) (?:by|past) (?P<body>{_PLANET_WORD})"),
    _rule("passed-within", "flyby",
          rf"\b(?:passed|passing|came|coming|flew|flying) (?:with)?in [^.;]{{1,40}}? of "
          rf"(?P<body>{_PLANET_WORD})"),
    _rule("passed", "flyby",
          rf"\b(?:passed|passing) (?:close to |near )?(?P<body>{_PLANET_WORD})(?! orbit)"),
    _rule("flyby-of", "flyby",
          rf"\b(?P<body>{BODY}) fly-?by\b|\bfly-?by of (?P<body2>{_PLANET_WORD})"),
    _rule("missed", "flyby", rf"\bmissed (?P<body>{_PLANET_WORD}) by\b"),
    _rule("soft-landing", "landing", r"\b(?:achieved|made) an? soft landing\b", "soft"),
    _rule("crashed", "landing",
          rf"\b{_CRAFT} (?:crashed|impacted)(?: (?:on|into) (?P<body>{BODY}))?"
          rf"|\bimpacted (?P<body2>{BODY})", "crash"),
    _rule("landed", "landing",
          rf"\b(?:soft-landed|landed|touched down)\b(?! (?:payload|mass))"
          rf"(?: (?:on|in) (?P<body>{BODY}))?"),
    _rule("released-module", "separation",
          rf"\b(?:released|separated|jettisoned) (?:the |its )?{_CRAFT}"),
    _rule("module-released", "separation",
          rf"\b{_CRAFT}\b[^.;]{{0,40}}?\b(?:(?:was|were) )?(?:released|separated|jettisoned)\b"),
    _rule("separated-from", "separation",
          r"\bseparated from the (?:bus|orbiter|spacecraft|carrier|flyby bus|main spacecraft)"),
    _rule("communications-failed", "loss-of-contact",
          r"\bcommunications?(?: system| session| link)?\b[^.;]{0,40}?"
          r"\b(?:ceased|failed|was lost|were lost)\b"),
    _rule("contact-lost", "loss-of-contact",
          r"\bcontact\b(?: with [^.;]{1,30}?)? (?:was|were) lost\b|\blost contact\b"
          r"|\bloss of contact\b"),
    _rule("signal-lost", "loss-of-contact",
          r"\bsignals? (?:failed to be (?:successfully )?reacquired|(?:was|were) lost"
          r"|ceased|stopped)\b|\btransmissions? (?:ceased|stopped)\b"),
    _rule("re-entered", "reentry", r"\bre-?entered\b(?: (?:the )?(?:Earth's )?atmosphere)?"),
    _rule("up-on-reentry", "reentry",
          r"\b(?:burnt|burned|burning|broke|breaking) up (?:on|during) re-?entry\b"),
    _rule("decayed", "reentry", r"\b(?:[Ii]t|orbit|spacecraft|satellite) decayed\b"),
)

def _any_of(rules: Iterable[Rule]) -> re.Pattern[str]:
    """One pattern that matches where any of ``rules`` does (their groups unnamed): one
    search tells whether a sentence needs the rules at all."""
    return re.compile("|".join("(?:" + re.sub(r"\(\?P<\w+>", "(?:", rule.pattern.pattern) + ")"
                               for rule in rules), re.IGNORECASE)


_ANY_RULE = _any_of(RULES)
_ANY_OF_KINDS: dict[frozenset[str], re.Pattern[str]] = {}


def _any_of_kinds(kinds: frozenset[str]) -> re.Pattern[str]:
    if kinds not in _ANY_OF_KINDS:
        _ANY_OF_KINDS[kinds] = _any_of(rule for rule in RULES if rule.kind in kinds)
    return _ANY_OF_KINDS[kinds]


#: Words shortly before a match that deny it ("did not enter Martian orbit").
_NEGATION = re.compile(r"\b(?:not|never|no|failed to|unable to|without|n't)\s+(?:\w+\s+){0,2}$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
_PIECE_START = re.compile(r"\S")


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence: a full stop then space and a capital ends one,
    unless the full stop ends a single-letter abbreviation ("U.S. Army")."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if re.search(r"(?:^|[\s.])[A-Z]\.$", text[start:m.start()]):
            continue
        yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _clause(text: str, start: int, end: int, at: int) -> tuple[int, int]:
    """The ``;``-clause of ``text[start:end]`` that holds ``at``."""
    left = text.rfind(";", start, at)
    right = text.find(";", at, end)
    return (start if left < 0 else left + 1), (end if right < 0 else right)


@dataclass(slots=True)
class _Piece:
    """A run of narrative and where it starts in the file."""

    text: str
    line: int
    column: int


def _pieces(item: Item) -> Iterator[_Piece]:
    """The item's narrative runs and Summary values, in source order, positioned."""
    for part in [*item.parts, *item.tail]:
        if isinstance(part, Text) and part.text:
            lead = len(part.raw) - len(part.raw.lstrip()) if part.raw else 0
            yield _Piece(part.text, part.line, part.column + lead)
        elif isinstance(part, Field) and part.key == "Summary" and part.value:
            offset = part.raw.find(part.value)
            yield _Piece(part.value, part.line, part.column + max(offset, 0))


def extract_events(text: str, *, launch: dt.date | None = None, line: int = 1,
                   column: int = 1, context_body: str | None = None) -> list[Event]:
    """Events in one run of narrative ``text`` that starts at ``line``:``column``.

    ``launch`` supplies the year of year-less dates; ``context_body`` is the body
    named before this text (for "the planet", if it is a planet).  Returns events
    in text order, before the item-level merging that :func:`item_events` does.
    """
    planet = context_body if context_body in _PLANETS else None
    return list(_scan(text, launch, line, column, [context_body, planet]))


#: Kinds whose events never take their body from the narrative's context.
_FIXED_BODY = frozenset({"reentry", "loss-of-contact"})


def _scan(text: str, launch: dt.date | None, line: int, column: int,
          context: list[str | None],
          wanted: frozenset[str] | None = None) -> Iterator[Event]:
    """Events of ``text``; ``context`` holds the last body and the last planet named
    so far, and is updated.  ``wanted`` (kinds that take no body from the context):
    only their events, and only the sentences where one of their rules matches are
    read (the rules of every kind then, as they compete for the sentence)."""
    gate = _ANY_RULE if wanted is None else _any_of_kinds(wanted)
    for s_start, s_end in _sentences(text):
        # Most sentences tell no event: one search says so before the rules and dates.
        told = gate.search(text, s_start, s_end) is not None
        if wanted is not None and not told:
            continue
        mentions = [] if wanted is not None else \
            [(m.start(), body_name(m.group(0))) for m in _MENTION.finditer(text, s_start, s_end)]
        found: list[tuple[int, Event]] = []
        kinds: set[str] = set()
        claimed: list[tuple[int, int]] = []
        dates = [(m, r) for m in DATE.finditer(text, s_start, s_end)
                 if (r := read_date(m, launch)) is not None] if told else []
        for rule in RULES if told else ():
            for m in rule.pattern.finditer(text, s_start, s_end):
                if rule.kind in kinds or any(a < m.end() and m.start() < b for a, b in claimed):
                    continue
                if _NEGATION.search(text, max(s_start, m.start() - 30), m.start()):
                    continue
                event = _event(rule, m, text, (s_start, s_end), dates, mentions, context,
                               line, column)
                found.append((m.start(), event))
                kinds.add(rule.kind)
                claimed.append((m.start(), m.end()))
        for _, event in sorted(found, key=lambda pair: pair[0]):
            if wanted is None or event.kind in wanted:
                yield event
        named = [b for _, b in mentions if b != "Earth"]
        if named:
            context[0] = named[-1]
        planets = [b for b in named if b in _PLANETS]
        if planets:
            context[1] = planets[-1]


def _event(rule: Rule, m: re.Match[str], text: str, sentence: tuple[int, int],
           dates: list[tuple[re.Match[str], tuple[VagueDate, bool]]],
           mentions: list[tuple[int, str]], context: list[str | None], line: int,
           column: int) -> Event:
    s_start, s_end = sentence
    c_start, c_end = _clause(text, s_start, s_end, m.start())
    date = next(((d, r) for d, r in dates if m.start() <= d.start() < c_end), None)
    if date is None:
        before = [(d, r) for d, r in dates if c_start <= d.start() and d.end() <= m.start()]
        date = before[-1] if before else None
    body: str | None
    named = m.groupdict().get("body") or m.groupdict().get("body2")
    if rule.kind == "reentry":
        body = "Earth"
    elif rule.kind == "loss-of-contact":
        body = None
    elif named and named.lower() != "the planet":
        body = body_name(named)
    else:
        after = [b for at, b in mentions if m.end() <= at < c_end and b != "Earth"]
        earlier = [b for at, b in mentions if at < m.start() and b != "Earth"]
        planets = [b for b in earlier if b in _PLANETS]
        if named:  # "the planet"
            body = planets[-1] if planets else context[1]
        else:
            body = after[0] if after else earlier[-1] if earlier else context[0]
    distance = None
    if rule.kind == "flyby":  # from the match on: "passed within 500 km of Venus" holds it
        distance = DISTANCE.search(text, m.start(), c_end)
    ends = [m.start(), m.end()]
    for extra in (date[0] if date else None, distance):
        if extra is not None:
            ends += [extra.start(), extra.end()]
    a, b = min(ends), max(ends)
    return Event(rule.kind, date[1][0] if date else None, body,
                 _km(distance) if distance else None,
                 Span(line, column + a, column + b, text[a:b]), rule.name,
                 date[1][1] if date else False, rule.detail)


def _merge(events: list[Event]) -> list[Event]:
    """Drop an undated event when the item has a dated one of its kind and body, or
    an earlier undated one: it retells the same event."""
    kept: list[Event] = []
    for k, e in enumerate(events):
        same = [(i, o) for i, o in enumerate(events)
                if i != k and o.kind == e.kind and o.body == e.body]
        if e.date is None and any(o.date is not None or i < k for i, o in same):
            continue
        kept.append(e)
    return kept


def item_events(item: Item, launch: dt.date | None = None,
                kinds: frozenset[EventKind] | None = None) -> list[Event]:
    """Every event in an item's narrative (and Summary), in source order; with
    ``kinds``, those of these kinds only (the very ones, found faster when the kinds
    take no body from the context: ``reentry``, ``loss-of-contact``)."""
    context: list[str | None] = [None, None]
    wanted: frozenset[str] | None = kinds if kinds is not None and kinds <= _FIXED_BODY \
        else None
    found: list[Event] = []
    for piece in _pieces(item):
        found.extend(_scan(piece.text, launch, piece.line, piece.column, context, wanted))
    if kinds is not None and wanted is None:
        found = [event for event in found if event.kind in kinds]
    return _merge(found)


def entry_events(entry: Entry) -> list[tuple[Item, list[Event]]]:
    """Each item of ``entry`` with its events; year-less dates take the year of
    the entry's launch date."""
    launch = entry.date.start
    return [(item, item_events(item, launch)) for item in entry.items]
