"""``GET /api/v1/payloads/{id}/events`` and ``/transfer`` on SQLite and PostgreSQL: the
figures of Mars 2, the launches of its window, the grid on request, and the one error
shape for payloads with no transfer and for unknown ones.

The app is built from settings on the module's seeded database (``db_support``), so
its store is opened by the app's lifespan as in production; responses are checked
against the schemas the OpenAPI document publishes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import httpx
import jsonschema
import pytest
from fastapi.testclient import TestClient

from kosmochron.store import Settings, Store
from kosmochron.web import create_app
from kosmochron.web.params import API
from kosmochron.web.schemas import SCHEMAS

pytest_plugins = ["db_support"]


@pytest.fixture(scope="module")
def client(seeded: Store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(seeded.settings.url))) as test_client:
        yield test_client


def payload_id(seeded: Store, cospar: str) -> int:
    [found] = seeded.payload_ids(cospar=cospar)
    return found


def conforms(body: Any, schema: str) -> None:
    """``body`` is valid against the published schema ``schema``."""
    document = {"$ref": f"#/components/schemas/{schema}",
                "components": {"schemas": SCHEMAS}}
    jsonschema.validate(body, document)


def ok(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(API + path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["etag"]
    return response.json()


def error(response: httpx.Response, status: int, code: str, *mentions: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"]
    assert list(body["error"]) == ["status", "code", "message", "details"]
    assert body["error"]["status"] == status and body["error"]["code"] == code
    for mention in mentions:
        assert mention in body["error"]["message"]
    conforms(body, "Error")
    return cast(dict[str, Any], body["error"])


def test_events_of_mars2(client: TestClient, seeded: Store) -> None:
    mars2 = payload_id(seeded, "1971-045A")
    body = ok(client, f"/payloads/{mars2}/events")
    conforms(body, "EventList")
    assert body["payload_id"] == mars2 and body["name"] == "Mars 2"
    assert body["count"] == len(body["results"]) > 0
    assert body["url"].endswith(f"{API}/payloads/{mars2}/events")
    [arrival] = [e for e in body["results"] if e["kind"] == "arrival"]
    assert arrival["body"] == "Mars"
    assert arrival["date"] == {"text": "27 November 1971", "precision": "day",
                               "start": "1971-11-27", "end": "1971-11-27"}
    assert arrival["span"]["line"] == 81
    assert ok(client, f"/payloads/{mars2}/events") == body  # the stored rows, same answer


def test_flyby_distance(client: TestClient, seeded: Store) -> None:
    zond2 = payload_id(seeded, "1964-078C")
    [flyby] = [e for e in ok(client, f"/payloads/{zond2}/events")["results"]
               if e["kind"] == "flyby"]
    assert (flyby["body"], flyby["distance_km"], flyby["date"]["start"]) == \
        ("Mars", 1500.0, "1965-08-06")


def test_transfer_of_mars2(client: TestClient, seeded: Store) -> None:
    mars2 = payload_id(seeded, "1971-045A")
    body = ok(client, f"/payloads/{mars2}/transfer")
    conforms(body, "TransferReport")
    assert body["url"].endswith(f"{API}/payloads/{mars2}/transfer")
    assert body["payload_url"].endswith(f"{API}/payloads/{mars2}")
    t = body["transfer"]
    assert f"{t['c3_km2_s2']:.3g}" == "8.11" and f"{t['vinf_arrival_km_s']:.3g}" == "2.91"
    assert round(t["tof_days"]) == 192 and body["suspect"] is False
    assert body["arrival"]["kind"] == "arrival"
    window = body["window"]
    assert window["key"] == "Mars:1971-05-19" and window["days_from_optimum"] == -5.0
    assert [m["name"] for m in window["launches"]] == ["Cosmos 419", "Mars 2", "Mars 3"]
    assert "departures" not in window


def test_transfer_grid_on_request(client: TestClient, seeded: Store) -> None:
    body = ok(client, f"/payloads/{payload_id(seeded, '1971-045A')}/transfer", grid="true")
    conforms(body, "TransferReport")
    window = body["window"]
    assert len(window["departures"]) == 121 and len(window["arrivals"]) == 401
    assert len(window["c3_km2_s2"]) == 121 and len(window["vinf_arrival_km_s"][0]) == 401
    assert window["c3_km2_s2"][0][0] is None  # outside 120-400 days of flight


def test_no_transfer_is_404_in_the_error_shape(client: TestClient, seeded: Store) -> None:
    cosmos419 = payload_id(seeded, "1971-042A")
    found = error(client.get(f"{API}/payloads/{cosmos419}/transfer"), 404, "no_transfer",
                  f"payload {cosmos419} has no transfer", "its launch failed")
    assert found["details"] == {"payload_id": cosmos419, "reason": "its launch failed"}
    # Its events are there all the same (it re-entered on 12 May 1971).
    events = ok(client, f"/payloads/{cosmos419}/events")["results"]
    assert [(e["kind"], e["body"]) for e in events] == [("reentry", "Earth")]


def test_unknown_payloads_and_bad_ids(client: TestClient) -> None:
    for what in ("events", "transfer"):
        error(client.get(f"{API}/payloads/999999/{what}"), 404, "not_found",
              "no payload with id 999999")
        error(client.get(f"{API}/payloads/0/{what}"), 422, "bad_value")
        error(client.get(f"{API}/payloads/x/{what}"), 422, "bad_value")
    error(client.get(f"{API}/payloads/1/transfer", params={"grid": "maybe"}), 422, "bad_value")
    error(client.get(f"{API}/payloads/1/events", params={"grid": "true"}), 400,
          "unknown_parameter", "grid")
    error(client.post(f"{API}/payloads/1/transfer"), 405, "method_not_allowed")


def test_the_openapi_document_describes_both(client: TestClient) -> None:
    document = ok(client, "/openapi.json")
    paths = document["paths"]
    for path, schema in (("/payloads/{payload_id}/events", "EventList"),
                         ("/payloads/{payload_id}/transfer", "TransferReport")):
        responses = paths[API + path]["get"]["responses"]
        assert responses["200"]["content"]["application/json"]["schema"] == \
            {"$ref": f"#/components/schemas/{schema}"}
        assert "404" in responses
    names = {p["name"] for p in paths[API + "/payloads/{payload_id}/transfer"]["get"]
             ["parameters"]}
    assert names == {"payload_id", "grid"}
    assert {"Event", "Transfer", "Window", "WindowLaunch", "TransferReport"} <= \
        set(document["components"]["schemas"])
