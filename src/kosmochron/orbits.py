"""Which body a payload orbits, from its apsides and period (Kepler's third law).

Encyclopedia Astronautica gives ``Apogee``/``Perigee`` for every orbit, even
one around Mars ("Parameters are for Mars orbit."), as altitudes above the
surface.  To draw the orbit around the right body (the web UI) and to check
it (:mod:`kosmochron.validate`) we predict the period each candidate body
would give those apsides, ``T = 2π √(a³/GM)`` with
``a = R + (apoapsis + perigee)/2``, and take the body whose prediction is
closest to the stated period (relative error).  The narrative's own hint is
corroboration, and decides when there is no period or when it names a body
that fits nearly as well.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

Basis = Literal["period", "period+hint", "hint", "default"]


@dataclass(frozen=True, slots=True)
class Body:
    """A central body: its gravitational parameter GM (km³/s²) and mean
    equatorial radius (km)."""

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

#: A body the narrative names is preferred over the best fit when its own
#: predicted period is at most this far off (relative error): the chronology's
#: "Parameters are for Mars orbit" is first-hand, the fit an inference.
HINT_TOLERANCE = 0.25

_HINT_WORDS = {
    "earth": EARTH, "geocentric": EARTH, "terrestrial": EARTH,
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


def body_hint(narrative: str | None) -> Body | None:
    """The body a narrative says the orbital parameters are for, if it says so."""
    if not narrative:
        return None
    match = _HINT.search(narrative)
    return None if match is None else _HINT_WORDS.get(match.group(1).lower())


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
        if self.basis in ("period", "period+hint") and self.stated_period_min is not None:
            error = self.relative_error or 0.0
            text = (f"{self.body.name}: Kepler's third law predicts a period of {predicted} "
                    f"for these apsides, against {self.stated_period_min:,.2f} min stated "
                    f"({error:.1%} off)")
            if self.basis == "period+hint":
                text += "; chosen because the narrative names it"
            elif self.hint == self.body:
                text += "; the narrative agrees"
            elif self.hint is not None:
                text += f"; the narrative names {self.hint.name}, which fits worse"
            return text + "."
        if self.basis == "hint":
            return (f"{self.body.name}: the narrative says so (no period is stated; "
                    f"Kepler's third law gives {predicted}).")
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
            "hint": None if self.hint is None else self.hint.name,
            "corroborated": self.corroborated,
            "candidates": [{"body": c.body.name, "period_min": c.period_min,
                            "relative_error": c.relative_error} for c in self.candidates],
        }


def _usable(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value >= 0


def infer_orbit(apogee_km: float | None, perigee_km: float | None,
                period_min: float | None = None, narrative: str | None = None,
                bodies: tuple[Body, ...] = BODIES) -> OrbitFit | None:
    """The central body and orbit for a payload's fields, or None if the apsides are
    missing or unusable (negative, not finite).  Swapped apsides are put right."""
    if not (_usable(apogee_km) and _usable(perigee_km)):
        return None
    assert apogee_km is not None and perigee_km is not None
    apoapsis, periapsis = max(apogee_km, perigee_km), min(apogee_km, perigee_km)
    stated = period_min if period_min is not None and math.isfinite(period_min) \
        and period_min > 0 else None
    candidates = []
    for body in bodies:
        predicted = kepler_period_min(body, apoapsis, periapsis)
        error = None if stated is None else abs(predicted - stated) / stated
        candidates.append(Candidate(body, predicted, error))
    hint = body_hint(narrative)
    by_body = {c.body: c for c in candidates}
    basis: Basis
    if stated is not None:
        # An orbit a few hundred km above the Sun's photosphere has a period of
        # ~3 hours, so a mistyped Earth period would "fit" the Sun: the Sun is a
        # candidate only for apsides of interplanetary size or when named.
        eligible = [c for c in candidates if c.body != SUN or hint == SUN
                    or apoapsis >= SUN_MIN_APOAPSIS_KM]
        best = min(eligible or candidates,
                   key=lambda c: (c.relative_error, bodies.index(c.body)))
        hinted = by_body.get(hint) if hint is not None else None
        if hinted is not None and hinted.body != best.body \
                and (hinted.relative_error or 0.0) <= HINT_TOLERANCE:
            body, basis = hinted.body, "period+hint"
        else:
            body, basis = best.body, "period"
    elif hint is not None and hint in by_body:
        body, basis = hint, "hint"
    else:
        body, basis = (EARTH if EARTH in by_body else bodies[0]), "default"
    return OrbitFit(body, apoapsis, periapsis, stated, basis, hint, tuple(candidates))
