"""Cadence: stacked launches per year, failures hatched, the value axis ticked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kosmochron.web.cadence_charts import Cell, cadence_svg, top_groups
from kosmochron.web.chartkit import OTHER, PALETTE
from test_web_reliability_charts import parse, texts_fit

NS = "{http://www.w3.org/2000/svg}"


def cells() -> list[Cell]:
    return [Cell(1960, "USSR", 2, 2), Cell(1962, "USSR", 3, 2), Cell(1962, "USA", 5, 1),
            Cell(1996, "Russia", 1, 1)]


def test_bars_stack_the_groups_and_hatch_the_failures() -> None:
    root = parse(cadence_svg(cells(), title="Launches per year by nation: all launches",
                             stacked_by="nation", ident="t"))
    texts_fit(root)
    years = root.findall(f".//{NS}g[@class='year']")
    assert len(years) == 3
    tip = years[1].findtext(f"{NS}title")
    assert tip == "1962: 8 launches, 3 failed (USA 5, USSR 3)"
    fills = [r.get("fill") for r in years[1].iter(f"{NS}rect")]
    assert fills == [PALETTE[0], "url(#hatch-t)", PALETTE[1], "url(#hatch-t)"]
    rects = list(years[1].iter(f"{NS}rect"))
    assert float(rects[0].get("height", "0")) == pytest.approx(5 / 3 * float(
        rects[2].get("height", "0")))
    assert root.find(f".//{NS}pattern[@id='hatch-t']") is not None
    words = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    assert {"Launches per year", "1960", "1990", "8", "0"} <= set(words)


def test_many_groups_share_an_other_band_and_counts_get_separators() -> None:
    many = [Cell(2000, f"state {i}", 1000 + i, 0) for i in range(12)]
    assert len(top_groups(many)) == len(PALETTE) - 1
    root = ET.fromstring(cadence_svg(many, title="t"))
    assert any(r.get("fill") == OTHER for r in root.iter(f"{NS}rect"))
    words = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    assert any("," in w and w.replace(",", "").isdigit() for w in words)


def test_links_and_the_empty_chart() -> None:
    root = ET.fromstring(cadence_svg(cells(), title="t", href=lambda y: f"/?year={y}"))
    assert [a.get("href") for a in root.iter(f"{NS}a")] == ["/?year=1960", "/?year=1962",
                                                             "/?year=1996"]
    empty = ET.fromstring(cadence_svg([], title="t"))
    assert "No dated launches" in ["".join(t.itertext()) for t in empty.iter(f"{NS}text")]
