"""kosmochron.orbits: the central-body inference shared by the UI and validation.

Most cases live in test_web_charts.py (the diagram) and test_validate.py (the
rule); these pin the choices made in orbits.py itself.
"""

from __future__ import annotations

from kosmochron import Entry, Item, parse_text
from kosmochron.orbits import (
    EARTH,
    MARS,
    SUN,
    VENUS,
    infer_orbit,
    kepler_period_min,
    orbit_of,
    record_evidence,
)


def test_a_low_orbit_never_fits_the_sun_unless_named() -> None:
    # 200 x 180 km above the Sun's photosphere is a ~3 h orbit: a mistyped
    # Earth period of 180 min must not be "consistent" with the Sun.
    sun_period = kepler_period_min(SUN, 200, 180)
    fit = infer_orbit(200, 180, sun_period)
    assert fit is not None and fit.body != SUN
    named = infer_orbit(200, 180, sun_period, "Parameters are for solar orbit.")
    assert named is not None and named.body == SUN


def test_heliocentric_apsides_still_fit_the_sun() -> None:
    period = kepler_period_min(SUN, 2.4e8, 1.5e8)
    fit = infer_orbit(2.4e8, 1.5e8, period)
    assert fit is not None and fit.body == SUN and fit.relative_error == 0.0


def test_earth_is_the_default_without_period_or_hint() -> None:
    fit = infer_orbit(340, 110)
    assert fit is not None and fit.body == EARTH and fit.basis == "default"


def _record(fields: str, narrative: str = "", failure: str = "") -> tuple[Entry, Item]:
    doc = parse_text(f"T\n\n1971 May 19 - . 12:00 GMT - . Launch Site: Baikonur.{failure}\n\n"
                     f"· Probe - . Payload: P. {fields} {narrative}\n")
    entry = doc.entries[0]
    return entry, entry.items[0]


def test_record_evidence() -> None:
    entry, item = _record("Type: Mars probe. Decay Date: 1971-05-21.")
    found = record_evidence(entry, item)
    assert [(e.body, e.factor, e.reason) for e in found] == [
        (MARS, 30.0, "it is a Mars probe"), (EARTH, 10.0, "it decayed on 1971-05-21")]
    entry, item = _record("Program: Venera.", failure=" FAILURE: Stage 4 failed.. Failed Stage: 4.")
    assert [(e.body, e.reason) for e in record_evidence(entry, item)] == [
        (VENUS, "it is a Venus probe"), (EARTH, "its launch failed")]
    entry, item = _record("Type: Lunar probe.")
    assert [e.body.name for e in record_evidence(entry, item)] == ["Moon"]


def test_orbit_of_reads_the_written_rounding() -> None:
    entry, item = _record("Apogee: 25,000 km. Perigee: 1,380 km. Period: 1,080.00 min.")
    fit = orbit_of(entry, item)
    a = MARS.radius_km + 13_190
    assert fit is not None and fit.body == MARS
    assert fit.tolerance == 0.05 + 1.5 * (500 + 5) / 2 / a + 0.005 / 1080
    # Swapped apsides keep each its own rounding.
    entry, item = _record("Apogee: 1,380 km. Perigee: 25,000 km. Period: 1,080.00 min.")
    swapped = orbit_of(entry, item)
    assert swapped is not None and swapped.tolerance == fit.tolerance
    entry, item = _record("Apogee: 25,000 km.")
    assert orbit_of(entry, item) is None


def test_no_fit_is_explained() -> None:
    fit = infer_orbit(300, 200, 99.2)
    assert fit is not None and fit.body == EARTH and fit.fits is False
    assert [c.body.name for c in fit.nearest()] == ["Earth", "Venus", "Mars"]
    assert "no body fits; drawn around Earth because launched from Earth" in fit.explanation()
