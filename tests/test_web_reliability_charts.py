"""Rates with intervals, learning curves and count rows as SVG: valid, accessible,
escaped, positions that encode the data, and text that stays inside the box."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from kosmochron.stats import wilson_interval
from kosmochron.web.chartkit import measure
from kosmochron.web.reliability_charts import (
    RateItem,
    Step,
    count_rows_svg,
    learning_svg,
    reliability_svg,
)

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & \'quotes\''


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root[0].tag == f"{NS}title"
    assert root[1].tag == f"{NS}desc" and root[1].text
    return root


def texts_fit(root: ET.Element) -> None:
    """Every text's measured extent lies inside the SVG's width."""
    width = float(root.get("width", "0"))
    for t in root.iter(f"{NS}text"):
        words = "".join(t.itertext()) if t.find(f"{NS}title") is None \
            else (t.text or "") + "".join(c.tail or "" for c in t)
        size = float(t.get("font-size", "12"))
        w = measure(words, size, t.get("font-weight") == "700")
        x = float(t.get("x", "0"))
        left = {"end": x - w, "middle": x - w / 2}.get(t.get("text-anchor", ""), x)
        assert left >= -0.5 and left + w <= width + 0.5, (words, left, w, width)


def item(label: str, n: int, ok: int) -> RateItem:
    return RateItem(label, n, ok, *wilson_interval(ok, n))


def test_reliability_rows_encode_rate_and_interval() -> None:
    rows = [item("Proton", 12, 8), item("R-7", 9, 3), item("Soyuz", 57142, 38095)]
    root = parse(reliability_svg(rows, title="Success rate by family: all launches",
                                 notes=["at least 5 attempts"]))
    texts_fit(root)
    words = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    assert "67% · 8 of 12 · 39%–86%" in words
    assert "67% · 38,095 of 57,142 · 66%–67%" in words  # thousands separators, no clipping
    bars = [r for r in root.iter(f"{NS}rect") if "bar" in (r.get("class") or "")]
    assert len(bars) == 3
    width = float(root.get("width", "0"))
    assert float(bars[0].get("width", "0")) == pytest.approx((width - 20) * 8 / 12, abs=0.01)
    whiskers = [p for p in root.iter(f"{NS}path") if p.get("class") == "interval"]
    start = re.match(r"M([\d.]+)", whiskers[1].get("d", ""))
    low = rows[1].low
    assert start and low is not None
    assert float(start.group(1)) == pytest.approx(10 + (width - 20) * low, abs=0.01)


def test_a_long_label_is_cut_with_its_whole_text_kept() -> None:
    name = "A very long vehicle family name that could never fit beside its figures " * 2
    root = parse(reliability_svg([item(name, 10, 9), item(HOSTILE, 3, 1)], title=HOSTILE))
    texts_fit(root)
    cut = next(t for t in root.iter(f"{NS}text") if t.find(f"{NS}title") is not None)
    shown = "".join(c.tail or "" for c in cut)
    assert cut.findtext(f"{NS}title") == name and shown.endswith("…")
    assert root.get("aria-label") == HOSTILE  # escaped in the source, intact in the tree


def test_reliability_with_no_rows_says_so() -> None:
    root = parse(reliability_svg([], title="Nothing"))
    assert "No group has enough launches" in ["".join(t.itertext())
                                               for t in root.iter(f"{NS}text")]


def test_learning_curve_points_sit_at_their_rates() -> None:
    steps = [Step("1–5", item("1–5", 10, 3), 2), Step("6–10", item("6–10", 9, 7), 2),
             Step("46–50", item("46–50", 2, 1), 1)]
    root = parse(learning_svg(steps, title="Success by flight number: all launches"))
    texts_fit(root)
    dots = [c for g in root.iter(f"{NS}g") if g.get("class") == "step"
            for c in g.iter(f"{NS}circle")]
    ys = [float(c.get("cy", "0")) for c in dots]
    assert ys[1] < ys[2] < ys[0]  # 78% above 50% above 30%
    words = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    assert {"1–5", "6–10", "46–50", "100%", "0%"} <= set(words)


def test_count_rows() -> None:
    root = parse(count_rows_svg([("Stage 3", 1234, None), ("Payload shroud (fairing)", 1,
                                                           "Failed Stage S")],
                                title="Failed launches by stage: all launches",
                                what="failed launches"))
    texts_fit(root)
    words = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    assert "1,234" in words
