"""No stored value gives a 500 (issue 16), on SQLite and PostgreSQL: with the hostile
fixture stored (an entry dated 9999, one in year 1, Mars probes of 1850 and 2200, an
apogee of 10^110 km, 23-digit and 2^31 catalog numbers, NUL characters, markup,
formulas, form feeds), every page, its JSON twin and every API route about those
launches and payloads answers without a server error, in valid JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from db_support import FIXTURES
from kosmochron.store import Store
from kosmochron.web import create_app

pytest_plugins = ["db_support"]
HOSTILE = FIXTURES / "hostile-values.txt"
API = "/api/v1"


@pytest.fixture(scope="module")
def client(seeded: Store) -> Iterator[tuple[TestClient, list[int], list[int]]]:
    seeded.ingest([HOSTILE])
    hostile = seeded.launches(source=str(HOSTILE.resolve()), kind=None)
    entry_ids = [s.id for s in hostile]
    item_ids = [i for s in hostile for i in s.item_ids]
    with TestClient(create_app(store=seeded), raise_server_exceptions=False) as test_client:
        yield test_client, entry_ids, item_ids


def valid_json(text: str) -> object:
    def refuse(name: str) -> float:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_every_view_of_hostile_launches_answers(
        client: tuple[TestClient, list[int], list[int]]) -> None:
    test_client, entry_ids, item_ids = client
    paths = ["/", "/.json", "/charts", "/charts.json", "/search?q=probe", "/entities",
             f"{API}/launches?kind=event", f"{API}/launches?from=1000&to=2999",
             f"{API}/stats?by=year", f"{API}/stats?by=decade", f"{API}/render?kind=event",
             "/entities/family/markup-bold-x-bold", "/entities/site/baikonur",
             "/?year=2200", "/?decade=1850", f"{API}/search?q=nul"]
    for entry_id in entry_ids:
        paths += [f"/launches/{entry_id}", f"/launches/{entry_id}.json",
                  f"{API}/launches/{entry_id}", f"{API}/findings?launch_id={entry_id}"]
    for item_id in item_ids:
        paths += [f"{API}/payloads/{item_id}", f"{API}/payloads/{item_id}/events",
                  f"{API}/payloads/{item_id}/transfer"]
    for path in paths:
        response = test_client.get(path)
        assert response.status_code < 500, (path, response.text[:300])
        if "json" in response.headers.get("content-type", ""):
            valid_json(response.text)


def test_a_probe_outside_de421_says_why_it_has_no_transfer(
        client: tuple[TestClient, list[int], list[int]]) -> None:
    test_client, _, item_ids = client
    reasons = []
    for item_id in item_ids:
        response = test_client.get(f"{API}/payloads/{item_id}/transfer")
        if response.status_code == 404 and response.json()["error"]["code"] == "no_transfer":
            reasons.append(response.json()["error"]["details"]["reason"])
    assert sum("outside DE421's 1899–2053" in r for r in reasons) == 2  # 1850 and 2200
    assert any("could not be read" in r for r in reasons)  # dated 9999: undated


def test_the_whole_report_holds_only_finite_numbers(
        client: tuple[TestClient, list[int], list[int]]) -> None:
    test_client, _, _ = client
    from kosmochron.web import state

    wait, state.REPORT_WAIT = state.REPORT_WAIT, 120.0
    try:
        report = test_client.get(f"{API}/findings", params={"limit": 1000})
        page = test_client.get("/findings.json", params={"per_page": 1000})
    finally:
        state.REPORT_WAIT = wait
    assert report.status_code == 200 and page.status_code == 200
    found = valid_json(report.text)
    assert isinstance(found, dict)

    def numbers(value: object) -> Iterator[float]:
        if isinstance(value, float):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from numbers(v)
        elif isinstance(value, list):
            for v in value:
                yield from numbers(v)

    assert all(math.isfinite(x) for x in numbers(found))
    assert any(f["rule"] == "narrative-orbit" for f in found["results"])  # 9…9 km x 200 km
