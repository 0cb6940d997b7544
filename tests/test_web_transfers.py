"""Events and transfers on the launch pages: Mars 2's events, its porkchop (the 1971
window with Cosmos 419, Mars 2 and Mars 3 marked) and its arc, as SVG that parses as
XML; the figures in the page's JSON twin; the chart functions on their own.

Over a real SQLite store, on a bare FastAPI app with the web router (as in
``test_web_pages.py``).
"""

from __future__ import annotations

import datetime as dt
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import fixture_path
from kosmochron.store import Store, open_store
from kosmochron.web import charts
from kosmochron.web import transfer_charts as tc
from kosmochron.web.pages import router

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_store(str(tmp_path_factory.mktemp("web-transfers") / "kc.sqlite3")) as s:
        yield s


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    app = FastAPI()
    app.state.store = store
    app.include_router(router)
    return TestClient(app)


def launch_url(store: Store, name: str) -> str:
    [entry_id] = store.lookup(f"name:{name}")
    return f"/launches/{entry_id}"


def svgs(html: str) -> dict[str, ET.Element]:
    """The page's inline SVGs, parsed as XML, by their chart class."""
    found = {}
    for text in re.findall(r"<svg\b.*?</svg>", html, re.S):
        svg = ET.fromstring(text)
        kind = (svg.get("class") or "").split()[-1]
        found[kind] = svg
    return found


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG_NS}text")]


def test_mars2_page_shows_events_porkchop_and_arc(client: TestClient, store: Store) -> None:
    response = client.get(launch_url(store, "Mars 2"))
    assert response.status_code == 200
    html = response.text
    assert re.search(r"<h3[^>]*>Events</h3>", html)
    assert "27 November 1971" in html and "reaching Mars on 27 November 1971" in html
    assert "<h3>Transfer to Mars</h3>" in html
    assert "8.11 km²/s²" in html and "2.91 km/s" in html and "-27.2°" in html
    assert "5 days before it" in html and "191.8 days" in html
    charts_ = svgs(html)
    porkchop, arc = charts_["chart-porkchop"], charts_["chart-transfer-arc"]
    for svg in (porkchop, arc):
        assert svg.get("role") == "img" and svg.get("aria-label")
        assert svg[0].tag == f"{SVG_NS}title" and svg[1].tag == f"{SVG_NS}desc"
    labels = texts(porkchop)
    assert {"Cosmos 419", "Mars 2", "Mars 3"} <= set(labels)
    marks = porkchop.findall(f".//{SVG_NS}g[@class='launch-mark']")
    assert len(marks) == 3
    assert len(porkchop.findall(f".//{SVG_NS}circle[@class='current']")) == 1  # Mars 2 ringed
    assert porkchop.find(f".//{SVG_NS}g[@class='best']") is not None  # the minimum
    desc = porkchop[1].text or ""
    assert "Minimum 7.87 km²/s² departing 1971-05-24" in desc
    assert "Mars 2: launched 1971-05-19, arrived 1971-11-27 (success)" in desc
    assert "Cosmos 419: launched 1971-05-10, no arrival (failure)" in desc
    assert len(porkchop.findall(f".//{SVG_NS}rect")) > 200  # the coloured C3 bands
    assert {"Earth 1971-05-19", "Mars 1971-11-27"} <= set(texts(arc))
    assert arc.find(f".//{SVG_NS}path[@class='arc']") is not None


def test_json_twin_has_events_and_figures(client: TestClient, store: Store) -> None:
    data = client.get(launch_url(store, "Mars 2") + ".json").json()
    [mars2] = data["payloads"]
    assert mars2["item_id"] == data["item_ids"][0]
    assert ("arrival", "1971-11-27", "Mars") in [
        (e["kind"], e["date"] and e["date"]["start"], e["body"]) for e in mars2["events"]]
    t = mars2["transfer"]
    assert f"{t['transfer']['c3_km2_s2']:.3g}" == "8.11"
    assert f"{t['transfer']['vinf_arrival_km_s']:.3g}" == "2.91"
    assert t["window"]["days_from_optimum"] == -5.0 and t["suspect"] is False
    assert [m["name"] for m in t["window"]["launches"]] == ["Cosmos 419", "Mars 2", "Mars 3"]
    assert "c3_km2_s2" not in t["window"]  # the 1 MB grid stays in the API
    assert t["geometry"]["arc"][0] == t["geometry"]["earth_at_departure"]


def test_failed_launch_has_events_but_no_transfer(client: TestClient, store: Store) -> None:
    html = client.get(launch_url(store, "Cosmos 419")).text
    assert re.search(r"<h3[^>]*>Events</h3>", html) and "reentry" in html
    assert "Transfer to" not in html and "chart-porkchop" not in html
    data = client.get(launch_url(store, "Cosmos 419") + ".json").json()
    assert data["payloads"][0]["transfer"] is None


def test_one_window_drawn_once_per_launch(client: TestClient, store: Store) -> None:
    """Phobos 1's sub-payload was carried aboard it: no transfer report of its own
    (issue 12; it repeated Phobos 1's), but the reason.  One porkchop, and no arc
    (lost on the way, no arrival date)."""
    html = client.get(launch_url(store, "Phobos 1")).text
    charts_ = re.findall(r'class="chart chart-(porkchop|transfer-arc)"', html)
    assert charts_ == ["porkchop"]
    assert "No transfer to a planet: it was carried aboard Phobos 1, whose transfer it " \
           "shares." in html
    assert "Same launch window as" not in html
    assert "dates no arrival at Mars" in html
    data = client.get(launch_url(store, "Phobos 1") + ".json").json()
    assert [p["no_transfer"] for p in data["payloads"]] == [
        None, "it was carried aboard Phobos 1, whose transfer it shares"]


def test_a_launch_outside_any_window_says_so(client: TestClient, store: Store) -> None:
    """Zond 3 left for Mars in July 1965, months after the window: no "best" C3 from
    the grid's edge, but why there is none."""
    html = client.get(launch_url(store, "Zond 3")).text
    assert "Launch window</dt><dd>none: launched outside any Mars window: the lowest C3 " \
           "for launches within 60 days of it" in html
    assert "no window&#39;s minimum lies in the grid" in html or \
           "no window's minimum lies in the grid" in html
    [payload] = client.get(launch_url(store, "Zond 3") + ".json").json()["payloads"]
    window = payload["transfer"]["window"]
    assert window["best"] is None and window["note"] == payload["transfer"]["window_note"]
    assert window["edge_best"]["c3_km2_s2"] > 40


@pytest.fixture(scope="module")
def flybys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Store]]:
    with open_store(str(tmp_path_factory.mktemp("flybys") / "kc.sqlite3")) as s:
        s.ingest([fixture_path("events-flybys.txt")])
        app = FastAPI()
        app.state.store = s
        app.include_router(router)
        yield TestClient(app), s


def test_an_arrival_known_to_the_month_is_shown_as_an_interval(
        flybys: tuple[TestClient, Store]) -> None:
    client, store = flybys
    html = client.get(launch_url(store, "Venera 3")).text
    assert "known only to the month: March 1966, 1966-03-01 to 1966-03-31" in html
    assert "1965-11-16 to 1966-03-01…1966-03-31" in html
    [payload] = client.get(launch_url(store, "Venera 3") + ".json").json()["payloads"]
    t = payload["transfer"]
    assert t["arrival_interval"] == {"text": "March 1966", "precision": "month",
                                     "start": "1966-03-01", "end": "1966-03-31"}
    first, last = t["bounds"]
    assert first["tof_days"] < t["transfer"]["tof_days"] < last["tof_days"]
    assert t["transfer"]["arrive"][:10] == "1966-03-16"
    # The window marks the arrival at the interval's middle day.
    [mark] = [m for m in t["window"]["launches"] if m["name"] == "Venera 3"]
    assert mark["arrival"] == "1966-03-16"


def test_a_probe_that_never_left_earth_orbit_says_so(flybys: tuple[TestClient, Store]) -> None:
    client, store = flybys
    html = client.get(launch_url(store, "Cosmos 27")).text
    assert "No transfer to a planet: it never left Earth orbit: it decayed on 1964-03-29, " \
           "2 days after its launch." in html
    assert "Transfer to" not in html
    # Venera 1's only Venus word is its Program: it has a transfer.
    assert "Transfer to Venus" in client.get(launch_url(store, "Venera 1")).text


def test_pages_are_served_from_the_cache(client: TestClient, store: Store) -> None:
    url = launch_url(store, "Mars 3")
    client.get(url)  # computes and caches
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    assert time.perf_counter() - started < 1.0


# -- the chart functions -------------------------------------------------------------


def test_porkchop_svg_escapes_and_bands() -> None:
    days = [dt.datetime(2000, 1, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=k)
            for k in range(3)]
    grid: list[list[float | None]] = [[None, 5.0, 7.0], [9.0, 60.0, float("nan")],
                                      [None, None, None]]
    svg = tc.porkchop_svg(days, days, grid, target="Mars", title="<T>",
                              best=(days[0], days[1], 5.0),
                              marks=[tc.PorkchopMark("<script>x</script>", days[1],
                                                         days[2].date(), "success", True)])
    root = ET.fromstring(svg)
    assert root.get("aria-label") == "<T>"
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt;" in svg
    fills = {r.get("fill") for r in root.iter(f"{SVG_NS}rect")}
    assert {tc.C3_COLOURS[0], tc.C3_COLOURS[1], tc.C3_COLOURS[3],
            tc.C3_COLOURS[-1]} <= fills
    assert [tc.c3_band(v) for v in (None, float("nan"), 5.9, 6.0, 49.9, 50.0)] == \
        [None, None, 0, 1, 7, 8]


def test_a_crowded_window_merges_marks_and_names_a_few() -> None:
    """Hundreds of launches in one window (the 100,000-launch corpus has them) must not
    make a page of hundreds of labels: launches on one spot are one mark, at most a
    dozen marks are named where names do not overlap, twenty launches are told in
    words, and the page's own comes first."""
    days = [dt.datetime(2000, 1, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=k)
            for k in range(40)]
    grid: list[list[float | None]] = [[10.0] * 40 for _ in range(40)]
    marks = [tc.PorkchopMark(f"Probe {k}", days[k % 30], days[39].date(), "success")
             for k in range(300)]
    marks.append(tc.PorkchopMark("Ours", days[5], days[39].date(), "success", True))
    svg = tc.porkchop_svg(days, days, grid, target="Mars", title="Crowded", marks=marks)
    root = ET.fromstring(svg)
    groups = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "launch-mark"]
    assert len(groups) == 30, "one mark per spot"
    named = [g for g in groups if g.find(f"{SVG_NS}text") is not None]
    assert 3 <= len(named) <= tc.MARKS_NAMED
    assert named[0].findtext(f"{SVG_NS}text") == "Ours and 10 more"
    boxes = []
    for g in named:
        text = g.find(f"{SVG_NS}text")
        assert text is not None
        x, y = float(text.get("x", 0)), float(text.get("y", 0))
        boxes.append((x, y - 11, x + 2 + charts.BOLD_CHAR_W * len(text.text or ""), y + 3))
    assert not any(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
                   for i, a in enumerate(boxes) for b in boxes[i + 1:]), "names never overlap"
    assert named[0].find(f"{SVG_NS}circle[@class='current']") is not None
    tips = [g.findtext(f"{SVG_NS}title") or "" for g in groups]
    assert tips[0].startswith("Ours, Probe 5, Probe 35") and tips[1].count("Probe") == 10
    desc = root.findtext(f"{SVG_NS}desc") or ""
    assert desc.count("launched") == tc.MARKS_TOLD and "Ours: launched" in desc
    assert desc.endswith(f"And {301 - tc.MARKS_TOLD} more launches in this window.")
    assert len(svg) < 40_000


def test_transfer_arc_svg_to_scale() -> None:
    circle = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0], [1.0, 0.0]]
    outer = [[1.5 * x, 1.5 * y] for x, y in circle]
    svg = tc.transfer_arc_svg(circle, outer, [[1.0, 0.0], [0.0, 1.2], [-1.5, 0.0]],
                                  target="Mars", title="Arc & <orbits>",
                                  points=[tc.ArcPoint("Earth & co", 1.0, 0.0, "Earth"),
                                          tc.ArcPoint("Mars", -1.5, 0.0, "Mars")])
    root = ET.fromstring(svg)
    assert root.get("aria-label") == "Arc & <orbits>"
    assert "Earth & co" in texts(root) and "1 AU" in texts(root)
    assert len(root.findall(f".//{SVG_NS}path[@class='arc']")) == 1

