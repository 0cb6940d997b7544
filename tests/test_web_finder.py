"""Finding things from the web UI and the API (kosmochron.web.finder, web.api_lookup),
on SQLite and PostgreSQL, over the seed with GCAT's sample files: the search box jumps
to what an identifier names or lists the candidates, ``/launches/{any identifier}``
redirects to the launch's page, entity names come as a group above the text hits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from db_support import GCAT_FILES
from kosmochron.store import Store
from kosmochron.web import create_app

pytest_plugins = ["db_support"]
API = "/api/v1"


@pytest.fixture(scope="module")
def client(seeded: Store) -> Iterator[TestClient]:
    seeded.import_gcat_files(GCAT_FILES)
    with TestClient(create_app(store=seeded), follow_redirects=False) as c:
        yield c


def launch_of(client: TestClient, tag: str) -> int:
    """The id of the GCAT entry of a launch tag (the entry that counts for the launch)."""
    body = client.get(f"{API}/lookup", params={"q": f"tag:{tag}"}).json()
    return int(body["results"][0]["launch_id"])


def location(client: TestClient, url: str, status: int = 302) -> str:
    response = client.get(url)
    assert response.status_code == status, response.text
    return str(response.headers["location"])


@pytest.mark.parametrize(("q", "tag", "item"), [
    ("1971-049A", "1971-049", True), ("1971 049 a", "1971-049", True),
    ("1962-B-Iota-1", "1962 B IOT", True), ("1962 B IOT 1", "1962 B IOT", True),
    ("F601010A", "1960-F12", False), ("5252", "1971-049", True), ("S05252", "1971-049", True),
    ("1960-F12", "1960-F12", False), ("Mars 3", "1971-049", True), ("1971-049", "1971-049", False),
])
def test_the_search_box_jumps_to_what_an_identifier_names(client: TestClient, q: str, tag: str,
                                                          item: bool) -> None:
    target = location(client, f"/search?q={q}")
    path, _, fragment = target.partition("#")
    assert path.startswith(f"/launches/{launch_of(client, tag)}?found=")
    assert fragment.startswith("item-") == item
    page = client.get(target.split("#")[0])
    assert page.status_code == 200 and "names this launch" in page.text
    assert "jump=0" in page.text  # the way back to the text search
    # The JSON twin goes to the launch's JSON twin.
    assert location(client, f"/search.json?q={q}").startswith(
        f"/launches/{launch_of(client, tag)}.json?found=")


def test_several_launches_are_listed_and_jump_0_searches_the_words(client: TestClient) -> None:
    data = client.get("/search.json?q=1F DPS").json()
    assert len(data["identifier"]) == 2
    assert {c["matched_by"] for c in data["identifier"]} == {"name"}
    assert all(c["url"].startswith("/launches/") for c in data["identifier"])
    page = client.get("/search?q=1F DPS").text
    assert "2 launches are named" in page
    words = client.get("/search.json?q=Mars 3&jump=0")
    assert words.status_code == 200 and words.json()["hits"]
    assert words.json()["identifier"][0]["names"][0] == "Mars 3"


def test_entity_names_come_above_the_text_hits(client: TestClient) -> None:
    data = client.get("/search.json?q=Baikonur").json()
    assert data["entities"][0] == {"kind": "site", "label": "Launch site", "name": "Baikonur",
                                   "slug": "baikonur", "exact": True,
                                   "url": "/entities/site/baikonur"}
    page = client.get("/search?q=Baikonur").text
    assert page.index("entity-hits") < page.index('class="hit-count"')
    assert client.get("/entities/site/baikonur").status_code == 200


@pytest.mark.parametrize(("path", "tag", "item"), [
    ("1971-049A", "1971-049", True), ("1962-B-Iota-1", "1962%20B%20IOT%201", True),
    ("F601010A", "1960-F12", False), ("1960-F12", "1960-F12", False), ("5252", None, False),
])
def test_launches_by_any_identifier_redirect_to_the_launch(client: TestClient, path: str,
                                                           tag: str | None,
                                                           item: bool) -> None:
    if tag is None:  # a number is an id, as it always was
        assert client.get(f"/launches/{path}").status_code in (200, 404)
        return
    target = location(client, f"/launches/{path}")
    expected = launch_of(client, tag.replace("%20", " ").rsplit(" 1", 1)[0]
                         if "IOT" in tag else tag)
    assert target.startswith(f"/launches/{expected}")
    assert ("#item-" in target) == item
    assert location(client, f"/launches/{path}.json") == f"/launches/{expected}.json"


def test_unknown_and_ambiguous_identifiers(client: TestClient) -> None:
    response = client.get("/launches/no-such-thing")
    assert response.status_code == 404 and "COSPAR designator" in response.text
    assert client.get("/launches/no-such-thing.json").json()["error"]["code"] == "not_found"
    assert location(client, "/launches/1F DPS") == "/search?q=1F+DPS"


def _api(client: TestClient, path: str, status: int = 200, **params: Any) -> Any:
    response = client.get(API + path, params=params)
    assert response.status_code == status, response.text
    return response.json()


def test_the_api_has_the_same_lookup(client: TestClient) -> None:
    body = _api(client, "/lookup", q="1962 Beta Iota 1")
    (match,) = body["results"]
    assert (body["count"], match["matched_by"], match["source"]) == (1, "COSPAR", "gcat")
    assert match["url"].endswith(f"/api/v1/launches/{match['launch_id']}")
    assert match["payload_url"].endswith(f"/api/v1/payloads/{match['payload_id']}")
    launch = client.get(match["url"]).json()
    assert match["payload_id"] in launch["item_ids"]
    assert _api(client, "/lookup", q="1F DPS")["count"] == 2
    nothing = _api(client, "/lookup", q="zzz")
    assert (nothing["count"], nothing["results"], nothing["entities"]) == (0, [], [])
    assert _api(client, "/lookup", q="Proton")["entities"][0]["kind"] == "family"
    _api(client, "/lookup", 422)  # q is required
    assert _api(client, "/lookup", 400, q="x", bogus="1")["error"]["code"] == \
        "unknown_parameter"


def test_the_api_redirects_an_identifier_to_its_launch(client: TestClient) -> None:
    target = location(client, f"{API}/launches/by-identifier/F601010A", 307)
    assert target.endswith(f"/api/v1/launches/{launch_of(client, '1960-F12')}")
    error = _api(client, "/launches/by-identifier/1F DPS", 409)["error"]
    assert error["code"] == "ambiguous" and len(error["details"]["ids"]) == 2
    assert _api(client, "/launches/by-identifier/nothing", 404)["error"]["code"] == "not_found"
    assert location(client, f"{API}/launches/by-identifier/Mars probe 1M s/n 2 failure", 307)
