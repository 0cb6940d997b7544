"""Figures: every chart of the charts page follows the page's filters and options, shows
its data as a table and downloads as SVG and CSV (the same rows), on SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from kosmochron.web.figures import FIGURES, selection_words

pytest_plugins = ["db_support", "web_support"]
NS = "{http://www.w3.org/2000/svg}"


def rows(client: TestClient, name: str, **params: str) -> list[dict[str, str]]:
    response = client.get(f"/charts/{name}.csv", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="kosmochron-{name}.csv"' in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.text)))


def svg(client: TestClient, name: str, **params: str) -> ET.Element:
    response = client.get(f"/charts/{name}.svg", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{NS}svg" and root.get("xmlns") is None  # a standalone file
    return root


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_downloads_as_svg_and_csv(client: TestClient, name: str) -> None:
    root = svg(client, name)
    assert "all launches" in (root.get("aria-label") or "")
    assert rows(client, name) or name == "map"  # the seed has no site coordinates


def test_cadence_follows_filters_and_its_stack(client: TestClient) -> None:
    by_nation = rows(client, "cadence")
    assert list(by_nation[0]) == ["year", "payload nation", "launches", "failures"]
    assert sum(int(r["launches"]) for r in by_nation) == 21
    proton = rows(client, "cadence", family="Proton", stack="family")
    assert {r["family"] for r in proton} == {"Proton"}
    assert sum(int(r["launches"]) for r in proton) == 12
    title = svg(client, "cadence", family="Proton", stack="family").get("aria-label")
    assert title == "Launches per year by family: family Proton"


def test_reliability_threshold_and_grouping(client: TestClient) -> None:
    families = rows(client, "reliability")
    assert [(r["vehicle family"], r["attempts"], r["successes"]) for r in families] \
        == [("Proton", "12", "8"), ("R-7", "9", "3")]
    assert (families[0]["score"], families[0]["longest success streak"],
            families[0]["streak from"]) == ("8.0", "8", "1971-05-19")
    vehicles = rows(client, "reliability", rel="vehicle", min="9")
    assert [r["launch vehicle"] for r in vehicles] == ["Proton-K/D"]
    notes = ["".join(t.itertext()) for t in svg(client, "reliability", rel="vehicle",
                                                  min="9").iter(f"{NS}text")]
    assert "at least 9 attempts (3 with fewer left out)" in " ".join(notes)  # wrapped


def test_decades_read_as_decades_and_stages_in_words(client: TestClient) -> None:
    assert [r["decade"] for r in rows(client, "decades")] == ["1960s", "1970s", "1980s",
                                                              "1990s"]
    stages = rows(client, "failures")
    assert stages[-1] == {"stage": "S", "meaning": "payload shroud (fairing)", "cause": "",
                          "failed launches": "1"}


@pytest.mark.parametrize(("path", "status"), [
    ("/charts/colour.svg", 404), ("/charts/cadence.svg?stack=decade", 400),
    ("/charts/reliability.csv?min=0", 400), ("/charts/cadence.csv?decade=x", 400)])
def test_bad_downloads(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["error"]["status"] == status


def test_the_page_table_is_the_csv(client: TestClient) -> None:
    data = client.get("/charts.json", params={"family": "R-7"}).json()
    learning = data["figures"]["learning"]
    downloaded = rows(client, "learning", family="R-7")
    assert [list(r.values()) for r in downloaded] == [[str(v) for v in row]
                                                      for row in learning["rows"]]
    assert learning["downloads"]["csv"] == "/charts/learning.csv?family=R-7"
    html = client.get("/charts", params={"family": "R-7", "stack": "family"}).text
    assert 'href="/charts/cadence.svg?family=R-7&amp;stack=family"' in html
    assert "<summary>Learning curve as a table</summary>" in html


def test_selection_words() -> None:
    assert selection_words({}) == "all launches"
    assert selection_words({"family": "Proton", "outcome": "failure", "decade": "1960",
                            "q": "chip"}) == "family Proton, failures, 1960s, words “chip”"


def test_favicon(client: TestClient) -> None:
    response = client.get("/favicon.ico", follow_redirects=False)
    assert response.status_code == 308 and response.headers["location"] == "/static/favicon.svg"
    assert client.get("/static/favicon.svg").headers["content-type"].startswith("image/svg")


def test_reliability_draws_at_most_the_busiest_groups(client: TestClient,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from kosmochron.web import figures

    monkeypatch.setattr(figures, "MOST_RATES", 1)
    # (min=2: a query no other test asked, so no kept response answers it)
    families = rows(client, "reliability", min="2")
    assert [r["vehicle family"] for r in families] == ["Proton"]  # 12 attempts against 9
    notes = " ".join("".join(t.itertext())
                     for t in svg(client, "reliability", min="2").iter(f"{NS}text"))
    assert "the 1 with the most" in notes
