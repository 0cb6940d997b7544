"""The server runner behind ``kosmochron serve``: one process, or several workers.

With ``workers > 1`` each worker is a new process that builds the app from an
import string, finds the database where :func:`create_app` looks by default and
shares one ETag boot token; each listens on its own ``SO_REUSEPORT`` socket.

Every server speaks :class:`~kosmochron.web.protocol.GuardedProtocol` (header timeout,
URL limit, stalled readers, disconnects cancel the request's queries) and shuts down
gracefully within a bound: on SIGTERM or SIGINT it stops accepting, lets requests in
progress finish for up to :data:`GRACE_SECONDS` (their queries are bounded by the
request budget anyway), then cancels what is left and exits.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Any

from ..store import ENV_VAR, Settings
from .app import BOOT_VAR
from .guard import BASE_URL_VAR, REQUEST_SECONDS_VAR
from .protocol import HEADER_SECONDS, MAX_REQUEST_LINE, SEND_STALL_SECONDS

#: How long a stopping server waits for the requests in progress (seconds).
GRACE_SECONDS = 5
#: The interpreter's thread switch interval while serving (Python's default is 5 ms):
#: the event loop, which answers kept responses itself, waits at most this long for the
#: interpreter lock that busy handler threads hold, so an ordinary request stays quick
#: while others are expensive (bench_abuse.py).
SWITCH_INTERVAL = 0.001
HEADER_SECONDS_VAR = "KOSMOCHRON_HEADER_SECONDS"


@dataclass(frozen=True, slots=True)
class ServerOptions:
    """``kosmochron serve``'s bounds, passed to workers through the environment."""

    base_url: str | None = None
    request_seconds: float | None = None
    header_seconds: float = HEADER_SECONDS

    def export(self) -> None:
        """Into the environment, where the app (and each worker) reads them."""
        if self.base_url:
            os.environ[BASE_URL_VAR] = self.base_url
        if self.request_seconds is not None:
            os.environ[REQUEST_SECONDS_VAR] = str(self.request_seconds)
        os.environ[HEADER_SECONDS_VAR] = str(self.header_seconds)


def default_base_url(host: str, port: int) -> str:
    """The base URL when none is configured: where the server listens (an address that
    listens everywhere is named by this machine's name)."""
    import socket

    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _config(app: Any, **kwargs: Any) -> Any:
    """uvicorn's configuration with the guarded protocol and a bounded shutdown."""
    import uvicorn

    from .protocol import GuardedProtocol

    header = float(os.environ.get(HEADER_SECONDS_VAR) or HEADER_SECONDS)
    protocol = GuardedProtocol.configured(header, MAX_REQUEST_LINE, SEND_STALL_SECONDS)
    return uvicorn.Config(app, http=protocol, timeout_graceful_shutdown=GRACE_SECONDS,
                          **kwargs)


def _server(config: Any) -> Any:
    """A uvicorn server that, once told to stop, cancels the queries still running when
    its grace period is over (the threads running them then finish at once)."""
    import sys

    import uvicorn

    sys.setswitchinterval(SWITCH_INTERVAL)

    from ..store.budget import cancel_all

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            import asyncio

            loop = asyncio.get_running_loop()
            timer = loop.call_later(GRACE_SECONDS, cancel_all)
            try:
                await super().shutdown(sockets)
            finally:
                timer.cancel()
                cancel_all()

    return Server(config)


def serve(settings: Settings, host: str, port: int, workers: int = 1,
          options: ServerOptions | None = None) -> int:
    """Serve until stopped; the exit status (0 when told to stop)."""
    options = options or ServerOptions()
    if not options.base_url and not os.environ.get(BASE_URL_VAR):
        options = ServerOptions(default_base_url(host, port), options.request_seconds,
                                options.header_seconds)
    options.export()
    from .warmup import WARM_VAR

    os.environ[WARM_VAR] = "1"  # each process prepares the slow imports as it starts
    if workers == 1:
        from .app import create_app

        _server(_config(create_app(settings), host=host, port=port)).run()
        return 0
    os.environ[ENV_VAR] = settings.url
    os.environ.setdefault(BOOT_VAR, secrets.token_hex(8))
    return run_workers(host, port, workers)


def _listen(host: str, port: int) -> Any:
    """A listening socket of one worker.  SO_REUSEPORT: each worker has its own and the
    kernel spreads new connections over them (with uvicorn's --workers all share one,
    and the first worker to wake accepts every pending connection: ten clients that
    connect at once all land on one worker).  TCP_NODELAY: a small response on a
    kept-alive connection must not wait 40 ms for a delayed ACK."""
    import socket

    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         proto=socket.IPPROTO_TCP)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(address)
    sock.listen(2048)
    return sock


def _worker(host: str, port: int) -> None:
    server = _server(_config("kosmochron.web.app:create_app", factory=True))
    server.run(sockets=[_listen(host, port)])


def run_workers(host: str, port: int, workers: int) -> int:
    """Run ``workers`` server processes until one ends or we are told to stop (SIGINT,
    SIGTERM): then stop them all.  The exit status is 0 only if we were told to."""
    import multiprocessing
    import signal
    import time

    stop: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda number, _frame: stop.append(number))
    spawn = multiprocessing.get_context("spawn")
    processes = [spawn.Process(target=_worker, args=(host, port), name=f"kosmochron-{n}")
                 for n in range(workers)]
    for process in processes:
        process.start()
    while not stop and all(p.is_alive() for p in processes):
        time.sleep(0.2)
    for process in processes:
        if process.is_alive():
            process.terminate()  # each finishes its requests in progress, within its grace
    deadline = time.monotonic() + GRACE_SECONDS + 5
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
    return 0 if stop else 1
