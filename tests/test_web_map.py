"""The launch-site map: the vendored world, the Equal Earth projection, sites sized by
launches, labels that fit, and coordinates that cannot be placed left out."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from kosmochron.web.map import (
    X_MAX,
    Y_MAX,
    Projection,
    SitePoint,
    equal_earth,
    land_path,
    land_rings,
    site_map_svg,
    unwrap,
)
from test_web_reliability_charts import parse, texts_fit

NS = "{http://www.w3.org/2000/svg}"
BAIKONUR = SitePoint("Baikonur", 63.3, 45.9, 1500, 100, "/entities/site/baikonur")


def test_equal_earth_extent_and_symmetry() -> None:
    assert equal_earth(180, 0) == pytest.approx((X_MAX, 0))
    assert equal_earth(0, 90) == pytest.approx((0, Y_MAX))
    x, y = equal_earth(-63.3, -45.9)
    assert (x, y) == pytest.approx(tuple(-v for v in equal_earth(63.3, 45.9)))
    project = Projection(720)
    assert project(-180, 0) == pytest.approx((0, project.height / 2))
    assert project.height == pytest.approx(720 * Y_MAX / X_MAX)


def test_the_vendored_world_is_whole() -> None:
    rings = land_rings()
    assert len(rings) > 100
    lons = [lon for ring in rings for lon, _ in ring]
    lats = [lat for ring in rings for _, lat in ring]
    assert min(lons) == pytest.approx(-180) and max(lons) == pytest.approx(180, abs=0.01)
    assert min(lats) < -80 and max(lats) > 80  # Antarctica, Greenland


def test_rings_across_the_antimeridian_are_drawn_on_both_sides() -> None:
    fiji = [(178.0, -17.0), (-179.5, -17.5), (-179.0, -16.5), (179.0, -16.0), (178.0, -17.0)]
    east, west = unwrap(fiji)
    assert all(lon > 170 for lon, _ in east) and all(lon < -170 for lon, _ in west)
    assert unwrap([(10.0, 1.0), (11.0, 2.0), (10.0, 1.0)]) == [[(10.0, 1.0), (11.0, 2.0),
                                                                (10.0, 1.0)]]


def test_land_path_is_small_and_inside_the_map() -> None:
    d = land_path(720)
    assert 5_000 < len(d) < 30_000
    for m in re.finditer(r"M(-?\d+) (-?\d+)", d):
        assert -1 <= int(m.group(1)) <= 721 and -1 <= int(m.group(2)) <= 721 * Y_MAX / X_MAX


def test_sites_are_sized_by_launches_and_linked() -> None:
    small = SitePoint("Kourou", -52.8, 5.2, 375, 10)
    root = parse(site_map_svg([BAIKONUR, small], title="Launch sites: all launches"))
    texts_fit(root)
    sites = [c for c in root.iter(f"{NS}circle") if c.get("class") == "site"]
    r_big, r_small = (float(c.get("r", "0")) for c in sites)
    assert (r_small / r_big) ** 2 == pytest.approx(375 / 1500, rel=0.01)  # area ∝ launches
    links = [a.get("href") for a in root.iter(f"{NS}a")]
    assert links == ["/entities/site/baikonur"]
    tips = [a.findtext(f"{NS}title") for a in root.iter(f"{NS}a")]
    assert tips == ["Baikonur: 1,500 launches, 100 failed"]
    words = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    assert {"Baikonur", "Kourou"} <= set(words)
    assert root.find(f".//{NS}clipPath") is not None


def test_unplaceable_sites_and_hostile_names() -> None:
    bad = [SitePoint("Nowhere", math.nan, 10, 3), SitePoint("Off", 200, 10, 3),
           SitePoint('<script>alert("x")</script>', 10, 10, 2, current=True)]
    svg = site_map_svg(bad, title="t")
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    assert len([c for c in root.iter(f"{NS}circle") if c.get("class") == "site"]) == 1
    assert root.find(f".//{NS}circle[@class='current']") is not None
    empty = ET.fromstring(site_map_svg([], title="t"))
    assert "No launch site with coordinates" in ["".join(t.itertext())
                                                  for t in empty.iter(f"{NS}text")]
