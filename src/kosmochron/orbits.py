"""Which body a payload orbits, from its apsides, its period and its record.

Encyclopedia Astronautica gives ``Apogee``/``Perigee`` for every orbit, even
one around Mars ("Parameters are for Mars orbit."), as altitudes above the
surface.  To draw the orbit around the right body (the web UI) and to check
it (:mod:`kosmochron.validate`) we predict the period each candidate body
would give those apsides, ``T = 2π √(a³/GM)`` with
``a = R + (apoapsis + periapsis)/2``.

The period alone does not decide: in a low orbit Venus's period is only 2.6-3.0 %
longer than Earth's, so a slightly wrong Earth period "fits" Venus better.  The body
is the one with the highest *prior × likelihood*:

* the **prior** comes from the record.  Everything is launched from Earth, so Earth
  starts at 1 and every other body at 0.01; evidence multiplies: the narrative's
  "Parameters are for Mars orbit" ×1000 (first-hand), a statement of an orbit about a
  body ("entered Mars orbit", "remained in Earth orbit", "parking orbit") ×30, the
  payload's target (a Mars or Venus probe, a lunar probe) ×30, for Earth a decay
  date, a failed launch or a re-entry ×10.  The Sun is a candidate only for apsides
  of interplanetary size or when the narrative names it;
* the **likelihood** of a relative period error ``e`` is ``exp(−½ (e/σ)²)`` with
  ``σ`` half the tolerance the figures allow: 5 % (apsides and period from different
  epochs, as Mars 3's are) plus what their rounding allows (half a unit of the last
  digit written, carried through Kepler's law).

A body *fits* when its error is within that tolerance.  When the chosen body does
not fit, no body does (or only one the record gives no reason for): the validator
reports that as an error, naming the nearest candidates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .model import Distance, Entry, Item
from .targets import target_of
from .values import written_half_unit

Basis = Literal["period", "period+hint", "period+record", "hint", "record", "default"]


@dataclass(frozen=True, slots=True, eq=False)
class Body:
    """A central body: its gravitational parameter GM (km³/s²) and mean
    equatorial radius (km).  Each is one of the constants below, compared and hashed
    by identity (the orbit rule compares bodies some thirty times a payload)."""

    name: str
    gm_km3_s2: float
    radius_km: float


# GM values from JPL Solar System Dynamics, "Astrodynamic Parameters"
# (ssd.jpl.nasa.gov/astro_par.html; the DE430/DE440 ephemeris constants, whose
# differences are far below what matters here; Mars's is the Mars-system value).
# Radii from JPL's "Planetary Physical Parameters" (ssd.jpl.nasa.gov/planets/
# phys_par.html), after the IAU Working Group on Cartographic Coordinates and
# Rotational Elements (Archinal et al. 2018): equatorial for Earth (6378.137 km,
# which chronology altitudes are measured from), Mars and Venus, mean for the
# Moon; the Sun's radius is the IAU 2015 Resolution B3 nominal 695,700 km.
EARTH = Body("Earth", 398_600.435436, 6_378.137)
MOON = Body("Moon", 4_902.800066, 1_737.4)
MARS = Body("Mars", 42_828.375214, 3_396.19)
VENUS = Body("Venus", 324_858.592, 6_051.8)
SUN = Body("Sun", 132_712_440_041.939, 695_700.0)
BODIES: tuple[Body, ...] = (EARTH, MOON, MARS, VENUS, SUN)

#: Heliocentric apsides are tens of millions of km; below this the Sun is only
#: considered when the narrative names it.
SUN_MIN_APOAPSIS_KM = 1_000_000.0

#: The tolerance of a period against Kepler's law before the rounding of the figures:
#: chronology periods and apsides are often from different epochs or sources (Mars 3's
#: 11-day orbit is 3.1 % off), and oblateness puts a low Earth orbit's period ~0.2 % off.
ORBIT_TOLERANCE = 0.05
#: The prior of a body with no evidence in the record; Earth's is 1 (launched from it).
NO_EVIDENCE = 0.01
#: How much each kind of evidence multiplies a body's prior.
HINT_FACTOR = 1000.0
STATEMENT_FACTOR = 30.0
TARGET_FACTOR = 30.0
EARTH_RECORD_FACTOR = 10.0

_HINT_WORDS = {
    "earth": EARTH, "geocentric": EARTH, "terrestrial": EARTH, "parking": EARTH,
    "moon": MOON, "lunar": MOON, "selenocentric": MOON,
    "mars": MARS, "martian": MARS, "areocentric": MARS,
    "venus": VENUS, "venusian": VENUS, "cytherean": VENUS,
    "sun": SUN, "solar": SUN, "heliocentric": SUN,
}
#: Only the chronology's explicit statement about the fields counts: narratives
#: mention other orbits ("did not enter Martian orbit", "final heliocentric
#: orbit") that the Apogee/Perigee fields do not describe.
_HINT = re.compile(r"\bparameters\s+(?:are|were)\s+for\s+(?:an?\s+|the\s+)?([a-z]+)\s+orbit",
                   re.IGNORECASE)
_BODY_WORDS = r"earth|geocentric|parking|moon|lunar|mars|martian|venus|venusian|sun|solar" \
              r"|heliocentric"
#: "remained in Earth orbit", "entered Mars orbit", "an orbit about Venus".
_STATEMENT = re.compile(
    rf"\b(?:({_BODY_WORDS})\s+orbit|orbit\s+(?:about|around)\s+(?:the\s+)?({_BODY_WORDS}))\b",
    re.IGNORECASE)
#: Words just before a statement that deny it or make it an intention.
_NOT_SO = re.compile(r"\b(?:not|never|no|failed to|unable to|without|n't|intended to|planned to"
                     r"|planning to|designed to|was to|were to|would)\s+(?:\w+\s+){0,2}$",
                     re.IGNORECASE)
_REENTRY = re.compile(r"\bre-?ent(?:ered|ry)\b|\bdecayed\b", re.IGNORECASE)
_LUNAR = re.compile(r"\b(?:lunar|moon|luna)\b", re.IGNORECASE)


def body_hint(narrative: str | None) -> Body | None:
    """The body a narrative says the orbital parameters are for, if it says so."""
    if not narrative:
        return None
    match = _HINT.search(narrative)
    return None if match is None else _HINT_WORDS.get(match.group(1).lower())


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a body is a plausible centre: what the record says, and by how much that
    multiplies the body's prior."""

    body: Body
    factor: float
    reason: str


def narrative_evidence(narrative: str | None) -> list[Evidence]:
    """What a narrative says about where the orbit is: "Parameters are for Mars orbit"
    (first-hand, ×1000) and statements of an orbit about a body (×30, each body once;
    denied or intended ones, "did not enter Martian orbit", "planned to enter Mars
    orbit", do not count)."""
    if not narrative:
        return []
    found: list[Evidence] = []
    hint = body_hint(narrative)
    if hint is not None:
        found.append(Evidence(hint, HINT_FACTOR,
                              f"the narrative says the parameters are for {hint.name} orbit"))
    stated: set[Body] = set()
    for m in _STATEMENT.finditer(narrative):
        body = _HINT_WORDS[(m.group(1) or m.group(2)).lower()]
        if body in stated or body == hint or _NOT_SO.search(narrative, max(0, m.start() - 40),
                                                             m.start()):
            continue
        stated.add(body)
        found.append(Evidence(body, STATEMENT_FACTOR, f"the narrative says {m.group(0)!r}"))
    if EARTH not in stated and _REENTRY.search(narrative):
        found.append(Evidence(EARTH, EARTH_RECORD_FACTOR, "the narrative tells of a re-entry"))
    return found


def semi_major_axis_km(body: Body, apoapsis_km: float, periapsis_km: float) -> float:
    """``a`` of an orbit whose apsides are altitudes above ``body``'s surface."""
    return body.radius_km + (apoapsis_km + periapsis_km) / 2


def kepler_period_min(body: Body, apoapsis_km: float, periapsis_km: float) -> float:
    """The period (minutes) Kepler's third law gives for those apsides around ``body``."""
    a = semi_major_axis_km(body, apoapsis_km, periapsis_km)
    return 2 * math.pi * math.sqrt(a**3 / body.gm_km3_s2) / 60


@dataclass(frozen=True, slots=True)
class Candidate:
    body: Body
    period_min: float
    #: |predicted − stated| / stated; None when no period was stated.
    relative_error: float | None
    #: The relative error the figures allow about this body (see :data:`ORBIT_TOLERANCE`).
    tolerance: float = ORBIT_TOLERANCE
    #: The prior the record gives this body (0: not a candidate at all).
    prior: float = 1.0

    @property
    def fits(self) -> bool | None:
        """Whether the stated period is within the tolerance (None: no period)."""
        if self.relative_error is None:
            return None
        return self.prior > 0 and self.relative_error <= self.tolerance

    def score(self) -> float:
        """log(prior × likelihood), the likelihood a Gaussian of σ = tolerance/2."""
        if self.prior <= 0:
            return -math.inf
        if self.relative_error is None:
            return math.log(self.prior)
        sigma = self.tolerance / 2
        return math.log(self.prior) - 0.5 * (self.relative_error / sigma) ** 2


@dataclass(frozen=True, slots=True)
class OrbitFit:
    """The orbit as drawn: its central body, why that body, and the geometry."""

    body: Body
    apoapsis_km: float
    periapsis_km: float
    stated_period_min: float | None
    basis: Basis
    hint: Body | None
    candidates: tuple[Candidate, ...]
    evidence: tuple[Evidence, ...] = ()

    @property
    def chosen(self) -> Candidate:
        return next(c for c in self.candidates if c.body == self.body)

    @property
    def predicted_period_min(self) -> float:
        return self.chosen.period_min

    @property
    def relative_error(self) -> float | None:
        return self.chosen.relative_error

    @property
    def tolerance(self) -> float:
        return self.chosen.tolerance

    @property
    def fits(self) -> bool | None:
        """Whether the chosen body fits the stated period (None: no period)."""
        return self.chosen.fits

    @property
    def best_fit(self) -> Candidate:
        """The candidate with the smallest period error (the period alone's choice)."""
        eligible = [c for c in self.candidates if c.prior > 0] or list(self.candidates)
        return min(eligible, key=lambda c: (c.relative_error if c.relative_error is not None
                                            else math.inf, BODIES.index(c.body)
                                            if c.body in BODIES else 0))

    def nearest(self, n: int = 3) -> list[Candidate]:
        """The chosen body, then the other candidates nearest the stated period."""
        others = sorted((c for c in self.candidates if c.body != self.body and c.prior > 0),
                        key=lambda c: c.relative_error or 0.0)
        return [self.chosen, *others][:n]

    def reasons(self, body: Body | None = None) -> list[str]:
        """What in the record speaks for ``body`` (the chosen one by default)."""
        body = body or self.body
        return [e.reason for e in self.evidence if e.body == body]

    @property
    def semi_major_axis_km(self) -> float:
        return semi_major_axis_km(self.body, self.apoapsis_km, self.periapsis_km)

    @property
    def eccentricity(self) -> float:
        """``(r_a − r_p) / (r_a + r_p)`` with radii measured from the body's centre."""
        ra = self.body.radius_km + self.apoapsis_km
        rp = self.body.radius_km + self.periapsis_km
        return (ra - rp) / (ra + rp)

    @property
    def corroborated(self) -> bool | None:
        """Whether the narrative names the chosen body (None: it names none)."""
        return None if self.hint is None else self.hint == self.body

    def explanation(self) -> str:
        """One sentence saying why this body, for the page under the diagram."""
        predicted = f"{self.predicted_period_min:,.1f} min"
        why = "; ".join(self.reasons()) or (
            "launched from Earth" if self.body == EARTH else "")
        if self.stated_period_min is not None:
            error = self.relative_error or 0.0
            text = (f"{self.body.name}: Kepler's third law predicts a period of {predicted} "
                    f"for these apsides, against {self.stated_period_min:,.2f} min stated "
                    f"({error:.1%} off")
            if not self.fits:
                return text + (f", more than the {self.tolerance:.1%} the figures allow: no "
                               f"body fits; drawn around {self.body.name}"
                               + (f" because {why}" if why else "") + ").")
            text += ")"
            best = self.best_fit
            if self.basis == "period+hint":
                text += "; chosen because the narrative names it"
            elif self.basis == "period+record":
                text += (f"; chosen over {best.body.name} ({best.relative_error or 0.0:.1%} "
                         f"off) because {why or 'the record suggests it'}")
            elif self.hint == self.body:
                text += "; the narrative agrees"
            elif self.hint is not None:
                text += f"; the narrative names {self.hint.name}, which fits worse"
            return text + "."
        if self.basis == "hint":
            return (f"{self.body.name}: the narrative says so (no period is stated; "
                    f"Kepler's third law gives {predicted}).")
        if self.basis == "record":
            return (f"{self.body.name}: {why} (no period is stated; Kepler's third law "
                    f"gives {predicted}).")
        return (f"{self.body.name}: assumed, as neither a period nor the narrative says "
                f"otherwise (Kepler's third law gives {predicted}).")

    def to_json(self) -> dict[str, Any]:
        return {
            "body": self.body.name,
            "basis": self.basis,
            "apoapsis_km": self.apoapsis_km,
            "periapsis_km": self.periapsis_km,
            "semi_major_axis_km": self.semi_major_axis_km,
            "eccentricity": self.eccentricity,
            "stated_period_min": self.stated_period_min,
            "predicted_period_min": self.predicted_period_min,
            "relative_error": self.relative_error,
            "tolerance": self.tolerance,
            "fits": self.fits,
            "hint": None if self.hint is None else self.hint.name,
            "corroborated": self.corroborated,
            "evidence": [{"body": e.body.name, "factor": e.factor, "reason": e.reason}
                         for e in self.evidence],
            "candidates": [{"body": c.body.name, "period_min": c.period_min,
                            "relative_error": c.relative_error, "tolerance": c.tolerance,
                            "prior": c.prior} for c in self.candidates],
        }


def _usable(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value >= 0


def _priors(bodies: tuple[Body, ...], evidence: list[Evidence], apoapsis: float,
            hint: Body | None) -> dict[Body, float]:
    """Each body's prior: Earth 1, the others :data:`NO_EVIDENCE`, times the evidence;
    the Sun is no candidate for apsides below interplanetary size unless named."""
    priors = {b: (1.0 if b == EARTH else NO_EVIDENCE) for b in bodies}
    for e in evidence:
        if e.body in priors:
            priors[e.body] *= e.factor
    if SUN in priors and hint != SUN and apoapsis < SUN_MIN_APOAPSIS_KM:
        priors[SUN] = 0.0
    return priors


def infer_orbit(apogee_km: float | None, perigee_km: float | None,
                period_min: float | None = None, narrative: str | None = None,
                bodies: tuple[Body, ...] = BODIES, *, evidence: Sequence[Evidence] = (),
                precision: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> OrbitFit | None:
    """The central body and orbit for a payload's fields, or None if the apsides are
    missing or unusable (negative, not finite).  Swapped apsides are put right.

    ``narrative`` and ``evidence`` (what the rest of the record says, see
    :func:`record_evidence`) set the priors; ``precision`` is half the unit of the last
    digit written of the apogee, the perigee and the period, which widens the tolerance."""
    if not (_usable(apogee_km) and _usable(perigee_km)):
        return None
    assert apogee_km is not None and perigee_km is not None
    apoapsis, periapsis = max(apogee_km, perigee_km), min(apogee_km, perigee_km)
    stated = period_min if period_min is not None and math.isfinite(period_min) \
        and period_min > 0 else None
    found = [*narrative_evidence(narrative), *evidence]
    hint = body_hint(narrative)
    priors = _priors(bodies, found, apoapsis, hint)
    h_apo, h_peri, h_period = precision
    candidates = []
    for body in bodies:
        predicted = kepler_period_min(body, apoapsis, periapsis)
        error = None if stated is None else abs(predicted - stated) / stated
        a = semi_major_axis_km(body, apoapsis, periapsis)
        rounding = 1.5 * (h_apo + h_peri) / 2 / a + (h_period / stated if stated else 0.0)
        candidates.append(Candidate(body, predicted, error, ORBIT_TOLERANCE + rounding,
                                    priors[body]))
    chosen = max(candidates, key=lambda c: (c.score(), -bodies.index(c.body)))
    fit = OrbitFit(chosen.body, apoapsis, periapsis, stated, "default", hint,
                   tuple(candidates), tuple(e for e in found if e.body in priors))
    basis: Basis
    if stated is not None:
        best = fit.best_fit.body
        basis = "period" if chosen.body == best else \
            "period+hint" if chosen.body == hint else "period+record"
    elif chosen.body == hint:
        basis = "hint"
    else:
        basis = "record" if fit.reasons() else "default"
    return OrbitFit(chosen.body, apoapsis, periapsis, stated, basis, hint, tuple(candidates),
                    fit.evidence)


def record_evidence(entry: Entry, item: Item) -> list[Evidence]:
    """What a payload's record, besides its narrative, says about its orbit's centre:
    its target (a Mars or Venus probe, ×30; a lunar one by its Type or Program), and
    for Earth a decay date or a failed launch (×10)."""
    found: list[Evidence] = []
    target = target_of(item)
    if target is not None:
        found.append(Evidence(MARS if target == "Mars" else VENUS, TARGET_FACTOR,
                              f"it is a {target} probe"))
    elif _LUNAR.search(" ".join(filter(None, (item.value("Type"), item.value("Program"))))):
        found.append(Evidence(MOON, TARGET_FACTOR, "it is a lunar probe"))
    if item.value("Decay Date"):
        found.append(Evidence(EARTH, EARTH_RECORD_FACTOR,
                              f"it decayed on {item.value('Decay Date')}"))
    elif entry.outcome == "failure":
        found.append(Evidence(EARTH, EARTH_RECORD_FACTOR, "its launch failed"))
    return found


def orbit_of(entry: Entry, item: Item) -> OrbitFit | None:
    """The orbit of a payload from its whole record: the apsides and period with the
    rounding they are written to, the narrative and the record's evidence; the one
    function the web page's diagram and the validator share."""
    apogee, perigee, period = item.typed("Apogee"), item.typed("Perigee"), item.typed("Period")
    if not isinstance(apogee, Distance) or not isinstance(perigee, Distance):
        return None
    swapped = apogee.km < perigee.km
    halves = (written_half_unit(item.value("Apogee")), written_half_unit(item.value("Perigee")))
    precision = (*(halves[::-1] if swapped else halves),
                 written_half_unit(item.value("Period")) if isinstance(period, float) else 0.0)
    return infer_orbit(apogee.km, perigee.km, period if isinstance(period, float) else None,
                       item.narrative, evidence=record_evidence(entry, item),
                       precision=precision)
