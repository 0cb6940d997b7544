"""Server-side SVG charts: pure functions from plain data to an SVG string.

The UI works offline and without JavaScript, so charts are drawn here and
inlined into the pages.  Every string that can come from a chronology goes
through :func:`esc`, so a payload called ``<script>`` is text in the SVG too.
Each chart is ``role="img"`` with an ``aria-label``, a ``<title>`` and a
``<desc>`` that says what it shows in words, and outcome is told by shape and
text as well as colour (success ●, failure ✕).  Colours are presentation
attributes so the SVG looks right on its own; the stylesheet may override them.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..orbits import OrbitFit
from . import chartkit

SUCCESS = "#1a7f37"
FAILURE = "#c62828"
EVENT = "#6b6b6b"
AXIS = "currentColor"
BODY_COLOURS = {"Earth": "#2f6fcf", "Moon": "#8f8f8f", "Mars": "#c1440e", "Venus": "#c9962f",
                "Sun": "#e8a400"}


def esc(value: object) -> str:
    """Text for SVG/XML content or attributes (quotes too)."""
    return html.escape(str(value), quote=True)


def _n(x: float) -> str:
    """A coordinate, short: two decimals at most."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _open(width: float, height: float, label: str, desc: str, kind: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{esc(kind)}" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" '
            f'height="{_n(height)}" role="img" aria-label="{esc(label)}" '
            f'font-family="system-ui, sans-serif" font-size="12">'
            f"<title>{esc(label)}</title><desc>{esc(desc)}</desc>")


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: float | None = None,
          weight: str | None = None, fill: str = AXIS, extra: str = "") -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}" fill="{fill}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if size is not None:
        attrs += f' font-size="{_n(size)}"'
    if weight is not None:
        attrs += f' font-weight="{weight}"'
    return f"<text {attrs}{extra}>{esc(text)}</text>"


#: Roughly how wide a character of 12px system-ui text is, for laying out labels.
CHAR_W = 7.0
#: The same for bold text (the porkchop's launch names).
BOLD_CHAR_W = 8.0


def _label_width(labels: Sequence[str], most: float = 170.0) -> float:
    """Room for row labels: the widest as measured, at most ``most`` (longer ones are cut)."""
    return min(most, 16 + max((chartkit.measure(s) for s in labels), default=28.0))


def _label(x: float, y: float, text: str, width: float) -> str:
    """A right-aligned row label cut to ``width`` with an ellipsis; a cut label keeps
    its whole text as a tooltip (``<title>``)."""
    return chartkit.label(x, y, text, width - 16)


def _title(title: str, width: float) -> tuple[list[str], float]:
    """The chart's title drawn at its top (wrapped, bold: it states the selection), and
    the height it takes."""
    lines = chartkit.wrap(title, width - 20, chartkit.TITLE_SIZE, bold=True)
    parts = [_text(10, 24 + 18 * i, line, size=chartkit.TITLE_SIZE, weight="700")
             for i, line in enumerate(lines)]
    return parts, 18.0 * len(lines) + 14


def percent(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.0f}%"


def number(x: float | None, digits: int = 2, unit: str = "") -> str:
    """A figure to ``digits`` decimals with its unit, or a dash when there is none."""
    if x is None or math.isnan(x):
        return "–"
    return f"{x:,.{digits}f}" + ("" if unit in ("", "°") else " ") + unit


def marker(outcome: str | None, x: float, y: float, size: float = 5) -> str:
    """The outcome's shape: a filled circle for success, a cross for failure, a
    diamond for an entry that is not a launch."""
    if outcome == "failure":
        return (f'<path d="M{_n(x - size)} {_n(y - size)}L{_n(x + size)} {_n(y + size)}'
                f'M{_n(x - size)} {_n(y + size)}L{_n(x + size)} {_n(y - size)}" '
                f'stroke="{FAILURE}" stroke-width="2.5" stroke-linecap="round" '
                f'class="mark failure"/>')
    if outcome == "success":
        return (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}" fill="{SUCCESS}" '
                f'fill-opacity="0.85" stroke="{SUCCESS}" class="mark success"/>')
    return (f'<path d="M{_n(x)} {_n(y - size)}L{_n(x + size)} {_n(y)}L{_n(x)} {_n(y + size)}'
            f'L{_n(x - size)} {_n(y)}Z" fill="{EVENT}" class="mark event"/>')


def _legend(x: float, y: float, outcomes: Sequence[tuple[str | None, str]]) -> str:
    parts = []
    for outcome, label in outcomes:
        parts.append(marker(outcome, x + 5, y - 4))
        parts.append(_text(x + 14, y, label))
        x += 24 + chartkit.measure(label)
    return "".join(parts)


# -- timeline -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """One launch on the timeline: when, which row (vehicle family), how it went."""

    when: dt.date
    row: str
    outcome: str | None
    label: str
    href: str | None = None
    #: Ringed: the launch the page is about.
    current: bool = False


def _year_fraction(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def nice_step(span: float, max_ticks: int = 10) -> int:
    """A tick step of 1, 2 or 5 × 10ⁿ years giving at most ``max_ticks`` ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if span / step <= max_ticks:
            return step
    return 1000


def _year_span(first: float, last: float) -> tuple[int, int, int]:
    """Whole years from ``first`` to past ``last``, widened to a nice tick step."""
    start, end = math.floor(first), math.floor(last) + 1
    step = nice_step(end - start)
    return start - start % step, end + (-end % step), step


def _timeline_frame(rows: Sequence[str], span: tuple[int, int, int],
                    x_of: Callable[[float], float], *, left: float, right: float, top: float,
                    row_h: float, width: float) -> list[str]:
    """A timeline's year grid and axis, its banded rows and their labels."""
    start, end, step = span
    axis_y = top + row_h * len(rows)
    out = []
    for year in range(start, end + 1, step):
        x = x_of(year)
        out.append(f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(axis_y)}" '
                   f'stroke="{AXIS}" stroke-opacity="0.15"/>')
        out.append(_text(x, axis_y + 16, str(year), anchor="middle"))
    out.append(f'<line x1="{_n(left)}" y1="{_n(axis_y)}" x2="{_n(width - right)}" '
               f'y2="{_n(axis_y)}" stroke="{AXIS}" stroke-opacity="0.6"/>')
    out.append(_text(width - right, axis_y + 32, "Year", anchor="end",
                     size=chartkit.SMALL_SIZE))
    out.append(_text(8, axis_y + 32, "Rows: vehicle family", size=chartkit.SMALL_SIZE))
    for i, row in enumerate(rows):
        y = top + row_h * i + row_h / 2
        if i % 2:
            out.append(f'<rect x="{_n(left)}" y="{_n(y - row_h / 2)}" '
                       f'width="{_n(width - left - right)}" height="{_n(row_h)}" '
                       f'fill="{AXIS}" fill-opacity="0.04"/>')
        out.append(_label(left - 8, y + 4, row, left))
    return out


def _point(href: str | None, tip: str, shapes: str) -> str:
    """One plotted thing with its tooltip: a link (out of the tab order) if it has one."""
    title = f"<title>{esc(tip)}</title>"
    if href:
        return f'<a href="{esc(href)}" tabindex="-1" class="point">{title}{shapes}</a>'
    return f'<g class="point">{title}{shapes}</g>'


def _rows_by_first(firsts: Iterable[tuple[float, str]]) -> list[str]:
    """Row names in the order of their first appearance in time."""
    rows: list[str] = []
    for _, row in sorted(firsts, key=lambda pair: pair[0]):
        if row not in rows:
            rows.append(row)
    return rows


def _timeline_desc(points: Sequence[TimelinePoint], rows: Sequence[str]) -> str:
    n_fail = sum(1 for p in points if p.outcome == "failure")
    n_ok = sum(1 for p in points if p.outcome == "success")
    desc = (f"{len(points)} entries in {len(rows)} vehicle famil"
            f"{'y' if len(rows) == 1 else 'ies'}: {n_ok} successes (circles), "
            f"{n_fail} failures (crosses).")
    if points:
        first, last = min(p.when for p in points), max(p.when for p in points)
        desc += f" From {first.isoformat()} to {last.isoformat()}."
    return desc + "".join(f" Ringed: {p.label}." for p in points if p.current)


def _no_entries(out: list[str], width: float, y: float) -> str:
    """Close an empty chart with a note where its rows would be."""
    out.append(_text(width / 2, y, "No dated entries", anchor="middle"))
    out.append("</svg>")
    return "".join(out)


def _timeline_points(points: Sequence[TimelinePoint], rows: Sequence[str],
                     x_of: Callable[[float], float], top: float, row_h: float) -> list[str]:
    """Each point on its family's row; points closer than a few pixels are nudged up
    and down so none hides another."""
    out = []
    last_x: dict[str, float] = {}
    stack: dict[str, int] = {}
    offsets = (0.0, -8.0, 8.0, -4.0, 4.0)
    for p in sorted(points, key=lambda p: p.when):
        x = x_of(_year_fraction(p.when))
        crowded = p.row in last_x and x - last_x[p.row] < 7
        stack[p.row] = stack.get(p.row, 0) + 1 if crowded else 0
        last_x[p.row] = x
        y = top + row_h * rows.index(p.row) + row_h / 2 + offsets[stack[p.row] % len(offsets)]
        shape = (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="7" fill="#fff" fill-opacity="0"/>'
                 + marker(p.outcome, x, y))
        if p.current:
            shape += (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="10" fill="none" stroke="{AXIS}" '
                      f'stroke-width="2" class="current"/>')
        out.append(_point(p.href, p.label, shape))
    return out


def timeline_svg(points: Sequence[TimelinePoint], *, title: str = "Launch timeline",
                 width: float = 820) -> str:
    """Launches by date (x) and vehicle family (y); each point links to its launch.

    Families are ordered by their first launch, so the chart reads like the
    chronology.  Point links are out of the tab order (``tabindex=-1``): inside
    ``role="img"`` they are hidden from assistive technology, and every launch is
    linked in the list beside the chart."""
    rows = _rows_by_first((_year_fraction(p.when), p.row) for p in points)
    heading, title_h = _title(title, width)
    row_h, top, bottom = 30.0, 34.0 + title_h, 40.0
    left = _label_width(rows)
    right = 18.0
    height = top + row_h * max(len(rows), 1) + bottom
    out = [_open(width, height, title, _timeline_desc(points, rows), "timeline"), *heading]
    out.append(_legend(left, title_h + 16, [("success", "success"), ("failure", "failure"),
                                            (None, "other event")]))
    if not points:
        return _no_entries(out, width, top + row_h / 2 + 4)
    span = _year_span(min(_year_fraction(p.when) for p in points),
                      max(_year_fraction(p.when) for p in points))
    start, end, _ = span
    plot_w = width - left - right

    def x_of(year: float) -> float:
        return left + (year - start) / (end - start) * plot_w

    out += _timeline_frame(rows, span, x_of, left=left, right=right, top=top, row_h=row_h,
                           width=width)
    out += _timeline_points(points, rows, x_of, top, row_h)
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class TimelineBin:
    """One vehicle family's entries in one year: successes, failures, other events."""

    year: int
    row: str
    successes: int
    failures: int
    events: int
    href: str | None = None
    #: Holds the launch the page is about.
    current: bool = False

    @property
    def total(self) -> int:
        return self.successes + self.failures + self.events


def _bins_desc(bins: Sequence[TimelineBin], rows: Sequence[str]) -> str:
    n_ok, n_fail = sum(b.successes for b in bins), sum(b.failures for b in bins)
    n_events = sum(b.events for b in bins)
    desc = (f"{n_ok + n_fail + n_events} entries in {len(rows)} vehicle famil"
            f"{'y' if len(rows) == 1 else 'ies'}, counted by year: {n_ok} successes, "
            f"{n_fail} failures, {n_events} other events.")
    if bins:
        desc += f" From {min(b.year for b in bins)} to {max(b.year for b in bins)}."
    return desc + "".join(f" Outlined: {b.year}, {b.row}, which holds this page's launch."
                          for b in bins if b.current)


#: The row that holds the families beyond a binned timeline's busiest.
OTHER_ROW = "(other families)"


def _bins_legend(left: float, right: float, width: float, top: float,
                 busiest: int) -> list[str]:
    """The colours, and the bars' scale: a full row is the busiest year of any family."""
    out = []
    x = left
    for label, colour in (("Successes", SUCCESS), ("Failures", FAILURE),
                          ("Other events", EVENT)):
        out.append(f'<rect x="{_n(x)}" y="{_n(top + 7)}" width="10" height="10" '
                   f'fill="{colour}"/>')
        out.append(_text(x + 14, top + 16, label))
        x += 30 + chartkit.measure(label)
    scale = (f"Bar height: entries per year; a full row is {busiest:,}"
             if busiest else "Bar height: entries per year")
    out.append(_text(left, top + 36, scale, size=chartkit.SMALL_SIZE))
    return out


def _bin_bar(b: TimelineBin, x: float, base: float, bar_w: float, unit_h: float) -> str:
    """One year's bar: successes at the bottom, failures on top, then other events."""
    parts = []
    y = base
    for count, colour, kind in ((b.successes, SUCCESS, "success"),
                                (b.failures, FAILURE, "failure"),
                                (b.events, EVENT, "event")):
        if count:
            h = unit_h * count
            y -= h
            parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(bar_w)}" '
                         f'height="{_n(max(h, 0.5))}" fill="{colour}" class="bin {kind}"/>')
    if b.current:
        parts.append(f'<rect x="{_n(x - 1.5)}" y="{_n(y - 1.5)}" width="{_n(bar_w + 3)}" '
                     f'height="{_n(base - y + 3)}" fill="none" stroke="{AXIS}" '
                     f'stroke-width="1.5" class="current"/>')
    tip = (f"{b.year}, {b.row}: {b.total} entr{'y' if b.total == 1 else 'ies'}"
           f" ({b.successes} successes, {b.failures} failures"
           + (f", {b.events} other events" if b.events else "") + ")")
    return _point(b.href, tip, "".join(parts))


def timeline_bins_svg(bins: Sequence[TimelineBin], *, title: str = "Launch timeline",
                      width: float = 820) -> str:
    """The timeline of a selection too big to draw launch by launch: for each vehicle
    family (rows, by first year) a bar per year, as tall as that year's entries against
    the busiest year of any family, split into successes (green, bottom), failures
    (red, on top) and other events (grey).  Each bar links to its year's entries."""
    rows = _rows_by_first((b.year, b.row) for b in bins)
    if OTHER_ROW in rows:  # the families without a row of their own go last
        rows.remove(OTHER_ROW)
        rows.append(OTHER_ROW)
    heading, title_h = _title(title, width)
    row_h, top, bottom, right = 40.0, 52.0 + title_h, 40.0, 18.0
    left = _label_width(rows)
    height = top + row_h * max(len(rows), 1) + bottom
    out = [_open(width, height, title, _bins_desc(bins, rows), "timeline timeline-bins"),
           *heading]
    busiest = max((b.total for b in bins), default=0)
    out += _bins_legend(left, right, width, title_h, busiest)
    if not bins:
        return _no_entries(out, width, top + row_h / 2 + 4)
    span = _year_span(min(b.year for b in bins), max(b.year for b in bins))
    start, end, _ = span
    band = (width - left - right) / (end - start)

    def x_of(year: float) -> float:
        return left + (year - start) * band

    out += _timeline_frame(rows, span, x_of, left=left, right=right, top=top, row_h=row_h,
                           width=width)
    bar_w = max(1.0, band - (1.0 if band > 3 else 0.0))
    for b in bins:
        base = top + row_h * (rows.index(b.row) + 1) - 2
        out.append(_bin_bar(b, x_of(b.year), base, bar_w, (row_h - 6) / busiest))
    out.append("</svg>")
    return "".join(out)


# -- orbits ---------------------------------------------------------------------


def nice_length(target: float) -> float:
    """A round length (1, 2 or 5 × 10ⁿ) not above ``target``."""
    if target <= 0:
        return 0.0
    power = 10.0 ** math.floor(math.log10(target))
    return max(m * power for m in (1, 2, 5) if m * power <= target)


def _km(x: float) -> str:
    return f"{x:,.0f} km"


def orbit_svg(fit: OrbitFit, *, name: str, width: float = 440) -> str:
    """The orbit as an ellipse drawn to scale around its central body, a circle of
    the body's true radius at the focus; periapsis on the right, apoapsis on the
    left, both labelled with their altitudes, and a scale bar."""
    body = fit.body
    rp = body.radius_km + fit.periapsis_km
    ra = body.radius_km + fit.apoapsis_km
    a, c, b = (ra + rp) / 2, (ra - rp) / 2, math.sqrt(ra * rp)
    margin, top = 30.0, 30.0
    scale = (width - 2 * margin) / (2 * a)
    height = top + 2 * b * scale + 62
    cx, cy = width / 2, top + b * scale
    fx = cx + c * scale
    colour = BODY_COLOURS.get(body.name, "#777")
    label = f"Orbit of {name} around {body.name}, to scale"
    desc = (f"{name} orbits {body.name} (radius {_km(body.radius_km)}, drawn to scale) "
            f"between a periapsis of {_km(fit.periapsis_km)} and an apoapsis of "
            f"{_km(fit.apoapsis_km)} above the surface; eccentricity "
            f"{fit.eccentricity:.3f}. {fit.explanation()}")
    out = [_open(width, height, label, desc, "orbit")]
    out.append(_text(margin - 20, 16, f"{body.name} (radius {_km(body.radius_km)})",
                     weight="600"))
    out.append(f'<line x1="{_n(cx - a * scale)}" y1="{_n(cy)}" x2="{_n(cx + a * scale)}" '
               f'y2="{_n(cy)}" stroke="{AXIS}" stroke-opacity="0.35" stroke-dasharray="4 3"/>')
    out.append(f'<circle cx="{_n(fx)}" cy="{_n(cy)}" r="{_n(max(body.radius_km * scale, 0.5))}" '
               f'fill="{colour}" class="body"><title>{esc(body.name)}</title></circle>')
    out.append(f'<ellipse cx="{_n(cx)}" cy="{_n(cy)}" rx="{_n(a * scale)}" ry="{_n(b * scale)}" '
               f'fill="none" stroke="{AXIS}" stroke-width="1.8" class="orbit"/>')
    px, ax = cx + a * scale, cx - a * scale
    for x, letter in ((px, "P"), (ax, "A")):
        out.append(f'<circle cx="{_n(x)}" cy="{_n(cy)}" r="3" fill="{AXIS}"/>')
        out.append(_text(x + (6 if letter == "P" else -6), cy - 6, letter,
                         anchor="start" if letter == "P" else "end", weight="700"))
    label_y = cy + b * scale + 18
    out.append(_text(margin - 20, label_y, f"A apoapsis {_km(fit.apoapsis_km)}"))
    out.append(_text(width - margin + 20, label_y, f"P periapsis {_km(fit.periapsis_km)}",
                     anchor="end"))
    bar = nice_length((width - 2 * margin) / 4 / scale)
    bar_w, bar_y = bar * scale, label_y + 22
    out.append(f'<path d="M{_n(margin)} {_n(bar_y - 4)}V{_n(bar_y)}H{_n(margin + bar_w)}'
               f'V{_n(bar_y - 4)}" stroke="{AXIS}" fill="none"/>')
    out.append(_text(margin + bar_w + 6, bar_y + 2, _km(bar), size=11))
    out.append("</svg>")
    return "".join(out)
