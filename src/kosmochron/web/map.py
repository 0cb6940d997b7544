"""The launch-site map: sites by their coordinates on a world drawn offline as SVG.

The world is Natural Earth's public-domain 1:110m land, vendored as TopoJSON from
the ``world-atlas`` package (``web/data/world-atlas/``, with its licence), decoded
here (quantised, delta-encoded arcs joined into rings) and drawn in the Equal Earth
projection (Šavrič, Patterson & Jenny 2018): equal-area, so no region looks bigger
than it is, and simple enough to compute in a few lines.  The outline is built once
per drawing width and kept.

Sites are circles whose *area* is proportional to their number of launches, largest
drawn first so small ones stay on top, each linking to its site page, with a tooltip
(name, launches, failures).  Labels go to the biggest sites only, and only where
they fit; every site is in the table beside the chart.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .chartkit import Frame, Key, count, esc, measure, num, text

WORLD = "data/world-atlas/land-110m.json"
#: Equal Earth's constants, and its extent for the whole sphere.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
SITE = "#d35400"


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth projection of degrees (x in ±2.707, y in ±1.317, north up)."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / (3 * (9 * A4 * t6 * t2 + 7 * A3 * t6
                                                        + 3 * A2 * t2 + A1))
    y = theta * (A4 * t6 * t2 + A3 * t6 + A2 * t2 + A1)
    return x, y


#: The widths the pages draw the site map at (a site's own page, the others), which
#: the server's warm-up projects the land for.
MAP_WIDTHS = (400, 560)
#: The projected sphere's half width and half height.
X_MAX, Y_MAX = equal_earth(180, 0)[0], equal_earth(0, 90)[1]


@functools.cache
def _topology() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (resources.files("kosmochron.web") / WORLD).read_text(encoding="utf-8"))
    return data


@functools.cache
def _arcs() -> list[list[tuple[float, float]]]:
    """Every arc of the topology in degrees (delta-decoded, de-quantised)."""
    topo = _topology()
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def land_rings() -> list[list[tuple[float, float]]]:
    """The land's polygon rings in degrees (outer rings and holes alike)."""
    arcs = _arcs()
    rings = []
    for geometry in _topology()["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                points: list[tuple[float, float]] = []
                for index in ring:
                    arc = arcs[index] if index >= 0 else arcs[~index][::-1]
                    points.extend(arc if not points else arc[1:])
                rings.append(points)
    return rings


@dataclass(frozen=True, slots=True)
class Projection:
    """Equal Earth scaled to a drawing ``width`` px wide, its top left at (x0, y0)."""

    width: float
    x0: float = 0.0
    y0: float = 0.0

    @property
    def scale(self) -> float:
        return self.width / (2 * X_MAX)

    @property
    def height(self) -> float:
        return 2 * Y_MAX * self.scale

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = equal_earth(lon, lat)
        return self.x0 + (x + X_MAX) * self.scale, self.y0 + (Y_MAX - y) * self.scale


def unwrap(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring as drawable copies: itself if it stays on one side of the antimeridian
    (or goes round a pole), else its longitudes made continuous (steps under 180°)
    once on each side, to be clipped to the sphere: Fiji and Chukotka cross ±180°."""
    if all(abs(b[0] - a[0]) <= 180 for a, b in itertools.pairwise(ring)):
        return [ring]
    out = [ring[0]]
    for lon, lat in ring[1:]:
        prev = out[-1][0]
        lon += 360 * round((prev - lon) / 360)
        out.append((lon, lat))
    if abs(out[-1][0] - out[0][0]) > 180:  # round a pole: drawn as the source has it
        return [ring]
    shift = -360 if sum(lon for lon, _ in out) / len(out) > 0 else 360
    return [out, [(lon + shift, lat) for lon, lat in out]]


@functools.lru_cache(maxsize=8)
def land_path(width: float) -> str:
    """The land as one SVG path ``d`` for a map ``width`` px wide at (0, 0): points
    rounded to whole pixels, those within a pixel of the last dropped, relative steps
    (about 20 KB at 720 px).  Rings
    across the antimeridian are drawn on both sides: clip the path to the sphere."""
    project = Projection(width)
    parts = []
    for ring in land_rings():
        for copy in unwrap(ring):
            kept: list[tuple[int, int]] = []
            for lon, lat in copy:
                x, y = project(lon, lat)
                point = (round(x), round(y))
                if not kept or abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) > 1:
                    kept.append(point)
            if len(kept) > 2:
                steps = "".join(f"{'' if dx < 0 or i == 0 else ' '}{dx}{'' if dy < 0 else ' '}{dy}"
                                for i, (dx, dy) in enumerate(
                                    (b[0] - a[0], b[1] - a[1])
                                    for a, b in itertools.pairwise(kept)))
                parts.append(f"M{kept[0][0]} {kept[0][1]}l{steps}z")
    return "".join(parts)


def outline_path(width: float) -> str:
    """The edge of the projected sphere (meridians ±180°)."""
    project = Projection(width)
    east = [project(180, lat) for lat in range(-90, 91, 5)]
    west = [project(-180, lat) for lat in range(90, -91, -5)]
    return "M" + "L".join(f"{num(x)} {num(y)}" for x, y in east + west) + "Z"


@dataclass(frozen=True, slots=True)
class SitePoint:
    """A launch site on the map."""

    name: str
    longitude: float
    latitude: float
    launches: int
    failures: int = 0
    href: str | None = None
    #: Drawn ringed: the site the page is about.
    current: bool = False


def _radius(launches: int, most: int, biggest: float) -> float:
    """Area proportional to launches; the busiest site has radius ``biggest``."""
    return max(2.5, biggest * math.sqrt(launches / most)) if most else 2.5


def _site(p: SitePoint, x: float, y: float, r: float) -> str:
    tip = (f"{p.name}: {count(p.launches)} launch{'es' if p.launches != 1 else ''}"
           + (f", {count(p.failures)} failed" if p.failures else ""))
    shape = (f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="{SITE}" '
             f'fill-opacity="0.6" stroke="{SITE}" stroke-width="1" class="site"/>')
    if p.current:
        shape += (f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r + 4)}" fill="none" '
                  'stroke="currentColor" stroke-width="2" class="current"/>')
    inner = f"<title>{esc(tip)}</title>{shape}"
    if p.href:
        return f'<a href="{esc(p.href)}" class="point">{inner}</a>'
    return f'<g class="point">{inner}</g>'


def site_map_svg(points: Sequence[SitePoint], *, title: str, notes: Sequence[str] = (),
                 width: float = 720, labels: int = 8, legend: bool = True,
                 ident: str = "map") -> str:
    """The world with the sites sized by launches; the ``labels`` busiest are named
    where the name fits inside the map without covering another label; ``ident`` makes
    the clip path's id unique on a page with several maps."""
    placed = [p for p in points if math.isfinite(p.longitude) and math.isfinite(p.latitude)
              and -180 <= p.longitude <= 180 and -90 <= p.latitude <= 90]
    total = sum(p.launches for p in placed)
    desc = (f"{len(placed)} launch site{'s' if len(placed) != 1 else ''} with "
            f"{count(total)} launches on a world map (Equal Earth projection), each a circle "
            "whose area is proportional to its launches: "
            + "; ".join(f"{p.name} {count(p.launches)}" for p in
                        sorted(placed, key=lambda p: -p.launches)[:20]) + ".")
    frame = Frame(width, "map", title, desc)
    frame.heading(notes)
    most = max((p.launches for p in placed), default=0)
    biggest = max(6.0, width / 45)
    if legend and placed:
        frame.legend([Key("circle", SITE, f"launch site; area ∝ launches "
                                          f"(largest {count(most)})")])
    map_w = width - 2 * frame.pad
    project = Projection(map_w, frame.pad, frame.y + 4)
    top = frame.y + 4
    clip = f"sphere-{ident}"
    frame.defs.append(f'<clipPath id="{esc(clip)}"><path d="{outline_path(map_w)}"/></clipPath>')
    frame.parts.append(f'<g transform="translate({num(frame.pad)} {num(top)})">'
                       f'<path d="{outline_path(map_w)}" fill="currentColor" fill-opacity="0.04" '
                       'stroke="currentColor" stroke-opacity="0.3" class="sphere"/>'
                       f'<path d="{land_path(map_w)}" clip-path="url(#{esc(clip)})" '
                       'fill="currentColor" fill-opacity="0.16" stroke="currentColor" '
                       'stroke-opacity="0.35" stroke-width="0.5" class="land"/></g>')
    boxes: list[tuple[float, float, float, float]] = []
    for p in sorted(placed, key=lambda p: -p.launches):
        x, y = project(p.longitude, p.latitude)
        frame.parts.append(_site(p, x, y, _radius(p.launches, most, biggest)))
    for p in sorted(placed, key=lambda p: -p.launches)[:labels]:
        x, y = project(p.longitude, p.latitude)
        r = _radius(p.launches, most, biggest)
        w = measure(p.name)
        lx = x + r + 3 if x + r + 3 + w <= width - frame.pad else x - r - 3 - w
        box = (lx, y - 8, lx + w, y + 5)
        inside = lx >= frame.pad and box[1] >= top
        if inside and not any(a < box[2] and box[0] < c and b < box[3] and box[1] < d
                              for a, b, c, d in boxes):
            boxes.append(box)
            frame.parts.append(text(lx, y + 4, p.name, cls="site-label"))
    if not placed:
        frame.parts.append(text(width / 2, top + project.height / 2,
                                "No launch site with coordinates", anchor="middle"))
    frame.y = top + project.height + 4
    return frame.close()
