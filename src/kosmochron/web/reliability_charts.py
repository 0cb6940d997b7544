"""Success rates with their uncertainty, and counts, as charts that read on a phone.

* :func:`reliability_svg`: one row per group (family, vehicle, decade …): its label
  and figures on one line, below it the success rate as a bar on a 0–100% scale with
  the 95% interval as whiskers.  Labels have the whole width, so nothing is cut at
  390 px; rows can be sorted and a minimum number of attempts is stated.
* :func:`learning_svg`: the learning curve, success rate by flight number (flights
  1–5, 6–10 …) with whiskers, a point per step joined by a line, each step's number
  of attempts under it.
* :func:`count_rows_svg`: counts as bars, same row layout (failures by stage).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .chartkit import (
    FAILURE,
    INK,
    SMALL_SIZE,
    SUCCESS,
    Frame,
    Key,
    count,
    esc,
    fit,
    gridline,
    measure,
    num,
    percent,
    text,
    ticks,
    value_axis,
)


@dataclass(frozen=True, slots=True)
class RateItem:
    """A group's attempts and successes and the 95% interval of its success rate."""

    label: str
    attempts: int
    successes: int
    low: float | None
    high: float | None
    href: str | None = None

    @property
    def rate(self) -> float | None:
        return self.successes / self.attempts if self.attempts else None

    @property
    def failures(self) -> int:
        return self.attempts - self.successes

    def figures(self) -> str:
        """``67% · 8 of 12 · 39–86%``."""
        if not self.attempts:
            return "no launches"
        return (f"{percent(self.rate)} · {count(self.successes)} of {count(self.attempts)} · "
                f"{percent(self.low)}–{percent(self.high)}")


def _scale(frame: Frame, x0: float, x1: float, y: float) -> None:
    """The 0–100% tick labels along a line at ``y``."""
    for tick in (0, 25, 50, 75, 100):
        x = x0 + (x1 - x0) * tick / 100
        anchor = "start" if tick == 0 else "end" if tick == 100 else "middle"
        frame.parts.append(text(x, y, f"{tick}%", anchor=anchor, size=SMALL_SIZE))


def _rate_row(frame: Frame, r: RateItem, y: float, x0: float, x1: float) -> None:
    """Label and figures on a line at ``y``, the bar and whiskers under them."""
    figures = r.figures()
    room = x1 - x0 - measure(figures) - 12
    shown = fit(r.label, max(room, 40))
    words = text(x0, y, shown, bold=True, tooltip=r.label if shown != r.label else None)
    if r.href:
        words = f'<a href="{esc(r.href)}">{words}</a>'
    frame.parts.append(words)
    frame.parts.append(text(x1, y, figures, anchor="end"))
    bar_y = y + 7
    tip = f"<title>{esc(r.label)}: {esc(figures)}</title>"
    parts = [tip]
    if r.rate is not None:
        parts.append(f'<rect x="{num(x0)}" y="{num(bar_y)}" width="{num((x1 - x0) * r.rate)}" '
                     f'height="10" fill="{SUCCESS}" fill-opacity="0.45" class="bar success"/>')
    if r.low is not None and r.high is not None and r.attempts:
        a, b, mid = x0 + (x1 - x0) * r.low, x0 + (x1 - x0) * r.high, bar_y + 5
        parts.append(f'<path d="M{num(a)} {num(mid)}H{num(b)}M{num(a)} {num(mid - 6)}'
                     f'V{num(mid + 6)}M{num(b)} {num(mid - 6)}V{num(mid + 6)}" stroke="{INK}" '
                     'stroke-width="1.5" fill="none" class="interval"/>')
    if r.rate is not None:
        parts.append(f'<circle cx="{num(x0 + (x1 - x0) * r.rate)}" cy="{num(bar_y + 5)}" '
                     f'r="3.5" fill="{INK}"/>')
    frame.parts.append(f'<g class="row">{"".join(parts)}</g>')


def reliability_svg(rows: Sequence[RateItem], *, title: str, notes: Sequence[str] = (),
                    interval: str = "Wilson", width: float = 420, kind: str = "rates") -> str:
    """Success rate per row with its 95% interval, rows in the order given."""
    desc = (f"Success rate with its 95% {interval} interval. "
            + ("; ".join(f"{r.label}: {r.figures()}" for r in rows) or "No launches."))
    frame = Frame(width, f"{kind} reliability", title, desc)
    frame.heading(notes)
    frame.legend([Key("rect", SUCCESS, "success rate"),
                  Key("whisker", INK, f"95% {interval} interval")])
    x0, x1 = frame.pad, width - frame.pad
    top = frame.y + 14
    _scale(frame, x0, x1, top - 4)
    row_h = 36.0
    y = top + 16
    for r in rows:
        _rate_row(frame, r, y, x0, x1)
        y += row_h
    bottom = y - row_h + 22 if rows else top + 20
    if not rows:
        frame.parts.append(text(width / 2, top + 18, "No group has enough launches",
                                anchor="middle"))
    for tick in (0, 25, 50, 75, 100):
        x = x0 + (x1 - x0) * tick / 100
        frame.parts.insert(0, gridline(x, top + 2, x, bottom, strong=tick in (0, 100)))
    if len(rows) > 8:
        _scale(frame, x0, x1, bottom + 14)
        bottom += 14
    frame.y = bottom + 4
    return frame.close()


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a learning curve: its label (``6–10``) and its rate."""

    label: str
    rate: RateItem
    vehicles: int


def learning_svg(steps: Sequence[Step], *, title: str, notes: Sequence[str] = (),
                 width: float = 440) -> str:
    """Success rate by flight number with 95% intervals, a point per step."""
    desc = ("Success rate by flight number, each vehicle's flights counted from its "
            "first. " + ("; ".join(f"flights {s.label}: {s.rate.figures()}" for s in steps)
                         or "No launches."))
    frame = Frame(width, "learning", title, desc)
    frame.heading(notes)
    frame.legend([Key("dot", INK, "success rate"), Key("whisker", INK, "95% Wilson interval")])
    values = [0.0, 0.25, 0.5, 0.75, 1.0]
    left = frame.pad + measure("100%") + 10
    right = width - frame.pad
    top = frame.y + 18
    bottom = top + 170
    value_axis(frame, left=left, right=right, top=top, bottom=bottom, values=values,
               caption="Success rate", fmt="percent")
    if not steps:
        frame.parts.append(text((left + right) / 2, (top + bottom) / 2, "No launches",
                                anchor="middle"))
        frame.y = bottom + 10
        return frame.close()
    band = (right - left) / len(steps)
    size = SMALL_SIZE if max(measure(s.label, SMALL_SIZE) for s in steps) < band - 2 else 9.0
    line: list[str] = []
    for i, s in enumerate(steps):
        x = left + band * (i + 0.5)
        r = s.rate
        parts = [f"<title>Flights {esc(s.label)}: {esc(r.figures())}, "
                 f"{count(s.vehicles)} vehicle{'s' if s.vehicles != 1 else ''}</title>"]
        if r.low is not None and r.high is not None:
            ya, yb = bottom - (bottom - top) * r.low, bottom - (bottom - top) * r.high
            parts.append(f'<path d="M{num(x)} {num(ya)}V{num(yb)}M{num(x - 5)} {num(ya)}'
                         f'H{num(x + 5)}M{num(x - 5)} {num(yb)}H{num(x + 5)}" stroke="{INK}" '
                         'stroke-width="1.5" fill="none" class="interval"/>')
        if r.rate is not None:
            y = bottom - (bottom - top) * r.rate
            line.append(f"{num(x)} {num(y)}")
            parts.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="4" fill="{INK}"/>')
        frame.parts.append(f'<g class="step">{"".join(parts)}</g>')
        frame.parts.append(text(x, bottom + 15, s.label, anchor="middle", size=size))
        frame.parts.append(text(x, bottom + 28, count(r.attempts), anchor="middle",
                                size=size, muted=True))
    frame.parts.insert(0, f'<polyline points="{" ".join(line)}" fill="none" stroke="{INK}" '
                          'stroke-opacity="0.45" stroke-width="1.5"/>')
    frame.parts.append(text(frame.pad, bottom + 15, "Flights", size=size, muted=True))
    frame.parts.append(text(frame.pad, bottom + 28, "Launches", size=size, muted=True))
    frame.y = bottom + 34
    return frame.close()


def count_rows_svg(rows: Sequence[tuple[str, int, str | None]], *, title: str,
                   notes: Sequence[str] = (), what: str = "failures", width: float = 420,
                   kind: str = "bars", colour: str = FAILURE) -> str:
    """A bar per row, (label, count, tooltip); the label above its bar, the count right."""
    desc = (f"Number of {what}: " + "; ".join(f"{k}: {count(n)}" for k, n, _ in rows) + "."
            if rows else f"No {what}.")
    frame = Frame(width, kind, title, desc)
    frame.heading(notes)
    x0, x1 = frame.pad, width - frame.pad
    most = max((n for _, n, _ in rows), default=0)
    scale = ticks(most, 4) if most else [0.0, 1.0]
    y = frame.y + 14
    frame.parts.append(text(x0, y, f"Number of {what}", size=SMALL_SIZE, muted=True))
    top = y + 8
    y = top + 16
    for key, n, tip in rows:
        frame.parts.append(text(x0, y, fit(key, x1 - x0 - 60), bold=True,
                                tooltip=tip or None))
        frame.parts.append(text(x1, y, count(n), anchor="end"))
        w = (x1 - x0) * n / scale[-1]
        frame.parts.append(f'<rect x="{num(x0)}" y="{num(y + 6)}" width="{num(w)}" height="10" '
                           f'fill="{colour}" fill-opacity="0.7" class="bar failure">'
                           f"<title>{esc(key)}: {count(n)} {esc(what)}</title></rect>")
        y += 34
    bottom = y - 34 + 20 if rows else top + 20
    for v in scale:
        x = x0 + (x1 - x0) * v / scale[-1]
        frame.parts.insert(0, gridline(x, top, x, bottom, strong=v == 0))
        anchor = "start" if v == 0 else "end" if v == scale[-1] else "middle"
        frame.parts.append(text(x, bottom + 14, count(v), anchor=anchor, size=SMALL_SIZE))
    if not rows:
        frame.parts.append(text(width / 2, top + 14, f"No {what}", anchor="middle"))
    frame.y = bottom + 20
    return frame.close()
