"""HTTP caching: ETags, 304s and kept whole responses, which must never outlive the data
they were made from nor be handed to a request they were not made for."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from db_support import write_text
from kosmochron.store import Settings, Store, open_store
from kosmochron.web import create_app
from kosmochron.web.httpcache import CACHE_VAR, KeptResponse, ResponseCache, etag_matches

pytest_plugins = ["db_support"]

LAUNCHES = "/api/v1/launches?family=Proton&limit=3"
NEW_PROTON = ("2031 April 1 - . 09:15 GMT - . Launch Site: Baikonur. LV Family: Proton. "
              "Launch Vehicle: Proton-M.\n· Zvezdochka - . Nation: Russia. Program: Mars.\n")


def kept(body: bytes) -> KeptResponse:
    return KeptResponse(200, ((b"content-type", b"text/plain"),), body)


def test_the_budget_drops_the_least_recently_used() -> None:
    cache = ResponseCache(100, largest=50)
    cache.put(("a",), kept(b"x" * 40))
    cache.put(("b",), kept(b"x" * 40))
    assert cache.get(("a",)) is not None  # now the most recent
    cache.put(("c",), kept(b"x" * 40))
    assert cache.get(("b",)) is None and cache.get(("a",)) and cache.get(("c",))
    assert cache.size == 80 and len(cache) == 2
    cache.put(("a",), kept(b"y" * 5))  # replacing counts the new size only
    assert cache.size == 45
    cache.put(("big",), kept(b"x" * 51))  # over the largest kept: not kept
    assert cache.get(("big",)) is None and cache.size == 45
    assert ResponseCache(1000).largest == 100  # a tenth of the budget by default


def test_the_budget_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_VAR, raising=False)
    default = ResponseCache.from_env()
    assert default is not None and default.max_bytes == 32 * 2**20
    monkeypatch.setenv(CACHE_VAR, "0.5")
    half = ResponseCache.from_env()
    assert half is not None and half.max_bytes == 2**19
    monkeypatch.setenv(CACHE_VAR, "0")
    assert ResponseCache.from_env() is None


def test_weak_etag_comparison() -> None:
    assert etag_matches('W/"abc"', 'W/"abc"') and etag_matches('"abc"', 'W/"abc"')
    assert etag_matches('"x", W/"abc"', 'W/"abc"') and etag_matches("*", 'W/"abc"')
    assert not etag_matches(None, 'W/"abc"') and not etag_matches('"abd"', 'W/"abc"')


@pytest.fixture
def served(store: Store) -> Iterator[tuple[TestClient, ResponseCache]]:
    """An app built from settings over the test's database, as ``kosmochron serve`` runs."""
    with TestClient(create_app(Settings.from_env(store.settings.url))) as client:
        responses = client.app.state.responses  # type: ignore[attr-defined]
        assert isinstance(responses, ResponseCache)
        yield client, responses


def test_asking_again_is_answered_from_the_kept_response(
        served: tuple[TestClient, ResponseCache]) -> None:
    client, responses = served
    first = client.get(LAUNCHES)
    assert first.status_code == 200 and len(responses) == 1
    again = client.get(LAUNCHES)
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert len(responses) == 1
    head = client.head(LAUNCHES)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(first.content))
    page = client.get("/")  # web pages are kept too, and stay pages
    assert client.get("/").text == page.text and len(responses) == 2


def test_errors_are_never_kept(served: tuple[TestClient, ResponseCache]) -> None:
    client, responses = served
    assert client.get("/api/v1/launches/999999").status_code == 404
    assert client.get("/api/v1/launches?familly=Proton").status_code == 400
    assert client.get("/no/such/page").status_code == 404
    assert len(responses) == 0


def test_the_host_header_neither_keys_a_kept_response_nor_enters_its_urls(
        served: tuple[TestClient, ResponseCache]) -> None:
    """Issue 16 (this test said the opposite before): absolute URLs come from the
    configured base URL, so a client's Host header can neither poison the kept
    response others get nor fill the cache with one copy per made-up host."""
    client, responses = served
    mine = client.get(LAUNCHES)
    kept = len(responses)
    other = client.get(LAUNCHES, headers={"host": "evil.example"})
    assert mine.content == other.content and len(responses) == kept
    assert mine.json()["results"][0]["url"].startswith("http://testserver/api/v1/")
    assert mine.json()["next"].startswith("http://testserver/api/v1/launches?")


def test_an_ingest_retires_every_kept_response(
        served: tuple[TestClient, ResponseCache], store: Store, tmp_path: Path) -> None:
    client, _ = served
    before = client.get(LAUNCHES).json()
    page_before = client.get("/entities/family/proton").text
    new = write_text(tmp_path / "new.txt", NEW_PROTON)
    with open_store(store.settings.url) as writer:  # as `kosmochron ingest` beside a server
        writer.ingest([new])
    after = client.get(LAUNCHES).json()
    assert after["count"] == before["count"] + 1
    assert "<desc>12 entries" in page_before
    assert "<desc>13 entries" in client.get("/entities/family/proton").text


def test_big_streams_are_not_kept(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_VAR, "0.05")  # 52 KB: responses up to 5 KB are kept
    with TestClient(create_app(Settings.from_env(store.settings.url))) as client:
        rendered = client.get("/api/v1/render")
        assert rendered.status_code == 200 and len(rendered.content) > 20_000
        assert len(client.app.state.responses) == 0  # type: ignore[attr-defined]
        assert client.get("/api/v1/launches?limit=1&fields=").status_code == 400
        small = client.get("/api/v1/stats?by=decade")
        assert small.status_code == 200 and len(small.content) < 5_000
        assert len(client.app.state.responses) == 1  # type: ignore[attr-defined]


def test_no_cache_when_turned_off(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_VAR, "0")
    with TestClient(create_app(Settings.from_env(store.settings.url))) as client:
        assert client.app.state.responses is None  # type: ignore[attr-defined]
        first = client.get(LAUNCHES)
        assert client.get(LAUNCHES, headers={"if-none-match": first.headers["etag"]}) \
            .status_code == 304
