"""Downloads of every view and the API's collections in CSV, JSON and NDJSON
(kosmochron.web.downloads), on SQLite and PostgreSQL: each download is exactly what
the view shows under its filters and order, every page of it; every launches CSV has
the columns and cells of ``kosmochron export``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from db_support import GCAT_FILES, shifted_seed, write_text
from kosmochron.cli import main
from kosmochron.store import Store
from kosmochron.tables import LAUNCH_COLUMNS, PAYLOAD_COLUMNS, names
from kosmochron.web import create_app

pytest_plugins = ["db_support", "web_support"]
API = "/api/v1"


def download(client: TestClient, url: str, fmt: str) -> str:
    response = client.get(url + ("&" if "?" in url else "?") + f"format={fmt}")
    assert response.status_code == 200, response.text
    media = {"csv": "text/csv", "json": "application/json", "ndjson": "application/x-ndjson"}
    assert response.headers["content-type"].startswith(media[fmt])
    assert "attachment; filename=\"kosmochron-" in response.headers["content-disposition"]
    return str(response.text)


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def all_pages(client: TestClient, url: str, key: str) -> list[Any]:
    """Every page of a view's JSON twin, ``key``'s records concatenated."""
    path, _, query = url.partition("?")
    twin = (path + "index.json" if path.endswith("/") else path + ".json") + "?" + query
    records, page = [], 1
    while True:
        data = client.get(f"{twin}&per_page=5&page={page}").json()
        records.extend(data[key])
        if page >= data["pages"]:
            return records
        page += 1


@pytest.mark.parametrize("url", [
    "/?kind=all", "/?family=Proton&family=R-7&outcome=failure", "/?sort=-date",
    "/?view=table&sort=-vehicle", "/?view=table&sort=name&decade=1970",
    "/entities/family/proton?view=table&sort=outcome", "/entities/program/mars?sort=-date",
])
def test_a_list_downloads_as_it_shows_every_page(client: TestClient, url: str) -> None:
    key = "rows" if "view=table" in url else "entries"
    shown = all_pages(client, url, key)
    rows = table(download(client, url, "csv"))
    assert [int(r["id"]) for r in rows] == [e["id"] for e in shown]
    assert list(rows[0]) == names(LAUNCH_COLUMNS)
    records = json.loads(download(client, url, "json"))
    assert [r["id"] for r in records] == [e["id"] for e in shown]
    if key == "entries":
        assert records == shown  # the very records of the JSON twin
    lines = download(client, url, "ndjson").splitlines()
    assert [json.loads(line) for line in lines] == records


def test_search_hits_download_as_they_show(client: TestClient) -> None:
    url = "/search?q=mars&family=Proton&sort=date"
    shown = all_pages(client, url, "hits")
    assert len(shown) > 5
    rows = table(download(client, url, "csv"))
    assert [int(r["item_id"]) for r in rows] == [h["item_id"] for h in shown]
    assert rows[0]["snippet_text"] == shown[0]["snippet_text"]
    assert json.loads(download(client, url, "json")) == shown


def test_entity_lists_download_in_their_order(client: TestClient) -> None:
    shown = client.get("/entities/agency.json?sort=-failures").json()["entities"]
    rows = table(download(client, "/entities/agency?sort=-failures", "csv"))
    assert [r["slug"] for r in rows] == [e["slug"] for e in shown]
    assert list(rows[0]) == ["id", "name", "slug", "launches", "payloads", "failures"]
    assert [int(r["failures"]) for r in rows] == sorted((int(r["failures"]) for r in rows),
                                                        reverse=True)


def test_findings_download(client: TestClient, seeded: Store) -> None:
    assert seeded.findings_ready(120)
    shown = client.get("/findings.json?rule=cospar&per_page=1000").json()["results"]
    rows = table(download(client, "/findings?rule=cospar", "csv"))
    assert [(r["rule"], r["line"]) for r in rows] == [(f["rule"], str(f["line"]))
                                                      for f in shown]
    assert json.loads(download(client, "/findings?rule=cospar", "ndjson").splitlines()[0]) \
        == shown[0]


def test_the_view_bar_links_the_downloads(client: TestClient) -> None:
    html = client.get("/?family=Proton&page=2&per_page=5").text
    for fmt in ("csv", "json", "ndjson"):
        assert f'href="/?family=Proton&amp;format={fmt}" download' in html  # every page
    assert 'href="/search?q=mars&amp;format=csv" download' in client.get("/search?q=mars").text
    assert "format=ndjson" in client.get("/entities/site").text
    assert "format=csv" in client.get("/entities/family/proton").text


def test_a_view_with_nothing_to_list_or_a_bad_format(client: TestClient) -> None:
    error = client.get("/index.json?format=xls").json()["error"]
    assert error["code"] == "unknown_value" and error["details"]["parameter"] == "format"
    assert client.get("/launches/1?format=csv").status_code == 400  # one launch: no list
    assert client.get("/?family=Protn&format=csv").status_code == 400  # did you mean
    empty = download(client, "/?family=Proton&from=2000", "csv")
    assert empty.splitlines() == [",".join(names(LAUNCH_COLUMNS))]
    assert json.loads(download(client, "/?family=Proton&from=2000", "json")) == []


# -- the API -----------------------------------------------------------------------------


def test_every_collection_answers_in_every_format(client: TestClient) -> None:
    for path in ("/launches", "/payloads", "/search?q=mars", "/stats", "/stats/streaks",
                 "/stats/learning-curve", "/stats/cadence", "/stats/failures",
                 "/entities/site", "/entities/family/proton", "/lookup?q=1F DPS"):
        for fmt in ("csv", "ndjson"):
            assert download(client, API + path, fmt)
        assert client.get(API + path).headers["content-type"].startswith("application/json")


def test_the_api_csv_is_every_match_or_the_page_asked(client: TestClient) -> None:
    everything = table(download(client, f"{API}/launches?family=Proton", "csv"))
    assert len(everything) == client.get(f"{API}/launches?family=Proton").json()["count"]
    page = table(download(client, f"{API}/launches?family=Proton&limit=3&offset=2", "csv"))
    assert page == everything[2:5]
    records = [json.loads(line) for line in
               download(client, f"{API}/launches?family=Proton&limit=3&offset=2",
                        "ndjson").splitlines()]
    assert records == client.get(f"{API}/launches?family=Proton&limit=3&offset=2").json()[
        "results"]
    payloads = table(download(client, f"{API}/payloads?family=Proton", "csv"))
    assert list(payloads[0]) == names(PAYLOAD_COLUMNS)
    assert len(payloads) == client.get(f"{API}/payloads?family=Proton").json()["count"]


def test_accept_asks_the_same_and_is_kept_apart(client: TestClient) -> None:
    url = f"{API}/launches?family=R-7"
    first = client.get(url)  # kept by the response cache
    as_csv = client.get(url, headers={"accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.headers["etag"] != first.headers["etag"]
    as_ndjson = client.get(url, headers={"accept": "application/x-ndjson"})
    assert as_ndjson.headers["content-type"].startswith("application/x-ndjson")
    assert client.get(url).json() == first.json()


def test_one_column_order_and_spelling_in_the_cli_api_and_web(
        client: TestClient, seeded: Store, capsys: pytest.CaptureFixture[str]) -> None:
    web = download(client, "/?family=Proton", "csv")
    api = download(client, f"{API}/launches?family=Proton", "csv")
    assert web == api  # the seed has no events: the same launches, in date order
    main(["launches", "--db", seeded.settings.url, "--family", "Proton", "--format", "csv"])
    listed = capsys.readouterr().out
    assert listed == api
    main(["export", "--db", seeded.settings.url, "--family", "Proton", "--format", "csv"])
    exported = capsys.readouterr().out
    assert exported.splitlines()[0] == api.splitlines()[0]
    assert sorted(exported.splitlines()[1:]) == sorted(api.splitlines()[1:])  # source order
    assert ",false," in api  # one boolean spelling


def test_a_big_view_streams_in_batches(store: Store, tmp_path: Path) -> None:
    store.ingest([write_text(tmp_path / "big.txt", shifted_seed(40))])
    with TestClient(create_app(store=store)) as c:
        rows = table(download(c, "/?kind=launch&sort=-date", "csv"))
        total = c.get("/index.json?kind=launch").json()["total"]
        assert len(rows) == total > 500  # more than one batch
        starts = [r["date_start"] for r in rows if r["date_start"]]
        assert starts == sorted(starts, reverse=True)
        assert len(c.get(f"{API}/launches?format=ndjson").text.splitlines()) == total


def test_reconciliation_downloads(client: TestClient, seeded: Store) -> None:
    seeded.import_gcat_files(GCAT_FILES)
    report = client.get("/reconcile.json").json()
    rows = table(download(client, "/reconcile", "csv"))
    assert len(rows) == sum(len(launch["fields"]) for launch in report["launches"])
    assert json.loads(download(client, "/reconcile", "json")) == report["launches"]
    assert table(download(client, f"{API}/reconcile", "csv")) == rows
