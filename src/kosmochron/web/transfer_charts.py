"""Interplanetary transfer charts: the launch window's porkchop plot and the transfer
arc between the planets' orbits, as SVG strings (see :mod:`.charts` for the
conventions every chart follows: escaped labels, ``role="img"``, words as well as
colour).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .charts import AXIS, BODY_COLOURS, BOLD_CHAR_W, _n, _open, _text, esc, marker

#: Upper bounds (km²/s²) of the porkchop's C3 bands, and a colour per band, darkest
#: for the cheapest departures (a sequential palette, ColorBrewer YlGnBu, reversed).
C3_BANDS: tuple[float, ...] = (6, 8, 10, 12, 15, 20, 30, 50)
C3_COLOURS = ("#081d58", "#253494", "#225ea8", "#1d91c0", "#41b6c4", "#7fcdbb", "#c7e9b4",
              "#edf8b1", "#ffffd9")
MARK = "#d95f02"


def c3_band(value: float | None) -> int | None:
    """The index of a C3 value's band in :data:`C3_BANDS` (None: no solution)."""
    if value is None or math.isnan(value):
        return None
    return bisect.bisect_right(C3_BANDS, value)


def _band_label(band: int) -> str:
    if band == 0:
        return f"< {C3_BANDS[0]:g}"
    if band == len(C3_BANDS):
        return f"≥ {C3_BANDS[-1]:g}"
    return f"{C3_BANDS[band - 1]:g}–{C3_BANDS[band]:g}"


@dataclass(frozen=True, slots=True)
class PorkchopMark:
    """A launch on the porkchop: at its departure and arrival, or on the departure
    axis when it has no dated arrival (a failed launch, a probe lost on the way)."""

    label: str
    depart: dt.datetime
    arrive: dt.date | dt.datetime | None
    outcome: str | None
    #: Ringed: the payload the page is about.
    current: bool = False


def _days(when: dt.date | dt.datetime, origin: dt.datetime) -> float:
    if not isinstance(when, dt.datetime):
        when = dt.datetime(when.year, when.month, when.day, 12, tzinfo=dt.UTC)
    return (when - origin).total_seconds() / 86400.0


def _months(first: dt.datetime, last: dt.datetime, every: int) -> list[dt.date]:
    """The first days of months from ``first`` to ``last``, every ``every`` months."""
    out: list[dt.date] = []
    year, month = first.year, first.month + 1
    while True:
        if month > 12:
            year, month = year + 1, month - 12
        day = dt.date(year, month, 1)
        if day > last.date():
            return out
        if (year * 12 + month - 1) % every == 0:
            out.append(day)
        month += 1


#: A porkchop names at most this many marks and tells this many launches in words.
MARKS_NAMED, MARKS_TOLD = 12, 20


@dataclass(frozen=True, slots=True)
class _WindowFrame:
    """Where a porkchop's plot sits and how dates map onto it: departure days left to
    right, arrival days bottom to top, each grid day at the centre of its cell."""

    departures: Sequence[dt.datetime]
    arrivals: Sequence[dt.datetime]
    left: float
    top: float
    plot_w: float
    plot_h: float

    @property
    def dstep(self) -> float:
        return _days(self.departures[-1], self.departures[0]) / max(len(self.departures) - 1, 1)

    @property
    def astep(self) -> float:
        return _days(self.arrivals[-1], self.arrivals[0]) / max(len(self.arrivals) - 1, 1)

    @property
    def span_x(self) -> float:
        return _days(self.departures[-1], self.departures[0]) + self.dstep

    @property
    def span_y(self) -> float:
        return _days(self.arrivals[-1], self.arrivals[0]) + self.astep

    def x_of(self, when: dt.date | dt.datetime) -> float:
        return self.left + (_days(when, self.departures[0]) + self.dstep / 2) / self.span_x \
            * self.plot_w

    def y_of(self, when: dt.date | dt.datetime) -> float:
        return self.top + self.plot_h - (_days(when, self.arrivals[0]) + self.astep / 2) \
            / self.span_y * self.plot_h


def _porkchop_desc(f: _WindowFrame, target: str,
                   best: tuple[dt.datetime, dt.datetime, float] | None,
                   marks: Sequence[PorkchopMark]) -> str:
    """The chart in words: the axes, the bands, the minimum and the first launches."""
    d0, d1, a0, a1 = f.departures[0], f.departures[-1], f.arrivals[0], f.arrivals[-1]
    desc = (f"C3 (km²/s²) of the Lambert transfers from Earth to {target} for departures "
            f"from {d0.date()} to {d1.date()} (x) and arrivals from {a0.date()} to "
            f"{a1.date()} (y), in bands: " + ", ".join(
                _band_label(b) for b in range(len(C3_BANDS) + 1)) + ".")
    if best is not None:
        desc += (f" Minimum {best[2]:.2f} km²/s² departing {best[0].date()}, arriving "
                 f"{best[1].date()} (star).")
    told = sorted(marks, key=lambda m: not m.current)[:MARKS_TOLD]
    for m in told:
        desc += f" {m.label}: launched {m.depart.date()}" + (
            f", arrived {_date(m.arrive)}" if m.arrive is not None else ", no arrival"
        ) + (f" ({m.outcome})" if m.outcome else "") + "."
    if len(marks) > len(told):
        desc += f" And {len(marks) - len(told)} more launches in this window."
    return desc


def _porkchop_cells(f: _WindowFrame, c3: Sequence[Sequence[float | None]]) -> list[str]:
    """Cells of one band that touch along an arrival column as one rectangle."""
    out = []
    cell_w = f.plot_w / f.span_x * f.dstep
    cell_h = f.plot_h / f.span_y * f.astep
    for i, row in enumerate(c3):
        x = f.x_of(f.departures[i]) - cell_w / 2
        j = 0
        while j < len(row):
            band = c3_band(row[j])
            k = j
            while k + 1 < len(row) and c3_band(row[k + 1]) == band:
                k += 1
            if band is not None:
                y_hi, y_lo = f.y_of(f.arrivals[k]), f.y_of(f.arrivals[j])
                out.append(f'<rect x="{_n(x)}" y="{_n(y_hi - cell_h / 2)}" '
                           f'width="{_n(cell_w + 0.3)}" height="{_n(y_lo - y_hi + cell_h)}" '
                           f'fill="{C3_COLOURS[band]}"/>')
            j = k + 1
    return out


def _porkchop_axes(f: _WindowFrame, height: float) -> list[str]:
    """The plot's frame, month ticks on both axes and the axis titles."""
    left, top, plot_w, plot_h = f.left, f.top, f.plot_w, f.plot_h
    out = [f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(plot_w)}" height="{_n(plot_h)}" '
           f'fill="none" stroke="{AXIS}" stroke-opacity="0.6"/>']
    for k, day in enumerate(_months(f.departures[0], f.departures[-1], 1)):
        x = f.x_of(dt.datetime(day.year, day.month, 1, tzinfo=dt.UTC))
        out.append(f'<line x1="{_n(x)}" y1="{_n(top + plot_h)}" x2="{_n(x)}" '
                   f'y2="{_n(top + plot_h + 5)}" stroke="{AXIS}"/>')
        out.append(_text(x, top + plot_h + 18, f"{day:%b %Y}" if k == 0 or day.month == 1
                         else f"{day:%b}", anchor="middle"))
    out.append(_text(left + plot_w / 2, height - 6, "Departure (launch) date",
                     anchor="middle"))
    every = 1 if f.span_y < 250 else 2
    for day in _months(f.arrivals[0], f.arrivals[-1], every):
        y = f.y_of(dt.datetime(day.year, day.month, 1, tzinfo=dt.UTC))
        out.append(f'<line x1="{_n(left - 5)}" y1="{_n(y)}" x2="{_n(left)}" y2="{_n(y)}" '
                   f'stroke="{AXIS}"/>')
        out.append(_text(left - 8, y + 4, f"{day:%b %Y}", anchor="end"))
    out.append(_text(14, top + plot_h / 2, "Arrival date", anchor="middle",
                     extra=f' transform="rotate(-90 14 {_n(top + plot_h / 2)})"'))
    return out


def _porkchop_spots(f: _WindowFrame, marks: Sequence[PorkchopMark]
                    ) -> list[tuple[tuple[int, int, str | None], list[PorkchopMark]]]:
    """Launches that would be drawn on the same spot as one mark (a window can hold
    hundreds of launches, most of them on a few days), the page's own first."""
    d0, d1, a0 = f.departures[0], f.departures[-1], f.arrivals[0]
    spots: dict[tuple[int, int, str | None], list[PorkchopMark]] = {}
    for m in marks:
        if not d0 - dt.timedelta(days=f.dstep) <= m.depart <= d1 + dt.timedelta(days=f.dstep):
            continue
        inside = m.arrive is not None and 0 <= _days(m.arrive, a0) + f.astep / 2 <= f.span_y
        y = f.y_of(m.arrive) if inside and m.arrive is not None else f.top + f.plot_h - 7
        shown = m.outcome if inside or m.outcome == "failure" else None
        spots.setdefault((round(f.x_of(m.depart)), round(y), shown), []).append(m)
    return sorted(spots.items(), key=lambda kv: not any(m.current for m in kv[1]))


def _free_label(x: float, y: float, name: str,
                named: list[tuple[float, float, float, float]]) -> str:
    """A mark's name above or below it where it overlaps no name drawn yet, else ''."""
    for dy in (-10.0, 18.0):
        box = (x + 7, y + dy - 11, x + 9 + BOLD_CHAR_W * len(name), y + dy + 3)
        if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                   for b in named):
            named.append(box)
            return (f'<text x="{_n(box[0])}" y="{_n(y + dy)}" fill="#000" '
                    f'stroke="#fff" stroke-width="3" paint-order="stroke" '
                    f'font-weight="600">{esc(name)}</text>')
    return ""


def _porkchop_marks(f: _WindowFrame, marks: Sequence[PorkchopMark]) -> list[str]:
    """One mark per spot with every launch on it in its tooltip; at most
    :data:`MARKS_NAMED` named, where names would not overlap."""
    out = []
    named: list[tuple[float, float, float, float]] = []  # the boxes of the names drawn
    for (x, y, shown), group in _porkchop_spots(f, marks):
        shape = marker(shown, x, y, 5)
        if any(m.current for m in group):
            shape += (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="9" fill="none" stroke="{MARK}" '
                      f'stroke-width="2.5" class="current"/>')
        group.sort(key=lambda m: not m.current)  # the page's own launch first
        name = group[0].label + (f" and {len(group) - 1} more" if len(group) > 1 else "")
        tip = ", ".join(m.label for m in group[:MARKS_TOLD]) + (
            f" and {len(group) - MARKS_TOLD} more" if len(group) > MARKS_TOLD else "")
        label = _free_label(x, y, name, named) if len(named) < MARKS_NAMED else ""
        out.append(f'<g class="launch-mark"><title>{esc(tip)}</title>{shape}{label}</g>')
    return out


def _porkchop_legend(lx: float, ly: float) -> list[str]:
    """The C3 bands, then the symbols."""
    out = [_text(lx, ly + 6, "C3 (km²/s²)", weight="600")]
    for band in range(len(C3_BANDS) + 1):
        y = ly + 16 + 19 * band
        out.append(f'<rect x="{_n(lx)}" y="{_n(y)}" width="16" height="14" '
                   f'fill="{C3_COLOURS[band]}"/>')
        out.append(_text(lx + 22, y + 11, _band_label(band)))
    y = ly + 16 + 19 * (len(C3_BANDS) + 1)
    out.append(f'<rect x="{_n(lx)}" y="{_n(y)}" width="16" height="14" fill="none" '
               f'stroke="{AXIS}" stroke-opacity="0.6"/>')
    out.append(_text(lx + 22, y + 11, "no transfer"))
    y += 34
    out.append(_star(lx + 8, y - 4, 7) + _text(lx + 22, y, "window minimum"))
    out.append(marker("success", lx + 8, y + 16, 5) + _text(lx + 22, y + 20, "launch, arrival"))
    out.append(marker("failure", lx + 8, y + 36, 5) + _text(lx + 22, y + 40, "failed launch"))
    out.append(marker(None, lx + 8, y + 56, 5) + _text(lx + 22, y + 60, "no arrival date"))
    return out


def porkchop_svg(departures: Sequence[dt.datetime], arrivals: Sequence[dt.datetime],
                 c3: Sequence[Sequence[float | None]], *, target: str,
                 best: tuple[dt.datetime, dt.datetime, float] | None = None,
                 marks: Sequence[PorkchopMark] = (), title: str, width: float = 680) -> str:
    """The launch window: departure date (x) by arrival date (y, later upwards), each
    cell coloured by the C3 band of its Lambert transfer, blank where there is none
    (outside the times of flight); the launches marked and named, the window's
    minimum starred.

    Cells of one band that touch along an arrival column are one rectangle, so a
    121 × 401 grid takes about a thousand of them; their edges are the contours.
    """
    left, right, top, bottom = 96.0, 150.0, 14.0, 44.0
    f = _WindowFrame(departures, arrivals, left, top, width - left - right, 380.0)
    height = top + f.plot_h + bottom
    out = [_open(width, height, title, _porkchop_desc(f, target, best, marks), "porkchop")]
    out += _porkchop_cells(f, c3)
    if not any(v is not None and not math.isnan(v) for row in c3 for v in row):
        out.append(_text(left + f.plot_w / 2, top + f.plot_h / 2, "No Lambert solution",
                         anchor="middle"))
    out += _porkchop_axes(f, height)
    if best is not None:
        out.append(f'<g class="best"><title>{esc(f"Window minimum: C3 {best[2]:.2f} km²/s²")}'
                   f"</title>{_star(f.x_of(best[0]), f.y_of(best[1]), 8)}</g>")
    out += _porkchop_marks(f, marks)
    out += _porkchop_legend(left + f.plot_w + 18, top + 6)
    out.append("</svg>")
    return "".join(out)


def _date(when: dt.date | dt.datetime) -> str:
    return str(when.date() if isinstance(when, dt.datetime) else when)


def _star(x: float, y: float, r: float) -> str:
    """A five-pointed star (the window's minimum)."""
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.45
        angle = math.pi / 2 + k * math.pi / 5
        points.append(f"{_n(x + radius * math.cos(angle))},{_n(y - radius * math.sin(angle))}")
    return (f'<polygon points="{" ".join(points)}" fill="#ffd400" stroke="#000" '
            f'stroke-width="1.2" class="mark minimum"/>')


@dataclass(frozen=True, slots=True)
class ArcPoint:
    """A planet's position on the transfer plot (ecliptic x, y in AU)."""

    label: str
    x: float
    y: float
    body: str
    #: Filled where the spacecraft is (Earth at launch, the target at arrival).
    filled: bool = True


def _arc_point(p: ArcPoint, x: float, y: float, cx: float, cy: float,
               boxes: list[tuple[float, float, float, float]]) -> str:
    """A planet and its label, outwards from the Sun and down a line while the label
    would overlap an earlier one (``boxes``, which it joins)."""
    fill = BODY_COLOURS.get(p.body, "#777")
    dot = (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5" '
           f'fill="{fill if p.filled else "#fff"}" stroke="{fill}" stroke-width="2">'
           f"<title>{esc(p.label)}</title></circle>")
    dist = math.hypot(x - cx, y - cy) or 1.0
    ux, uy = (x - cx) / dist, (y - cy) / dist
    tx, ty, w = x + ux * 10, y + uy * 10 + 4, 6.2 * len(p.label)
    left_x = tx if ux >= 0 else tx - w
    while any(left_x < b[2] and b[0] < left_x + w and ty - 11 < b[3] and b[1] < ty + 2
              for b in boxes):
        ty += 13
    boxes.append((left_x, ty - 11, left_x + w, ty + 2))
    return dot + _text(tx, ty, p.label, size=11, anchor="start" if ux >= 0 else "end",
                       extra=' stroke="#fff" stroke-width="3" paint-order="stroke" class="halo"')


def transfer_arc_svg(earth_orbit: Sequence[Sequence[float]],
                     target_orbit: Sequence[Sequence[float]], arc: Sequence[Sequence[float]],
                     *, target: str, points: Sequence[ArcPoint], title: str,
                     width: float = 520) -> str:
    """The transfer seen from the north ecliptic pole: the Sun at the centre, Earth's
    and the target's orbits, the arc between them, and the planets at departure and
    arrival; x towards the vernal equinox, to scale, with a 1 AU bar."""
    everything = [*earth_orbit, *target_orbit, *arc, *((p.x, p.y) for p in points)]
    reach = max((max(abs(p[0]), abs(p[1])) for p in everything), default=1.0) or 1.0
    margin, legend_h = 24.0, 40.0
    label_room = 96.0  # beside the outermost orbit, for the planets' labels
    scale = (width / 2 - label_room) / reach
    height = width + legend_h
    cx = cy = width / 2

    def xy(p: Sequence[float]) -> tuple[float, float]:
        return cx + p[0] * scale, cy - p[1] * scale

    def path(line: Sequence[Sequence[float]]) -> str:
        return "M" + "L".join(f"{_n(a)} {_n(b)}" for a, b in map(xy, line)) if line else ""

    colour = BODY_COLOURS.get(target, "#777")
    desc = (f"Heliocentric view from the north ecliptic pole, to scale: the orbits of Earth "
            f"(blue) and {target} ({colour}), and the transfer arc (black) from Earth to "
            f"{target}. " + " ".join(f"{p.label} at ({p.x:.2f}, {p.y:.2f}) AU." for p in points))
    out = [_open(width, height, title, desc, "transfer-arc")]
    out.append(f'<path d="{path(earth_orbit)}" fill="none" stroke="{BODY_COLOURS["Earth"]}" '
               f'stroke-width="1.2" class="orbit earth"/>')
    out.append(f'<path d="{path(target_orbit)}" fill="none" stroke="{colour}" '
               f'stroke-width="1.2" class="orbit target"/>')
    out.append(f'<path d="{path(arc)}" fill="none" stroke="{AXIS}" stroke-width="2.4" '
               f'class="arc"/>')
    out.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="6" fill="{BODY_COLOURS["Sun"]}">'
               f"<title>Sun</title></circle>")
    boxes: list[tuple[float, float, float, float]] = []
    for p in points:
        out.append(_arc_point(p, *xy((p.x, p.y)), cx, cy, boxes))
    bar_y = width + 14
    out.append(f'<path d="M{_n(margin)} {_n(bar_y - 4)}V{_n(bar_y)}H{_n(margin + scale)}'
               f'V{_n(bar_y - 4)}" stroke="{AXIS}" fill="none"/>')
    out.append(_text(margin + scale + 6, bar_y + 2, "1 AU", size=11))
    out.append(_text(width - margin, bar_y + 2, "x → vernal equinox (ecliptic J2000)",
                     size=11, anchor="end"))
    out.append("</svg>")
    return "".join(out)
