"""How wide text is, for laying out SVG charts on the server.

Advance widths (thousandths of an em) of DejaVu Sans and DejaVu Sans Bold, the
sans-serif fallback on Linux and one of the widest common sans-serif faces (wider
than Segoe UI, San Francisco, Roboto or Helvetica), so a label measured here fits in
whichever face the browser picks.  Generated once from the fonts' ``hmtx`` tables
with fontTools; a character missing here counts as a full em (CJK is about that).
"""

from __future__ import annotations

_CHARS = (' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ['
          '\\]^_`abcdefghijklmnopqrstuvwxyz{|}~–—…●✕◆×°±≥≤²³µ·•’‘“”éèêëáàâäãåçíìîïóòôöõúùûüñßÉÅÖÜ€£¥←→↑↓▲▼■□○✓⚠')
_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698,
    770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
    684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
    525, 636, 337, 636, 838, 500, 1000, 1000, 873, 838, 769, 838, 500, 838, 838, 838, 401, 401,
    636, 318, 590, 318, 318, 518, 518, 615, 615, 615, 615, 613, 613, 613, 613, 613, 613, 550,
    278, 278, 278, 278, 612, 612, 612, 612, 612, 634, 634, 634, 634, 634, 630, 632, 684, 787,
    732, 636, 636, 636, 838, 838, 838, 838, 769, 769, 945, 945, 873, 838, 896,
)
_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734,
    830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812,
    774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716,
    712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652,
    582, 712, 365, 712, 838, 500, 1000, 1000, 873, 838, 769, 838, 500, 838, 838, 838, 438, 438,
    736, 380, 639, 380, 380, 657, 657, 678, 678, 678, 678, 675, 675, 675, 675, 675, 675, 593,
    343, 343, 343, 343, 687, 687, 687, 687, 687, 712, 712, 712, 712, 712, 719, 683, 774, 850,
    812, 696, 696, 696, 838, 838, 838, 838, 769, 769, 945, 945, 873, 838, 896,
)

REGULAR: dict[str, int] = dict(zip(_CHARS, _REGULAR, strict=True))
BOLD: dict[str, int] = dict(zip(_CHARS, _BOLD, strict=True))


def text_width(text: str, size: float = 12.0, *, bold: bool = False) -> float:
    """The width of ``text`` set at ``size`` px (DejaVu Sans, or Bold)."""
    widths = BOLD if bold else REGULAR
    return sum(widths.get(ch, 1000) for ch in text) * size / 1000
