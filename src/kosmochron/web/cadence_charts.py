"""Cadence: launches per year as stacked bars, by state or family, failures hatched.

The biggest groups get a colour each (largest at the bottom of every bar), the rest
are one grey "other" band; within each group's band its failed launches are the
hatched top part, so failures are told by texture as well as by the tooltip.  The
value axis has nice ticks with thousands separators, the year axis round years.
Size stays small at any scale: one ``<g>`` per year with one tooltip summing it up,
bare rectangles inside.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .chartkit import (
    OTHER,
    PALETTE,
    SMALL_SIZE,
    Frame,
    Key,
    axis_width,
    count,
    esc,
    gridline,
    num,
    text,
    ticks,
    value_axis,
    year_ticks,
)

#: Groups drawn in a colour of their own; the rest are "other".
MOST_GROUPS = len(PALETTE)


@dataclass(frozen=True, slots=True)
class Cell:
    """One group's launches (and failures) in one year."""

    year: int
    key: str
    launches: int
    failures: int


def top_groups(cells: Sequence[Cell], most: int = MOST_GROUPS) -> list[str]:
    """The groups with the most launches, most first; all of them if they fit, else
    ``most - 1`` so that "other" takes the last colour."""
    totals: dict[str, int] = {}
    for c in cells:
        totals[c.key] = totals.get(c.key, 0) + c.launches
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    return ranked if len(ranked) <= most else ranked[:most - 1]


def _year_bar(year: int, cells: list[Cell], groups: list[str], x: float, bar_w: float,
              base: float, unit: float, hatch: str) -> str:
    """One year's stack: each group's band, failures hatched at its top."""
    by_group: dict[str, list[int]] = {}
    for c in cells:
        key = c.key if c.key in groups else "other"
        tally = by_group.setdefault(key, [0, 0])
        tally[0] += c.launches
        tally[1] += c.failures
    parts, y = [], base
    order = [g for g in groups if g in by_group] + (["other"] if "other" in by_group else [])
    for key in order:
        n, failed = by_group[key]
        h = n * unit
        y -= h
        colour = PALETTE[groups.index(key)] if key in groups else OTHER
        parts.append(f'<rect x="{num(x)}" y="{num(y)}" width="{num(bar_w)}" '
                     f'height="{num(max(h, 0.5))}" fill="{colour}"/>')
        if failed:
            parts.append(f'<rect x="{num(x)}" y="{num(y)}" width="{num(bar_w)}" '
                         f'height="{num(max(failed * unit, 0.5))}" fill="url(#{hatch})" '
                         'class="failed"/>')
    total = sum(v[0] for v in by_group.values())
    failed_total = sum(v[1] for v in by_group.values())
    detail = ", ".join(f"{k} {count(by_group[k][0])}" for k in order)
    tip = (f"{year}: {count(total)} launch{'es' if total != 1 else ''}, "
           f"{count(failed_total)} failed ({detail})")
    return f'<g class="year"><title>{esc(tip)}</title>{"".join(parts)}</g>'


def cadence_svg(cells: Sequence[Cell], *, title: str, notes: Sequence[str] = (),
                stacked_by: str = "family", width: float = 560, ident: str = "cadence",
                href: Callable[[int], str] | None = None) -> str:
    """Launches per year stacked by group; ``ident`` makes the hatch pattern's id
    unique on a page with several charts."""
    groups = top_groups(cells)
    totals: dict[int, int] = {}
    failed: dict[int, int] = {}
    for c in cells:
        totals[c.year] = totals.get(c.year, 0) + c.launches
        failed[c.year] = failed.get(c.year, 0) + c.failures
    desc = (f"Launches per year, stacked by {stacked_by}; failed launches hatched. "
            + (f"{count(sum(totals.values()))} launches, {count(sum(failed.values()))} failed, "
               f"{min(totals)}–{max(totals)}; busiest year {max(totals, key=totals.__getitem__)} "
               f"with {count(max(totals.values()))}." if totals else "No launches."))
    frame = Frame(width, "cadence", title, desc)
    hatch = frame.hatch(f"hatch-{ident}")
    frame.heading(notes)
    keys = [Key("rect", PALETTE[i], g) for i, g in enumerate(groups)]
    if len({c.key for c in cells}) > len(groups):
        keys.append(Key("rect", OTHER, f"other {stacked_by} values"))
    frame.legend([*keys, Key("hatch", OTHER, "failed launches (hatched)")], hatch)
    values = ticks(max(totals.values(), default=1), 5)
    left = frame.pad + axis_width(values)
    right = width - frame.pad
    top, plot_h = frame.y + 20, 200.0
    bottom = top + plot_h
    value_axis(frame, left=left, right=right, top=top, bottom=bottom, values=values,
               caption="Launches per year")
    if not totals:
        frame.parts.append(text((left + right) / 2, top + plot_h / 2, "No dated launches",
                                anchor="middle"))
        frame.y = bottom + 10
        return frame.close()
    first, last = min(totals), max(totals)
    band = (right - left) / (last - first + 1)
    bar_w = max(1.0, band * 0.8)
    unit = plot_h / values[-1]
    by_year: dict[int, list[Cell]] = {}
    for c in cells:
        by_year.setdefault(c.year, []).append(c)
    for year in sorted(by_year):
        x = left + (year - first) * band + (band - bar_w) / 2
        bar = _year_bar(year, by_year[year], groups, x, bar_w, bottom, unit, hatch)
        if href is not None:
            bar = f'<a href="{esc(href(year))}" tabindex="-1">{bar}</a>'
        frame.parts.append(bar)
    for year in year_ticks(first, last, right - left):
        x = left + (year - first + 0.5) * band
        frame.parts.append(gridline(x, bottom, x, bottom + 4, strong=True))
        frame.parts.append(text(x, bottom + 16, str(year), anchor="middle"))
    frame.parts.append(text(right, bottom + 30, "Year", anchor="end", size=SMALL_SIZE,
                            muted=True))
    frame.y = bottom + 34
    return frame.close()
