"""The web UI's pages over a real SQLite store: every page and its JSON twin,
filters and facet counts, errors, accessibility basics and escaping.

The router is tested on a bare FastAPI app (the router plus the static
files), so these tests need nothing from the REST API module.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient
from markupsafe import escape

from conftest import fixture_path
from kosmochron.store import Store, open_store
from kosmochron.validate import rule_doc
from kosmochron.web import timelines as web_timelines
from kosmochron.web.pages import router, static_dir

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "web-script-injection.txt"
GCAT_SAMPLE = FIXTURES / "gcat-psatcat-sample.tsv"
SVG_NS = "{http://www.w3.org/2000/svg}"


def make_app(store: Store) -> FastAPI:
    app = FastAPI()
    app.state.store = store
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=static_dir), name="static")
    return app


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The seed with GCAT links, alone: counts are the seed's."""
    with open_store(str(tmp_path_factory.mktemp("web") / "kc.sqlite3")) as s:
        s.import_gcat(GCAT_SAMPLE)
        yield s


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    return TestClient(make_app(store))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The seed plus a chronology whose every text is markup or script."""
    with open_store(str(tmp_path_factory.mktemp("hostile") / "kc.sqlite3")) as s:
        s.ingest([HOSTILE])
        yield TestClient(make_app(s))


def entry_id(store: Store, payload: str) -> int:
    ids = store.lookup(f"name:{payload}")
    assert len(ids) == 1, ids
    return ids[0]


class PageAudit(HTMLParser):
    """What the tests check in a page's markup: headings, ids, labels, controls, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.open: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "label" and a.get("for"):
            self.label_for.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)
        if tag not in ("input", "meta", "link", "br", "img", "path", "circle", "line",
                       "rect", "ellipse"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.open and self.open[-1] == "title" and "svg" not in self.open:
            self.title += data
        for h in ("h1", "h2"):
            if h in self.open:
                self.headings.append((h, data))


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    return parser


def svgs(html: str) -> list[ET.Element]:
    """Every inline SVG of a page, parsed as XML (so each must be well-formed)."""
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def entries_of(html: str) -> list[str]:
    return re.findall(r'<article class="entry (entry-\w+)"', html)


# -- every page and its twin -----------------------------------------------------


def pages(store: Store) -> list[str]:
    mars3 = entry_id(store, "Mars 3")
    return ["/", "/?family=Proton&outcome=failure", "/search", "/search?q=computer+chip",
            f"/launches/{mars3}", "/entities", "/entities/family", "/entities/family/proton",
            "/entities/site/baikonur", "/entities/program/mars", "/charts",
            "/charts?decade=1970"]


def twin_of(url: str) -> str:
    path, _, query = url.partition("?")
    path = "/index.json" if path == "/" else path + ".json"
    return path + (f"?{query}" if query else "")


def test_every_page_is_accessible_html_with_a_json_twin(client: TestClient,
                                                           store: Store) -> None:
    for url in pages(store):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html")
        html = response.text
        page = audit(html)
        assert '<html lang="en">' in html
        assert page.title.strip().endswith("· Kosmochron"), url
        assert [h for h, _ in page.headings if h == "h1"], f"{url} has no <h1>"
        first_link = next(a for tag, a in page.tags if tag == "a")
        assert first_link.get("href") == "#main" and first_link.get("class") == "skip-link"
        assert 'id="main"' in html
        assert len(page.ids) == len(set(page.ids)), f"{url} repeats an id"
        for control in page.controls:
            assert control.get("id") in page.label_for, f"{url}: unlabelled {control}"
        assert "<script" not in html, "the UI needs no scripts"
        assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', ""), url
        for svg in svgs(html):
            assert svg.get("role") == "img" and svg.get("aria-label")
            assert svg[0].tag == f"{SVG_NS}title" and svg[1].tag == f"{SVG_NS}desc"
        twin = client.get(twin_of(url))
        assert twin.status_code == 200, twin_of(url)
        assert twin.headers["content-type"] == "application/json"
        assert f'href="{twin_of(url).replace("&", "&amp;")}"' in html, "links its twin"


def test_the_chronology_twin_is_also_at_dot_json(client: TestClient) -> None:
    assert client.get("/.json").json() == client.get("/index.json").json()


def test_static_stylesheet_is_served(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert ":focus-visible" in css.text and "@media" in css.text
    assert "url(" not in css.text and "@import" not in css.text, "nothing fetched from elsewhere"


# -- the chronology --------------------------------------------------------------


def test_the_chronology_reads_like_the_source_grouped_by_year(client: TestClient) -> None:
    html = client.get("/").text
    assert "<h1>Soviet Mars Chronology</h1>" in html
    years = re.findall(r'<h2 id="year-(\d{4})"', html)
    assert years == sorted(set(years)) and years[0] == "1960" and years[-1] == "1996"
    assert len(entries_of(html)) == 21
    # The seed's layout: the dated header line, then "·" payload lines with their facts.
    first = html.index('href="/launches/1">1960 October 10</a>')
    assert html.index("14:27 GMT", first) < html.index('<span class="key">Launch Site:</span>',
                                                        first)
    assert '<span class="bullet" aria-hidden="true">·</span> <a class="item-name" ' \
           'href="/launches/1#item-1">Mars probe 1M s/n 1 failure</a>' in html
    assert "the control system failed" in html
    assert '<a href="/entities/family/r-7">R-7</a>' in html
    data = client.get("/index.json").json()
    assert data["total"] == 21 and data["pages"] == 1
    assert [e["date"]["text"] for e in data["entries"]][:2] == ["1960 October 10",
                                                                 "1960 October 14"]
    assert {"id", "source", "kind", "items", "item_ids", "outcome"} <= set(data["entries"][0])


def test_filters_narrow_the_chronology(client: TestClient) -> None:
    html = client.get("/?family=Proton&outcome=failure").text
    assert entries_of(html) == ["entry-failure"] * 4
    assert "Vehicle family: Proton" in html and "Outcome: failure" in html  # removable chips
    assert "Entries: all" not in client.get("/?kind=all&family=Proton").text, "the default"
    assert client.get("/index.json?family=proton&outcome=failure").json()["total"] == 4
    assert client.get("/index.json?decade=1970").json()["total"] == 7
    assert client.get("/index.json?year=1973").json()["total"] == 4
    assert client.get("/index.json?from=1971-05-15&to=1971-05").json()["total"] == 2
    assert client.get("/index.json?q=computer+chip").json()["total"] == 4
    assert client.get("/index.json?site=Baikonur&program=mars").json()["total"] == 21
    assert client.get("/index.json?failed_stage=3").json()["total"] == 4
    assert client.get("/index.json?kind=event").json()["total"] == 0
    assert client.get("/index.json?family=&outcome=").json()["total"] == 21, "blank = any"


def facet(data: dict[str, Any], name: str) -> dict[str, tuple[int, bool]]:
    found = next(f for f in data["facets"] if f["name"] == name)
    return {v["value"]: (v["count"], v["selected"]) for v in found["values"]}


def test_facets_count_under_the_other_filters(client: TestClient) -> None:
    data = client.get("/index.json").json()
    assert facet(data, "family") == {"Proton": (12, False), "R-7": (9, False)}
    assert facet(data, "outcome") == {"success": (11, False), "failure": (10, False)}
    assert facet(data, "decade") == {"1960": (11, False), "1970": (7, False),
                                     "1980": (2, False), "1990": (1, False)}
    assert facet(data, "site") == {"Baikonur": (21, False)}
    assert facet(data, "kind") == {"all": (21, True), "launch": (21, False), "event": (0, False)}
    chosen = client.get("/index.json?family=Proton&outcome=failure").json()
    # A facet's own choice does not narrow it, so the choice can be switched.
    assert facet(chosen, "family") == {"Proton": (4, True), "R-7": (6, False)}
    assert facet(chosen, "outcome") == {"success": (8, False), "failure": (4, True)}
    html = client.get("/?family=Proton").text
    # Issue 13: a family facet is a list of check boxes (several may be chosen).
    assert re.search(r'<input type="checkbox" id="(f-family-\d+)" name="family" '
                     r'value="Proton" checked> <label for="\1">Proton</label> '
                     r'<span class="count">12</span>', html)
    assert re.search(r'<input type="checkbox" id="(f-family-\d+)" name="family" '
                     r'value="R-7"> <label for="\1">R-7</label> <span class="count">9</span>',
                     html)
    assert "<legend>Vehicle family</legend>" in html


def test_paging(client: TestClient) -> None:
    first = client.get("/index.json?per_page=8").json()
    second = client.get("/index.json?per_page=8&page=2").json()
    last = client.get("/index.json?per_page=8&page=3").json()
    assert (first["pages"], len(first["entries"]), len(last["entries"])) == (3, 8, 5)
    ids = [e["id"] for page in (first, second, last) for e in page["entries"]]
    assert len(set(ids)) == 21
    html = client.get("/?per_page=8&page=2&family=").text
    assert 'href="/?per_page=8" rel="prev"' in html
    assert 'href="/?per_page=8&amp;page=3" rel="next"' in html
    assert client.get("/?per_page=8&page=4").status_code == 404


@pytest.mark.parametrize("query", ["decade=19x", "outcome=maybe", "kind=rocket", "page=0",
                                   "per_page=100000", "from=yesterday", "year=71"])
def test_bad_parameters_are_400_in_both_forms(client: TestClient, query: str) -> None:
    page = client.get(f"/?{query}")
    assert page.status_code == 400 and "<h1>Bad request</h1>" in page.text
    twin = client.get(f"/index.json?{query}")
    assert twin.status_code == 400
    error = twin.json()["error"]
    assert set(error) == {"status", "code", "message", "details"} and error["status"] == 400


# -- search --------------------------------------------------------------------


def test_search_highlights_snippets(client: TestClient, store: Store) -> None:
    html = client.get("/search?q=computer+chip").text
    assert "<title>Search: computer chip · Kosmochron</title>" in html
    mars4 = entry_id(store, "Mars 4")
    assert f'<a href="/launches/{mars4}#item-' in html
    assert re.search(r">Mars 4</a>", html)
    assert "<mark>computer</mark> <mark>chips</mark>" in html
    data = client.get("/search.json?q=computer+chip").json()
    assert data["q"] == "computer chip" and not data["has_more"]
    assert {h["name"] for h in data["hits"]} == {"Mars 4", "Mars 5", "Mars 6", "Mars 7"}
    assert all("<mark>" in h["snippet_html"] for h in data["hits"])


def test_search_without_words_or_matches(client: TestClient) -> None:
    assert client.get("/search").status_code == 200
    assert client.get("/search.json").json()["hits"] == []
    html = client.get("/search?q=zzzyx").text
    assert "Nothing matches" in html


def test_search_pages(client: TestClient) -> None:
    first = client.get("/search.json?q=mars&per_page=5").json()
    second = client.get("/search.json?q=mars&per_page=5&page=2").json()
    assert first["has_more"] and len(first["hits"]) == len(second["hits"]) == 5
    assert {h["item_id"] for h in first["hits"]}.isdisjoint(h["item_id"] for h in second["hits"])
    html = client.get("/search?q=mars&per_page=5&page=2").text
    assert 'href="/search?q=mars&amp;per_page=5" rel="prev"' in html
    assert 'href="/search?q=mars&amp;per_page=5&amp;page=3" rel="next"' in html
    assert '<ol class="hits" start="6">' in html


# -- a launch --------------------------------------------------------------------


def test_a_launch_page_shows_facts_payloads_orbit_source_and_gcat(client: TestClient,
                                                                 store: Store) -> None:
    mars3 = entry_id(store, "Mars 3")
    html = client.get(f"/launches/{mars3}").text
    assert "<title>Mars 3 (1971 May 28) · Kosmochron</title>" in html
    assert "<h1>Mars 3</h1>" in html
    assert "<dt>LV Family</dt><dd><a href=\"/entities/family/proton\">Proton</a></dd>" in html
    assert "soft landing at 45 S, 158 W" in html
    orbit = next(s for s in svgs(html) if "chart-orbit" in (s.get("class") or ""))
    assert orbit.find(f"{SVG_NS}ellipse") is not None
    assert "around Mars" in (orbit.get("aria-label") or "")
    assert "3.1% off" in html and "the narrative agrees" in html
    assert re.search(r'<span class="line" id="L87"><span class="ln">87</span>· Mars 3 - \.', html)
    assert "JCAT</a> <strong>S05252</strong>" in html
    assert "this one ringed" in html, "the family's timeline puts the launch in context"
    data = client.get(f"/launches/{mars3}.json").json()
    assert data["id"] == mars3 and data["source"] == "soviet-mars-chronology.txt"
    assert data["items"][0]["name"] == "Mars 3" and data["lv_family"] == "Proton"
    assert data["raw"].startswith("1971 May 28 - . 15:26 GMT")
    assert data["diagnostics"] == [] and data["item_ids"]
    assert data["gcat"][str(data["item_ids"][0])]["jcat"] == "S05252"
    assert data["orbits"][0]["body"] == "Mars" and data["orbits"][0]["corroborated"] is True


@pytest.mark.parametrize(("payload", "body"), [("Sputnik 22", "Earth"), ("Mars 2", "Mars"),
                                               ("Mars 3", "Mars"), ("Cosmos 21", "Earth")])
def test_orbits_are_drawn_around_the_right_body(client: TestClient, store: Store,
                                                payload: str, body: str) -> None:
    data = client.get(f"/launches/{entry_id(store, payload)}.json").json()
    assert [o["body"] for o in data["orbits"]] == [body]


@pytest.fixture(scope="module")
def priors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Store]]:
    """Low Earth orbits whose periods Venus fits better (issue 12)."""
    with open_store(str(tmp_path_factory.mktemp("priors") / "kc.sqlite3")) as s:
        s.ingest([fixture_path("orbit-priors.txt")])
        yield TestClient(make_app(s)), s


@pytest.mark.parametrize(("payload", "fits"), [("Stranded probe", True),
                                               ("Mistyped period", False)])
def test_the_page_draws_the_body_the_checks_choose(priors: tuple[TestClient, Store],
                                                  payload: str, fits: bool) -> None:
    client, store = priors
    data = client.get(f"/launches/{entry_id(store, payload)}.json").json()
    [orbit] = data["orbits"]
    assert (orbit["body"], orbit["fits"]) == ("Earth", fits)  # not Venus, the better fit
    [finding] = [f for f in data["findings"] if f["rule"] == "orbit-kepler"]
    assert finding["evidence"]["central_body"] == "Earth"
    assert finding["severity"] == ("info" if fits else "error")
    html = client.get(f"/launches/{entry_id(store, payload)}").text
    assert "Orbit drawn to scale around Earth." in html
    if not fits:
        assert "no body fits; drawn around Earth because launched from Earth" in html


def test_a_payload_without_apsides_has_no_orbit(client: TestClient, store: Store) -> None:
    html = client.get(f"/launches/{entry_id(store, 'Mars 4')}").text
    assert "chart-orbit" not in html
    assert client.get(f"/launches/{entry_id(store, 'Mars 4')}.json").json()["orbits"] == []


@pytest.mark.parametrize("ref", ["999", "abc", "0", "99999999999999"])
def test_missing_launches_are_404_in_both_forms(client: TestClient, ref: str) -> None:
    page = client.get(f"/launches/{ref}")
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.text
    twin = client.get(f"/launches/{ref}.json")
    assert twin.status_code == 404 and twin.json()["error"]["code"] == "not_found"


# -- entities --------------------------------------------------------------------


def test_entity_lists_and_pages(client: TestClient) -> None:
    kinds = client.get("/entities.json").json()["kinds"]
    assert {k["kind"]: k["count"] for k in kinds}["family"] == 2
    listing = client.get("/entities/family").text
    assert '<a href="/entities/family/proton">Proton</a></th><td>12</td>' in listing
    data = client.get("/entities/family.json").json()
    assert [(e["name"], e["launches"]) for e in data["entities"]] == [("Proton", 12), ("R-7", 9)]
    proton = client.get("/entities/family/proton.json").json()
    assert (proton["name"], proton["launches"], proton["failures"]) == ("Proton", 12, 4)
    assert proton["success_rate"] == pytest.approx(8 / 12)
    assert proton["ci_low"] == pytest.approx(0.3906, abs=1e-4)
    assert proton["ci_high"] == pytest.approx(0.8619, abs=1e-4)
    assert proton["total"] == 12 and len(proton["entries"]) == 12
    assert {e["lv_family"] for e in proton["entries"]} == {"Proton"}
    html = client.get("/entities/family/proton").text
    assert "67% <span class=\"interval\">(95% Wilson interval 39%–86%)</span>" in html
    assert "Success rate by decade: Proton (vehicle family)" in html  # the chart's title
    assert 'href="/charts/decades.svg?family=proton"' in html
    assert len(entries_of(html)) == 12
    filtered = client.get("/entities/family/proton.json?outcome=failure").json()
    assert filtered["total"] == 4 and filtered["launches"] == 12
    program = client.get("/entities/program/mars.json").json()
    assert [r["key"] for r in program["by_family"]] == ["Proton", "R-7"]


@pytest.mark.parametrize("url", ["/entities/rocket", "/entities/typ", "/entities/family/saturn",
                                 "/entities/rocket/proton"])  # /entities/type is a page (#13)
def test_unknown_entities_are_404_in_both_forms(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 404
    twin = client.get(url + ".json")
    assert twin.status_code == 404 and twin.json()["error"]["status"] == 404


# -- charts ----------------------------------------------------------------------


def test_the_charts_page(client: TestClient) -> None:
    html = client.get("/charts").text
    kinds = [s.get("class") for s in svgs(html)]
    assert kinds == ["chart chart-timeline", "chart chart-cadence", "chart chart-map",
                     "chart chart-rates reliability", "chart chart-learning",
                     "chart chart-rates reliability", "chart chart-bars"]
    timeline = svgs(html)[0]
    assert len(timeline.findall(f".//{SVG_NS}a")) == 21
    assert "<summary>Reliability as a table</summary>" in html
    assert 'href="/charts/cadence.svg"' in html and 'href="/charts/reliability.csv"' in html
    data = client.get("/charts.json").json()
    assert len(data["timeline"]) == 21 and data["timeline"][0]["date"] == "1960-10-10"
    proton = next(r for r in data["by_family"] if r["key"] == "Proton")
    assert proton["ci_low"] == pytest.approx(0.3906, abs=1e-4)
    assert [r["key"] for r in data["by_decade"]] == ["1960", "1970", "1980", "1990"]
    assert data["failed_stages"] == {"3": 4, "1": 2, "2": 2, "4": 1, "S": 1}
    narrowed = client.get("/charts.json?family=R-7").json()
    assert [r["key"] for r in narrowed["by_family"]] == ["R-7"]


# -- escaping ----------------------------------------------------------------------


def hostile_pages(client: TestClient) -> list[tuple[str, int]]:
    """(URL, expected status): every page kind, the error pages echoing user text too."""
    launch = client.get("/index.json?family=script-alert-family-script").json()["entries"][0]
    ok = ["/", "/?q=xsscanary", f"/launches/{launch['id']}", "/search?q=xsscanary",
          "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", "/entities/family",
          "/entities/family/script-alert-family-script", "/entities/agency/u-agency-u",
          "/charts", "/charts?family=script-alert-family-script"]
    return [*((url, 200) for url in ok), ("/entities/family/%3Cscript%3E", 404),
            ("/?decade=%3Cscript%3E", 400), ("/?family=%3Cscript%3Ealert(1)", 400)]


def test_chronology_text_is_escaped_everywhere(hostile: TestClient) -> None:
    for url, status in hostile_pages(hostile):
        response = hostile.get(url)
        assert response.status_code == status, url
        html = response.text
        for raw in ("<script", "<img", "<iframe", "<b>Site", "<u>Agency", "<i>2",
                    "</svg><script"):
            assert raw not in html, f"{raw!r} unescaped in {url}"
        for svg in svgs(html):  # still well-formed XML with the names inside
            ET.tostring(svg)
    launch_page = hostile.get(hostile_pages(hostile)[2][0]).text
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in launch_page
    assert "&lt;img src=x onerror=&#34;window.__pwned = 1&#34;&gt;" in launch_page
    assert "bad Failed Stage value" in launch_page, "its diagnostic is shown"
    assert 'class="line flagged" id="L3"' in launch_page
    home = hostile.get("/").text
    assert ('&lt;script&gt;alert(&#34;family&#34;)&lt;/script&gt;</label> <span class="count">1'
            in home)  # facet option (a check box since issue 13)
    timeline = next(s for s in svgs(home) if "timeline" in (s.get("class") or ""))
    titles = [t.text for t in timeline.iter(f"{SVG_NS}title")]
    assert '<script>alert("family")</script>' in titles, "SVG text is the name, as text"


def test_json_twins_carry_the_text_as_data(hostile: TestClient) -> None:
    launch = hostile.get("/index.json?q=xsscanary").json()["entries"][0]
    assert launch["items"][0]["name"] == "<script>alert(1)</script>"
    data = hostile.get(f"/launches/{launch['id']}.json").json()
    assert data["lv_family"] == '<script>alert("family")</script>'
    assert data["diagnostics"][0]["severity"] == "error"


# --- validation findings (issue 5) ----------------------------------------------------


def test_findings_report_page_and_twin(client: TestClient) -> None:
    page = client.get("/findings")
    assert page.status_code == 200
    assert "<h1>Validation report</h1>" in page.text
    assert "orbit-kepler" in page.text
    twin = client.get("/findings.json", params={"rule": "orbit-kepler"}).json()
    assert twin["count"] == len(twin["results"]) > 0
    assert all(f["evidence"]["central_body"] for f in twin["results"])
    assert client.get("/findings", params={"rule": "no-such-rule"}).status_code == 400
    bad = client.get("/findings.json", params={"min_severity": "fatal"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_value"


def test_findings_rules_are_described_in_plain_text_once_each(client: TestClient) -> None:
    """Issue 12: one description per rule id, its own (not its family's docstring), in
    plain text (no :func: roles or double backticks)."""
    counts = client.get("/findings.json").json()["counts"]
    rules = [c["rule"] for c in counts]
    assert len(rules) == len(set(rules)) > 5
    docs = [c["doc"] for c in counts]
    assert len(set(docs)) == len(docs)
    for doc in docs:
        assert "`" not in doc and ":func:" not in doc and "\n" not in doc
    page = client.get("/findings").text
    assert page.count(str(escape(rule_doc("orbit-kepler")))) == 1
    assert page.count(str(escape(rule_doc("cospar-placeholder")))) == 1


def test_findings_come_in_pages(client: TestClient) -> None:
    everything = client.get("/findings.json").json()
    assert everything["count"] > 3 and everything["page"] == everything["pages"] == 1
    pages = [client.get("/findings.json", params={"per_page": 2, "page": n}).json()
             for n in range(1, (everything["count"] + 1) // 2 + 1)]
    assert [f for p in pages for f in p["results"]] == everything["results"]
    assert {p["pages"] for p in pages} == {len(pages)} and pages[0]["counts"] == \
        everything["counts"]
    html = client.get("/findings", params={"per_page": 2, "page": 2}).text
    assert '<a href="/findings?per_page=2" rel="prev">' in html
    assert 'href="/findings?per_page=2&amp;page=3" rel="next"' in html
    assert f"Findings 3–4 of {everything['count']}." in html
    past = client.get("/findings", params={"per_page": 2, "page": len(pages) + 1})
    assert past.status_code == 404


def test_big_selections_get_a_timeline_counted_by_year(client: TestClient, store: Store,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Over TIMELINE_POINTS entries (1,000; 5 here, on the seed) every page's timeline
    counts entries per year and family instead of drawing each."""
    monkeypatch.setattr(web_timelines, "TIMELINE_POINTS", 5)
    data = client.get("/charts.json").json()
    assert data["timeline"] == []
    assert sum(b["successes"] + b["failures"] + b["events"] for b in data["timeline_bins"]) == 21
    proton_1971 = next(b for b in data["timeline_bins"]
                       if (b["year"], b["family"]) == (1971, "Proton"))
    assert (proton_1971["successes"], proton_1971["failures"]) == (2, 1)  # Cosmos 419 failed
    html = client.get("/").text
    chart = next(s for s in svgs(html) if "timeline" in (s.get("class") or ""))
    assert "timeline-bins" in (chart.get("class") or "")
    assert "bars count them per year and vehicle family" in html
    bar = next(a for a in chart.iter(f"{SVG_NS}a")
               if (a.findtext(f"{SVG_NS}title") or "").startswith("1971, Proton"))
    href = bar.get("href") or ""
    assert href == "/?family=Proton&year=1971"
    assert client.get(href.replace("/?", "/.json?")).json()["total"] == 3
    narrowed = client.get("/charts.json", params={"outcome": "failure"}).json()
    assert sum(b["failures"] for b in narrowed["timeline_bins"]) == 10
    assert not any(b["successes"] for b in narrowed["timeline_bins"])
    mars3 = client.get(f"/launches/{entry_id(store, 'Mars 3')}").text
    context = next(s for s in svgs(mars3) if "timeline" in (s.get("class") or ""))
    assert len(context.findall(f".//{SVG_NS}rect[@class='current']")) == 1
    assert "Outlined: 1971, Proton" in (context.findtext(f"{SVG_NS}desc") or "")
    assert "this launch's year outlined" in mars3


def test_launch_page_shows_its_findings(client: TestClient) -> None:
    launches = client.get("/.json").json()
    mars2 = next(e for e in launches["entries"] if any(i["name"] == "Mars 2" for i in e["items"]))
    data = client.get(f"/launches/{mars2['id']}.json").json()
    orbit = [f for f in data["findings"] if f["rule"] == "orbit-kepler"]
    assert orbit and orbit[0]["evidence"]["central_body"] == "Mars"
    page = client.get(f"/launches/{mars2['id']}").text
    assert "<h2 id=\"findings-h\">Checks</h2>" in page and "orbit about Mars" in page


def test_fields_that_close_a_paragraph_are_listed(tmp_path: Path) -> None:
    """A field closing a payload's paragraph (``… Additional Details: here....``, 26
    entries of the Saturn V page) is listed with the paragraphs: the list page looked
    for its text and answered 500 (the templates' undefined values are errors)."""
    with open_store(str(tmp_path / "kc.sqlite3")) as s:
        [added] = s.ingest([fixture_path("astronautix-saturn-v-page.txt")])
        client = TestClient(make_app(s))
        closing = '<p class="narrative"><span class="field"><span class="key">Additional'
        found = client.get("/?q=Golovin")
        assert found.status_code == 200 and found.text.count(closing) == 1
        listed = [client.get(f"/?source={added.path}&per_page=200&page={n}") for n in (1, 2)]
        assert [p.status_code for p in listed] == [200, 200]
        assert sum(p.text.count(closing) for p in listed) == 26  # every one of them
