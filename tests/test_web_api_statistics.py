"""The API's statistics routes (``/stats`` with Jeffreys, scores and streaks,
``/stats/streaks``, ``/stats/learning-curve``, ``/stats/cadence``, ``/stats/failures``)
against the seed, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kosmochron.stats import jeffreys_interval

pytest_plugins = ["db_support", "web_support"]
API = "/api/v1"


def ok(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(API + path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_stats_rows_have_jeffreys_scores_and_streaks(client: TestClient) -> None:
    rows = {r["key"]: r for r in ok(client, "/stats", by="family")["results"]}
    proton = rows["Proton"]
    assert (proton["jeffreys95_low"], proton["jeffreys95_high"]) \
        == pytest.approx(jeffreys_interval(8, 12))
    assert proton["score"] == 8.0
    assert (proton["longest_streak"], proton["streak_from"], proton["streak_to"]) \
        == (8, "1971-05-19", "1988-07-12")
    agencies = ok(client, "/stats", by="agency")["results"]
    assert sum(r["launches"] for r in agencies) == 23  # two launches carry two agencies


def test_streaks(client: TestClient) -> None:
    body = ok(client, "/stats/streaks", by="family")
    assert body["by"] == "family"
    assert [(r["key"], r["longest"], r["from"], r["to"], r["current"])
            for r in body["results"]] == [("Proton", 8, "1971-05-19", "1988-07-12", 0),
                                          ("R-7", 2, "1964-11-30", "1965-07-18", 2)]


def test_learning_curve(client: TestClient) -> None:
    body = ok(client, "/stats/learning-curve")
    assert (body["by"], body["step"]) == ("family", 5)
    first = body["results"][0]
    assert (first["flights"], first["attempts"], first["successes"], first["vehicles"]) \
        == ("1–5", 10, 3, 2)
    assert first["ci95_low"] < 0.3 < first["ci95_high"]
    steps = ok(client, "/stats/learning-curve", step=2, family="Proton")["results"]
    assert [s["flights"] for s in steps] == ["1–2", "3–4", "5–6", "7–8", "9–10", "11–12"]


def test_cadence(client: TestClient) -> None:
    body = ok(client, "/stats/cadence", by="nation")
    assert sum(c["launches"] for c in body["results"]) == 21
    assert {"year": 1996, "key": "Russia", "launches": 1, "failures": 1} in body["results"]
    assert ok(client, "/stats/cadence", outcome="failure", by="family")["results"][0] == {
        "year": 1960, "key": "R-7", "launches": 2, "failures": 2}


def test_failures_by_stage(client: TestClient) -> None:
    rows = ok(client, "/stats/failures")["results"]
    assert [(r["stage"], r["stage_text"], r["failures"]) for r in rows][-1] \
        == ("S", "payload shroud (fairing)", 1)
    assert ok(client, "/stats/failures", family="R-7")["results"][0]["stage"] == "1"


@pytest.mark.parametrize(("path", "params", "status"), [
    ("/stats/cadence", {"by": "decade"}, 422), ("/stats/learning-curve", {"step": "0"}, 422),
    ("/stats/streaks", {"colour": "red"}, 400), ("/stats/failures", {"to": "soon"}, 422)])
def test_bad_parameters(client: TestClient, path: str, params: dict[str, str],
                        status: int) -> None:
    response = client.get(API + path, params=params)
    assert response.status_code == status
    assert set(response.json()["error"]) == {"status", "code", "message", "details"}


def test_the_routes_are_documented(client: TestClient) -> None:
    paths = ok(client, "/openapi.json")["paths"]
    for path in ("/stats/streaks", "/stats/learning-curve", "/stats/cadence",
                 "/stats/failures"):
        assert API + path in paths
