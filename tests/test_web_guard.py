"""What every request gets (issue 16), on SQLite and PostgreSQL: security headers on every
response, absolute URLs from the configured base URL (never the Host header), bounded
answers (paged render, a term limit with a clear 400, huge page numbers a 400), queries
stopped by the request's budget as a 503, and ``/findings`` pollers that hold no
handler thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from db_support import SEED_BYTES, SEED_NAME
from kosmochron.store import Settings, Store
from kosmochron.store.search import MAX_TERMS
from kosmochron.web import create_app
from kosmochron.web.guard import CSP, Limits

pytest_plugins = ["db_support"]
API = "/api/v1"
TOO_MANY = " ".join(f"word{i}" for i in range(MAX_TERMS + 1))


@pytest.fixture(scope="module")
def client(seeded: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store=seeded), raise_server_exceptions=False) as test_client:
        yield test_client


def assert_guarded(response: Any) -> None:
    headers = response.headers
    assert headers["content-security-policy"] == CSP, response.url
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/", 200), ("GET", "/launches/14", 200), ("GET", "/launches/14.json", 200),
    ("GET", "/charts", 200), ("GET", "/search?q=mars", 200), ("GET", "/entities", 200),
    ("GET", f"{API}/launches", 200), ("GET", f"{API}/openapi.json", 200),
    ("GET", "/api/docs", 200), ("GET", "/static/style.css", 200),
    ("HEAD", f"{API}/launches", 200),
    ("GET", "/nowhere", 404), ("GET", f"{API}/launches/999999", 404),
    ("POST", f"{API}/launches", 405), ("GET", f"{API}/launches?limit=0", 422),
    ("GET", f"{API}/launches?familly=x", 400), ("GET", f"{API}/search?q={TOO_MANY}", 400),
])
def test_every_response_has_the_security_headers(client: TestClient, method: str, path: str,
                                                 status: int) -> None:
    response = client.request(method, path, headers={"accept": "text/html"})
    assert response.status_code == status
    assert_guarded(response)
    if path.startswith(API) and status == 200:  # and a 304 too, and a kept response
        again = client.get(path, headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304
        assert_guarded(again)
        assert_guarded(client.get(path))


def test_an_internal_error_has_them_too(seeded: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object, **__: object) -> int:
        raise RuntimeError("fire")

    monkeypatch.setattr(Store, "count", fail)
    with TestClient(create_app(store=seeded), raise_server_exceptions=False) as client:
        response = client.get(f"{API}/launches")
    assert response.status_code == 500
    assert_guarded(response)


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    """What the CSP forbids, checked in the markup (the browser test checks it live)."""
    for path in ("/", "/launches/14", "/charts", "/search?q=mars", "/findings", "/api/docs",
                 "/entities/family/proton"):
        text = client.get(path).text
        assert "<script" not in text and "<style" not in text and " style=" not in text, path
        assert " on" + "click=" not in text and "javascript:" not in text, path


def test_absolute_urls_come_from_the_base_url_never_the_host(seeded: Store) -> None:
    limits = Limits(base_url="https://example.org/kosmochron")
    with TestClient(create_app(store=seeded, limits=limits)) as client:
        for host in (None, "evil.example", "evil.example:666"):
            headers = {"host": host} if host else {}
            page = client.get(f"{API}/launches", params={"limit": 5}, headers=headers).json()
            assert page["results"][0]["url"].startswith("https://example.org/kosmochron/api/v1/")
            assert page["next"] == "https://example.org/kosmochron/api/v1/launches?limit=5&offset=5"
            index = client.get(API, headers=headers).json()
            assert index["docs"] == "https://example.org/kosmochron/api/docs"
            hit = client.get(f"{API}/search", params={"q": "mars"}, headers=headers).json()
            assert all("evil" not in r["url"] for r in hit["results"])


@pytest.mark.parametrize("path", ["/", "/.json", "/search", "/findings", "/entities/family/proton"])
def test_page_numbers_of_thousands_of_digits_are_a_400(client: TestClient, path: str) -> None:
    for page in ("9" * 5000, "1" + "0" * 30):
        response = client.get(path, params={"page": page, "q": "mars"})
        assert response.status_code == 400, (path, response.text[:200])
    response = client.get(f"{API}/launches", params={"offset": "9" * 5000})
    assert response.status_code in (400, 422)


def test_a_long_search_is_normalised_and_too_many_terms_are_a_clear_400(
        client: TestClient) -> None:
    started = time.monotonic()
    repeated = client.get(f"{API}/search", params={"q": "probe " * 300})
    assert repeated.status_code == 200 and time.monotonic() - started < 2
    assert repeated.json()["results"] == client.get(f"{API}/search",
                                                    params={"q": "probe"}).json()["results"]
    for path, params in ((f"{API}/search", {"q": TOO_MANY}),
                         (f"{API}/launches", {"q": TOO_MANY}),
                         ("/search.json", {"q": TOO_MANY}), ("/.json", {"q": TOO_MANY})):
        response = client.get(path, params=params)
        assert response.status_code == 400, path
        error = response.json()["error"]
        assert error["code"] in ("too_many_terms", "bad_request")
        assert f"at most {MAX_TERMS} words" in error["message"]
    page = client.get("/search", params={"q": TOO_MANY}, headers={"accept": "text/html"})
    assert page.status_code == 400 and "too many search terms" in page.text


def test_render_is_paged_unless_it_is_a_stored_source(client: TestClient) -> None:
    first = client.get(f"{API}/render", params={"limit": 5, "kind": "launch"})
    assert first.status_code == 200 and first.headers["x-total-count"] == "21"
    assert first.headers["link"].startswith(
        f'<http://testserver{API}/render?limit=5&kind=launch&offset=5>; rel="next"')
    assert first.text.count("\n· ") <= 5 * 3
    pages, url = [first.text], None
    for offset in range(5, 21, 5):
        page = client.get(f"{API}/render", params={"limit": 5, "offset": offset})
        pages.append(page.text)
        url = page.headers.get("link")
    assert url is not None and 'rel="previous"' in url and 'rel="next"' not in url
    assert "".join(pages) == client.get(f"{API}/render").text  # default: 100 a page
    assert client.get(f"{API}/render", params={"limit": 1001}).status_code == 422
    whole = client.get(f"{API}/render", params={"source": SEED_NAME})
    assert whole.content == SEED_BYTES and "x-total-count" not in whole.headers


def test_a_query_over_the_budget_is_a_503_in_the_error_shape(
        seeded: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = "SELECT pg_sleep(30)" if seeded.dialect == "postgresql" else (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT count(*) FROM (SELECT x FROM c LIMIT 2000000000)")

    def count(*_: object, **__: object) -> int:
        with seeded.engine.connect() as conn:
            return int(conn.execute(sa.text(slow)).scalar_one())

    monkeypatch.setattr(Store, "count", count)
    with TestClient(create_app(store=seeded, limits=Limits(request_seconds=0.5))) as client:
        started = time.monotonic()
        response = client.get(f"{API}/launches")
        assert time.monotonic() - started < 3
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] == "too_slow" and "0.5 s of database time" in error["message"]
        assert_guarded(response)
        page = client.get("/", headers={"accept": "text/html"})
        assert page.status_code == 503 and "<h1>" in page.text


def test_findings_pollers_hold_no_handler_thread(db_url: str, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Any) -> None:
    """While the report is being prepared, requests for it wait without a handler thread:
    other requests are answered meanwhile (the server has only four)."""
    from db_support import SEED_TEXT, write_text
    from kosmochron.store import open_store
    from kosmochron.web import state

    with open_store(db_url) as store:
        store.ingest([write_text(tmp_path / "big.txt", SEED_TEXT * 80)])
    monkeypatch.setattr(state, "REPORT_WAIT", 4.0)
    with TestClient(create_app(Settings.from_env(db_url))) as client:
        pollers = [threading.Thread(target=client.get, args=("/api/v1/findings",))
                   for _ in range(8)]
        for poller in pollers:
            poller.start()
        time.sleep(0.5)
        started = time.monotonic()
        assert client.get(f"{API}/launches", params={"limit": 3}).status_code == 200
        answered = time.monotonic() - started
        for poller in pollers:
            poller.join(60)
    assert answered < 2, f"a plain request waited {answered:.1f} s behind the pollers"


def test_a_client_that_disconnects_stops_its_query(seeded: Store,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The query of a request whose client goes away stops at once, on the database too
    (it once ran on for minutes, and PostgreSQL's backend after the server's thread)."""
    import socket

    from kosmochron.web.protocol import GuardedProtocol
    from server_support import serving

    slow = "SELECT pg_sleep(30)" if seeded.dialect == "postgresql" else (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT count(*) FROM (SELECT x FROM c LIMIT 2000000000)")
    started, ended = threading.Event(), threading.Event()
    outcome: list[str] = []

    def count(*_: object, **__: object) -> int:
        started.set()
        try:
            with seeded.engine.connect() as conn:
                return int(conn.execute(sa.text(slow)).scalar_one())
        except Exception as exc:
            outcome.append(type(exc).__name__ + ": " + str(exc))
            raise
        finally:
            ended.set()

    monkeypatch.setattr(Store, "count", count)
    app = create_app(store=seeded, limits=Limits(request_seconds=60))
    with serving(app, http=GuardedProtocol, log_level="critical") as port:
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(f"GET {API}/launches?family=Proton HTTP/1.1\r\nHost: x\r\n\r\n"
                           .encode())
            assert started.wait(10)
            time.sleep(0.3)
        gone = time.monotonic()  # the client has closed its connection
        assert ended.wait(5), "the query ran on after its client left"
        assert time.monotonic() - gone < 3
        assert outcome and "QueryCancelled" in outcome[0] and "client went away" in outcome[0]
        if seeded.dialect == "postgresql":
            with seeded.engine.connect() as conn:
                assert conn.execute(sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                    "AND query LIKE 'SELECT pg_sleep(30)%' AND datname = current_database()"))\
                    .scalar_one() == 0


def test_heavy_requests_take_turns_and_wait_a_bounded_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches and renders are computed two at a time (the other handler threads stay
    free; the event loop keeps the interpreter more); one that would wait over a second
    for its turn is told to come back (503 busy, Retry-After), without a thread."""
    import asyncio

    from kosmochron.web import guard

    monkeypatch.setattr(guard, "HEAVY_WAIT", 0.3)
    running: list[int] = []
    most = [0]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        running.append(1)
        most[0] = max(most[0], len(running))
        await asyncio.sleep(0.2)
        running.pop()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    limit = guard.HeavyLimit(app, at_once=2)

    async def call(path: str) -> int:
        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        async def receive() -> Message:
            return {"type": "http.request"}

        await limit({"type": "http", "path": path}, receive, send)
        return int(sent[0]["status"])

    async def main() -> list[int]:
        return await asyncio.gather(*(call(f"{API}/search") for _ in range(6)),
                                    call(f"{API}/launches"))

    statuses = asyncio.run(main())
    assert most[0] == 3  # two searches and the launches list, never more searches
    assert statuses[-1] == 200 and statuses[:4] == [200, 200, 200, 200]
    assert statuses[4:6] == [503, 503]  # waited 0.3 s for a turn: told to come back
