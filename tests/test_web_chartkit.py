"""The drawing kit: measured text, fitting and wrapping, nice ticks, legends, frames."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from kosmochron.web import chartkit
from kosmochron.web.chartkit import Frame, Key, count, fit, measure, ticks, wrap, year_ticks
from kosmochron.web.textwidth import text_width

NS = "{http://www.w3.org/2000/svg}"


def test_text_width_is_dejavu_sans() -> None:
    # DejaVu Sans: digits are 0.636 em, "i" 0.278, "W" 0.989; bold is wider.
    assert text_width("0", 10) == 6.36
    assert text_width("iW", 100) == 27.8 + 98.9
    assert text_width("Proton", bold=True) > text_width("Proton")
    assert text_width("火") == 12.0  # unknown characters count a full em


def test_counts_have_thousands_separators() -> None:
    assert count(38095) == "38,095" and count(1234567.0) == "1,234,567"
    assert count(2.5) == "2.5" and count(0) == "0"


@given(st.text(min_size=1, max_size=80), st.floats(20, 400))
def test_fit_never_exceeds_its_room(words: str, room: float) -> None:
    shown = fit(words, room)
    assert shown == words or shown.endswith("…")
    if shown != words:
        assert measure(shown) <= room or len(shown) == 1


@given(st.lists(st.text("abcdefghij", min_size=1, max_size=12), min_size=1, max_size=20),
       st.floats(60, 500))
def test_wrap_keeps_every_word_within_the_room(words: list[str], room: float) -> None:
    lines = wrap(" ".join(words), room)
    assert all(measure(line) <= room for line in lines)
    shown = " ".join(lines).split()
    assert len(shown) == len(words)  # every word, in order, whole or cut with an ellipsis
    for word, written in zip(words, shown, strict=True):
        assert written == word or (written.endswith("…") and word.startswith(written[:-1]))


def test_ticks_are_round_and_cover_the_top() -> None:
    assert ticks(732) == [0, 200, 400, 600, 800]
    assert ticks(4) == [0, 1, 2, 3, 4]
    assert ticks(0.7, whole=False)[-1] >= 0.7
    assert year_ticks(1957, 2025, 400) == [1960, 1970, 1980, 1990, 2000, 2010, 2020]


@given(st.floats(1, 1e6))
def test_ticks_hold_any_top(top: float) -> None:
    values = ticks(top)
    assert values[0] == 0 and values[-1] >= top and len(values) <= 7


def test_a_frame_is_an_accessible_svg_with_a_wrapped_title() -> None:
    frame = Frame(200, "demo", "A long title that says which launches are shown " * 2,
                  "What it shows <in words>")
    frame.heading(["A note"])
    frame.legend([Key("rect", "#123456", "one"), Key("failure", chartkit.FAILURE, "two"),
                  Key("whisker", chartkit.INK, "three"), Key("hatch", "#777", "four")],
                 frame.hatch("h"))
    root = ET.fromstring(frame.close())
    assert root.get("role") == "img" and root.get("aria-label", "").startswith("A long")
    assert root[0].tag == f"{NS}title" and root[1].text == "What it shows <in words>"
    titles = [t for t in root.iter(f"{NS}text") if t.get("class") == "chart-title"]
    assert len(titles) > 2  # wrapped to the width
    assert root.find(f".//{NS}pattern[@id='h']") is not None
    assert float(root.get("height", "0")) > 100
