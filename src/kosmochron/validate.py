"""Validation: physics and bookkeeping checks over parsed entries.

Each rule is a small function with a docstring that says what it checks and
why; :data:`RULES` lists them in order.  A rule yields :class:`Finding` objects
(``info``, ``warning`` or ``error``) that carry the values they used and what
was expected (``evidence``), so a reader can check the check.

Rules see one entry at a time plus a :class:`Context` that remembers what came
before in the same source (for order and duplicate checks) and can look rows up
in GCAT's catalog when one has been imported.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from .crossfields import elapsed_after, failure_stages, stated_periods, type_planet
from .events import item_events
from .gcatmatch import GcatMatch, Ours, best_match, describe
from .model import Cospar, Distance, Entry, Item, Mass
from .orbits import ORBIT_TOLERANCE, OrbitFit, orbit_of
from .targets import planet_named
from .values import last_digit_unit, written_half_unit

Severity = Literal["info", "warning", "error"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")

#: Exact by definition: 1 lb = 0.45359237 kg, 1 mi = 1.609344 km (international
#: yard and pound agreement, 1959).
KG_PER_LB = 0.45359237
KM_PER_MI = 1.609344

#: Orbit vs Kepler: the relative period error a body fits within, before the rounding
#: of the written figures (see :mod:`kosmochron.orbits`).
ORBIT_CONSISTENT = ORBIT_TOLERANCE
#: Orbit vs the UN register: a registered orbit is of another epoch; apsides may
#: differ by this share of GCAT's beyond the rounding, the inclination by this much.
GCAT_ORBIT_SLACK = 0.02
GCAT_INCLINATION_SLACK = 0.1
#: A narrative's loss of contact and GCAT's last contact may be this many days apart.
CONTACT_SLACK_DAYS = 2


#: A :class:`Finding`'s fields as a tuple, in order (:meth:`Finding.as_row`).
FindingRow = tuple[str, Severity, str, int, int, str, str | None, str, dict[str, Any],
                   int | None, int | None]


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of one rule on one entry or payload."""

    rule: str
    severity: Severity
    source: str
    line: int
    column: int
    entry: str
    item: str | None
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    entry_id: int | None = None
    item_id: int | None = None

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.column}: {self.severity}: {self.rule}: " \
               f"{self.message}"

    def as_row(self) -> FindingRow:
        """The finding as a plain tuple, in field order: it passes between processes
        several times faster than the object (:meth:`from_row` turns it back)."""
        return (self.rule, self.severity, self.source, self.line, self.column, self.entry,
                self.item, self.message, self.evidence, self.entry_id, self.item_id)

    @classmethod
    def from_row(cls, row: FindingRow) -> Finding:
        return cls(*row)

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "source": self.source,
                "line": self.line, "column": self.column, "entry": self.entry,
                "item": self.item, "entry_id": self.entry_id, "item_id": self.item_id,
                "message": self.message, "evidence": self.evidence}


class GcatLookup(Protocol):
    """GCAT's payload rows that may be a payload's: those with its satellite number, its
    GCAT-style designator, or a launch day in ``launched`` (first and last day)."""

    def __call__(self, satcat: int | None, piece: str | None,
                 launched: tuple[dt.date, dt.date] | None = None) -> list[dict[str, Any]]: ...


@dataclass(slots=True)
class Context:
    """What rules may know beyond the entry: the source, earlier entries, GCAT."""

    source: str
    gcat: GcatLookup | None = None
    entry_id: int | None = None
    item_ids: list[int] = field(default_factory=list)
    previous: Entry | None = None
    designators: dict[str, tuple[str, int]] = field(default_factory=dict)
    satcats: dict[int, tuple[str, int]] = field(default_factory=dict)
    #: Each payload's GCAT match (by its line), found once for the rules that need it.
    gcat_matches: dict[int, GcatMatch | None] = field(default_factory=dict)

    def gcat_match(self, entry: Entry, item: Item) -> GcatMatch | None:
        """The GCAT row of a payload (:func:`kosmochron.gcatmatch.best_match`), or None
        without a catalog, a key to look it up by, or a candidate row."""
        if self.gcat is None:
            return None
        if item.line not in self.gcat_matches:
            ours = Ours.from_item(entry, item)
            rows = [] if ours.satcat is None and ours.piece is None else \
                self.gcat(ours.satcat, ours.piece, _short(ours.launched))
            self.gcat_matches[item.line] = best_match(rows, ours)
        return self.gcat_matches[item.line]

    def finding(self, rule: str, severity: Severity, entry: Entry, item: Item | None,
                message: str, evidence: dict[str, Any], line: int | None = None,
                column: int = 1) -> Finding:
        item_id = None
        if item is not None and self.item_ids:
            index = next((i for i, it in enumerate(entry.items) if it is item), None)
            if index is not None and index < len(self.item_ids):
                item_id = self.item_ids[index]
        return Finding(rule, severity, self.source,
                       line if line is not None else (item.line if item else entry.line),
                       column, entry.date.text, None if item is None else item.name, message,
                       evidence, self.entry_id, item_id)


def _short(interval: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date] | None:
    """A launch interval short enough to look rows up by date (a month at most)."""
    if interval is None or (interval[1] - interval[0]).days > 31:
        return None
    return interval


EntryRule = Callable[[Context, Entry], Iterator[Finding]]
ItemRule = Callable[[Context, Entry, Item], Iterator[Finding]]


def _launch_day(entry: Entry) -> dt.date | None:
    return entry.date.start


def _column_of(item: Item, key: str) -> int:
    f = item.field(key)
    return 1 if f is None else f.column


# --- orbits ---------------------------------------------------------------------


def rule_orbit_kepler(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """Kepler's third law, T = 2π √(a³/GM), ties the period to the apsides: with
    altitudes above a body of radius R, a = R + (apogee + perigee)/2.  The central
    body (Earth, Moon, Mars, Venus or the Sun) is the one with the highest prior times
    likelihood: the record sets the prior (launched from Earth; "Parameters are for
    Mars orbit"; "remained in Earth orbit"; a Mars probe; a decay date), the period's
    error the likelihood, so a low Earth orbit whose period is 1.5% high stays about
    Earth although Venus fits it better.  A body fits when the error is within 5%
    plus what the rounding of the written figures allows.  Reported at info when the
    chosen body fits, so every orbit's central body is on record; an error when no
    body fits (or only one nothing in the record speaks for), naming the nearest
    candidates and their periods.  orbit-hint-conflict: the narrative names a body
    that does not fit while another does.  The body is the one the web page draws."""
    fit = orbit_of(entry, item)
    if fit is None:
        return
    period = fit.stated_period_min
    evidence = {"central_body": fit.body.name, **fit.to_json()}
    column = _column_of(item, "Period" if period is not None else "Apogee")
    if period is None:
        yield ctx.finding("orbit-kepler", "info", entry, item,
                          f"no period stated; central body taken as {fit.body.name} "
                          f"({fit.basis}); Kepler gives {fit.predicted_period_min:,.1f} min",
                          evidence, column=column)
        return
    best = fit.best_fit
    evidence["best_fit"] = {"body": best.body.name, "relative_error": best.relative_error}
    yield ctx.finding("orbit-kepler", "info" if fit.fits else "error", entry, item,
                      _orbit_message(fit, period), evidence, column=column)
    hinted = next((c for c in fit.candidates if c.body == fit.hint), None)
    fitting = [c for c in fit.candidates if c.fits]
    if hinted is not None and not hinted.fits and fitting:
        other = min(fitting, key=lambda c: c.relative_error or 0.0)
        yield ctx.finding("orbit-hint-conflict", "warning", entry, item,
                          f"the narrative says the parameters are for {hinted.body.name} orbit "
                          f"({hinted.relative_error or 0.0:.1%} off), but the period fits "
                          f"{other.body.name} ({other.relative_error or 0.0:.1%} off)",
                          evidence, column=column)


def _orbit_message(fit: OrbitFit, period: float) -> str:
    """What :func:`rule_orbit_kepler` says of an orbit with a stated period."""
    error = fit.relative_error or 0.0
    if fit.fits:
        text = (f"orbit about {fit.body.name}: Kepler gives {fit.predicted_period_min:,.1f} min "
                f"for {period:,.2f} min stated ({error:.1%} off, within {fit.tolerance:.1%})")
        best = fit.best_fit
        if best.body != fit.body:
            why = "; ".join(fit.reasons()) or "launched from Earth"
            text += (f"; {fit.body.name} rather than {best.body.name} "
                     f"({best.relative_error or 0.0:.1%} off) because {why}")
        return text
    nearest = "; ".join(f"{c.body.name} {c.period_min:,.1f} min, {c.relative_error or 0.0:.1%} "
                        "off" for c in fit.nearest())
    unbacked = [c for c in fit.candidates if c.fits and c.body != fit.body]
    if unbacked:
        other = unbacked[0]
        return (f"period {period:,.2f} min fits no body the record allows: {nearest}; "
                f"{other.body.name} would fit (within {other.tolerance:.1%}) but nothing in the "
                "record puts the orbit there; check the apsides and period")
    return (f"period {period:,.2f} min fits no body (within {fit.tolerance:.1%}): {nearest}; "
            "check the apsides and period")


_NARRATIVE_ORBIT = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)\s*(?:km\s*)?x\s*(\d[\d,]*(?:\.\d+)?)\s*km\b")


def rule_narrative_orbit(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """The narrative often restates an orbit ("174 km x 159 km"); when the item
    also has Apogee and Perigee fields, the two should describe the same orbit
    (each apsis within 5%), or one of them describes another phase (a parking
    orbit) and deserves a look."""
    apogee, perigee = item.typed("Apogee"), item.typed("Perigee")
    if not isinstance(apogee, Distance) or not isinstance(perigee, Distance):
        return
    for m in _NARRATIVE_ORBIT.finditer(item.narrative):
        told = sorted(float(g.replace(",", "")) for g in m.groups())
        fields = sorted((perigee.km, apogee.km))
        off = [abs(a - b) / max(b, 1.0) for a, b in zip(told, fields, strict=True)]
        if max(off) > 0.05:
            yield ctx.finding("narrative-orbit", "warning", entry, item,
                              f"the narrative's orbit {m.group(0)!r} disagrees with the fields "
                              f"({fields[0]:,.0f} x {fields[1]:,.0f} km)",
                              {"narrative": m.group(0), "narrative_km": told,
                               "fields_km": fields, "relative_difference": max(off)})


# --- units ----------------------------------------------------------------------


def _pair_check(ctx: Context, entry: Entry, item: Item, key: str, rule: str,
                metric: float, other: float, raw: str, factor: float,
                units: tuple[str, str]) -> Iterator[Finding]:
    """Whether ``other`` (the stated conversion) is ``metric`` converted, within the
    rounding both numbers show.  The metric number is itself rounded to its last
    significant digit (half a unit, carried through the factor); the conversion
    may be rounded (half a unit up) or, as Encyclopedia Astronautica often does,
    truncated (a whole unit down: 185 km is written "114 mi"); 0.1% more allows
    for sources that used a rounded factor."""
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", raw)
    if len(numbers) < 2:
        return
    expected = metric / factor
    unit = last_digit_unit(numbers[1])
    slack = last_digit_unit(numbers[0]) / 2 / factor + 0.001 * expected
    low, high = expected - unit - slack, expected + unit / 2 + slack
    evidence = {"written": raw, units[0]: metric, units[1]: other,
                f"expected_{units[1]}": round(expected, 3),
                "accepted": [round(low, 3), round(high, 3)]}
    if not low <= other <= high:
        difference = abs(other - expected)
        severity: Severity = "error" if difference > 0.1 * expected else "warning"
        yield ctx.finding(rule, severity, entry, item,
                          f"{key}: {metric:,g} {units[0]} is {expected:,.1f} {units[1]}, not "
                          f"{other:,g} {units[1]} (rounded or truncated, {low:,.1f} to "
                          f"{high:,.1f} would do)", evidence, column=_column_of(item, key))


def rule_unit_mass(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """A mass written as ``kg (lb)`` must convert: 1 lb = 0.45359237 kg exactly,
    within the rounding the source shows (significant figures of both numbers)."""
    mass = item.typed("Mass")
    f = item.field("Mass")
    if isinstance(mass, Mass) and mass.lb is not None and f is not None:
        yield from _pair_check(ctx, entry, item, "Mass", "unit-mass", mass.kg, mass.lb, f.value,
                               KG_PER_LB, ("kg", "lb"))


def rule_unit_distance(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """Apogee and perigee written as ``km (mi)`` must convert: 1 mi = 1.609344 km
    exactly, within the rounding of both numbers."""
    for key in ("Apogee", "Perigee"):
        distance = item.typed(key)
        f = item.field(key)
        if isinstance(distance, Distance) and distance.mi is not None and f is not None:
            yield from _pair_check(ctx, entry, item, key, "unit-distance", distance.km,
                                   distance.mi, f.value, KM_PER_MI, ("km", "mi"))


# --- dates ----------------------------------------------------------------------


def rule_decay_after_launch(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """An object cannot decay before it was launched: the decay date must not be
    before the first day the launch date can mean."""
    decay = item.typed("Decay Date")
    launch = _launch_day(entry)
    if isinstance(decay, dt.date) and launch is not None and decay < launch:
        yield ctx.finding("date-decay", "error", entry, item,
                          f"decay date {decay} is before the launch ({entry.date.text})",
                          {"decay_date": decay.isoformat(), "launch_start": launch.isoformat()},
                          column=_column_of(item, "Decay Date"))


def rule_chronological(ctx: Context, entry: Entry) -> Iterator[Finding]:
    """A chronology lists entries in date order; an entry whose date interval lies
    wholly before the previous entry's is out of place (or mis-dated)."""
    previous = ctx.previous
    if previous is None or entry.date.end is None or previous.date.start is None:
        return
    if entry.date.end < previous.date.start:
        yield ctx.finding("date-order", "warning", entry, None,
                          f"{entry.date.text} comes after {previous.date.text} "
                          f"(line {previous.line}) but is earlier",
                          {"date": entry.date.text, "previous": previous.date.text,
                           "previous_line": previous.line})


def rule_vague_date(ctx: Context, entry: Entry) -> Iterator[Finding]:
    """A date denotes an interval; it must be readable and its start not after its
    end (a reversed range like ``June 26-25`` is not a date)."""
    date = entry.date
    if date.start is None or date.end is None:
        yield ctx.finding("date-interval", "error", entry, None,
                          f"date {date.text!r} denotes no interval of days",
                          {"text": date.text, "precision": date.precision})
    elif date.start > date.end:
        yield ctx.finding("date-interval", "error", entry, None,
                          f"date {date.text!r} starts after it ends",
                          {"start": date.start.isoformat(), "end": date.end.isoformat()})


# --- designators ----------------------------------------------------------------


def rule_cospar(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """COSPAR designators are tied to launch dates: a modern one (1971-045A) and
    a placeholder (1988-058xx) carry the launch year; Greek-letter ones
    (1962-B-Iota-1) were used for launches of 1957-1962 only; a failure
    designator FyymmddX encodes the day the launch failed.  Placeholders mean
    the pieces were never catalogued: reported as info."""
    cospar = item.typed("COSPAR")
    if not isinstance(cospar, Cospar):
        return
    column = _column_of(item, "COSPAR")
    launch = entry.date
    evidence: dict[str, Any] = {"cospar": cospar.text, "kind": cospar.kind,
                                "launch_date": launch.text}
    if cospar.kind == "failure":
        if cospar.launch_date is not None and launch.start is not None and launch.end is not None \
                and not launch.start <= cospar.launch_date <= launch.end:
            yield ctx.finding("cospar-failure-date", "error", entry, item,
                              f"{cospar.text} encodes {cospar.launch_date}, but the launch was "
                              f"{launch.text}", {**evidence,
                                                 "encoded": cospar.launch_date.isoformat()},
                              column=column)
        return
    if cospar.kind == "greek" and cospar.year is not None and not 1957 <= cospar.year <= 1962:
        yield ctx.finding("cospar-greek-era", "error", entry, item,
                          f"Greek-letter designator {cospar.text} for {cospar.year}: they were "
                          "used for 1957-1962 only", evidence, column=column)
    if cospar.year is not None and launch.start is not None and launch.end is not None \
            and not launch.start.year <= cospar.year <= launch.end.year:
        yield ctx.finding("cospar-year", "error", entry, item,
                          f"designator {cospar.text} is for {cospar.year}, the launch is "
                          f"{launch.text}", {**evidence, "designator_year": cospar.year},
                          column=column)
    if cospar.kind == "placeholder":
        yield ctx.finding("cospar-placeholder", "info", entry, item,
                          f"{cospar.text} is a placeholder: the piece has no catalogued "
                          "designator", evidence, column=column)


def rule_duplicates(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """A designator or satellite number names one object: the same one on two
    payloads (placeholders aside) is a copy error or a shared number worth a note.
    Designators are compared in their normal form, so ``1962-B-Iota-1`` and
    ``1962-Beta-Iota-1`` are the same designator spelt two ways.  A payload carried
    aboard another and never catalogued on its own (the Phobos landers, an Apollo LM
    with an ``x`` placeholder designator) carries its carrier's number by convention:
    carried-aboard, at info, says so instead of a duplicate."""
    cospar = item.typed("COSPAR")
    if isinstance(cospar, Cospar) and cospar.kind != "placeholder":
        first = ctx.designators.setdefault(cospar.normalized or cospar.text,
                                           (item.name, item.line))
        if first[1] != item.line:
            yield ctx.finding("duplicate-designator", "warning", entry, item,
                              f"designator {cospar.text} is also on {first[0]} (line {first[1]})",
                              {"cospar": cospar.text, "first": first[0], "first_line": first[1]},
                              column=_column_of(item, "COSPAR"))
    satcat = item.typed("USAF Sat Cat")
    if not isinstance(satcat, int):
        return
    column = _column_of(item, "USAF Sat Cat")
    carrier = entry.carrier_of(item)
    if carrier is not None and carrier.typed("USAF Sat Cat") == satcat:
        yield ctx.finding("carried-aboard", "info", entry, item,
                          f"carried aboard {carrier.name}: satellite number {satcat} is its "
                          "carrier's, as for a piece never catalogued on its own",
                          {"satcat": satcat, "carrier": carrier.name,
                           "carrier_line": carrier.line}, column=column)
        return
    first = ctx.satcats.setdefault(satcat, (item.name, item.line))
    if first[1] != item.line:
        yield ctx.finding("duplicate-satcat", "warning", entry, item,
                          f"satellite number {satcat} is also on {first[0]} (line {first[1]})",
                          {"satcat": satcat, "first": first[0], "first_line": first[1]},
                          column=column)


# --- GCAT -----------------------------------------------------------------------


def rule_gcat(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """McDowell's GCAT is the reference catalog.  Every row that may be the payload's
    (same satellite number, same designator, or launched the same day under a similar
    name) is scored on all four keys, number, designator, launch day and name, and
    the one agreeing on most is the payload's; the keys it disagrees on are reported
    with both values, so a mistyped number is one disagreement with the right row,
    not three with the wrong one.  GCAT's Result and Program are shown beside ours.
    A payload carried aboard another shares its carrier's number and has no row of
    its own: said so at info.  A payload GCAT lacks is reported at info (a failure
    designator FyymmddX rarely matches: GCAT names failed launches its own way)."""
    if ctx.gcat is None:
        return
    ours = Ours.from_item(entry, item)
    if ours.satcat is None and ours.piece is None:
        return
    column = _column_of(item, "USAF Sat Cat" if ours.satcat is not None else "COSPAR")
    carrier = entry.carrier_of(item)
    if carrier is not None and ours.satcat is not None \
            and carrier.typed("USAF Sat Cat") == ours.satcat:
        rows = [r for r in ctx.gcat(ours.satcat, None) if r.get("satcat") == ours.satcat]
        jcat = rows[0].get("jcat") if rows else None
        yield ctx.finding("gcat-crosswalk", "info", entry, item,
                          f"carried aboard {carrier.name}: no GCAT row of its own (satellite "
                          f"number {ours.satcat} is its carrier's" + (f", GCAT {jcat})" if jcat
                                                                         else ")"),
                          {"carrier": carrier.name, "satcat": ours.satcat, "jcat": jcat},
                          column=column)
        return
    match = ctx.gcat_match(entry, item)
    if match is None:
        cospar = item.typed("COSPAR")
        # GCAT files failed launches under its own pseudo-designators (yyyy-Xnnn): a
        # FyymmddX one can only match if the catalog happens to use it too.
        why = " (GCAT designates failed launches its own way, yyyy-Xnnn)" \
            if isinstance(cospar, Cospar) and cospar.kind == "failure" \
            and ours.satcat is None else ""
        yield ctx.finding("gcat-crosswalk", "info", entry, item,
                          f"no GCAT payload row for {ours.satcat or ours.piece}{why}",
                          {"satcat": ours.satcat, "piece": ours.piece}, column=column)
        return
    row = match.row
    evidence = {"jcat": row.get("jcat"), "gcat_piece": row.get("piece"),
                "gcat_name": row.get("name"), "gcat_launch_date": row.get("launch_date_text"),
                "gcat_result": row.get("result"), "gcat_program": row.get("program"),
                "our_piece": ours.piece, "our_name": item.name, "our_launch_date": entry.date.text,
                "our_outcome": entry.outcome, "our_program": item.value("Program"),
                "matched_by": match.matched_by, "keys": dict(match.keys)}
    problems = describe(match, ours, entry.date.text, item.name)
    if problems:
        yield ctx.finding("gcat-crosswalk", "warning", entry, item,
                          f"GCAT {row.get('jcat')} disagrees: " + "; ".join(problems),
                          evidence, column=column)
    else:
        yield ctx.finding("gcat-crosswalk", "info", entry, item,
                          f"matches GCAT {row.get('jcat')} (result {row.get('result')}, "
                          f"program {row.get('program')})", evidence, column=column)


def rule_gcat_orbit(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """The orbit a launching state registered with the UN (GCAT's UNPerigee, UNApogee
    and UNInc; for an object only in GCAT's satcat, that catalog's Perigee, Apogee and
    Inc) and the chronology's Apogee, Perigee and Inclination describe the same Earth
    orbit: each apsis agrees within the rounding of both figures (half a unit
    of the last digit of each) plus 2% of GCAT's, as registered orbits are of another
    epoch; the inclination within both roundings plus 0.1 degree.  Orbits about
    another body, and rows without a registered orbit, are not compared."""
    match = ctx.gcat_match(entry, item)
    apogee, perigee = item.typed("Apogee"), item.typed("Perigee")
    if match is None or not isinstance(apogee, Distance) or not isinstance(perigee, Distance):
        return
    row = match.row
    theirs_pe, theirs_ap, theirs_inc = (row.get(k) for k in ("un_perigee_km", "un_apogee_km",
                                                             "un_inc_deg"))
    if theirs_pe is None or theirs_ap is None:
        return
    fit = orbit_of(entry, item)
    if fit is None or fit.body.name != "Earth":
        return
    halves = {"Apogee": written_half_unit(item.value("Apogee")),
              "Perigee": written_half_unit(item.value("Perigee"))}
    ours = sorted([(perigee.km, halves["Perigee"]), (apogee.km, halves["Apogee"])])
    theirs = sorted([float(theirs_pe), float(theirs_ap)])
    problems = []
    for label, (km, half), other in zip(("perigee", "apogee"), ours, theirs, strict=True):
        allowed = half + 0.5 + GCAT_ORBIT_SLACK * other
        if abs(km - other) > allowed:
            problems.append(f"{label} {km:,.0f} km here, {other:,.0f} km in GCAT "
                            f"({abs(km - other):,.0f} km apart, {allowed:,.1f} allowed)")
    inclination = item.typed("Inclination")
    if isinstance(inclination, float) and theirs_inc is not None:
        allowed = written_half_unit(item.value("Inclination")) + 0.05 + GCAT_INCLINATION_SLACK
        if abs(inclination - float(theirs_inc)) > allowed + 1e-9:
            problems.append(f"inclination {inclination:g} deg here, {float(theirs_inc):g} deg "
                            f"in GCAT ({allowed:.2f} allowed)")
    if problems:
        source = "catalogued" if row.get("catalog") == "satcat" else "UN-registered"
        yield ctx.finding("gcat-orbit", "warning", entry, item,
                          f"GCAT {row.get('jcat')}'s {source} orbit differs: "
                          + "; ".join(problems),
                          {"jcat": row.get("jcat"), "fields_km": [o[0] for o in ours],
                           "registered_km": theirs, "inclination_deg": inclination,
                           "registered_inclination_deg": theirs_inc},
                          column=_column_of(item, "Apogee"))


def rule_gcat_contact(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """A loss of contact the narrative dates ("On March 21, 1963 … communications
    ceased") and GCAT's last contact (TLast, the days it allows: "1972 Aug?" is July
    to September) tell of the same moment: they may lie up to 2 days apart (time
    zones, a missed session noticed the next day), more is a disagreement."""
    match = ctx.gcat_match(entry, item)
    if match is None:
        return
    first, last = match.row.get("t_last_start"), match.row.get("t_last_end")
    if not isinstance(first, dt.date) or not isinstance(last, dt.date) \
            or not _told(item, _CONTACT_WORDS):
        return
    for event in item_events(item, entry.date.start, kinds=frozenset({"loss-of-contact"})):
        date = event.date
        if event.kind != "loss-of-contact" or date is None or date.start is None \
                or date.end is None:
            continue
        gap = max((date.start - last).days, (first - date.end).days, 0)
        if gap > CONTACT_SLACK_DAYS:
            yield ctx.finding("gcat-contact", "warning", entry, item,
                              f"contact lost {'on' if date.precision == 'day' else 'in'} "
                              f"{date.text} here ({event.span.text!r}), "
                              f"last contact {match.row.get('t_last')} in GCAT "
                              f"{match.row.get('jcat')}: {gap} days apart",
                              {"jcat": match.row.get("jcat"), "narrative": event.span.text,
                               "narrative_start": date.start.isoformat(),
                               "narrative_end": date.end.isoformat(),
                               "gcat_t_last": match.row.get("t_last"), "days_apart": gap},
                              line=event.span.line, column=event.span.column)


# --- cross-field ----------------------------------------------------------------


def rule_failed_stage(ctx: Context, entry: Entry) -> Iterator[Finding]:
    """The Failed Stage field and the FAILURE text tell the same failure: when the
    text names stages ("Stage 4", "the second stage", "3rd stage", the payload
    shroud as stage S), the failed stage is among them.  A text that names no stage
    ("Block L lost attitude") is not judged."""
    stage = entry.failed_stage
    named = failure_stages(entry.failure)
    if stage is None or not named or stage in named:
        return
    f = entry.field("Failed Stage")
    names = ", ".join(f"{k} ({v!r})" for k, v in named.items())
    yield ctx.finding("failed-stage", "warning", entry, None,
                      f"Failed Stage: {stage}, but the FAILURE text names stage "
                      f"{names}", {"failed_stage": stage, "named": named,
                                   "failure": entry.failure},
                      column=1 if f is None else f.column)


def rule_decay_reentry(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """The Decay Date and the re-entry the narrative tells are one event: a re-entry
    dated in the narrative ("re-entered … on 17 November 1996") must contain the decay
    date; one told as a time after launch ("2 days later", "about two months after
    insertion") must allow it, N units give or take one unit (for "about", give or
    take half of N if that is more)."""
    decay = item.typed("Decay Date")
    launch = entry.date.start
    if not isinstance(decay, dt.date) or not _told(item, _REENTRY_WORDS):
        return
    column = _column_of(item, "Decay Date")
    for event in item_events(item, launch, kinds=frozenset({"reentry"})):
        if event.kind != "reentry":
            continue
        date = event.date
        if date is not None and date.start is not None and date.end is not None:
            if not date.start <= decay <= date.end:
                days = (decay - date.start).days if decay > date.end else (decay - date.end).days
                yield ctx.finding("decay-reentry", "warning", entry, item,
                                  f"Decay Date {decay.isoformat()}, but the narrative says "
                                  f"{event.span.text!r} ({abs(days)} day"
                                  f"{'s' if abs(days) != 1 else ''} apart)",
                                  {"decay_date": decay.isoformat(),
                                   "narrative": event.span.text,
                                   "narrative_start": date.start.isoformat(),
                                   "narrative_end": date.end.isoformat()}, column=column)
            return
        elapsed = elapsed_after(_sentence_after(item.narrative, event.span.text))
        if elapsed is not None and launch is not None:
            after = (decay - launch).days
            if not elapsed.low <= after <= elapsed.high:
                yield ctx.finding("decay-reentry", "warning", entry, item,
                                  f"Decay Date {decay.isoformat()} is {after} day"
                                  f"{'s' if after != 1 else ''} after the launch, but the "
                                  f"narrative says {event.span.text!r} … {elapsed.text!r} "
                                  f"({elapsed.low:,.0f} to {elapsed.high:,.0f} days)",
                                  {"decay_date": decay.isoformat(), "days_after_launch": after,
                                   "narrative": elapsed.text,
                                   "allowed_days": [elapsed.low, elapsed.high]}, column=column)
            return


#: Cheap tests before a narrative's events are read: a word every re-entry rule, and
#: every loss-of-contact rule, of :mod:`kosmochron.events` needs.
_REENTRY_WORDS = re.compile(r"re-?ent|decayed", re.IGNORECASE)
_CONTACT_WORDS = re.compile(r"contact|communication|signal|transmission", re.IGNORECASE)


def _told(item: Item, words: re.Pattern[str]) -> bool:
    """Whether the item's narrative or Summary has any of ``words``."""
    return bool(words.search(item.narrative) or words.search(item.value("Summary") or ""))


def _sentence_after(narrative: str, text: str) -> str:
    """The rest of the sentence that holds ``text`` in the narrative, from ``text`` on."""
    at = narrative.find(text)
    if at < 0:
        return ""
    end = narrative.find(". ", at)
    return narrative[at:] if end < 0 else narrative[at:end]


def rule_period_narrative(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """The Period field and a period the narrative states ("an 11-day period orbit",
    "18 hour orbit") describe the same orbit: they agree within half the unit of the
    narrative's last digit (an 11-day orbit is 10.5 to 11.5 days) plus 5% of the
    field, as the apsides check allows.  A sentence about a heliocentric or solar orbit
    is about another orbit unless the fields are about the Sun."""
    period = item.typed("Period")
    if not isinstance(period, float) or period <= 0:
        return
    for told in stated_periods(item.narrative):
        if re.search(r"heliocentric|solar", told.sentence, re.IGNORECASE):
            fit = orbit_of(entry, item)  # only then: most narratives state no period
            if fit is None or fit.body.name != "Sun":
                continue
        allowed = told.half_unit_min + ORBIT_CONSISTENT * period
        if abs(period - told.minutes) > allowed:
            yield ctx.finding("period-narrative", "warning", entry, item,
                              f"Period: {period:,.2f} min ({period / 1440:,.2f} days), but "
                              f"the narrative says {told.text!r} ({told.minutes:,.0f} min, "
                              f"{allowed:,.0f} min allowed)",
                              {"period_min": period, "narrative": told.text,
                               "narrative_min": told.minutes, "allowed_min": allowed},
                              column=_column_of(item, "Period"))


def rule_type_consistency(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """The Type says which body a probe was for ("Venus probe"); its Spacecraft model
    ("Mars 2MV-3") and its Program ("Mars", "Venera") name one too.  A Spacecraft of
    another planet is a warning (type-spacecraft: Sputnik 24 is filed as a Venus
    probe on a Mars lander); a Program of another planet, with the Spacecraft agreeing
    or silent, is info (type-program: chronologies file a page's probes under one
    program)."""
    typed = type_planet(item.value("Type"))
    if typed is None:
        return
    craft, program = planet_named(item.value("Spacecraft")), planet_named(item.value("Program"))
    column = _column_of(item, "Type")
    evidence = {"type": item.value("Type"), "spacecraft": item.value("Spacecraft"),
                "program": item.value("Program")}
    if craft is not None and craft != typed:
        yield ctx.finding("type-spacecraft", "warning", entry, item,
                          f"Type: {item.value('Type')}, but the spacecraft "
                          f"{item.value('Spacecraft')} is a {craft} model"
                          + (f", as the program {item.value('Program')!r} says"
                             if program == craft else ""), evidence, column=column)
    elif program is not None and program != typed:
        yield ctx.finding("type-program", "info", entry, item,
                          f"Type: {item.value('Type')}, filed under the {program} program "
                          f"{item.value('Program')!r}", evidence, column=column)


def rule_parse(ctx: Context, entry: Entry) -> Iterator[Finding]:
    """What the parser could not read (an unknown month, ``Mass: 9x0 kg``, a
    reversed day range) is a finding too: a record with unreadable values has
    not passed its checks, whatever the other rules say."""
    for diag in entry.diagnostics:
        severity: Severity = "error" if diag.severity == "error" else "warning"
        yield ctx.finding("parse", severity, entry, None, diag.message,
                          {"diagnostic": diag.message}, line=diag.line, column=diag.column)


ENTRY_RULES: dict[str, EntryRule] = {
    "parse": rule_parse,
    "date-interval": rule_vague_date,
    "date-order": rule_chronological,
    "failed-stage": rule_failed_stage,
}
ITEM_RULES: dict[str, ItemRule] = {
    "orbit-kepler": rule_orbit_kepler,
    "narrative-orbit": rule_narrative_orbit,
    "unit-mass": rule_unit_mass,
    "unit-distance": rule_unit_distance,
    "date-decay": rule_decay_after_launch,
    "cospar": rule_cospar,
    "duplicates": rule_duplicates,
    "decay-reentry": rule_decay_reentry,
    "period-narrative": rule_period_narrative,
    "type-consistency": rule_type_consistency,
    "gcat-crosswalk": rule_gcat,
    "gcat-orbit": rule_gcat_orbit,
    "gcat-contact": rule_gcat_contact,
}
#: Every rule id a finding can carry, by the function that produces it.
RULE_IDS: dict[str, str] = {
    "parse": "parse",
    "date-interval": "date-interval", "date-order": "date-order",
    "orbit-kepler": "orbit-kepler", "orbit-hint-conflict": "orbit-kepler",
    "narrative-orbit": "narrative-orbit", "unit-mass": "unit-mass",
    "unit-distance": "unit-distance", "date-decay": "date-decay",
    "cospar-year": "cospar", "cospar-greek-era": "cospar", "cospar-failure-date": "cospar",
    "cospar-placeholder": "cospar", "duplicate-designator": "duplicates",
    "duplicate-satcat": "duplicates", "carried-aboard": "duplicates",
    "failed-stage": "failed-stage", "decay-reentry": "decay-reentry",
    "period-narrative": "period-narrative", "type-spacecraft": "type-consistency",
    "type-program": "type-consistency", "gcat-crosswalk": "gcat-crosswalk",
    "gcat-orbit": "gcat-orbit", "gcat-contact": "gcat-contact",
}


#: One plain-text sentence per rule id: what the /findings page and the HTML report
#: show beside each rule's counts (the rule's docstring says how, in full).
RULE_DESCRIPTIONS: dict[str, str] = {
    "parse": "What the parser could not read (an unknown month, a bad value) is a finding "
             "too.",
    "date-interval": "A date denotes an interval of days whose start is not after its end.",
    "date-order": "Entries are in date order: one wholly before the entry above it is out of "
                  "place.",
    "failed-stage": "The Failed Stage field is among the stages the FAILURE text names.",
    "orbit-kepler": "The period fits the apsides by Kepler's third law about the body the "
                    "record makes most likely.",
    "orbit-hint-conflict": "The body the narrative says the parameters are for fits the period "
                           "by Kepler's third law when another body does.",
    "narrative-orbit": "An orbit the narrative states (174 km x 159 km) is the one the Apogee "
                       "and Perigee fields give, within 5%.",
    "unit-mass": "A mass written in kg and lb converts (1 lb = 0.45359237 kg) within the "
                 "rounding shown.",
    "unit-distance": "Apogee and perigee written in km and mi convert (1 mi = 1.609344 km) "
                     "within the rounding shown.",
    "date-decay": "The decay date is not before the launch.",
    "cospar-year": "A designator's year is the launch's year.",
    "cospar-greek-era": "Greek-letter designators were given to launches of 1957-1962 only.",
    "cospar-failure-date": "A failure designator FyymmddX encodes the day of the failed launch.",
    "cospar-placeholder": "A placeholder designator (1988-058xx) marks a piece that was never "
                          "catalogued.",
    "duplicate-designator": "No two payloads share a designator (placeholders aside).",
    "duplicate-satcat": "No two payloads share a satellite number, unless one was carried "
                        "aboard the other.",
    "carried-aboard": "A payload carried aboard another and never catalogued shares its "
                      "carrier's satellite number.",
    "decay-reentry": "The decay date is the re-entry the narrative dates or tells as a time "
                     "after launch.",
    "period-narrative": "The Period field is the period the narrative states (an 11-day "
                        "orbit).",
    "type-spacecraft": "The body the Type names (a Venus probe) is the one the Spacecraft "
                       "model was built for.",
    "type-program": "The body the Type names is the one the Program is for (a note: pages "
                    "file their probes under one program).",
    "gcat-crosswalk": "The payload's GCAT row, the best on satellite number, designator, "
                      "launch day and name, agrees on each.",
    "gcat-orbit": "The orbit fields agree with the orbit registered with the UN (GCAT) beyond "
                  "rounding.",
    "gcat-contact": "A loss of contact the narrative dates is within 2 days of GCAT's last "
                    "contact.",
}

_ROLE = re.compile(r":[a-z]+:`(~?)([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")


def plain(text: str) -> str:
    """Docstring markup as plain text: ``:func:`infer_orbit``` and ````x```` lose their
    roles and backticks (``~a.b.c`` is ``c``), and lines are joined."""
    text = _ROLE.sub(lambda m: m.group(2).rsplit(".", 1)[-1] if m.group(1) else m.group(2),
                     text)
    return " ".join(_LITERAL.sub(r"\1", text).split())


def rule_doc(rule_id: str) -> str:
    """What a rule id checks, in one plain-text sentence (:data:`RULE_DESCRIPTIONS`)."""
    return RULE_DESCRIPTIONS[rule_id]


def rule_docstring(rule_id: str) -> str:
    """The docstring of the function behind a rule id (what it checks and why), as plain
    text on one line."""
    name = RULE_IDS[rule_id]
    fn = ENTRY_RULES.get(name) or ITEM_RULES[name]
    return plain(fn.__doc__ or "")


def _guarded(ctx: Context, name: str, entry: Entry, item: Item | None,
             findings: Iterator[Finding]) -> Iterator[Finding]:
    """A rule's findings; a value it cannot compute with (an overflow, a domain error)
    is an error finding on that entry, never the end of the whole check."""
    try:
        yield from findings
    except (ArithmeticError, ValueError) as exc:
        rule = name if name in RULE_IDS else next(i for i, f in RULE_IDS.items() if f == name)
        yield ctx.finding(rule, "error", entry, item, f"could not be checked: {exc}",
                          {"exception": type(exc).__name__, "detail": str(exc)})


def check_entry(ctx: Context, entry: Entry) -> Iterator[Finding]:
    """Every rule over one entry and its payloads; updates the context afterwards.

    Only a dated entry becomes the one the next is ordered against: an entry whose
    date denotes no interval must not hide a misplaced entry after it."""
    for name, rule in ENTRY_RULES.items():
        yield from _guarded(ctx, name, entry, None, rule(ctx, entry))
    for item in entry.items:
        for name, item_rule in ITEM_RULES.items():
            yield from _guarded(ctx, name, entry, item, item_rule(ctx, entry, item))
    if entry.date.start is not None and entry.date.end is not None:
        ctx.previous = entry


#: The rules that keep what they saw in the :class:`Context` (first designators and
#: satellite numbers): their findings depend on the entries before.  A rule that keeps
#: state must be listed here, so that a check that starts part-way through a source
#: (:func:`remember`) knows what came before.
STATEFUL_ITEM_RULES = ("duplicates",)


def remember(ctx: Context, entry: Entry) -> None:
    """Leave in the context what :func:`check_entry` would for the entries after
    ``entry``, without its findings: a check of a source's later part (the server
    checks a chronology in parts, in parallel) is first told of the entries before."""
    for item in entry.items:
        for name in STATEFUL_ITEM_RULES:
            for _ in ITEM_RULES[name](ctx, entry, item):
                pass
    if entry.date.start is not None and entry.date.end is not None:
        ctx.previous = entry


def check_entries(entries: Iterable[Entry], source: str, gcat: GcatLookup | None = None,
                  ids: Iterable[tuple[int, list[int]]] | None = None) -> Iterator[Finding]:
    """Findings for a source's entries in order (with their database ids if given)."""
    ctx = Context(source, gcat)
    id_iter = iter(ids) if ids is not None else None
    for entry in entries:
        if id_iter is not None:
            ctx.entry_id, ctx.item_ids = next(id_iter)
        yield from check_entry(ctx, entry)


def select(findings: Iterable[Finding], rules: Iterable[str] | None = None,
           min_severity: Severity = "info") -> Iterator[Finding]:
    """Keep the findings of the given rule ids (or families) at or above a severity."""
    keep = chooser(rules, min_severity)
    return (f for f in findings if keep(f.rule, f.severity))


def chooser(rules: Iterable[str] | None = None,
            min_severity: str = "info") -> Callable[[str, str], bool]:
    """Whether a finding of (rule, severity) is one :func:`select` keeps."""
    wanted = set(rules or [])
    severities = set(SEVERITIES[SEVERITIES.index(min_severity):])

    def keep(rule: str, severity: str) -> bool:
        return severity in severities and (not wanted or rule in wanted
                                           or RULE_IDS.get(rule) in wanted)
    return keep


def _finite(x: float) -> bool:
    return math.isfinite(x)
