"""kosmochron.orbits: the central-body inference shared by the UI and validation.

Most cases live in test_web_charts.py (the diagram) and test_validate.py (the
rule); these pin the choices made in orbits.py itself.
"""

from __future__ import annotations

from kosmochron.orbits import EARTH, SUN, infer_orbit, kepler_period_min


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
