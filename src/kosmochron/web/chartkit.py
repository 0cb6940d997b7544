"""What every chart shares: measured text, wrapped titles, nice axes with ticks and
thousands separators, legends that wrap, and the SVG frame.

Charts are drawn on the server (the UI works without JavaScript), so nothing can ask
the browser how wide a label is: :mod:`.textwidth` measures it in DejaVu Sans, one
of the widest sans-serif faces, and layout makes room for that or cuts the label
with an ellipsis (the whole text stays as a tooltip) or wraps it.  Text is
``currentColor`` (the page's foreground in light and dark mode alike); colours of
marks are presentation attributes with a class the stylesheet can retune for dark
mode, so a downloaded SVG looks right on its own.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .textwidth import text_width

SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
INK = "currentColor"
SUCCESS, FAILURE, EVENT = "#1a7f37", "#c62828", "#6b6b6b"
#: Categories (families, states …) in a colour-blind-safe order (Okabe & Ito), then
#: grey for "other".  Mid-tones: they read on a light and on a dark background.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#B8A100",
           "#8C6D31")
OTHER = "#8f8f8f"
TITLE_SIZE, TEXT_SIZE, SMALL_SIZE = 14.0, 12.0, 11.0


def esc(value: object) -> str:
    """Text for SVG/XML content or attributes (quotes too)."""
    return html.escape(str(value), quote=True)


def num(x: float) -> str:
    """A coordinate, short: two decimals at most."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def count(n: float) -> str:
    """A count with thousands separators: ``38,095``."""
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.2f}".rstrip("0").rstrip(".")


def percent(x: float | None, digits: int = 0) -> str:
    return "–" if x is None else f"{x * 100:.{digits}f}%"


def measure(text: str, size: float = TEXT_SIZE, bold: bool = False) -> float:
    return text_width(text, size, bold=bold)


def fit(text: str, room: float, size: float = TEXT_SIZE, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``room`` pixels (whole if it fits)."""
    if measure(text, size, bold) <= room:
        return text
    while text and measure(text + "…", size, bold) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, room: float, size: float = TEXT_SIZE, bold: bool = False) -> list[str]:
    """``text`` in lines of at most ``room`` pixels, broken at spaces (a word longer
    than a line is cut with an ellipsis)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if measure(candidate, size, bold) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = fit(word, room, size, bold)
    if line:
        lines.append(line)
    return lines or [""]


def text(x: float, y: float, content: str, *, anchor: str = "start",
         size: float | None = None, bold: bool = False, cls: str | None = None,
         muted: bool = False, tooltip: str | None = None) -> str:
    attrs = f'x="{num(x)}" y="{num(y)}" fill="{INK}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if size is not None:
        attrs += f' font-size="{num(size)}"'
    if bold:
        attrs += ' font-weight="700"'
    if muted:
        attrs += ' fill-opacity="0.75"'
    if cls:
        attrs += f' class="{esc(cls)}"'
    inner = (f"<title>{esc(tooltip)}</title>" if tooltip else "") + esc(content)
    return f"<text {attrs}>{inner}</text>"


def label(x: float, y: float, content: str, room: float, *, anchor: str = "end",
          size: float = TEXT_SIZE, bold: bool = False) -> str:
    """A label cut to ``room`` pixels; a cut one keeps its whole text as a tooltip."""
    shown = fit(content, room, size, bold)
    return text(x, y, shown, anchor=anchor, size=None if size == TEXT_SIZE else size,
                bold=bold, tooltip=content if shown != content else None)


def nice_step(span: float, most: int = 5) -> float:
    """A step of 1, 2, 2.5 or 5 × 10ⁿ giving at most ``most`` steps over ``span``."""
    if span <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(span / most))
    for m in (1, 2, 2.5, 5, 10):
        if span / (m * power) <= most:
            return m * power
    return 10 * power


def ticks(top: float, most: int = 5, *, whole: bool = True) -> list[float]:
    """Tick values from 0 to at least ``top``: ``ticks(732)`` is 0, 200 … 800."""
    step = nice_step(max(top, 1e-9), most)
    if whole:
        step = max(1.0, math.ceil(step))
    n = max(1, math.ceil(top / step))
    return [i * step for i in range(n + 1)]


def year_ticks(first: int, last: int, room: float) -> list[int]:
    """Years to label on an axis ``room`` pixels wide: a round step that leaves each
    label about 44 pixels."""
    most = max(2, int(room // 44))
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100) if (last - first) / s <= most), 100)
    start = first + (-first % step)
    return list(range(start, last + 1, step))


# -- legends ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Key:
    """A legend entry: a swatch (``rect``, ``hatch``, ``success``, ``failure``, ``event``,
    ``whisker``, ``dot``, ``circle``) in a colour, and its words."""

    swatch: str
    colour: str
    words: str


def swatch(key: Key, x: float, y: float, hatch_id: str | None = None) -> str:
    """The swatch of ``key`` in a 12 × 12 box whose top left is (x, y)."""
    cx, cy = x + 6, y + 6
    if key.swatch == "success":
        return (f'<circle cx="{num(cx)}" cy="{num(cy)}" r="5" fill="{key.colour}" '
                'class="mark success"/>')
    if key.swatch == "failure":
        return (f'<path d="M{num(x + 1)} {num(y + 1)}L{num(x + 11)} {num(y + 11)}M{num(x + 1)} '
                f'{num(y + 11)}L{num(x + 11)} {num(y + 1)}" stroke="{key.colour}" '
                'stroke-width="2.5" stroke-linecap="round" class="mark failure"/>')
    if key.swatch == "event":
        return (f'<path d="M{num(cx)} {num(y)}L{num(x + 12)} {num(cy)}L{num(cx)} {num(y + 12)}'
                f'L{num(x)} {num(cy)}Z" fill="{key.colour}" class="mark event"/>')
    if key.swatch == "whisker":
        return (f'<path d="M{num(x)} {num(cy)}H{num(x + 12)}M{num(x)} {num(y + 2)}V{num(y + 10)}'
                f'M{num(x + 12)} {num(y + 2)}V{num(y + 10)}" stroke="{INK}" stroke-width="1.5" '
                'fill="none"/>')
    if key.swatch in ("dot", "circle"):
        return (f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{4 if key.swatch == "dot" else 5.5}" '
                f'fill="{key.colour}" fill-opacity="0.8"/>')
    rect = f'<rect x="{num(x)}" y="{num(y)}" width="12" height="12" fill="{key.colour}"/>'
    if key.swatch == "hatch" and hatch_id:
        rect += (f'<rect x="{num(x)}" y="{num(y)}" width="12" height="12" '
                 f'fill="url(#{hatch_id})"/>')
    return rect


def legend(keys: Sequence[Key], x: float, y: float, room: float,
           hatch_id: str | None = None) -> tuple[list[str], float]:
    """The keys in rows that wrap within ``room`` pixels from (x, y), the top of the
    first row; returns the parts and the y below the last row."""
    parts: list[str] = []
    cx, row_h = x, 18.0
    for key in keys:
        words = fit(key.words, room - 18)
        w = 18 + measure(words) + 14
        if cx > x and cx + w - 14 > x + room:
            cx, y = x, y + row_h
        parts.append(swatch(key, cx, y + 1, hatch_id))
        parts.append(text(cx + 18, y + 11, words))
        cx += w
    return parts, y + row_h


# -- the frame ------------------------------------------------------------------------------

@dataclass(slots=True)
class Frame:
    """An SVG being drawn: its width, the parts so far and where the next goes (``y``).

    Every chart starts with its title (bold, wrapped to the width: it states the
    selection) and optional notes, and ends with :meth:`close`, which writes the
    ``<svg>`` element with the height it came to, ``role="img"``, an accessible name
    (the title) and a description in words."""

    width: float
    kind: str
    title: str
    desc: str
    pad: float = 10.0
    parts: list[str] = field(default_factory=list)
    y: float = 0.0
    defs: list[str] = field(default_factory=list)

    def heading(self, notes: Sequence[str] = ()) -> None:
        room = self.width - 2 * self.pad
        y = self.pad + TITLE_SIZE
        for line in wrap(self.title, room, TITLE_SIZE, bold=True):
            self.parts.append(text(self.pad, y, line, size=TITLE_SIZE, bold=True,
                                   cls="chart-title"))
            y += TITLE_SIZE * 1.3
        for note in notes:
            for line in wrap(note, room, SMALL_SIZE):
                self.parts.append(text(self.pad, y, line, size=SMALL_SIZE, muted=True))
                y += SMALL_SIZE * 1.35
        self.y = y + 2

    def legend(self, keys: Sequence[Key], hatch_id: str | None = None) -> None:
        parts, self.y = legend(keys, self.pad, self.y, self.width - 2 * self.pad, hatch_id)
        self.parts += parts
        self.y += 4

    def hatch(self, ident: str) -> str:
        """A diagonal hatching pattern (for failures on coloured bars); its id."""
        self.defs.append(f'<pattern id="{esc(ident)}" width="5" height="5" '
                         'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                         '<rect width="5" height="5" fill="#000" fill-opacity="0.15"/>'
                         '<line x1="0" y1="0" x2="0" y2="5" stroke="#000" stroke-opacity="0.55" '
                         'stroke-width="2.5"/></pattern>')
        return ident

    def close(self, height: float | None = None) -> str:
        h = math.ceil(height if height is not None else self.y + self.pad)
        w = num(self.width)
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{esc(self.kind)}" '
                f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
                f'aria-label="{esc(self.title)}" font-family="{esc(SANS)}" font-size="12">'
                f"<title>{esc(self.title)}</title><desc>{esc(self.desc)}</desc>")
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        return head + defs + "".join(self.parts) + "</svg>"


def gridline(x1: float, y1: float, x2: float, y2: float, *, strong: bool = False) -> str:
    return (f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
            f'stroke="{INK}" stroke-opacity="{0.6 if strong else 0.15}"/>')


def value_axis(frame: Frame, *, left: float, right: float, top: float, bottom: float,
               values: Sequence[float], caption: str, fmt: str = "count") -> None:
    """A vertical value axis: gridlines across the plot at ``values`` (0 at ``bottom``,
    the last at ``top``), labels right-aligned left of ``left``, the axis caption above."""
    most = values[-1] or 1.0
    for v in values:
        y = bottom - (bottom - top) * v / most
        frame.parts.append(gridline(left, y, right, y, strong=v == 0))
        words = percent(v) if fmt == "percent" else count(v)
        frame.parts.append(text(left - 6, y + 4, words, anchor="end"))
    frame.parts.append(text(frame.pad, top - 10, caption, muted=True, size=SMALL_SIZE))


def axis_width(values: Sequence[float], fmt: str = "count") -> float:
    """Room the value axis's labels need."""
    words = [percent(v) if fmt == "percent" else count(v) for v in values]
    return max((measure(w) for w in words), default=20) + 12
