"""``kosmochron serve`` against clients that misbehave (issue 16): a real server in a child
process, real sockets.  Silent and slow senders are closed after the header timeout, an
overlong URL is a 414 the client can read, a disconnect cancels the request's queries,
a reader that stops reading is dropped, and SIGTERM ends the server promptly even with
such clients connected."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kosmochron.store import open_store
from kosmochron.store.budget import Budget
from kosmochron.web.guard import BUDGET_KEY
from kosmochron.web.protocol import MAX_REQUEST_LINE, GuardedProtocol
from server_support import free_port, serving

HEADER_SECONDS = 1.0


def wait_until_answering(proc: subprocess.Popen[bytes], port: int) -> None:
    """Waits (60 s at most) until the ``kosmochron serve`` of ``proc`` answers on ``port``."""
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, proc.communicate()[0].decode(errors="replace")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "kosmochron serve did not answer in 60 s"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen[bytes],
                                                                       int]]:
    db = tmp_path_factory.mktemp("serve") / "k.sqlite3"
    open_store(str(db)).close()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kosmochron", "serve", "--db", str(db), "--port", str(port),
         "--header-seconds", str(HEADER_SECONDS), "--base-url", "http://kc.example"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wait_until_answering(proc, port)
    yield proc, port
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_client_that_sends_nothing_is_closed(server: tuple[subprocess.Popen[bytes], int]) -> None:
    started = time.monotonic()
    with connect(server[1]) as sock:
        assert read_all(sock) == b""
    assert HEADER_SECONDS - 0.2 < time.monotonic() - started < HEADER_SECONDS + 2


def test_a_slowloris_is_answered_408_and_closed(
        server: tuple[subprocess.Popen[bytes], int]) -> None:
    started = time.monotonic()
    with connect(server[1]) as sock:
        head = b"GET /api/v1 HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
        try:
            for byte in head:
                sock.send(bytes([byte]))
                time.sleep(0.05)  # 100+ bytes at 20/s: far past the header timeout
        except OSError:
            pass  # closed on us: as it should be
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout")
    assert b"x-frame-options: DENY" in answer
    assert time.monotonic() - started < HEADER_SECONDS + 3


@pytest.mark.parametrize("size", [MAX_REQUEST_LINE + 100, 1 << 20])
def test_an_overlong_url_is_a_414_the_client_reads(server: tuple[subprocess.Popen[bytes], int],
                                                   size: int) -> None:
    with connect(server[1]) as sock:
        with contextlib.suppress(OSError):  # the server may stop reading once it answered
            sock.sendall(b"GET /?q=" + b"x" * size + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 414 URI Too Long"), answer[:100]


def test_a_url_within_the_limit_is_served(server: tuple[subprocess.Popen[bytes], int]) -> None:
    q = "x" * (MAX_REQUEST_LINE - 200)
    response = httpx.get(f"http://127.0.0.1:{server[1]}/api/v1/search", params={"q": q},
                         timeout=10)
    assert response.status_code == 200
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_kept_alive_connections_still_work(server: tuple[subprocess.Popen[bytes], int]) -> None:
    with httpx.Client(base_url=f"http://127.0.0.1:{server[1]}", timeout=10) as client:
        for _ in range(3):
            launches = client.get("/api/v1/launches", params={"limit": 1})
            assert launches.status_code == 200
            time.sleep(HEADER_SECONDS / 2)
        assert launches.json()["results"][0]["url"].startswith("http://kc.example/api/v1/")


def test_a_disconnect_cancels_the_request_budget() -> None:
    """The protocol cancels the budget of a request whose client goes away mid-answer
    (which stops its statement: test_store_budget shows that part)."""

    class Cycle:
        response_complete = False

    protocol = GuardedProtocol.__new__(GuardedProtocol)
    protocol._head_timer = protocol._stall_timer = None
    budget = Budget(10)
    protocol.cycle = Cycle()  # type: ignore[assignment]
    protocol.scope = {BUDGET_KEY: budget}  # type: ignore[misc]
    with contextlib.suppress(AttributeError):  # uvicorn's own clean-up needs a real
        protocol.connection_lost(None)        # connection; ours ran first
    assert budget.reason == "disconnect"


def test_sigterm_ends_the_server_promptly_with_clients_hanging(tmp_path: Path) -> None:
    db = tmp_path / "k.sqlite3"
    open_store(str(db)).close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kosmochron", "serve", "--db", str(db),
                             "--port", str(port), "--header-seconds", "30"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_answering(proc, port)
        idle, half = connect(port), connect(port)
        half.sendall(b"GET /api/v1/launches HTTP/1.1\r\nHost: x\r\n")  # never finished
        time.sleep(0.3)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        status = proc.wait(timeout=30)
        # uvicorn shuts down, then raises the signal it caught again: -SIGTERM is the
        # status of a server that stopped because it was told to.
        assert status in (0, -signal.SIGTERM) and time.monotonic() - started < 10
        assert b"Traceback" not in (proc.stdout.read() if proc.stdout else b"")
        idle.close()
        half.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_reader_that_stops_reading_is_reset(tmp_path: Path) -> None:
    """A client that asks for a big answer (a 6 MB stored source, streamed) and reads
    none of it is reset once the server has waited ``send_stall_seconds`` to write: its
    connection, the server's buffers and the kernel's are all freed."""
    from db_support import SEED_TEXT, write_text
    from kosmochron.web import create_app

    store = open_store(str(tmp_path / "k.sqlite3"))
    big = write_text(tmp_path / "big.txt", SEED_TEXT * 250)
    store.ingest([big])
    protocol = GuardedProtocol.configured(send_stall_seconds=1.0)
    try:
        with serving(create_app(store=store), http=protocol, log_level="warning") as port, \
                socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", port))
            sock.sendall(f"GET /api/v1/render?source={big.resolve()} HTTP/1.1\r\n"
                         "Host: x\r\n\r\n".encode())
            started = time.monotonic()
            state = 1  # TCP_ESTABLISHED until the server resets it
            while state == 1 and time.monotonic() - started < 20:
                time.sleep(0.1)
                state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
            assert state != 1 and time.monotonic() - started < 8
    finally:
        store.close()
