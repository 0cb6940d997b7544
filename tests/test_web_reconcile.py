"""GCAT on the web (kosmochron.web.reconcile and the pages it touches), on SQLite and
PostgreSQL: the reconciliation page, its JSON twin and ``/api/v1/reconcile``; a merged
launch's page with every source; the attribution on every page and API answer;
facets by state and launch code; each launch counted once in the lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from db_support import GCAT_FILES, GCAT_SAMPLE_LAUNCHES, SEED_LAUNCHES, SEED_NAME, SEED_TEXT
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


def test_a_merged_launchs_payload_is_one_payload_on_its_page(client: TestClient) -> None:
    """Issue 17: GCAT's Mars 3 counts and has no narrative; Astronautix's dates the
    arrival.  The counted page shows the transfer to that arrival, the events linked to
    the lines that tell them, the orbit Astronautix gives, and both sources' checks."""
    (mars3,) = client.get("/api/v1/launches", params={"cospar": "1971-049A"}).json()["results"]
    seed_id = next(s["id"] for s in client.get(f"/launches/{mars3['id']}.json").json()
                   ["sources"]["told_by"] if s["source"] == SEED_NAME)
    page = client.get(f"/launches/{mars3['id']}").text
    assert "dates no arrival" not in page
    assert "1971-12-02" in page and "Transfer to Mars" in page
    assert f'href="/launches/{seed_id}#L87">{SEED_NAME}, line 87</a>' in page
    assert f'The orbit as <a href="/launches/{seed_id}">{SEED_NAME}</a>' \
        f" gives it." in page
    data = client.get(f"/launches/{mars3['id']}.json").json()
    [orbit] = data["orbits"]
    assert (orbit["body"], orbit["source"]) == ("Mars", SEED_NAME)
    [payload, *_] = data["payloads"]
    assert payload["transfer"]["arrival"]["date"]["start"] == "1971-12-02"
    assert {(f["rule"], f["source"]) for f in data["findings"]} >= \
        {("period-narrative", SEED_NAME)}
    # The API: one payload, answered as the counted launch's, the other source named.
    for path in ("/api/v1/payloads/by-cospar/1971-049A", "/api/v1/payloads/by-satcat/5252"):
        answer = client.get(path)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["entry_id"] == mars3["id"] and body["id"] == payload["item_id"]
        [other] = body["told_by"]
        assert (other["source"], other["launch_id"], other["counted"]) == \
            (SEED_NAME, seed_id, False)
        assert other["url"].endswith(f"/api/v1/payloads/{other['payload_id']}")
    transfer = client.get(f"/api/v1/payloads/{other['payload_id']}/transfer").json()
    assert transfer["told_by"][0]["payload_id"] == payload["item_id"]
    events = client.get(f"/api/v1/payloads/{payload['item_id']}/events").json()["results"]
    assert {(e["kind"], e["source"]) for e in events} >= {("arrival", SEED_NAME)}


def test_the_same_chronology_stored_twice_is_still_ambiguous(store: Store,
                                                             tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SEED_TEXT.encode("utf-8"))
    store.ingest([copy])
    with TestClient(create_app(store=store)) as c:
        answer = c.get("/api/v1/payloads/by-cospar/1971-049A")
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "ambiguous"
        assert len(answer.json()["error"]["details"]["ids"]) == 2


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
