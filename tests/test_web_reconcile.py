"""GCAT on the web (kosmochron.web.reconcile and the pages it touches), on SQLite and
PostgreSQL: the reconciliation page, its JSON twin and ``/api/v1/reconcile``; a merged
launch's page with every source; the attribution on every page and API answer;
facets by state and launch code; each launch counted once in the lists."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from db_support import GCAT_FILES, GCAT_SAMPLE_LAUNCHES, SEED_LAUNCHES, SEED_NAME
from kosmochron.store import Store
from kosmochron.web import create_app

pytest_plugins = ["db_support"]

CREDIT = "GCAT data: J. McDowell, GCAT, planet4589.org, CC-BY 4.0"


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    store.import_gcat_files(GCAT_FILES)
    with TestClient(create_app(store=store)) as c:
        yield c


def test_the_reconciliation_page_api_and_twin(client: TestClient) -> None:
    page = client.get("/reconcile")
    assert page.status_code == 200
    assert "21 launches are told both by a chronology and by GCAT; 8 of them" in page.text
    assert "✗ disagree" in page.text and "GCAT 1962 B IOT" in page.text
    twin = client.get("/reconcile.json").json()
    api = client.get("/api/v1/reconcile").json()
    assert twin == api
    assert api["matched"] == SEED_LAUNCHES and api["prefer"] == "gcat"
    zond2 = next(x for x in api["launches"] if x["tag"] == "1964-078")
    assert {"field": "time", "payload": None, "astronautix": "13:12", "gcat": "13:19–13:33",
            "verdict": "disagree", "note": "GCAT's time is an interval"} in zond2["fields"]
    only = client.get("/api/v1/reconcile", params={"source": "nope"}).json()
    assert only["matched"] == 0 and only["sources"] == []


def test_every_answer_credits_gcat(client: TestClient) -> None:
    for url in ("/", "/reconcile", "/api/v1/launches", "/api/v1/reconcile", "/charts",
                "/api/v1/openapi.json", "/launches/1.json"):
        response = client.get(url)
        assert response.headers["x-data-attribution"] == CREDIT, url
        again = client.get(url, headers={"If-None-Match": response.headers.get("etag", "")})
        assert again.headers.get_list("x-data-attribution") == [CREDIT], url  # once, cached too
    assert "Launch data from GCAT: J. McDowell, GCAT, planet4589.org (CC-BY 4.0)" in \
        client.get("/").text
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]
    assert "J. McDowell, GCAT, planet4589.org, CC-BY 4.0" in description


def test_a_merged_launch_shows_every_source(client: TestClient) -> None:
    (mars3,) = client.get("/api/v1/launches", params={"cospar": "1971-049A"}).json()["results"]
    page = client.get(f"/launches/{mars3['id']}")
    assert page.status_code == 200
    assert "This launch is told by 2 sources and counted once, from GCAT" in page.text
    assert "matched by designator: designator 1971-049A is launch 1971-049" in page.text
    assert "Spectrum" in page.text  # Astronautix's narrative, on GCAT's counted entry
    data = client.get(f"/launches/{mars3['id']}.json").json()["sources"]
    assert [(s["source"], s["counted"]) for s in data["told_by"]] == \
        [(SEED_NAME, False), ("gcat", True)]
    assert data["comparisons"][0]["tag"] == "1971-049"


def test_lists_count_each_launch_once_with_state_and_code_facets(client: TestClient) -> None:
    listing = client.get("/api/v1/launches",
                         params={"facets": "state,code,family", "limit": 1}).json()
    assert listing["count"] == GCAT_SAMPLE_LAUNCHES
    states = {f["value"]: f["count"] for f in listing["facets"]["state"]}
    assert sum(states.values()) == GCAT_SAMPLE_LAUNCHES and states["USSR"] >= SEED_LAUNCHES
    codes = {f["value"]: f["count"] for f in listing["facets"]["code"]}
    assert codes["OF40"] == 6  # the sample's OF40 rows
    assert client.get("/api/v1/launches", params={"code": "OF40"}).json()["count"] == 6
    assert client.get("/api/v1/launches", params={"state": "USSR"}).json()["count"] == \
        states["USSR"]
    seed = client.get("/api/v1/launches", params={"source": SEED_NAME}).json()
    assert seed["count"] == SEED_LAUNCHES  # the chronology stays reachable as itself
    home = client.get("/", params={"source": SEED_NAME})
    assert home.status_code == 200 and "1996 November 16" in home.text
    assert "State" in client.get("/").text
    site = client.get("/entities/site/baykonur")
    assert site.status_code == 200 and "NIIP-5" in site.text and "63.0" in site.text
