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

from .model import Cospar, Distance, Entry, Item, Mass
from .orbits import ORBIT_TOLERANCE, OrbitFit, orbit_of
from .values import last_digit_unit

Severity = Literal["info", "warning", "error"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")

#: Exact by definition: 1 lb = 0.45359237 kg, 1 mi = 1.609344 km (international
#: yard and pound agreement, 1959).
KG_PER_LB = 0.45359237
KM_PER_MI = 1.609344

#: Orbit vs Kepler: the relative period error a body fits within, before the rounding
#: of the written figures (see :mod:`kosmochron.orbits`).
ORBIT_CONSISTENT = ORBIT_TOLERANCE


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

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "source": self.source,
                "line": self.line, "column": self.column, "entry": self.entry,
                "item": self.item, "entry_id": self.entry_id, "item_id": self.item_id,
                "message": self.message, "evidence": self.evidence}


class GcatLookup(Protocol):
    """Finds GCAT's payload row for a satellite number or a GCAT-style designator."""

    def __call__(self, satcat: int | None, piece: str | None) -> dict[str, Any] | None: ...


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
    ``1962-Beta-Iota-1`` are the same designator spelt two ways."""
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
    if isinstance(satcat, int):
        first = ctx.satcats.setdefault(satcat, (item.name, item.line))
        if first[1] != item.line:
            yield ctx.finding("duplicate-satcat", "warning", entry, item,
                              f"satellite number {satcat} is also on {first[0]} "
                              f"(line {first[1]})",
                              {"satcat": satcat, "first": first[0], "first_line": first[1]},
                              column=_column_of(item, "USAF Sat Cat"))


# --- GCAT -----------------------------------------------------------------------


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def rule_gcat(ctx: Context, entry: Entry, item: Item) -> Iterator[Finding]:
    """McDowell's GCAT is the reference catalog: the row with the payload's
    satellite number (or designator) should agree on the designator, the launch
    day and, loosely, the name.  GCAT's Result and Program are shown beside ours
    so the launch outcome and the payload's mission result can be compared.  A
    payload GCAT lacks is reported at info (a failure designator FyymmddX rarely
    matches: GCAT names failed launches its own way)."""
    if ctx.gcat is None:
        return
    satcat = item.typed("USAF Sat Cat")
    cospar = item.typed("COSPAR")
    piece = cospar.gcat if isinstance(cospar, Cospar) and cospar.kind != "placeholder" else None
    number = satcat if isinstance(satcat, int) else None
    if number is None and piece is None:
        return
    row = ctx.gcat(number, piece)
    column = _column_of(item, "USAF Sat Cat" if number is not None else "COSPAR")
    if row is None:
        # GCAT files failed launches under its own pseudo-designators (yyyy-Xnnn): a
        # FyymmddX one can only match if the catalog happens to use it too.
        why = " (GCAT designates failed launches its own way, yyyy-Xnnn)" \
            if isinstance(cospar, Cospar) and cospar.kind == "failure" and number is None else ""
        yield ctx.finding("gcat-crosswalk", "info", entry, item,
                          f"no GCAT payload row for {number or piece}{why}",
                          {"satcat": number, "piece": piece}, column=column)
        return
    evidence = {"jcat": row.get("jcat"), "gcat_piece": row.get("piece"),
                "gcat_name": row.get("name"), "gcat_launch_date": row.get("launch_date_text"),
                "gcat_result": row.get("result"), "gcat_program": row.get("program"),
                "our_piece": piece, "our_name": item.name, "our_launch_date": entry.date.text,
                "our_outcome": entry.outcome, "our_program": item.value("Program")}
    problems = []
    if piece is not None and row.get("piece") and row["piece"] != piece:
        problems.append(f"designator {piece} here, {row['piece']} in GCAT")
    gcat_day = row.get("launch_date")
    if isinstance(gcat_day, dt.date) and entry.date.start and entry.date.end \
            and not entry.date.start <= gcat_day <= entry.date.end:
        problems.append(f"launch {entry.date.text} here, {row.get('launch_date_text')} in GCAT")
    gcat_name = (row.get("name") or "").strip("[]")
    if gcat_name and gcat_name != "-":
        ours = {_name_key(item.name), _name_key(item.value("Payload") or "")} - {""}
        theirs = _name_key(gcat_name)
        if not any(theirs in o or o in theirs for o in ours):
            problems.append(f"named {item.name!r} here, {gcat_name!r} in GCAT")
    if problems:
        yield ctx.finding("gcat-crosswalk", "warning", entry, item,
                          f"GCAT {row.get('jcat')} disagrees: " + "; ".join(problems),
                          evidence, column=column)
    else:
        yield ctx.finding("gcat-crosswalk", "info", entry, item,
                          f"matches GCAT {row.get('jcat')} (result {row.get('result')}, "
                          f"program {row.get('program')})", evidence, column=column)


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
}
ITEM_RULES: dict[str, ItemRule] = {
    "orbit-kepler": rule_orbit_kepler,
    "narrative-orbit": rule_narrative_orbit,
    "unit-mass": rule_unit_mass,
    "unit-distance": rule_unit_distance,
    "date-decay": rule_decay_after_launch,
    "cospar": rule_cospar,
    "duplicates": rule_duplicates,
    "gcat-crosswalk": rule_gcat,
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
    "duplicate-satcat": "duplicates", "gcat-crosswalk": "gcat-crosswalk",
}


def rule_doc(rule_id: str) -> str:
    """The docstring of the function behind a rule id (what it checks and why)."""
    name = RULE_IDS[rule_id]
    fn = ENTRY_RULES.get(name) or ITEM_RULES[name]
    return " ".join((fn.__doc__ or "").split())


def check_entry(ctx: Context, entry: Entry) -> Iterator[Finding]:
    """Every rule over one entry and its payloads; updates the context afterwards.

    Only a dated entry becomes the one the next is ordered against: an entry whose
    date denotes no interval must not hide a misplaced entry after it."""
    for rule in ENTRY_RULES.values():
        yield from rule(ctx, entry)
    for item in entry.items:
        for item_rule in ITEM_RULES.values():
            yield from item_rule(ctx, entry, item)
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
    wanted = set(rules or [])
    floor = SEVERITIES.index(min_severity)
    for f in findings:
        if SEVERITIES.index(f.severity) < floor:
            continue
        if wanted and f.rule not in wanted and RULE_IDS.get(f.rule) not in wanted:
            continue
        yield f


def _finite(x: float) -> bool:
    return math.isfinite(x)
