"""Heliocentric transfers to Mars and Venus: Lambert arcs and launch-window porkchops.

A probe bound for another planet leaves Earth's sphere of influence on a
heliocentric conic and meets the planet at arrival.  In the patched-conic
approximation that conic is the solution of *Lambert's problem*: the Keplerian
arc about the Sun from Earth's position at departure to the planet's position at
arrival in the given time of flight (Battin 1987, *An Introduction to the
Mathematics and Methods of Astrodynamics*, ch. 7).  The difference between the
arc's velocity and the planet's velocity at each end is the hyperbolic excess
velocity v∞:

* the departure energy ``C3 = |v∞,departure|²`` (km²/s²) is what the launcher had
  to supply; a Mars window's best is about 8-16 km²/s², Venus's about 6-12;
* the declination of the departure asymptote (DLA), measured in Earth's
  equatorial frame (ICRF), says how far north or south the escape hyperbola
  points, which a launch site's latitude must reach;
* the arrival v∞ is what the planet's gravity turns or an orbit-insertion burn
  must take off.

Positions and velocities come from JPL's DE421 (Folkner, Williams & Boggs 2009,
IPN Progress Report 42-178) read by Skyfield (Rhodes 2019) from the copy that the
``skyfield-data`` package ships, so nothing is downloaded; UTC→TDB comes from
Skyfield's built-in leap-second and ΔT tables.  Lambert's problem is solved with
Izzo's algorithm (Izzo 2015, *Revisiting Lambert's problem*, Celest. Mech. Dyn.
Astr. 121:1-15) as implemented by ``lamberthub``; Gooding's (1990) and Vallado's
(2013) solvers are available for cross-checks.  Only zero-revolution prograde arcs
are considered, which covers every real Mars or Venus mission of the era.

A *porkchop* is the grid of C3 (and arrival v∞) over departure × arrival dates;
its minimum is the best launch date of the window, and the distance of the actual
launch from it shows how the launch used the window.  The grid is vectorised: the
ephemeris is evaluated once for all departure dates and once for all arrival
dates, and the Lambert solutions run in one compiled loop (Numba, cached on disk,
so only the very first run pays the JIT compilation of a few seconds).

To draw a transfer, :func:`transfer_geometry` samples the Lambert arc as the conic
through the departure state (no time propagation needed: its end is known) and
each planet's orbit from DE421.  Which planet a payload was bound for and when it
arrived (:func:`target_of`, :func:`arrival_event`) need none of the numerics and
live in :mod:`kosmochron.targets`, re-exported here.

Dates without a time of day are taken at 12:00 UTC, the middle of the day they
name.  Everything here is pure: functions take dates and names and return frozen
dataclasses of plain numbers, each with ``to_json()``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
from lamberthub import gooding1990, izzo2015, vallado2013  # type: ignore[import-untyped]
from numba import njit
from numpy.typing import NDArray
from skyfield.api import Loader, load  # type: ignore[import-untyped]

from .events import Event
from .model import Entry, Item
from .targets import ARRIVAL_KINDS as ARRIVAL_KINDS
from .targets import arrival_event as arrival_event
from .targets import launch_time as launch_time
from .targets import no_transfer_reason as no_transfer_reason
from .targets import target_of as target_of

FloatArray = NDArray[np.float64]
Solver = Literal["izzo2015", "gooding1990", "vallado2013"]

#: The Sun's GM (km³/s²): DE421's GMS, 2.959122082855911e-4 AU³/d², in km and s
#: (the IAU 2009 TDB-compatible best estimate, Luzum et al. 2011).
GM_SUN = 1.32712440041939e11
#: Mean obliquity of the ecliptic at J2000, 84381.448″ (IAU 1976), which defines
#: JPL's ECLIPJ2000 frame.  Lambert arcs are solved in that frame so that
#: "prograde" means prograde about the ecliptic pole; results come back in ICRF.
OBLIQUITY_J2000 = math.radians(84381.448 / 3600)
_C, _S = math.cos(OBLIQUITY_J2000), math.sin(OBLIQUITY_J2000)
#: Rotation ICRF → ecliptic J2000 (about x by the obliquity; frame bias of a few
#: milliarcseconds neglected).  Row vectors: ``r_ecl = r_icrf @ ICRF_TO_ECLIPTIC.T``.
ICRF_TO_ECLIPTIC = np.array([[1.0, 0.0, 0.0], [0.0, _C, _S], [0.0, -_S, _C]])
#: Above this departure C3 (km²/s²) the launch or arrival date is probably wrong:
#: the seed's real transfers need at most 16.3 (Mars 7), a window's best 8-15.
C3_SUSPECT = 20.0
AU_KM = 149_597_870.7
DAY_S = 86_400.0

#: Planet name → DE421 segment (Jupiter and beyond only as barycentres).
BODIES = {"Mercury": "mercury", "Venus": "venus", "Mars": "mars",
          "Jupiter": "jupiter barycenter", "Saturn": "saturn barycenter"}
#: Mean heliocentric distances (AU) for the circular-coplanar Hohmann estimate.
MEAN_DISTANCE_AU = {"Mercury": 0.38710, "Venus": 0.72333, "Earth": 1.00000,
                    "Mars": 1.52368, "Jupiter": 5.20260, "Saturn": 9.55491}
#: Porkchop time-of-flight ranges (days) for direct, zero-revolution transfers.
DEFAULT_TOF_DAYS = {"Mars": (120.0, 400.0), "Venus": (70.0, 200.0)}


@dataclass(frozen=True)
class Ephemeris:
    """DE421 and a timescale, both from data installed with the packages."""

    kernel: Any
    timescale: Any


@functools.cache
def ephemeris() -> Ephemeris:
    """Load DE421 from ``skyfield-data`` (never the network) and Skyfield's built-in
    timescale, once per process.  ``skyfield-data`` warns that its Earth-orientation
    file has expired; that file is not used here (Skyfield's built-in table is)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from skyfield_data import get_skyfield_data_path  # type: ignore[import-untyped]

        path = get_skyfield_data_path()
    kernel = Loader(path, verbose=False)("de421.bsp")
    return Ephemeris(kernel, load.timescale(builtin=True))


def _utc(when: dt.date | dt.datetime) -> dt.datetime:
    """A UTC datetime: a date is its noon, a naive datetime is taken as UTC."""
    if isinstance(when, dt.datetime):
        if when.tzinfo is None:
            return when.replace(tzinfo=dt.UTC)
        return when.astimezone(dt.UTC)
    return dt.datetime(when.year, when.month, when.day, 12, tzinfo=dt.UTC)


def _times(eph: Ephemeris, when: Sequence[dt.datetime]) -> Any:
    """One Skyfield ``Time`` array for many UTC datetimes (a single vectorised call)."""
    parts = np.array([(w.year, w.month, w.day, w.hour, w.minute,
                       w.second + w.microsecond / 1e6) for w in when], dtype=np.float64)
    y, mo, d, h, mi, s = parts.T
    return eph.timescale.utc(y.astype(int), mo.astype(int), d.astype(int), h, mi, s)


def _states(eph: Ephemeris, body: str, when: Sequence[dt.datetime]
            ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Heliocentric ICRF positions (km) and velocities (km/s) of ``body`` at every
    time, shape ``(n, 3)``, from one ephemeris evaluation; and the TDB Julian dates."""
    t = _times(eph, when)
    state = (eph.kernel[body] - eph.kernel["sun"]).at(t)
    r = np.asarray(state.position.km, dtype=np.float64).reshape(3, -1).T
    v = np.asarray(state.velocity.km_per_s, dtype=np.float64).reshape(3, -1).T
    return (np.ascontiguousarray(r), np.ascontiguousarray(v),
            np.asarray(t.tdb, dtype=np.float64).reshape(-1))


@njit(cache=True)
def _izzo_many(mu: float, r1: Any, r2: Any, tof: Any, atol: float, rtol: float) -> Any:
    """Izzo's solver on each row; NaN where it finds no solution.  Compiled once and
    cached next to this module (the cache does not notice a new lamberthub, which
    is why lamberthub is pinned to one minor version)."""
    n = tof.shape[0]
    v1 = np.full((n, 3), np.nan)
    v2 = np.full((n, 3), np.nan)
    for k in range(n):
        try:
            a, b = izzo2015(mu, r1[k], r2[k], tof[k], 0, True, True, 35, atol, rtol)
        except Exception:  # no solution for this cell
            continue
        v1[k] = a
        v2[k] = b
    return v1, v2


def solve_lambert(r1: FloatArray, r2: FloatArray, tof_s: FloatArray,
                  solver: Solver = "izzo2015") -> tuple[FloatArray, FloatArray]:
    """Zero-revolution prograde Lambert arcs about the Sun, row by row.

    ``r1``, ``r2`` are ``(n, 3)`` ICRF positions (km), ``tof_s`` the ``n`` times of
    flight (s); returns the arc's ICRF velocities (km/s) at both ends, NaN rows
    where there is no solution.  Tolerances are far tighter than lamberthub's
    defaults so that different solvers agree to 1e-9 or better.
    """
    e1 = np.ascontiguousarray(r1 @ ICRF_TO_ECLIPTIC.T)
    e2 = np.ascontiguousarray(r2 @ ICRF_TO_ECLIPTIC.T)
    tof = np.ascontiguousarray(tof_s, dtype=np.float64)
    if solver == "izzo2015":
        v1, v2 = _izzo_many(GM_SUN, e1, e2, tof, 1e-13, 1e-13)
    else:
        fn = gooding1990 if solver == "gooding1990" else vallado2013
        v1, v2 = np.full(e1.shape, np.nan), np.full(e1.shape, np.nan)
        for k in range(len(tof)):
            try:
                v1[k], v2[k] = fn(GM_SUN, e1[k], e2[k], tof[k], atol=1e-13, rtol=1e-13,
                                  maxiter=2000)
            except (ValueError, RuntimeError):  # no solution: the row stays NaN
                continue
    return (np.asarray(v1, dtype=np.float64) @ ICRF_TO_ECLIPTIC,
            np.asarray(v2, dtype=np.float64) @ ICRF_TO_ECLIPTIC)


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


@dataclass(frozen=True, slots=True)
class Transfer:
    """One Lambert arc from Earth to ``target`` and its patched-conic figures."""

    target: str
    depart: dt.datetime
    arrive: dt.datetime
    tof_days: float
    #: Departure energy, |v∞|² at Earth (km²/s²).
    c3_km2_s2: float
    #: Declination and right ascension of the departure asymptote, ICRF (degrees).
    dla_deg: float
    rla_deg: float
    #: Hyperbolic excess speed at the target (km/s).
    vinf_arrival_km_s: float
    #: Heliocentric angle swept, measured prograde about the ecliptic pole:
    #: under 180° a type-I arc, over it a type-II arc.
    transfer_angle_deg: float
    solver: str = "izzo2015"

    @property
    def vinf_departure_km_s(self) -> float:
        return math.sqrt(self.c3_km2_s2)

    @property
    def suspect(self) -> bool:
        """C3 above :data:`C3_SUSPECT`: the launch or arrival date is probably wrong."""
        return not self.c3_km2_s2 <= C3_SUSPECT

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "depart": self.depart.isoformat(),
                "arrive": self.arrive.isoformat(), "tof_days": self.tof_days,
                "c3_km2_s2": _finite(self.c3_km2_s2),
                "vinf_departure_km_s": _finite(self.vinf_departure_km_s),
                "dla_deg": _finite(self.dla_deg), "rla_deg": _finite(self.rla_deg),
                "vinf_arrival_km_s": _finite(self.vinf_arrival_km_s),
                "transfer_angle_deg": self.transfer_angle_deg, "solver": self.solver,
                "suspect": self.suspect}


def _body(target: str) -> str:
    try:
        return BODIES[target]
    except KeyError:
        raise ValueError(f"unknown target {target!r}; expected one of "
                         f"{', '.join(BODIES)}") from None


def _angle(r1: FloatArray, r2: FloatArray) -> float:
    e1, e2 = ICRF_TO_ECLIPTIC @ r1, ICRF_TO_ECLIPTIC @ r2
    cos = float(np.dot(e1, e2) / (np.linalg.norm(e1) * np.linalg.norm(e2)))
    angle = math.degrees(math.acos(max(-1.0, min(1.0, cos))))
    return angle if float(np.cross(e1, e2)[2]) >= 0 else 360.0 - angle


def lambert_transfer(depart: dt.date | dt.datetime, arrive: dt.date | dt.datetime,
                     target: str, *, solver: Solver = "izzo2015") -> Transfer:
    """The Lambert arc from Earth (geocentre, DE421 body 399) at ``depart`` to
    ``target`` at ``arrive``, with its C3, DLA, arrival v∞ and time of flight."""
    body = _body(target)
    t0, t1 = _utc(depart), _utc(arrive)
    if t1 <= t0:
        raise ValueError(f"arrival {t1:%Y-%m-%d %H:%M} is not after departure "
                         f"{t0:%Y-%m-%d %H:%M}")
    eph = ephemeris()
    r1, ve, jd1 = _states(eph, "earth", [t0])
    r2, vp, jd2 = _states(eph, body, [t1])
    tof = (jd2 - jd1) * DAY_S
    v1, v2 = solve_lambert(r1, r2, tof, solver)
    vinf = v1[0] - ve[0]
    c3 = float(vinf @ vinf)
    speed = math.sqrt(c3)
    return Transfer(target, t0, t1, float(tof[0] / DAY_S), c3,
                    math.degrees(math.asin(vinf[2] / speed)) if speed else math.nan,
                    math.degrees(math.atan2(vinf[1], vinf[0])) % 360.0,
                    float(np.linalg.norm(v2[0] - vp[0])), _angle(r1[0], r2[0]), solver)


@dataclass(frozen=True, eq=False)
class Grid:
    """C3 (km²/s²), arrival v∞ (km/s) and time of flight (days) for every
    departure (rows) × arrival (columns); NaN where not solved."""

    departures: tuple[dt.datetime, ...]
    arrivals: tuple[dt.datetime, ...]
    c3: FloatArray
    vinf_arrival: FloatArray
    tof_days: FloatArray


def lambert_grid(departures: Sequence[dt.date | dt.datetime],
                 arrivals: Sequence[dt.date | dt.datetime], target: str, *,
                 tof_days: tuple[float, float] | None = None) -> Grid:
    """Lambert arcs for every departure × arrival pair: one ephemeris call for all
    departures, one for all arrivals, one compiled loop for the arcs.  Pairs whose
    time of flight is not positive (or outside ``tof_days``) are left NaN."""
    body = _body(target)
    deps, arrs = tuple(map(_utc, departures)), tuple(map(_utc, arrivals))
    eph = ephemeris()
    re_, ve, jd_d = _states(eph, "earth", deps)
    rp, vp, jd_a = _states(eph, body, arrs)
    tof = jd_a[None, :] - jd_d[:, None]
    lo, hi = tof_days if tof_days is not None else (0.0, math.inf)
    i, j = np.nonzero((tof > max(lo, 0.0)) & (tof <= hi))
    v1, v2 = solve_lambert(re_[i], rp[j], tof[i, j] * DAY_S)
    c3 = np.full(tof.shape, np.nan)
    vinf = np.full(tof.shape, np.nan)
    c3[i, j] = np.sum((v1 - ve[i]) ** 2, axis=1)
    vinf[i, j] = np.linalg.norm(v2 - vp[j], axis=1)
    return Grid(deps, arrs, c3, vinf, tof)


def _grid_json(values: FloatArray) -> list[list[float | None]]:
    return [[None if math.isnan(x) else round(float(x), 6) for x in row] for row in values]


@dataclass(frozen=True, eq=False)
class Porkchop:
    """A launch window: the C3 grid around ``launch``, its minimum-C3 transfer and
    how many days the launch came after (positive) or before it."""

    target: str
    launch: dt.datetime
    grid: Grid
    best: Transfer | None
    #: (departure row, arrival column) of ``best`` in the grid.
    best_index: tuple[int, int] | None = None

    @property
    def days_from_optimum(self) -> float | None:
        if self.best is None:
            return None
        return (self.launch - self.best.depart).total_seconds() / DAY_S

    @property
    def at_edge(self) -> bool:
        """The minimum lies on the grid's border (its first or last date, or next to
        an unsolved cell at a time-of-flight limit): the window's true optimum may
        lie outside the grid, so the launch was far from any good date."""
        if self.best_index is None:
            return False
        i, j = self.best_index
        rows, cols = self.grid.c3.shape
        if i in (0, rows - 1) or j in (0, cols - 1):
            return True
        return bool(np.isnan(self.grid.c3[i - 1:i + 2, j - 1:j + 2]).any())

    @property
    def note(self) -> str | None:
        """Why there is no window to report (None when there is one): no transfer in the
        grid at all, or a minimum on its edge, which is no window's optimum: the launch
        was outside any window, and its "best" C3 would only be the grid's corner."""
        if self.best is None:
            return f"no transfer to {self.target} within the grid around the launch"
        if not self.at_edge:
            return None
        first, last = self.grid.departures[0], self.grid.departures[-1]
        half = round((last - first).total_seconds() / DAY_S / 2)
        return (f"launched outside any {self.target} window: the lowest C3 for launches "
                f"within {half} days of it ({self.best.c3_km2_s2:,.1f} km²/s², departing "
                f"{self.best.depart:%Y-%m-%d}) lies on the edge of the grid, so no window's "
                "optimum is near")

    def to_json(self, *, grid: bool = True) -> dict[str, Any]:
        """The window; with a :attr:`note` (the launch was outside any window) ``best``
        and ``days_from_optimum`` are None and the grid's edge minimum is ``edge_best``."""
        note = self.note
        best = None if self.best is None else self.best.to_json()
        out: dict[str, Any] = {
            "target": self.target, "launch": self.launch.isoformat(),
            "best": None if note else best,
            "days_from_optimum": None if note else self.days_from_optimum,
            "at_edge": self.at_edge, "note": note, "edge_best": best if note else None}
        if grid:
            out["departures"] = [d.isoformat() for d in self.grid.departures]
            out["arrivals"] = [a.isoformat() for a in self.grid.arrivals]
            out["c3_km2_s2"] = _grid_json(self.grid.c3)
            out["vinf_arrival_km_s"] = _grid_json(self.grid.vinf_arrival)
        return out


def porkchop(launch: dt.date | dt.datetime, target: str, *, window_days: int = 60,
             tof_days: tuple[float, float] | None = None, n_departure: int | None = None,
             n_arrival: int | None = None) -> Porkchop:
    """The C3 porkchop of departures ``launch ± window_days`` and arrivals spanning
    every time of flight in ``tof_days`` (by default 120-400 days for Mars, 70-200
    for Venus), one day apart unless ``n_departure``/``n_arrival`` set the number
    of evenly spaced dates; and its minimum-C3 transfer (to the grid's spacing)."""
    if tof_days is None:
        if target not in DEFAULT_TOF_DAYS:
            raise ValueError(f"no default time of flight for {target!r}; pass tof_days")
        tof_days = DEFAULT_TOF_DAYS[target]
    centre = _utc(launch)
    lo, hi = tof_days
    first, last = lo - window_days, hi + window_days
    deps = [centre + dt.timedelta(days=float(x)) for x in np.linspace(
        -window_days, window_days, n_departure or 2 * window_days + 1)]
    arrs = [centre + dt.timedelta(days=float(x)) for x in np.linspace(
        first, last, n_arrival or round(last - first) + 1)]
    grid = lambert_grid(deps, arrs, target, tof_days=tof_days)
    if np.isnan(grid.c3).all():
        return Porkchop(target, centre, grid, None)
    i, j = (int(k) for k in np.unravel_index(int(np.nanargmin(grid.c3)), grid.c3.shape))
    return Porkchop(target, centre, grid, lambert_transfer(deps[i], arrs[j], target), (i, j))


@dataclass(frozen=True, slots=True)
class Hohmann:
    """The Hohmann transfer between circular coplanar orbits: the textbook lower
    bound a window's best C3 approaches (Curtis, *Orbital Mechanics*, §8.2)."""

    target: str
    c3_km2_s2: float
    vinf_arrival_km_s: float
    tof_days: float


def hohmann(target: str) -> Hohmann:
    """Hohmann figures from Earth's to ``target``'s mean distance from the Sun."""
    r1, r2 = MEAN_DISTANCE_AU["Earth"] * AU_KM, MEAN_DISTANCE_AU[target] * AU_KM
    a = (r1 + r2) / 2
    v_dep = math.sqrt(GM_SUN * (2 / r1 - 1 / a)) - math.sqrt(GM_SUN / r1)
    v_arr = math.sqrt(GM_SUN / r2) - math.sqrt(GM_SUN * (2 / r2 - 1 / a))
    tof = math.pi * math.sqrt(a**3 / GM_SUN) / DAY_S
    return Hohmann(target, v_dep**2, abs(v_arr), tof)


#: Sidereal orbital periods (days), to sample one whole orbit for drawing.
SIDEREAL_PERIOD_DAYS = {"Mercury": 87.969, "Venus": 224.701, "Earth": 365.256,
                        "Mars": 686.980, "Jupiter": 4332.59, "Saturn": 10759.22}


def conic_points(r1: FloatArray, v1: FloatArray, sweep_deg: float, n: int = 121,
                 mu: float = GM_SUN) -> FloatArray:
    """``n`` points of the two-body conic through ``r1`` with velocity ``v1`` (any
    inertial frame, km and km/s), from ``r1`` on through ``sweep_deg`` of true
    anomaly in the direction of motion; shape ``(n, 3)``, km.

    The orbit's shape comes from its angular momentum ``h`` and eccentricity
    vector ``e`` (Curtis, *Orbital Mechanics*, §4.4): ``r(ν) = p / (1 + e cos ν)``
    along the perifocal axes.  No time propagation is needed to *draw* an arc whose
    end is known, and the formula holds for any conic the sweep stays on."""
    r = np.asarray(r1, dtype=np.float64)
    v = np.asarray(v1, dtype=np.float64)
    h = np.cross(r, v)
    h_norm = float(np.linalg.norm(h))
    w = h / h_norm
    e_vec = np.cross(v, h) / mu - r / float(np.linalg.norm(r))
    e = float(np.linalg.norm(e_vec))
    p = h_norm**2 / mu
    if e < 1e-10:  # circular: measure from r1 itself
        axis, nu0 = r / float(np.linalg.norm(r)), 0.0
    else:
        axis = e_vec / e
        nu0 = math.atan2(float(np.dot(np.cross(axis, r), w)), float(np.dot(axis, r)))
    q = np.cross(w, axis)
    nu = nu0 + np.linspace(0.0, math.radians(sweep_deg), n)
    radius = p / (1.0 + e * np.cos(nu))
    return np.asarray(radius[:, None] * (np.cos(nu)[:, None] * axis + np.sin(nu)[:, None] * q),
                      dtype=np.float64)


def _xy_au(points: FloatArray) -> list[list[float]]:
    """Ecliptic x-y in AU, rounded to 1e-5 AU (1,500 km: far below a pixel)."""
    flat = np.atleast_2d(points)[:, :2] / AU_KM
    return [[round(float(x), 5), round(float(y), 5)] for x, y in flat]


@dataclass(frozen=True, eq=False)
class TransferGeometry:
    """What a drawing of a transfer needs, heliocentric and in the ecliptic J2000
    frame (km, shape ``(n, 3)``): the Lambert arc, one orbit each of Earth and the
    target from the departure on, and both planets at departure and arrival."""

    target: str
    arc: FloatArray
    earth_orbit: FloatArray
    target_orbit: FloatArray
    #: Rows: Earth at departure, Earth at arrival, target at departure, target at arrival.
    planets: FloatArray

    def to_json(self) -> dict[str, Any]:
        """Ecliptic x-y projections in AU (the z components are a few hundredths of
        an AU at most: the planets' inclinations are small)."""
        earth_dep, earth_arr, target_dep, target_arr = _xy_au(self.planets)
        return {"target": self.target, "frame": "ecliptic J2000, heliocentric, x-y, AU",
                "arc": _xy_au(self.arc), "earth_orbit": _xy_au(self.earth_orbit),
                "target_orbit": _xy_au(self.target_orbit),
                "earth_at_departure": earth_dep, "earth_at_arrival": earth_arr,
                "target_at_departure": target_dep, "target_at_arrival": target_arr}


def transfer_geometry(transfer: Transfer, *, n_arc: int = 121,
                      n_orbit: int = 181) -> TransferGeometry:
    """The drawing of ``transfer``: its arc sampled from the Lambert solution's
    departure state by :func:`conic_points` (it ends on the target's position at
    arrival), and each planet's orbit sampled from DE421 over one sidereal period."""
    body = _body(transfer.target)
    t0, t1 = transfer.depart, transfer.arrive
    eph = ephemeris()
    r_e, _, jd_e = _states(eph, "earth", [t0, t1])
    r_p, _, jd_p = _states(eph, body, [t0, t1])
    v1, _ = solve_lambert(r_e[:1], r_p[1:], (jd_p[1:] - jd_e[:1]) * DAY_S,
                          cast(Solver, transfer.solver))
    to_ecl = ICRF_TO_ECLIPTIC.T
    arc = conic_points(r_e[0] @ to_ecl, v1[0] @ to_ecl, transfer.transfer_angle_deg, n_arc)

    def orbit(name: str, segment: str) -> FloatArray:
        days = np.linspace(0.0, SIDEREAL_PERIOD_DAYS[name], n_orbit)
        when = [t0 + dt.timedelta(days=float(d)) for d in days]
        return np.asarray(_states(eph, segment, when)[0] @ to_ecl, dtype=np.float64)

    planets = np.vstack([r_e, r_p]) @ to_ecl
    return TransferGeometry(transfer.target, arc, orbit("Earth", "earth"),
                            orbit(transfer.target, body), planets)


@dataclass(frozen=True, eq=False)
class TransferReport:
    """A payload's transfer: the arc its launch and arrival dates imply (if the
    narrative dates an arrival) and its launch window.

    An arrival known only to a day range, a month or a season ("reached Venus in March
    1966") is an interval: ``transfer`` is the arc to its middle day and ``bounds`` the
    arcs to its first and last days.  ``window`` is None when the launch was outside
    any window, and ``window_note`` says why."""

    name: str
    target: str
    launch: dt.datetime
    arrival: Event | None
    transfer: Transfer | None
    window: Porkchop | None
    bounds: tuple[Transfer, Transfer] | None = None
    window_note: str | None = None

    @property
    def suspect(self) -> bool:
        return self.transfer is not None and self.transfer.suspect

    def to_json(self, *, grid: bool = False) -> dict[str, Any]:
        date = None if self.arrival is None else self.arrival.date
        interval = None if date is None or date.start == date.end or date.start is None \
            or date.end is None else {"text": date.text, "precision": date.precision,
                                      "start": date.start.isoformat(),
                                      "end": date.end.isoformat()}
        return {"name": self.name, "target": self.target, "launch": self.launch.isoformat(),
                "arrival": None if self.arrival is None else self.arrival.to_json(),
                "arrival_interval": interval,
                "transfer": None if self.transfer is None else self.transfer.to_json(),
                "bounds": None if self.bounds is None else [t.to_json() for t in self.bounds],
                "window": None if self.window is None else self.window.to_json(grid=grid),
                "window_note": self.window_note, "suspect": self.suspect}


def arrival_days(event: Event) -> tuple[dt.date, dt.date, dt.date] | None:
    """The first, middle and last days an arrival event's date allows (one day thrice
    for a day-precise date), or None if it is undated."""
    date = event.date
    if date is None or date.start is None or date.end is None:
        return None
    middle = date.start + (date.end - date.start) // 2
    return date.start, middle, date.end


def arc_to(target: str, launch: dt.datetime, event: Event | None
           ) -> tuple[Transfer | None, tuple[Transfer, Transfer] | None]:
    """The Lambert arc from ``launch`` to the arrival ``event`` (to its middle day) and,
    for an arrival known only to an interval, the arcs to its first and last days;
    (None, None) without a dated arrival.  ValueError if it is not after the launch."""
    days = None if event is None else arrival_days(event)
    if days is None:
        return None, None
    first, middle, last = days
    transfer = lambert_transfer(launch, middle, target)
    bounds = None if first == last else (lambert_transfer(launch, first, target),
                                         lambert_transfer(launch, last, target))
    return transfer, bounds


def transfer_for(entry: Entry, item: Item, events: Sequence[Event], *,
                 window: bool = True) -> TransferReport | None:
    """The transfer report for a payload bound for Mars or Venus, or None: for a
    failed launch, a payload with no planetary target, one carried aboard another, one
    that never left Earth orbit, or a launch not dated to the day (see
    :func:`kosmochron.targets.no_transfer_reason`).  ``events`` are the item's
    narrative events (:func:`kosmochron.events.item_events`)."""
    if no_transfer_reason(entry, item) is not None:
        return None
    target = target_of(item)
    launch = launch_time(entry)
    assert target is not None and launch is not None
    event = arrival_event(events, target)
    transfer, bounds = arc_to(target, launch, event)
    chop = porkchop(launch.date(), target) if window else None
    note = None if chop is None else chop.note
    return TransferReport(item.name, target, launch, event, transfer,
                          None if note else chop, bounds, note)
