"""The SVG charts and the orbit physics behind the orbit diagram.

Charts are checked as XML (each must parse on its own), for their accessible
name and description, for escaping, and for their scales: positions are
read back from the SVG and compared with the data they encode.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import xml.etree.ElementTree as ET

import pytest

from kosmochron import Document
from kosmochron.export import item_json
from kosmochron.orbits import (
    BODIES,
    EARTH,
    MARS,
    MOON,
    SUN,
    VENUS,
    OrbitFit,
    body_hint,
    infer_orbit,
    kepler_period_min,
)
from kosmochron.web import charts
from kosmochron.web.charts import TimelineBin, TimelinePoint

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & \'quotes\''


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    assert root[0].tag == f"{NS}title" and root[0].text == root.get("aria-label")
    assert root[1].tag == f"{NS}desc" and root[1].text
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert width > 0 and height > 0
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


# -- orbits: which body ------------------------------------------------------------


def seed_item(doc: Document, name: str) -> tuple[float, float, float, str]:
    item = next(i for e in doc.entries for i in e.items if i.name == name)
    data = item_json(item)
    return data["apogee_km"], data["perigee_km"], data["period_min"], item.narrative


def test_sputnik_22_orbits_earth(seed_doc: Document) -> None:
    apogee, perigee, period, narrative = seed_item(seed_doc, "Sputnik 22")
    assert (apogee, perigee, period) == (260, 202, 89.10)
    fit = infer_orbit(apogee, perigee, period, narrative)
    assert fit is not None and fit.body == EARTH and fit.basis == "period"
    assert fit.relative_error is not None and fit.relative_error < 0.005
    assert fit.hint is None and fit.corroborated is None


def test_mars_2_orbits_mars_as_its_narrative_says(seed_doc: Document) -> None:
    apogee, perigee, period, narrative = seed_item(seed_doc, "Mars 2")
    assert (apogee, perigee, period) == (25_000, 1_380, 1_080)
    fit = infer_orbit(apogee, perigee, period, narrative)
    assert fit is not None and fit.body == MARS and fit.basis == "period"
    assert fit.relative_error is not None and fit.relative_error < 0.01
    assert fit.hint == MARS and fit.corroborated is True
    assert "the narrative agrees" in fit.explanation()


def test_mars_3_orbits_mars_within_a_few_per_cent(seed_doc: Document) -> None:
    apogee, perigee, period, narrative = seed_item(seed_doc, "Mars 3")
    assert (apogee, perigee, period) == (214_500, 1_528, 18_243)
    fit = infer_orbit(apogee, perigee, period, narrative)
    assert fit is not None and fit.body == MARS and fit.corroborated is True
    assert fit.relative_error is not None and 0.02 < fit.relative_error < 0.05
    errors = {c.body.name: c.relative_error for c in fit.candidates}
    assert all(e is not None and e > 0.5 for name, e in errors.items() if name != "Mars")


def test_every_seed_orbit_with_a_period_fits_its_body(seed_doc: Document) -> None:
    fits = [infer_orbit(d["apogee_km"], d["perigee_km"], d["period_min"], i.narrative)
            for e in seed_doc.entries for i in e.items for d in [item_json(i)]]
    drawn = [f for f in fits if f is not None and f.stated_period_min is not None]
    assert len(drawn) >= 5
    for fit in drawn:
        assert fit.relative_error is not None and fit.relative_error < 0.05, fit.to_json()
        assert fit.body in (EARTH, MARS)


@pytest.mark.parametrize(("apo", "peri", "period", "body"), [
    (1_017, 350, 178.05, MOON),          # Luna 10, the first lunar orbiter
    (112_144, 1_510, 2_898, VENUS),      # Venera 9's orbiter, 48 h 18 min
    (35_786, 35_786, 1_436.07, EARTH),   # geostationary: one sidereal day
    (39_900, 500, 718, EARTH),           # a Molniya orbit, half a sidereal day
    (10_107, 298, 402, MARS),            # Mars Express, 6.7 h, with no narrative at all
])
def test_hand_made_orbits(apo: float, peri: float, period: float, body: object) -> None:
    fit = infer_orbit(apo, peri, period)
    assert fit is not None and fit.body == body, fit and fit.to_json()
    assert fit.relative_error is not None and fit.relative_error < 0.05


def test_a_heliocentric_orbit_in_km_is_around_the_sun() -> None:
    au, sun_r = 149_597_870.7, SUN.radius_km
    # Mars 4's "Final heliocentric orbit 1.02 x 1.63 AU, ... 556 day period".
    fit = infer_orbit(1.63 * au - sun_r, 1.02 * au - sun_r, 556 * 1440)
    assert fit is not None and fit.body == SUN
    assert fit.relative_error is not None and fit.relative_error < 0.01


def test_keplers_third_law_numbers() -> None:
    geo = kepler_period_min(EARTH, 35_786, 35_786)
    assert geo == pytest.approx(1_436.07, abs=0.1)   # a sidereal day
    a = EARTH.radius_km + 400
    assert kepler_period_min(EARTH, 400, 400) == pytest.approx(
        2 * math.pi * math.sqrt(a**3 / EARTH.gm_km3_s2) / 60)
    assert [b.name for b in BODIES] == ["Earth", "Moon", "Mars", "Venus", "Sun"]


def test_the_narrative_decides_between_bodies_that_fit_about_as_well() -> None:
    # 500 km circular: Earth predicts 94.6 min, Venus 97.4 min; 95 min fits Earth best.
    assert infer_orbit(500, 500, 95.0).body == EARTH  # type: ignore[union-attr]
    fit = infer_orbit(500, 500, 95.0, "Parameters are for Venus orbit.")
    assert fit is not None and fit.body == VENUS and fit.basis == "period+hint"
    assert fit.corroborated is True and "narrative names it" in fit.explanation()


def test_a_narrative_that_contradicts_a_clear_fit_loses() -> None:
    fit = infer_orbit(25_000, 1_380, 1_080, "Parameters are for Earth orbit.")
    assert fit is not None and fit.body == MARS and fit.basis == "period"
    assert fit.hint == EARTH and fit.corroborated is False
    assert "names Earth, which fits worse" in fit.explanation()


def test_without_a_period_the_narrative_or_earth() -> None:
    hinted = infer_orbit(25_000, 1_380, None, "Parameters are for Mars orbit.")
    assert hinted is not None and (hinted.body, hinted.basis) == (MARS, "hint")
    assumed = infer_orbit(300, 200, None, "It flew past the Moon.")
    assert assumed is not None and (assumed.body, assumed.basis) == (EARTH, "default")
    assert "assumed" in assumed.explanation()
    zero = infer_orbit(300, 200, 0.0)
    assert zero is not None and zero.stated_period_min is None


def test_unusable_apsides() -> None:
    assert infer_orbit(None, 200, 90) is None
    assert infer_orbit(300, None, 90) is None
    assert infer_orbit(-5, 200, 90) is None
    assert infer_orbit(math.nan, 200, 90) is None
    assert infer_orbit(math.inf, 200, 90) is None
    swapped = infer_orbit(202, 260, 89.1)
    assert swapped is not None and (swapped.apoapsis_km, swapped.periapsis_km) == (260, 202)


@pytest.mark.parametrize(("text", "body"), [
    ("Parameters are for Mars orbit.", MARS),
    ("parameters were for lunar orbit", MOON),
    ("Parameters are for a heliocentric orbit.", SUN),
    ("Parameters are for Venus orbit", VENUS),
    ("Mars 4 did not enter Martian orbit. Final heliocentric orbit 1.02 x 1.63 AU.", None),
    ("Parameters are for transfer orbit.", None),
    (None, None),
])
def test_body_hints(text: str | None, body: object) -> None:
    assert body_hint(text) == body


def test_orbit_fit_json() -> None:
    fit = infer_orbit(25_000, 1_380, 1_080, "Parameters are for Mars orbit.")
    assert isinstance(fit, OrbitFit)
    data = fit.to_json()
    assert data["body"] == "Mars" and data["hint"] == "Mars" and data["corroborated"] is True
    assert data["semi_major_axis_km"] == pytest.approx(3_396.19 + 13_190)
    assert data["eccentricity"] == pytest.approx((25_000 - 1_380) / (25_000 + 1_380 + 2 * 3_396.19))
    assert [c["body"] for c in data["candidates"]] == ["Earth", "Moon", "Mars", "Venus", "Sun"]


# -- the orbit diagram -------------------------------------------------------------


@pytest.mark.parametrize(("apo", "peri", "period"), [(214_500, 1_528, 18_243),
                                                     (260, 202, 89.10), (170, 170, 87.9),
                                                     (25_000, 1_380, 1_080)])
def test_the_orbit_is_drawn_to_scale(apo: float, peri: float, period: float) -> None:
    fit = infer_orbit(apo, peri, period, "Parameters are for Mars orbit.")
    assert fit is not None
    root = parse(charts.orbit_svg(fit, name="Probe"))
    ellipse = root.find(f"{NS}ellipse")
    body = root.find(f"{NS}circle[@class='body']")
    assert ellipse is not None and body is not None
    rx, ry = float(ellipse.get("rx", 0)), float(ellipse.get("ry", 0))
    cx, r = float(ellipse.get("cx", 0)), float(body.get("r", 0))
    ra, rp = fit.body.radius_km + fit.apoapsis_km, fit.body.radius_km + fit.periapsis_km
    a, b, c = (ra + rp) / 2, math.sqrt(ra * rp), (ra - rp) / 2
    scale = rx / a
    assert ry / scale == pytest.approx(b, rel=1e-3)
    assert r / scale == pytest.approx(fit.body.radius_km, rel=1e-2)   # its true radius
    assert (float(body.get("cx", 0)) - cx) / scale == pytest.approx(c, rel=1e-2, abs=50)
    words = " ".join(texts(root))
    assert f"periapsis {peri:,.0f} km" in words and f"apoapsis {apo:,.0f} km" in words
    assert f"{fit.body.name} (radius" in words
    assert f"around {fit.body.name}" in (root.get("aria-label") or "")
    width = float(root.get("width", 0))
    assert float(ellipse.get("cx", 0)) - rx >= 0 and float(ellipse.get("cx", 0)) + rx <= width


def test_the_orbit_scale_bar_is_a_round_length() -> None:
    fit = infer_orbit(214_500, 1_528, 18_243)
    assert fit is not None
    words = texts(parse(charts.orbit_svg(fit, name="Mars 3")))
    bar = next(w for w in words if re.fullmatch(r"[\d,]+ km", w))
    digits = bar.split()[0].replace(",", "").rstrip("0")
    assert digits in ("1", "2", "5")
    assert charts.nice_length(73_000) == 50_000 and charts.nice_length(0.3) == 0.2


def test_the_orbit_diagram_escapes_the_payload_name() -> None:
    fit = infer_orbit(300, 200, 90.5)
    assert fit is not None
    svg = charts.orbit_svg(fit, name=HOSTILE)
    assert "<script>" not in svg
    root = parse(svg)
    assert HOSTILE in (root.get("aria-label") or "")
    assert HOSTILE in (root[1].text or "")


# -- the timeline ----------------------------------------------------------------------


def points() -> list[TimelinePoint]:
    return [TimelinePoint(dt.date(1960, 10, 10), "R-7", "failure", "one", "/launches/1"),
            TimelinePoint(dt.date(1965, 7, 18), "R-7", "success", "two", "/launches/2"),
            TimelinePoint(dt.date(1971, 5, 28), "Proton", "success", "three", "/launches/3",
                          current=True),
            TimelinePoint(dt.date(1996, 11, 16), "Proton", "failure", "four", "/launches/4"),
            TimelinePoint(dt.date(1990, 1, 1), "Energia", None, "event", None)]


def mark_x(group: ET.Element) -> float:
    mark = next(e for e in group if (e.get("class") or "").startswith("mark"))
    if mark.tag == f"{NS}circle":
        return float(mark.get("cx", 0))
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", mark.get("d", ""))]
    return (min(numbers[0::2]) + max(numbers[0::2])) / 2


def test_timeline_points_rows_and_shapes() -> None:
    root = parse(charts.timeline_svg(points()))
    links = root.findall(f"{NS}a")
    assert [a.get("href") for a in links] == [f"/launches/{i}" for i in (1, 2, 3, 4)]
    assert all(a.get("tabindex") == "-1" for a in links)
    groups = root.findall(f"{NS}g[@class='point']")
    assert len(groups) == 1, "a point without a page is not a link"
    tips = [a.find(f"{NS}title") for a in links]
    assert [t.text for t in tips if t is not None] == ["one", "two", "three", "four"]
    classes = [next(e.get("class") for e in a if (e.get("class") or "").startswith("mark"))
               for a in links]
    assert classes == ["mark failure", "mark success", "mark success", "mark failure"]
    assert len(root.findall(f".//{NS}circle[@class='current']")) == 1
    words = texts(root)
    assert {"R-7", "Proton", "Energia"} <= set(words)
    assert {"success", "failure", "other event"} <= set(words), "a legend in words"
    desc = root[1].text or ""
    assert "2 successes (circles), 2 failures (crosses)" in desc and "Ringed: three." in desc


def test_timeline_x_is_linear_in_time() -> None:
    root = parse(charts.timeline_svg(points()))
    xs = [mark_x(a) for a in root.findall(f"{NS}a")]
    assert xs == sorted(xs)
    ticks = {int(t): x for t, x in (
        (e.text, float(e.get("x", 0))) for e in root.iter(f"{NS}text")
        if e.text and re.fullmatch(r"\d{4}", e.text))}
    assert min(ticks) <= 1960 and max(ticks) >= 1997
    per_year = (ticks[1990] - ticks[1960]) / 30
    expected = ticks[1960] + per_year * (1971 + (31 + 28 + 31 + 30 + 27) / 365 - 1960)
    assert xs[2] == pytest.approx(expected, abs=0.5)


def test_timeline_escapes_and_cuts_long_labels() -> None:
    hostile = [TimelinePoint(dt.date(1999, 4, 1), HOSTILE * 3, "failure", HOSTILE,
                             '/launches/9?x="><script>')]
    svg = charts.timeline_svg(hostile)
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{NS}a/{NS}title").text == HOSTILE  # type: ignore[union-attr]
    assert root.find(f"{NS}a").get("href") == '/launches/9?x="><script>'  # type: ignore[union-attr]
    cut = next(t for t in root.iter(f"{NS}text") if t.find(f"{NS}title") is not None)
    assert cut.find(f"{NS}title").text == HOSTILE * 3  # type: ignore[union-attr]
    assert "".join(cut.itertext()).endswith("…")


def test_an_empty_timeline_is_still_an_image() -> None:
    root = parse(charts.timeline_svg([]))
    assert "No dated entries" in texts(root)


def test_crowded_points_are_nudged_apart() -> None:
    same_day = [TimelinePoint(dt.date(1973, 7, 21 + i), "Proton", "success", str(i))
                for i in range(3)]
    root = parse(charts.timeline_svg(same_day))
    ys = {float(c.get("cy", 0)) for g in root.findall(f"{NS}g[@class='point']")
          for c in g if c.get("class") == "mark success"}
    assert len(ys) == 3


def bins() -> list[TimelineBin]:
    return [TimelineBin(1960, "R-7", 2, 3, 0, "/?family=R-7&year=1960"),
            TimelineBin(1961, "R-7", 10, 0, 0, "/?family=R-7&year=1961", current=True),
            TimelineBin(1971, "Proton", 4, 1, 1, "/?family=Proton&year=1971"),
            TimelineBin(1990, "(no family)", 0, 0, 2, None)]


def test_binned_timeline_bars_stack_outcomes_to_scale() -> None:
    root = parse(charts.timeline_bins_svg(bins()))
    links = root.findall(f"{NS}a")
    assert [a.get("href") for a in links] == [b.href for b in bins() if b.href]
    assert len(root.findall(f"{NS}g[@class='point']")) == 1, "no family: nothing to filter on"
    tips = [t.text for t in root.iter(f"{NS}title")][1:]
    assert tips[:2] == ["1960, R-7: 5 entries (2 successes, 3 failures)",
                        "1961, R-7: 10 entries (10 successes, 0 failures)"]

    def heights(a: ET.Element) -> dict[str, float]:
        return {(r.get("class") or "").split()[-1]: float(r.get("height", 0))
                for r in a.iter(f"{NS}rect") if "bin" in (r.get("class") or "")}

    first, busiest, proton = (heights(a) for a in links)
    assert busiest == {"success": pytest.approx(34.0)}, "the busiest bar fills its row"
    assert first == {"success": pytest.approx(6.8), "failure": pytest.approx(10.2)}
    assert set(proton) == {"success", "failure", "event"}
    assert len(root.findall(f".//{NS}rect[@class='current']")) == 1
    desc = root[1].text or ""
    assert "23 entries in 3 vehicle families, counted by year: 16 successes, 4 failures, " \
        "3 other events. From 1960 to 1990." in desc
    assert "Outlined: 1961, R-7" in desc
    assert {"Successes", "Failures", "Other events"} <= set(texts(root))


def test_binned_timeline_escapes_and_handles_nothing() -> None:
    svg = charts.timeline_bins_svg([TimelineBin(1999, HOSTILE, 1, 0, 0, '/?x="><script>')])
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{NS}a").get("href") == '/?x="><script>'  # type: ignore[union-attr]
    assert "No dated entries" in texts(parse(charts.timeline_bins_svg([])))


def test_nice_steps() -> None:
    assert [charts.nice_step(s) for s in (5, 10, 37, 60, 400)] == [1, 1, 5, 10, 50]


# -- markers ---------------------------------------------------------------------------------


def test_markers_tell_outcome_by_shape() -> None:
    assert charts.marker("success", 0, 0).startswith("<circle")
    assert charts.marker("failure", 0, 0).startswith("<path") and "L" in \
        charts.marker("failure", 0, 0)
    assert charts.marker(None, 0, 0).endswith('class="mark event"/>')
    assert charts.esc('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
