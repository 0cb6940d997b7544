"""The charts and statistics routes on GCAT's record (fixture rows): the launch-site map
on /charts and on each site's page, /api/v1/sites.geojson, cadence stacked by state,
on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kosmochron.store import Store
from kosmochron.web import create_app
from test_store_statistics_gcat import FILES, GCAT

pytest_plugins = ["db_support"]
NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client(seeded: Store) -> Iterator[TestClient]:
    seeded.import_gcat_files([GCAT / name for name in FILES])
    with TestClient(create_app(store=seeded)) as test_client:
        yield test_client


def test_sites_geojson(client: TestClient) -> None:
    response = client.get("/api/v1/sites.geojson")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection" and "GCAT" in body["attribution"]
    first = body["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [63.0, 46.0]}
    props = first["properties"]
    assert (props["name"], props["launches"], props["failures"]) == ("Baykonur", 26, 10)
    assert props["page"] == "http://testserver/entities/site/baykonur"
    failed = client.get("/api/v1/sites.geojson", params={"outcome": "failure"}).json()
    assert all(f["properties"]["launches"] == f["properties"]["failures"]
               for f in failed["features"])
    assert client.get("/api/v1/sites.geojson", params={"colour": "x"}).status_code == 400


def test_the_map_on_the_charts_page(client: TestClient) -> None:
    html = client.get("/charts").text
    assert 'id="fig-map"' in html and "1 launch at sites without coordinates" in html
    root = ET.fromstring(client.get("/charts/map.svg").content)
    links = [a.get("href") for a in root.iter(f"{NS}a")]
    assert links[0] == "/entities/site/baykonur" and len(links) == 8
    table = list(csv.DictReader(io.StringIO(client.get("/charts/map.csv").text)))
    assert table[0] == {"site": "Baykonur", "longitude": "63.0", "latitude": "46.0",
                        "launches": "26", "failures": "10", "GCAT site codes": "GIK-5 NIIP-5"}


def test_a_site_page_has_a_small_map_with_the_site_ringed(client: TestClient) -> None:
    html = client.get("/entities/site/plesetsk").text
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-map"')
    root = ET.fromstring(html[start:html.index("</svg>", start) + 6])
    assert root.get("width") == "400"
    assert len(root.findall(f".//{NS}circle[@class='current']")) == 1
    assert root.get("aria-label") == "Launch sites: Plesetsk (launch site)"


def test_cadence_stacks_by_state_once_there_are_states(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/charts/cadence.csv").text)))
    assert list(rows[0]) == ["year", "state", "launches", "failures"]
    assert sum(int(r["launches"]) for r in rows) == 52
    stats = client.get("/api/v1/stats", params={"by": "variant"}).json()["results"]
    assert {r["key"]: r["score"] for r in stats}["Fregat"] == pytest.approx(0.89)
    failures = client.get("/api/v1/stats/failures").json()["results"]
    assert {"stage": "2", "stage_text": "stage 2", "cause": "guidance and control",
            "failures": 2} in failures
