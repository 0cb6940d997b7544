"""The REST API through FastAPI's TestClient, on SQLite and on PostgreSQL.

Every test that takes ``client`` runs once per backend: a seeded SQLite file, and a
fresh PostgreSQL database ``kc_test_api_<hex>`` on the real server at 127.0.0.1:5432
(created with psycopg in autocommit mode, dropped ``WITH (FORCE)`` afterwards).  An
unreachable server makes the PostgreSQL tests fail, never skip.  The client's app is
built from settings, so the store is opened by the app's lifespan as in production.

Expectations are facts of the bundled seed: 21 launches; Proton 12 with 4 failures,
R-7 9 with 6; failed stages 3×4, 1×2, 2×2, 4×1, S×1; "computer chip" in Mars 4-7;
Mars 2 is satellite 5234, COSPAR 1971-045A; Sputnik 22 is 1962-B-Iota-1.
"""

from __future__ import annotations

import calendar
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from kosmochron import parse_file
from kosmochron.dates import DateBoundError, parse_date_bound
from kosmochron.export import entry_json
from kosmochron.stats import wilson_interval
from kosmochron.store import Settings, Store, open_store
from kosmochron.web import create_app
from kosmochron.web.httpcache import etag_matches
from kosmochron.web.params import DATE_PATTERN

SEED_BYTES = (resources.files("kosmochron") / "data" / "soviet-mars-chronology.txt").read_bytes()
SEED_NAME = "soviet-mars-chronology.txt"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
API = "/api/v1"
#: Two rows in the shape of GCAT's psatcat.tsv, so launch details carry GCAT links.
GCAT_SAMPLE = ("#JCAT\tPiece\tName\tLDate\tProgram\tClass\tCategory\tResult\n"
               "S05234\t1971-045A\tMars 2\t1971 May 19\tMars\tB\tPLAN\tS\n"
               "S00443\t1962 B IOT 1\tSputnik 22\t1962 Oct 24\tMars\tB\tPLAN\tF\n")
XSS_NAME = "<script>alert(1)</script>"
XSS_CHRONOLOGY = (
    "Hostile Chronology\n\n\n\n"
    "2001 January 2 - . 03:04 GMT - . Launch Site: Baikonur. LV Family: Proton. "
    "Launch Vehicle: Proton-K. \n\n"
    f"· {XSS_NAME} - . Payload: X. Nation: USSR. Program: Mars. COSPAR: 2001-001A. "
    'Summary: A <b>bold</b> & "quoted" alert probe.. \n\n')


# -- databases -----------------------------------------------------------------------


def _pg_admin() -> psycopg.Connection[tuple[Any, ...]]:
    try:
        return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres",
                               autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:  # a failure, not a skip
        raise RuntimeError(f"the PostgreSQL test server at {PG_HOST}:{PG_PORT} is not "
                           f"reachable (run the tests with ./dev test): {exc}") from exc


@contextmanager
def database(backend: str, directory: Path) -> Iterator[str]:
    """A new, empty database of ``backend``; a PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        yield str(directory / "kosmochron.sqlite3")
        return
    name = f"kc_test_api_{secrets.token_hex(6)}"
    with _pg_admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with _pg_admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def db_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The module's database: the seed, plus GCAT rows for Mars 2 and Sputnik 22."""
    directory = tmp_path_factory.mktemp(f"api-{backend}")
    with database(backend, directory) as url:
        gcat = directory / "psatcat.tsv"
        gcat.write_text(GCAT_SAMPLE, encoding="utf-8")
        with open_store(url) as store:
            store.import_gcat(gcat)
        yield url


@pytest.fixture(scope="module")
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings.from_env(db_url))) as test_client:
        yield test_client


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database for tests that write (the API itself never does)."""
    with database(backend, tmp_path) as url:
        yield url


# -- helpers -------------------------------------------------------------------------


def ok(client: TestClient, path: str, **params: Any) -> Any:
    url = path if path.startswith("http") else API + path
    # (httpx would replace the query of a next/previous URL with even an empty ``params``)
    response = client.get(url, params=params) if params else client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def error(response: httpx.Response, status: int, code: str, *mentions: str) -> dict[str, Any]:
    """Assert the one error shape and return its ``error`` object."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    assert list(body["error"]) == ["status", "code", "message", "details"]
    assert body["error"]["status"] == status and body["error"]["code"] == code
    for mention in mentions:
        assert mention in body["error"]["message"], body["error"]["message"]
    return cast(dict[str, Any], body["error"])


def count(client: TestClient, path: str = "/launches", **params: Any) -> int:
    return int(ok(client, path, limit=1, **params)["count"])


def names(launches: list[dict[str, Any]]) -> list[str]:
    return [item["name"] for launch in launches for item in launch["items"]]


def launch_id_of_satcat(client: TestClient, satcat: int) -> int:
    return int(ok(client, f"/payloads/by-satcat/{satcat}")["entry_id"])


# -- launches ------------------------------------------------------------------------


def test_index_links_every_endpoint(client: TestClient) -> None:
    links = ok(client, "")
    for name in ("launches", "payloads", "search", "stats", "render", "openapi.json"):
        assert links[name] == f"http://testserver{API}/{name}"
    assert links["docs"] == "http://testserver/api/docs"


def test_launches_are_entries_with_ids_in_date_order(client: TestClient) -> None:
    page = ok(client, "/launches")
    assert (page["count"], len(page["results"]), page["next"], page["previous"]) == \
        (21, 21, None, None)
    assert "facets" not in page
    contract = list(entry_json(parse_file().entries[0]))
    for launch in page["results"]:
        assert list(launch) == ["id", "source", "url", *contract, "item_ids"]
        assert launch["source"] == SEED_NAME
        assert launch["url"] == f"http://testserver{API}/launches/{launch['id']}"
        assert len(launch["item_ids"]) == len(launch["items"])
    starts = [launch["date"]["start"] for launch in page["results"]]
    assert starts == sorted(starts)
    first = page["results"][0]
    assert ok(client, first["url"])["id"] == first["id"]


def test_paging_follows_next_and_previous(client: TestClient) -> None:
    url: str | None = f"http://testserver{API}/launches?limit=5&family=Proton"
    pages = []
    while url:
        pages.append(ok(client, url))
        url = pages[-1]["next"]
    assert [len(p["results"]) for p in pages] == [5, 5, 2]
    assert all(p["count"] == 12 for p in pages)
    ids = [launch["id"] for p in pages for launch in p["results"]]
    assert ids == [launch["id"] for launch in ok(client, "/launches", family="Proton")["results"]]
    assert pages[0]["previous"] is None
    assert "offset=5" in pages[1]["previous"] or "offset" not in pages[1]["previous"]
    assert ok(client, pages[1]["previous"])["results"] == pages[0]["results"]
    assert ok(client, pages[2]["previous"])["results"] == pages[1]["results"]
    middle = ok(client, "/launches", limit=5, offset=7)
    assert "offset=2" in middle["previous"] and "offset=12" in middle["next"]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, 21),
    ({"family": "Proton"}, 12), ({"family": "proton"}, 12), ({"family": "R-7"}, 9),
    ({"family": "Proton", "outcome": "failure"}, 4), ({"family": "R-7", "outcome": "failure"}, 6),
    ({"outcome": "success"}, 11), ({"outcome": "failure"}, 10),
    ({"from": "1971", "to": "1971"}, 3), ({"from": "1971-05", "to": "1971-05"}, 3),
    ({"from": "1971-05-19", "to": "1971-05-19"}, 1), ({"from": "1971 May", "to": "1971 May"}, 3),
    ({"from": "1971 May 19", "to": "1971 May 19"}, 1), ({"from": "1988"}, 3), ({"to": "1962"}, 5),
    ({"from": "1972-02-29"}, 7), ({"from": "1971-5-28", "to": "1973 Jul"}, 3),
    ({"site": "Baikonur"}, 21), ({"site": "baikonur"}, 21),
    ({"complex": "Baikonur LC1"}, 9), ({"complex": "baikonur-lc81-23"}, 5),
    ({"vehicle": "Molniya 8K78"}, 8), ({"vehicle": "Proton-K/D-2"}, 3),
    ({"configuration": "Proton-K/D 255-01"}, 1),
    ({"program": "Mars"}, 21), ({"nation": "USSR"}, 20), ({"nation": "Russia"}, 1),
    ({"agency": "MOM"}, 10), ({"agency": "RVSN"}, 8),
    ({"failed_stage": "3"}, 4), ({"failed_stage": "1"}, 2), ({"failed_stage": "2"}, 2),
    ({"failed_stage": "4"}, 1), ({"failed_stage": "S"}, 1),
    ({"cospar": "1962-B-Iota-1"}, 1), ({"cospar": "1962 Beta Iota 1"}, 1),
    ({"cospar": "1962 B IOT 1"}, 1), ({"cospar": "1971-045A"}, 1), ({"cospar": "1999-999Z"}, 0),
    ({"satcat": 5234}, 1), ({"satcat": 443}, 1), ({"satcat": 999999}, 0),
    ({"q": "computer chip"}, 4), ({"q": "zzzyzzx"}, 0),
    ({"kind": "launch"}, 21), ({"kind": "event"}, 0),
    ({"source": SEED_NAME}, 21),
    ({"site": "", "q": ""}, 21),  # empty values filter nothing
])
def test_every_filter(client: TestClient, params: dict[str, Any], expected: int) -> None:
    assert count(client, **params) == expected


def test_filters_find_the_right_launches(client: TestClient) -> None:
    for spelling in ("1962-B-Iota-1", "1962 Beta Iota 1", "1962 B IOT 1"):
        assert names(ok(client, "/launches", cospar=spelling)["results"]) == ["Sputnik 22"]
    (mars2,) = ok(client, "/launches", satcat=5234)["results"]
    assert (mars2["date"]["text"], names([mars2])) == ("1971 May 19", ["Mars 2"])
    assert ok(client, "/launches", cospar="1971-045A")["results"] == [mars2]
    assert sorted(names(ok(client, "/launches", q="computer chip")["results"])) == \
        ["Mars 4", "Mars 5", "Mars 6", "Mars 7"]
    stage_s = ok(client, "/launches", failed_stage="S")["results"]
    assert [(x["date"]["text"], x["lv_family"]) for x in stage_s] == [("1969 March 27", "Proton")]


@pytest.mark.parametrize("ordering", ["date", "-date", "id", "-id"])
def test_orderings(client: TestClient, ordering: str) -> None:
    results = ok(client, "/launches", ordering=ordering)["results"]
    key = "id" if ordering.endswith("id") else "date"
    values = [x["id"] if key == "id" else x["date"]["start"] for x in results]
    assert values == sorted(values, reverse=ordering.startswith("-"))
    if ordering == "-date":
        assert results[0]["date"]["text"] == "1996 November 16"


def test_facets_count_every_match(client: TestClient) -> None:
    facets = ok(client, "/launches", limit=1, facets="family,site,outcome,decade")["facets"]
    assert list(facets) == ["family", "site", "outcome", "decade"]
    counts = {name: {v["value"]: v["count"] for v in values} for name, values in facets.items()}
    assert counts == {"family": {"Proton": 12, "R-7": 9}, "site": {"Baikonur": 21},
                      "outcome": {"success": 11, "failure": 10},
                      "decade": {"1960": 11, "1970": 7, "1980": 2, "1990": 1}}
    assert facets["family"][0]["slug"] == "proton"
    narrowed = ok(client, "/launches", family="Proton", facets="family,failed_stage")["facets"]
    assert {v["value"]: v["count"] for v in narrowed["family"]} == {"Proton": 12}
    assert {v["value"]: v["count"] for v in narrowed["failed_stage"]} == \
        {"1": 1, "2": 1, "4": 1, "S": 1}


def test_launch_detail(client: TestClient) -> None:
    launch = ok(client, f"/launches/{launch_id_of_satcat(client, 5234)}")
    assert names([launch]) == ["Mars 2"] and launch["outcome"] == "success"
    (mars2,) = launch["items"]
    assert mars2["id"] == launch["item_ids"][0]
    assert mars2["url"] == f"http://testserver{API}/payloads/{mars2['id']}"
    assert (mars2["satcat"], mars2["cospar"]) == (5234, "1971-045A")
    assert mars2["gcat"]["jcat"] == "S05234" and mars2["gcat"]["matched_by"] == "satcat+piece"
    assert launch["span"] == {"path": SEED_NAME, "line": launch["line"],
                              "end_line": launch["end_line"]}
    lines = SEED_BYTES.decode().splitlines(keepends=True)
    assert "".join(lines[launch["line"] - 1:]).startswith(launch["raw"])
    assert launch["raw"].startswith("1971 May 19 - . 16:22 GMT")
    assert launch["diagnostics"] == []
    sputnik = ok(client, "/launches", cospar="1962 B IOT 1")["results"][0]
    assert ok(client, sputnik["url"])["items"][0]["gcat"]["matched_by"] == "satcat+piece"
    zond = ok(client, "/launches", q="Zond 2")["results"][0]
    assert ok(client, zond["url"])["items"][0]["gcat"] is None


# -- payloads, search, stats, entities -----------------------------------------------


def test_payloads_list_with_filters_and_paging(client: TestClient) -> None:
    page = ok(client, "/payloads")
    assert page["count"] == 29 and len(page["results"]) == 29 and page["next"] is None
    first = page["results"][0]
    assert first["url"] == f"http://testserver{API}/payloads/{first['id']}"
    assert first["launch_url"] == f"http://testserver{API}/launches/{first['entry_id']}"
    proton = ok(client, "/payloads", family="Proton", limit=10)
    assert proton["count"] == 19 and len(proton["results"]) == 10
    rest = ok(client, proton["next"])
    assert len(rest["results"]) == 9 and rest["next"] is None
    assert count(client, "/payloads", q="computer chip") == 4
    assert count(client, "/payloads", nation="Russia") == 5
    assert count(client, "/payloads", **{"from": "1988", "to": "1988"}) == 5


def test_payload_lookups(client: TestClient) -> None:
    found = [ok(client, f"/payloads/by-cospar/{spelling}") for spelling in
             ("1962-B-Iota-1", "1962 Beta Iota 1", "1962 B IOT 1")]
    assert found[0] == found[1] == found[2]
    assert (found[0]["name"], found[0]["satcat"]) == ("Sputnik 22", 443)
    mars2 = ok(client, "/payloads/by-satcat/5234")
    assert (mars2["name"], mars2["cospar"], mars2["launch_date"]) == \
        ("Mars 2", "1971-045A", "1971 May 19")
    assert ok(client, "/payloads/by-cospar/1971-045A") == mars2
    assert ok(client, f"/payloads/{mars2['id']}") == mars2
    assert "orbiter" in mars2["narrative"].lower() or mars2["summary"]


def test_search_ranks_and_marks(client: TestClient) -> None:
    page = ok(client, "/search", q="computer chip")
    assert page["query"] == "computer chip" and page["next"] is None
    assert sorted(h["name"] for h in page["results"]) == ["Mars 4", "Mars 5", "Mars 6", "Mars 7"]
    for hit in page["results"]:
        assert "«" in hit["snippet"] and "»" in hit["snippet"]
        assert "<mark>" in hit["snippet_html"] and "«" not in hit["snippet_html"]
        assert hit["url"] == f"http://testserver{API}/launches/{hit['entry_id']}"
    ranks = [h["rank"] for h in page["results"]]
    assert ranks == sorted(ranks, reverse=True)
    first = ok(client, "/search", q="computer chip", limit=3)
    assert len(first["results"]) == 3 and first["previous"] is None
    second = ok(client, first["next"])
    assert second["next"] is None and len(second["results"]) == 1
    assert ok(client, second["previous"])["results"] == first["results"]
    assert ok(client, "/search", q='"AND" OR NOT')["results"] == []


def test_stats_by_family(client: TestClient) -> None:
    stats = ok(client, "/stats", by="family")
    rows = {row["key"]: row for row in stats["results"]}
    assert {k: (r["launches"], r["failures"], r["successes"]) for k, r in rows.items()} == \
        {"Proton": (12, 4, 8), "R-7": (9, 6, 3)}
    proton = rows["Proton"]
    assert proton["success_rate"] == pytest.approx(8 / 12)
    assert (proton["ci95_low"], proton["ci95_high"]) == pytest.approx(wilson_interval(8, 12))
    assert proton["ci95_low"] < proton["success_rate"] < proton["ci95_high"]
    assert proton["failed_stages"] == {"1": 1, "2": 1, "4": 1, "S": 1}
    assert rows["R-7"]["failed_stages"] == {"3": 4, "1": 1, "2": 1}
    assert stats["failed_stages"] == {"3": 4, "1": 2, "2": 2, "4": 1, "S": 1}
    assert list(stats["failed_stages"]) == ["3", "1", "2", "4", "S"]


@pytest.mark.parametrize("by", ["family", "vehicle", "configuration", "site", "program",
                                "nation", "decade", "year"])
def test_stats_every_dimension(client: TestClient, by: str) -> None:
    stats = ok(client, "/stats", by=by)
    assert stats["by"] == by
    assert sum(row["launches"] for row in stats["results"]) == 21
    assert sum(row["failures"] for row in stats["results"]) == 10


def test_stats_with_filters(client: TestClient) -> None:
    decades = ok(client, "/stats", by="decade", family="Proton")["results"]
    assert {r["key"]: (r["launches"], r["failures"]) for r in decades} == \
        {"1960": (2, 2), "1970": (7, 1), "1980": (2, 0), "1990": (1, 1)}
    years = ok(client, "/stats", by="year", **{"from": "1971", "to": "1973"})["results"]
    assert {r["key"]: r["launches"] for r in years} == {"1971": 3, "1973": 4}
    assert ok(client, "/stats", failed_stage="3")["failed_stages"] == {"3": 4}


@pytest.mark.parametrize("kind", ["site", "complex", "family", "vehicle", "configuration",
                                  "program", "agency", "nation", "type"])
def test_entity_lists_and_pages(client: TestClient, kind: str) -> None:
    listing = ok(client, f"/entities/{kind}")
    assert listing["kind"] == kind and listing["count"] == len(listing["results"]) > 0
    for entity in listing["results"]:
        page = ok(client, entity["url"], limit=2)
        assert (page["kind"], page["slug"], page["name"]) == \
            (kind, entity["slug"], entity["name"])
        assert page["stats"]["launches"] == page["launches"]["count"] == entity["launches"]
        assert len(page["launches"]["results"]) == min(2, entity["launches"])


def test_entity_detail(client: TestClient) -> None:
    proton = ok(client, "/entities/family/proton", limit=5)
    assert (proton["name"], proton["stats"]["launches"], proton["stats"]["failures"]) == \
        ("Proton", 12, 4)
    assert proton["stats"]["failed_stages"] == {"1": 1, "2": 1, "4": 1, "S": 1}
    assert proton["launches"]["count"] == 12 and len(proton["launches"]["results"]) == 5
    assert "offset=5" in proton["launches"]["next"]
    newest = ok(client, "/entities/family/proton", ordering="-date", limit=1)
    assert newest["launches"]["results"][0]["date"]["text"] == "1996 November 16"
    assert ok(client, "/entities/type/mars-probe")["stats"]["launches"] == 18
    assert ok(client, "/entities/complex/baikonur-lc1")["stats"]["launches"] == 9
    families = {e["name"]: e["launches"] for e in ok(client, "/entities/family")["results"]}
    assert families == {"Proton": 12, "R-7": 9}


# -- render ------------------------------------------------------------------------


def test_render_source_is_byte_exact(client: TestClient, db_url: str) -> None:
    response = client.get(f"{API}/render", params={"source": SEED_NAME})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    seed_file = Path(__file__).parent.parent / "src/kosmochron/data/soviet-mars-chronology.txt"
    assert response.content == seed_file.read_bytes() == SEED_BYTES
    cli = subprocess.run([sys.executable, "-m", "kosmochron", "render", "--stored", "--db", db_url],
                         capture_output=True, check=True, timeout=120)
    assert response.content == cli.stdout


def test_render_with_filters_concatenates_raw_entries(client: TestClient) -> None:
    proton = ok(client, "/launches", family="Proton")["results"]
    response = client.get(f"{API}/render", params={"family": "Proton"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "".join(ok(client, x["url"])["raw"] for x in proton)
    everything = client.get(f"{API}/render", params={"source": SEED_NAME, "ordering": "date"})
    assert everything.text.startswith("1960 October 10") and len(everything.content) < \
        len(SEED_BYTES)  # entries only: the page title between them is not an entry
    assert client.get(f"{API}/render", params={"family": "Proton", "from": "2000"}).text == ""
    error(client.get(f"{API}/render", params={"family": "Nothing"}), 400, "unknown_value",
          "Nothing")


# -- errors, methods, caching --------------------------------------------------------


def test_unknown_query_parameters_are_400_and_named(client: TestClient) -> None:
    body = error(client.get(f"{API}/launches", params={"familly": "Proton"}), 400,
                 "unknown_parameter", "familly")
    assert body["details"]["parameters"][0]["name"] == "familly"
    assert "family" in body["details"]["allowed"]
    error(client.get(f"{API}/search", params={"q": "mars", "page": "2"}), 400,
          "unknown_parameter", "page")
    error(client.get(f"{API}/launches/1", params={"limit": "5"}), 400, "unknown_parameter",
          "limit")
    # unknown names are reported before bad values
    error(client.get(f"{API}/launches", params={"zz": "1", "limit": "abc"}), 400,
          "unknown_parameter", "zz")


@pytest.mark.parametrize(("path", "params", "name"), [
    ("/launches", {"limit": "abc"}, "limit"), ("/launches", {"limit": "0"}, "limit"),
    ("/launches", {"limit": "1001"}, "limit"), ("/launches", {"offset": "-1"}, "offset"),
    ("/launches", {"from": "19x"}, "from"),
    ("/launches", {"to": "1971-13"}, "to"), ("/launches", {"from": "1971-02-29"}, "from"),
    ("/launches", {"from": "1971 may"}, "from"), ("/launches", {"ordering": "zzz"}, "ordering"),
    ("/launches", {"facets": "family,bogus"}, "facets"), ("/launches", {"satcat": "abc"}, "satcat"),
    ("/launches", {"satcat": str(2**40)}, "satcat"),
    ("/payloads", {"limit": "abc"}, "limit"), ("/stats", {"by": "colour"}, "by"),
    ("/stats", {"to": "soon"}, "to"),
    ("/search", {}, "q"), ("/search", {"q": "mars", "limit": "-3"}, "limit"),
    ("/launches/abc", {}, "launch_id"), ("/launches/99999999999", {}, "launch_id"),
    ("/payloads/abc", {}, "payload_id"), ("/payloads/by-satcat/x", {}, "satcat"),
    ("/entities/planet", {}, "kind"), ("/entities/family/proton", {"limit": "x"}, "limit"),
])
def test_bad_values_are_422_and_named(client: TestClient, path: str, params: dict[str, str],
                                      name: str) -> None:
    body = error(client.get(API + path, params=params), 422, "bad_value", name)
    assert body["details"]["parameters"][0]["name"] == name


@pytest.mark.parametrize(("path", "params", "suggested"), [
    ("/launches", {"site": "Plesetsk"}, []), ("/launches", {"source": "elsewhere.txt"}, []),
    ("/launches", {"family": "Protn"}, ["Proton"]), ("/payloads", {"program": "mars!"}, ["Mars"]),
    ("/stats", {"agency": "Korolv"}, ["Korolev"]), ("/render", {"vehicle": "Proton K/D"},
                                                     ["Proton-K/D"]),
    ("/launches", {"outcome": "failur"}, ["failure"]), ("/launches", {"kind": "lunch"},
                                                         ["launch"]),
    ("/render", {"outcome": "meh"}, []), ("/launches", {"outcome": "maybe"}, []),
])
def test_an_unknown_filter_value_is_400_with_the_nearest(
        client: TestClient, path: str, params: dict[str, str], suggested: list[str]) -> None:
    """Issue 13: a value that names nothing is not an empty list but a 400 whose details
    list the nearest known values (an empty result stays for known values)."""
    (name, value), = params.items()
    body = error(client.get(API + path, params=params), 400, "unknown_value", name, value)
    (problem,) = body["details"]["parameters"]
    assert (problem["name"], problem["value"], problem["in"]) == (name, value, "query")
    assert problem["suggestions"][:len(suggested)] == suggested


@pytest.mark.parametrize(("path", "params", "mention"), [
    ("/launches/999999", {}, "999999"), ("/payloads/999999", {}, "999999"),
    ("/payloads/by-cospar/1999-999Z", {}, "1999-999Z"), ("/payloads/by-satcat/1", {}, "1"),
    ("/entities/family/nope", {}, "nope"), ("/entities/type/nope", {}, "nope"),
    ("/nope", {}, "/api/v1/nope"), ("/launches/1/more", {}, "/api/v1/launches/1/more"),
    ("/render", {"source": "nope.txt"}, SEED_NAME),
])
def test_unknown_things_are_404(client: TestClient, path: str, params: dict[str, str],
                                mention: str) -> None:
    error(client.get(API + path, params=params), 404, "not_found", mention)


def test_a_browser_gets_an_error_page_for_an_unknown_path(client: TestClient) -> None:
    browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = client.get("/no/such/page", headers=browser)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page.text and "no route /no/such/page" in page.text
    error(client.get("/no/such/page"), 404, "not_found", "/no/such/page")  # not a browser
    error(client.get(f"{API}/nope", headers=browser), 404, "not_found", "/api/v1/nope")
    error(client.get("/nope.json", headers=browser), 404, "not_found", "/nope.json")


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "%", "_", "'; DROP TABLE entries; --",
                                   "é" * 300])
def test_hostile_text_is_never_a_server_error(client: TestClient, value: str) -> None:
    for name in ("cospar", "q"):
        assert count(client, **{name: value}) == 0
    for name in ("site", "family", "failed_stage", "source", "program"):  # names nothing
        error(client.get(f"{API}/launches", params={name: value}), 400, "unknown_value")
    assert client.get(f"{API}/search", params={"q": value}).status_code == 200
    assert client.get(f"{API}/render", params={"source": value}).status_code == 404
    for path in (f"/entities/family/{value}", f"/payloads/by-cospar/{value}"):
        assert client.get(API + quote(path)).status_code == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_the_api_is_read_only(client: TestClient, method: str) -> None:
    for path in ("/launches", "/launches/1", "/stats", "/render"):
        response = client.request(method, API + path)
        body = error(response, 405, "method_not_allowed", method)
        assert response.headers["allow"] == "GET, HEAD"
        assert body["details"] == {"method": method, "allowed": ["GET", "HEAD"]}


def test_head_is_get_without_a_body(client: TestClient) -> None:
    get = client.get(f"{API}/launches")
    head = client.head(f"{API}/launches")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == str(len(get.content))


def test_etags_and_304(client: TestClient) -> None:
    response = client.get(f"{API}/launches", params={"family": "Proton"})
    etag = response.headers["etag"]
    assert etag.startswith('W/"') and response.headers["cache-control"] == "no-cache"
    for header in (etag, etag.removeprefix("W/"), f'"other", {etag}', "*"):
        again = client.get(f"{API}/launches", params={"family": "Proton"},
                           headers={"If-None-Match": header})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
    assert client.get(f"{API}/launches", params={"family": "R-7"}).headers["etag"] != etag
    stale = client.get(f"{API}/launches", params={"family": "Proton"},
                       headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.headers["etag"] == etag
    for path in ("/launches/1", "/payloads", "/search?q=mars", "/stats", "/entities/family",
                 "/render?source=" + SEED_NAME, "/openapi.json"):
        assert client.get(API + path).headers["etag"].startswith('W/"')
    assert client.get("/api/docs").headers["etag"].startswith('W/"')
    assert "etag" not in client.get(f"{API}/launches/999999").headers
    assert not etag_matches(None, etag) and not etag_matches("", etag)


def test_etag_changes_when_the_data_changes(fresh_url: str, tmp_path: Path) -> None:
    with open_store(fresh_url) as store, TestClient(create_app(store=store)) as client:
        before = client.get(f"{API}/stats").headers["etag"]
        hostile = tmp_path / "hostile.txt"
        hostile.write_bytes(XSS_CHRONOLOGY.encode())
        store.ingest([hostile])
        after = client.get(f"{API}/stats", headers={"If-None-Match": before})
        assert after.status_code == 200 and after.headers["etag"] != before
        assert after.json()["results"][0]["launches"] == 13  # Proton: 12 + the new one


def test_a_served_app_sees_an_ingest_by_another_process(fresh_url: str, tmp_path: Path) -> None:
    """The app built from settings keeps answers between requests (counts, rankings,
    launches as JSON); an ingest through other connections, as ``kosmochron ingest``
    beside a running server, must show at once."""
    hostile = tmp_path / "hostile.txt"
    hostile.write_bytes(XSS_CHRONOLOGY.encode())
    with TestClient(create_app(Settings.from_env(fresh_url))) as client:
        before = client.get(f"{API}/launches", params={"family": "Proton"})
        assert before.json()["count"] == 12
        assert ok(client, "/search", q="alert probe")["results"] == []
        with open_store(fresh_url) as writer:
            writer.ingest([hostile])
            after = client.get(f"{API}/launches", params={"family": "Proton"},
                               headers={"If-None-Match": before.headers["etag"]})
            assert after.status_code == 200 and after.json()["count"] == 13
            assert [h["name"] for h in ok(client, "/search", q="alert probe")["results"]] \
                == [XSS_NAME]
            assert writer.remove_source(hostile)
        assert ok(client, "/launches", family="Proton")["results"] == before.json()["results"]
        assert ok(client, "/search", q="alert probe")["results"] == []


def test_untrusted_text_comes_back_verbatim(fresh_url: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_bytes(XSS_CHRONOLOGY.encode())
    with open_store(fresh_url) as store, TestClient(create_app(store=store)) as client:
        store.ingest([path])
        (launch,) = ok(client, "/launches", source=str(path.resolve()))["results"]
        assert names([launch]) == [XSS_NAME]
        assert launch["items"][0]["summary"] == 'A <b>bold</b> & "quoted" alert probe.'
        detail = ok(client, launch["url"])
        assert detail["items"][0]["name"] == XSS_NAME and XSS_NAME in detail["raw"]
        payload = ok(client, "/payloads/by-cospar/2001-001A")
        assert payload["name"] == XSS_NAME
        (hit,) = ok(client, "/search", q="alert probe")["results"]
        assert hit["name"] == XSS_NAME
        # escaped (SQLite) or dropped (PostgreSQL's ts_headline strips tags), never markup
        assert "<b>" not in hit["snippet_html"] and "<script" not in hit["snippet_html"]
        assert "&amp;" in hit["snippet_html"] and "<mark>alert</mark>" in hit["snippet_html"]
        rendered = client.get(f"{API}/render", params={"source": str(path.resolve())})
        assert rendered.content == XSS_CHRONOLOGY.encode()


# -- the app -------------------------------------------------------------------------


def _parses(text: str) -> bool:
    try:
        parse_date_bound(text, end=False)
        parse_date_bound(text, end=True)
    except DateBoundError:
        return False
    return True


def test_the_date_pattern_is_exactly_the_valid_dates() -> None:
    """``from``/``to`` are checked against a pattern the OpenAPI document publishes; a date
    it lets through must parse (or schemathesis' valid data would be rejected), and every
    real day in the documented forms must get through, leap days included."""
    names = [*calendar.month_name[1:], *calendar.month_abbr[1:], "may", "Mayx", "Sept"]
    checked = 0
    for year in ("0001", "0004", "0100", "0400", "1900", "1971", "1972", "2000", "9999",
                 "0000", "197", "19710", "١٩٧١"):
        candidates = [year, f" {year}", f"{year}\n", f"{year}-", f"{year} "]
        for month in range(14):
            for m in dict.fromkeys((str(month), f"{month:02d}")):
                candidates.append(f"{year}-{m}")
                candidates += [f"{year}-{m}-{d}" for day in range(33)
                               for d in dict.fromkeys((str(day), f"{day:02d}"))]
        for name in names:
            candidates += [f"{year} {name}", *(f"{year} {name} {day}" for day in range(33))]
        for text in candidates:
            checked += 1
            matches = re.fullmatch(DATE_PATTERN, text) is not None
            if matches or (text.isascii() and text == text.strip()):
                assert matches == _parses(text), text
            # else stricter than the CLI on purpose: no stray spaces, ASCII digits only
    assert checked > 25000


def test_openapi_document_covers_the_api(client: TestClient) -> None:
    document = ok(client, "/openapi.json")
    assert document["openapi"].startswith("3.")
    assert all(path.startswith(API) for path in document["paths"])
    expected = {"/launches", "/launches/{launch_id}", "/payloads", "/payloads/{payload_id}",
                "/payloads/by-cospar/{cospar}", "/payloads/by-satcat/{satcat}", "/search",
                "/stats", "/entities/{kind}", "/entities/{kind}/{slug}", "/render"}
    assert {API + p for p in expected} <= set(document["paths"])
    params = {p["name"] for p in document["paths"][f"{API}/launches"]["get"]["parameters"]}
    assert params == {"from", "to", "site", "complex", "family", "vehicle", "configuration",
                      "program", "nation", "agency", "type", "outcome", "failed_stage", "cospar",
                      "satcat", "q", "kind", "source", "state", "code", "ordering", "limit",
                      "offset", "facets", "format"}
    for methods in document["paths"].values():
        assert list(methods) == ["get"]
        responses = methods["get"]["responses"]
        assert responses["422"]["content"]["application/json"]["schema"] == \
            {"$ref": "#/components/schemas/Error"}


def test_docs_page_works_offline(client: TestClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<script" not in page and "cdn" not in page.lower()
    assert "src=" not in page and 'href="http' not in page
    document = ok(client, "/openapi.json")
    for path, methods in document["paths"].items():
        assert f"{path}</code>" in page
        for method, operation in methods.items():
            assert method.upper() in page
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in page
    assert "Full-text words that must all occur; &#34;quoted phrases&#34;" in page


def test_the_store_is_opened_by_the_lifespan(tmp_path: Path) -> None:
    path = tmp_path / "lazy.sqlite3"
    app = create_app(Settings.from_env(str(path)))
    assert not path.exists() and not hasattr(app.state, "store")
    with TestClient(app) as client:
        assert ok(client, "/launches")["count"] == 21  # seeded on first use
        store = app.state.store
        assert isinstance(store, Store)
    assert path.exists()


def test_server_errors_still_have_the_shape() -> None:
    class BrokenStore:
        def known_version(self) -> str | None:
            return None

        def version(self) -> str:
            raise RuntimeError("the disk is on fire")

    app = create_app(store=cast(Store, BrokenStore()))
    with TestClient(app, raise_server_exceptions=False) as client:
        body = error(client.get(f"{API}/launches"), 500, "internal_error", "RuntimeError")
        assert "fire" not in body["message"]  # no internals in the response


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_starts_a_server(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kosmochron", "serve", "--db", str(tmp_path / "k.sqlite3"),
         "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()[0].decode(errors="replace")
            try:
                response = httpx.get(f"http://127.0.0.1:{port}{API}/launches", timeout=5)
                if response.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "kosmochron serve did not answer in 60 s"
            time.sleep(0.2)
        assert response.json()["count"] == 21
        assert httpx.get(f"http://127.0.0.1:{port}/api/docs", timeout=5).status_code == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
