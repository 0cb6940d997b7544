"""One launch told by two sources: matching a chronology entry to its GCAT launch,
and comparing what each says, field by field.

Both sides are :class:`~kosmochron.model.Entry` objects: an Astronautix entry as
parsed, and a GCAT launch as :mod:`kosmochron.chronicle` writes it (its header
carries ``Launch Tag``, ``GCAT Date``/``Launch JD`` and GCAT's codes).

**Matching** (:func:`match`), strongest evidence first, and the way it was made is
said in words:

1. ``designator``: a payload's COSPAR designator names the launch (``1971-045A`` is
   launch ``1971-045``; the Greek ``1962-B-Iota-1`` is GCAT's ``1962 B IOT``);
2. ``satcat``: a payload's satellite number is one of the GCAT launch's;
3. ``circumstances``: for a launch with no usable designator (a failure, whose
   ``F601010A`` only encodes its date), the GCAT launch of the same day whose
   vehicle agrees, and then whose site and time agree, if exactly one is best.

**Comparing** (:func:`compare`): date and time (GCAT's time is an interval: the
CSV export knows it only to its Julian Date's decimals), site, pad, family,
vehicle, outcome, failed stage, and per payload its name, designator, satellite
number, orbit and decay date.  Each :class:`Comparison` holds both values and
both citations and says whether they agree; names are compared loosely
(``Baikonur`` and ``Baykonur`` agree as spellings), numbers within a tolerance.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .gcatcodes import GcatDate, jd_date_time, parse_gcat_date
from .model import Cospar, Distance, Entry, Item

MatchKind = Literal["designator", "satcat", "circumstances"]
Verdict = Literal["agree", "disagree", "only-one"]


@dataclass(frozen=True, slots=True)
class Match:
    """How an entry was found to be a GCAT launch: the kind of evidence, in words."""

    kind: MatchKind
    how: str
    score: float = 1.0


# -- reading the GCAT side ------------------------------------------------------------------


def header(entry: Entry, key: str) -> str | None:
    return entry.value(key)


def launch_tag(entry: Entry) -> str | None:
    """The GCAT launch tag an entry carries (GCAT's own entries do)."""
    return entry.value("Launch Tag")


def gcat_date(entry: Entry) -> GcatDate | None:
    """The GCAT entry's date as GCAT gave it (a vague date, or an ISO day with a JD)."""
    text = entry.value("GCAT Date")
    try:
        if text is not None:
            return parse_gcat_date(text)
        if entry.date.start is not None and entry.date.start == entry.date.end:
            return jd_date_time(entry.date.start, entry.value("Launch JD") or "")
    except ValueError:
        return None
    return None


def item_tags(entry: Entry) -> list[tuple[str, str]]:
    """(designator as written, launch tag) of the entry's payloads that name a launch."""
    from .gcatcodes import launch_tag_of_piece

    found = []
    for item in entry.items:
        typed = item.typed("COSPAR")
        if isinstance(typed, Cospar) and typed.kind in ("modern", "greek") and typed.gcat:
            tag = launch_tag_of_piece(typed.gcat)
            if tag is not None:
                found.append((typed.text, tag))
    return found


def satcats(entry: Entry) -> set[int]:
    return {t for i in entry.items if isinstance(t := i.typed("USAF Sat Cat"), int)}


def failure_days(entry: Entry) -> list[tuple[str, dt.date]]:
    """(designator, day) of the failure designators (``F601010A``) of an entry."""
    days = []
    for item in entry.items:
        typed = item.typed("COSPAR")
        if isinstance(typed, Cospar) and typed.kind == "failure" and typed.launch_date:
            days.append((typed.text, typed.launch_date))
    return days


# -- loose comparison of names ----------------------------------------------------------------


def norm(name: str | None) -> str:
    """A name for comparison: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


def similar(a: str | None, b: str | None, cutoff: float = 0.8) -> bool:
    """Whether two names are the same one (``Baikonur``/``Baykonur``, ``Cape
    Canaveral``/``Canaveral``, ``Mars 1``/``Mars-1``)."""
    x, y = norm(a), norm(b)
    if not x or not y:
        return False
    if x == y or (min(len(x), len(y)) >= 5 and (x in y or y in x)):
        return True
    return difflib.SequenceMatcher(None, x, y).ratio() >= cutoff


def vehicle_names(entry: Entry) -> set[str]:
    """The names a GCAT entry's vehicle goes by, normalised: the type (``Molniya
    8K78``) and the type with its variant (``Molniya 8K78M``)."""
    vehicle, variant = entry.vehicle or "", entry.value("LV Variant") or ""
    return {norm(n) for n in (vehicle, vehicle + variant) if n}


def same_vehicle(a: Entry, g: Entry) -> bool:
    return bool(a.vehicle) and norm(a.vehicle) in vehicle_names(g)


def time_instant(entry: Entry) -> dt.datetime | None:
    if entry.time_utc is None or entry.date.start is None or entry.date.start != entry.date.end:
        return None
    parts = [int(p) for p in entry.time_utc.split(":")] + [0, 0]
    try:
        return dt.datetime.combine(entry.date.start, dt.time(parts[0], parts[1], parts[2]))
    except ValueError:
        return None


#: An Astronautix time is written to the minute.
MINUTE = dt.timedelta(minutes=1)


def same_time(a: Entry, g: Entry) -> bool | None:
    """Whether the entry's time lies in GCAT's interval (None if either lacks one)."""
    when, window = time_instant(a), gcat_date(g)
    if when is None or window is None or window.precision in ("day", "month", "year",
                                                              "quarter", "decade", "unknown"):
        return None
    return window.contains(when, MINUTE)


def _overlap(a: Entry, g: Entry) -> bool:
    da, dg = a.date, g.date
    if None in (da.start, da.end, dg.start, dg.end):
        return False
    assert da.start and da.end and dg.start and dg.end
    return da.start <= dg.end and dg.start <= da.end


# -- matching ------------------------------------------------------------------------------------


def match(entry: Entry, candidates: Iterable[Entry]) -> tuple[int, Match] | None:
    """The index of the GCAT entry among ``candidates`` that ``entry`` tells, and how
    that was decided; None when no candidate is clearly it."""
    found = list(candidates)
    by_tag = {launch_tag(g): i for i, g in enumerate(found) if launch_tag(g)}
    for designator, tag in item_tags(entry):
        if tag in by_tag:
            return by_tag[tag], Match("designator", f"designator {designator} is launch {tag}")
    numbers = satcats(entry)
    if numbers:
        for i, g in enumerate(found):
            shared = sorted(numbers & satcats(g))
            if shared:
                return i, Match("satcat", f"satellite number {shared[0]} is launch "
                                           f"{launch_tag(g)}")
    return _by_circumstances(entry, found)


def _by_circumstances(entry: Entry, found: list[Entry]) -> tuple[int, Match] | None:
    days = failure_days(entry)
    scored: list[tuple[float, int, list[str]]] = []
    for i, g in enumerate(found):
        if days:
            if not any(g.date.start == day == g.date.end for _, day in days):
                continue
            reasons = [f"failure designator {days[0][0]} gives {days[0][1].isoformat()}"]
        else:
            if not _overlap(entry, g):
                continue
            reasons = [f"same date {entry.date.text}"]
        if not same_vehicle(entry, g):
            continue
        score = 2.0
        reasons.append(f"vehicle {entry.vehicle} is {g.vehicle}")
        if similar(entry.site, g.site):
            score += 1
            reasons.append(f"site {entry.site} is {g.site}")
        timed = same_time(entry, g)
        if timed is not None:
            score += 1 if timed else -1
            reasons.append(f"time {entry.time_utc} {'within' if timed else 'outside'} GCAT's "
                           f"{_window(g)}")
        scored.append((score, i, reasons))
    if not scored:
        return None
    scored.sort(key=lambda s: -s[0])
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    score, i, reasons = scored[0]
    if score < 2:
        return None
    return i, Match("circumstances", "; ".join(reasons), score / 4)


def _window(g: Entry) -> str:
    window = gcat_date(g)
    if window is None or window.start is None or window.end is None:
        return "date"
    return f"{window.start:%H:%M}–{(window.end - dt.timedelta(seconds=1)):%H:%M}"


# -- comparing -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Comparison:
    """One field of one launch as each source gives it."""

    field: str
    astronautix: Any
    gcat: Any
    verdict: Verdict
    note: str = ""
    #: The payload the field belongs to (its name in either source), or None.
    payload: str | None = None

    @property
    def agrees(self) -> bool:
        return self.verdict == "agree"


@dataclass(slots=True)
class Reconciliation:
    """Every compared field of a matched launch."""

    match: Match
    fields: list[Comparison] = field(default_factory=list)

    @property
    def disagreements(self) -> list[Comparison]:
        return [c for c in self.fields if c.verdict == "disagree"]


def _verdict(a: Any, g: Any, same: bool) -> Verdict:
    if a is None or g is None or a == "" or g == "":
        return "only-one"
    return "agree" if same else "disagree"


def _text(name: str, a: str | None, g: str | None, payload: str | None = None,
          loose: bool = True) -> Comparison:
    same = similar(a, g) if loose else norm(a) == norm(g)
    note = "spelt differently" if same and a != g and norm(a) != norm(g) else ""
    return Comparison(name, a, g, _verdict(a, g, same), note, payload)


def compare(a: Entry, g: Entry, how: Match) -> Reconciliation:
    """Compare an Astronautix entry with the GCAT entry it was matched to."""
    out = Reconciliation(how)
    add = out.fields.append
    add(Comparison("date", a.date.text, g.value("GCAT Date") or g.date.text,
                   _verdict(a.date.start, g.date.start, _overlap(a, g))))
    timed = same_time(a, g)
    add(Comparison("time", a.time_utc, _window(g) if timed is not None else g.time_utc,
                   "only-one" if timed is None else "agree" if timed else "disagree",
                   "GCAT's time is an interval" if timed is not None else ""))
    add(_text("site", a.site, g.site))
    add(_text("pad", _pad(a.complex), _pad(g.complex), loose=False))
    add(_text("family", a.lv_family, g.lv_family, loose=False))
    add(Comparison("vehicle", a.vehicle, g.vehicle, _verdict(a.vehicle, g.vehicle,
                                                             same_vehicle(a, g))))
    add(Comparison("outcome", a.outcome, g.outcome, _verdict(a.outcome, g.outcome,
                                                             a.outcome == g.outcome),
                   _code_note(g)))
    add(_failed_stage(a, g))
    out.fields.extend(compare_payloads(a, g))
    # A field neither source gives (no failed stage on either side, no time of day in
    # either) has nothing to compare: no row, rather than "one source" of nothing.
    out.fields = [c for c in out.fields if not (_blank(c.astronautix) and _blank(c.gcat))]
    return out


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _pad(complex_: str | None) -> str | None:
    """``Baikonur LC81/24`` → ``LC81/24``: the pad, the last word of a complex."""
    return None if not complex_ else complex_.split()[-1]


def _code_note(g: Entry) -> str:
    code = g.value("Launch Code")
    return f"GCAT launch code {code}" if code else ""


def _failed_stage(a: Entry, g: Entry) -> Comparison:
    stage_a, stage_g = a.failed_stage, g.failed_stage
    note = f"GCAT failure code {g.value('Failure Code')}" if g.value("Failure Code") else ""
    return Comparison("failed stage", stage_a, stage_g,
                      _verdict(stage_a, stage_g, stage_a == stage_g), note)


def _pieces(item: Item) -> tuple[str | None, int | None]:
    typed = item.typed("COSPAR")
    piece = typed.gcat if isinstance(typed, Cospar) and typed.kind in ("modern", "greek") \
        else None
    number = item.typed("USAF Sat Cat")
    return piece, number if isinstance(number, int) else None


def pair_payloads(a: Entry, g: Entry) -> list[tuple[Item | None, Item | None]]:
    """Each payload of ``a`` with its GCAT payload (by designator, then satellite
    number, then name), and the GCAT payloads left over."""
    left = list(g.items)
    pairs: list[tuple[Item | None, Item | None]] = []
    for item in a.items:
        piece, number = _pieces(item)
        partner = next((x for x in left if piece and _pieces(x)[0] == piece), None)
        if partner is None and number is not None:
            partner = next((x for x in left if x.typed("USAF Sat Cat") == number), None)
        if partner is None:
            partner = next((x for x in left if similar(x.name, item.name, 0.9)), None)
        if partner is not None:
            left.remove(partner)
        pairs.append((item, partner))
    pairs.extend((None, x) for x in left if x.value("COSPAR") or x.value("USAF Sat Cat"))
    return pairs


def _km(item: Item | None, key: str) -> float | None:
    if item is None:
        return None
    typed = item.typed(key)
    return typed.km if isinstance(typed, Distance) else None


def _close(a: float | None, g: float | None, relative: float, absolute: float) -> bool:
    return a is not None and g is not None and abs(a - g) <= max(absolute,
                                                                 relative * max(abs(a), abs(g)))


def compare_payloads(a: Entry, g: Entry) -> list[Comparison]:
    out: list[Comparison] = []
    for x, y in pair_payloads(a, g):
        label = (x.name if x is not None else None) or (y.name if y is not None else None)
        if x is None or y is None:
            out.append(Comparison("payload", None if x is None else x.name,
                                  None if y is None else y.name, "only-one",
                                  "listed by one source only", label))
            continue
        out.append(_text("payload name", x.name, y.value("Payload"), label))
        piece, gcat_piece = _pieces(x)[0], _pieces(y)[0]
        if piece is not None or gcat_piece is not None:
            # Both written (a placeholder or failure designator here, a piece in GCAT)
            # is a disagreement, not "one source".
            out.append(Comparison("designator", x.value("COSPAR"), gcat_piece,
                                  _verdict(x.value("COSPAR"), gcat_piece, piece == gcat_piece),
                                  payload=label))
        sa, sg = _pieces(x)[1], y.typed("USAF Sat Cat")
        if sa is not None or sg is not None:
            out.append(Comparison("satellite number", sa, sg, _verdict(sa, sg, sa == sg),
                                  payload=label))
        for key, rel, absolute in (("Apogee", 0.05, 10.0), ("Perigee", 0.05, 10.0)):
            va, vg = _km(x, key), _km(y, key)
            if va is not None and vg is not None:
                out.append(Comparison(key.lower(), va, vg, _verdict(
                    va, vg, _close(va, vg, rel, absolute)), "tolerance 5% or 10 km", label))
        ia, ig = x.typed("Inclination"), y.typed("Inclination")
        if isinstance(ia, float) and isinstance(ig, float):
            out.append(Comparison("inclination", ia, ig, _verdict(ia, ig, abs(ia - ig) <= 0.5),
                                  "tolerance 0.5°", label))
        da, dg = x.typed("Decay Date"), y.typed("Decay Date")
        if isinstance(da, dt.date) and isinstance(dg, dt.date):
            out.append(Comparison("decay date", da.isoformat(), dg.isoformat(),
                                  _verdict(da, dg, abs((da - dg).days) <= 1),
                                  "tolerance one day", label))
    return out

