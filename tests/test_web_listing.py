"""List pages (kosmochron.web.listing) on SQLite and PostgreSQL: the table view and its
sortable columns, pages with first/last and numbers, jumping to a year, multi-selected
facets with a chip per value, search as a list, previous/next launch."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from db_support import SEED_LAUNCHES
from kosmochron.store import Store
from kosmochron.web import create_app

pytest_plugins = ["db_support"]


@pytest.fixture(scope="module")
def client(seeded: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store=seeded), follow_redirects=False) as c:
        yield c


def get(client: TestClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.text
    return response.json() if ".json" in url else response.text


# -- the table view ------------------------------------------------------------------


def test_the_table_view_is_one_row_per_launch(client: TestClient) -> None:
    data = get(client, "/index.json?view=table&per_page=100")
    assert (data["view"], data["total"], len(data["rows"])) == ("table", SEED_LAUNCHES,
                                                                SEED_LAUNCHES)
    first = data["rows"][0]
    assert (first["date_text"], first["vehicle"], first["site"], first["outcome"]) == (
        "1960 October 10", "Molniya 8K78", "Baikonur", "failure")
    assert first["names"] == ["Mars probe 1M s/n 1 failure"]
    assert first["designator"] == "F601010A" and first["url"] == f"/launches/{first['id']}"
    assert first["year_anchor"] == 1960 and data["rows"][1]["year_anchor"] is None
    html = get(client, "/?view=table&per_page=100")
    assert html.count("<tr class=\"row-") == SEED_LAUNCHES
    for heading in ("Date", "Launch and payloads", "Vehicle", "Site", "Outcome", "Designator"):
        assert f">{heading}" in html
    assert 'id="year-1971"' in html  # the first row of a year is its anchor


@pytest.mark.parametrize(("sort", "first_vehicle"), [
    ("vehicle", "Molniya 8K78"), ("-vehicle", "Proton-K/D-2"),
])
def test_columns_sort_both_ways(client: TestClient, sort: str, first_vehicle: str) -> None:
    data = get(client, f"/index.json?view=table&sort={sort}&per_page=100")
    vehicles = [r["vehicle"] for r in data["rows"]]
    assert vehicles[0] == first_vehicle
    assert vehicles == sorted(vehicles, reverse=sort.startswith("-"))
    html = get(client, f"/?view=table&sort={sort}")
    heading = re.search(r'<th scope="col" aria-sort="(\w+)"><a href="([^"]+)">Vehicle', html)
    assert heading is not None
    assert heading.group(1) == ("descending" if sort.startswith("-") else "ascending")
    assert ("sort=-vehicle" in heading.group(2)) == (sort == "vehicle")  # a click reverses


def test_a_mistyped_view_or_sort_says_what_it_meant(client: TestClient) -> None:
    error = get(client, "/index.json?view=tabel", 400)["error"]
    assert error["code"] == "unknown_value" and error["details"]["suggestions"] == ["table"]
    error = get(client, "/index.json?view=table&sort=vehicel", 400)["error"]
    assert error["details"]["suggestions"][0] == "vehicle"
    get(client, "/index.json?sort=vehicle", 400)  # the chronology reads in date order


# -- pages and years -------------------------------------------------------------------


def test_pages_have_first_last_and_numbers(client: TestClient) -> None:
    html = get(client, "/?per_page=2&page=5")
    nav = re.search(r'<nav class="pager" aria-label="Pages \(top\)">(.*?)</nav>', html, re.S)
    assert nav is not None
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))
    labels = {label for _, label in links}
    assert {"« First", "← Previous", "Next →", "Last »", "1", "3", "4", "6", "7", "11"} <= labels
    last = next(u for u, label in links if label == "Last »")
    assert "page=11" in last and "per_page=2" in last
    assert 'aria-current="page" class="current">5<' in nav.group(1)
    assert "…" in nav.group(1)
    assert get(client, "/index.json?per_page=2&page=11")["entries"]
    get(client, "/index.json?per_page=2&page=12", 404)


def test_jump_to_a_year(client: TestClient) -> None:
    response = client.get("/?per_page=5&at=1971")
    assert response.status_code == 302
    target = response.headers["location"]
    assert target.endswith("#year-1971") and "page=" in target
    page = get(client, target.split("#")[0].replace("/?", "/index.json?"))
    assert "1971" in {e["date"]["text"][:4] for e in page["entries"]}
    table = client.get("/?view=table&per_page=5&at=1988&sort=-date")
    assert table.status_code == 302 and table.headers["location"].endswith("#year-1988")
    newest = get(client, table.headers["location"].split("#")[0]
                 .replace("/?", "/index.json?"))
    assert "1988" in {r["date_text"][:4] for r in newest["rows"]}
    get(client, "/index.json?at=19x", 400)
    get(client, "/index.json?view=table&sort=vehicle&at=1971", 400)


# -- facets with several values --------------------------------------------------------


def test_several_values_of_a_facet_match_any(client: TestClient) -> None:
    both = get(client, "/index.json?family=Proton&family=R-7")
    assert both["total"] == SEED_LAUNCHES and both["filter"] == {"family": ["Proton", "R-7"]}
    family = next(f for f in both["facets"] if f["name"] == "family")
    assert all(v["selected"] for v in family["values"])
    stages = get(client, "/index.json?failed_stage=3&failed_stage=S")
    assert stages["total"] == 5
    html = get(client, "/?family=Proton&family=R-7&outcome=failure")
    chips = re.findall(r'<a href="([^"]+)" class="chip">.*?Remove filter </span>([^<]+)<', html)
    assert {label for _, label in chips} == {"Vehicle family: Proton ", "Vehicle family: R-7 ",
                                             "Outcome: failure "}
    without_proton = next(u for u, label in chips if "Proton" in label).replace("&amp;", "&")
    assert "family=Proton" not in without_proton and "family=R-7" in without_proton
    assert get(client, "/index.json?outcome=success&outcome=failure")["total"] == SEED_LAUNCHES


# -- search as a list -------------------------------------------------------------------


def test_search_counts_filters_sorts_and_pages(client: TestClient) -> None:
    everything = get(client, "/search.json?q=mars&per_page=10")
    assert everything["total"] > 10 and everything["pages"] > 1
    assert len(everything["hits"]) == 10 and everything["has_more"]
    proton = get(client, "/search.json?q=mars&family=Proton&sort=date&per_page=5")
    assert 0 < proton["total"] < everything["total"] and proton["filter"] == {"family": "Proton"}
    assert [h["date_text"] for h in proton["hits"]][:2] == ["1969 March 27", "1969 April 2"]
    assert {f["name"] for f in proton["facets"]} >= {"family", "outcome", "decade", "kind"}
    page2 = get(client, "/search.json?q=mars&family=Proton&sort=date&per_page=5&page=2")
    assert page2["page"] == 2 and page2["hits"][0]["item_id"] not in {
        h["item_id"] for h in proton["hits"]}
    html = get(client, "/search?q=mars&family=Proton")
    assert f"{proton['total']} hits for “mars” among the filtered entries" in html
    assert "Remove filter </span>Vehicle family: Proton" in html
    assert 'aria-current="true">Relevance<' in html and ">Oldest first<" in html
    assert get(client, "/search.json?q=mars&family=Protn", 400)["error"]["details"][
        "suggestions"] == ["Proton"]


def test_the_api_search_counts_filters_and_sorts(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": "mars", "family": "Proton",
                                                "ordering": "-date", "limit": 3}).json()
    assert body["count"] == get(client, "/search.json?q=mars&family=Proton")["total"]
    assert body["results"][0]["date"] == "1996 November 16" and body["next"]
    assert client.get("/api/v1/search", params={"q": "zzzz"}).json()["count"] == 0
    vehicles = client.get("/api/v1/launches", params={"ordering": "-vehicle",
                                                      "limit": 1}).json()
    assert vehicles["results"][0]["vehicle"] == "Proton-K/D-2"


# -- previous and next --------------------------------------------------------------------


def test_a_launch_page_links_the_previous_and_next_launch(client: TestClient) -> None:
    rows = get(client, "/index.json?view=table&per_page=100")["rows"]
    middle = rows[5]
    data = get(client, f"/launches/{middle['id']}.json")
    assert data["previous_launch"]["id"] == rows[4]["id"]
    assert data["next_launch"]["id"] == rows[6]["id"]
    html = get(client, f"/launches/{middle['id']}")
    assert f'href="/launches/{rows[4]["id"]}" rel="prev"' in html
    assert f'href="/launches/{rows[6]["id"]}" rel="next"' in html
    assert get(client, f"/launches/{rows[0]['id']}.json")["previous_launch"] is None
    assert get(client, f"/launches/{rows[-1]['id']}.json")["next_launch"] is None
