"""The pages' filters (kosmochron.web.filters) over the whole app, on SQLite and
PostgreSQL: a value that names nothing gets a notice with the nearest known values
as links (did you mean), a known value matching nothing an empty page."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

pytest_plugins = ["db_support", "web_support"]


def _json(client: TestClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.text
    return response.json()


@pytest.mark.parametrize(("url", "parameter", "value", "first"), [
    ("/?family=Protn", "family", "Protn", "Proton"),
    ("/?site=Baikonr&outcome=failure", "site", "Baikonr", "Baikonur"),
    ("/charts?program=Mrs", "program", "Mrs", "Mars"),
    ("/?outcome=failur", "outcome", "failur", "failure"),
    ("/?kind=lunch", "kind", "lunch", "launch"),
    ("/entities/site/baikonur?family=R7", "family", "R7", "R-7"),
])
def test_a_mistyped_filter_offers_the_nearest_values(
        client: TestClient, url: str, parameter: str, value: str, first: str) -> None:
    path, _, query = url.partition("?")
    error = _json(client, f"{path}.json?{query}", 400)["error"]
    assert error["code"] == "unknown_value" and value in error["message"]
    details = error["details"]
    assert (details["parameter"], details["value"]) == (parameter, value)
    assert details["suggestions"][0] == first
    link = details["links"][0]["url"]  # to the JSON twin with the value swapped
    assert link.startswith(f"{path}.json?") and f"{parameter}={first}" in link
    assert client.get(link).status_code == 200  # the suggestion works
    page = client.get(url)
    assert page.status_code == 400 and "Did you mean" in page.text
    html_link = link.replace(f"{path}.json", path, 1)
    assert f'href="{html_link.replace("&", "&amp;")}"' in page.text
    assert client.get(html_link).status_code == 200


def test_a_known_value_that_matches_nothing_is_an_empty_page(client: TestClient) -> None:
    data = _json(client, "/index.json?family=Proton&from=2000")
    assert (data["total"], data["entries"]) == (0, [])
    assert "No entries match" in client.get("/?family=Proton&from=2000").text
