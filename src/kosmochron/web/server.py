"""The server runner behind ``kosmochron serve``: one process, or several workers.

With ``workers > 1`` each worker is a new process that builds the app from an
import string, finds the database where :func:`create_app` looks by default and
shares one ETag boot token; each listens on its own ``SO_REUSEPORT`` socket.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from ..store import ENV_VAR, Settings
from .app import BOOT_VAR


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> int:
    """Serve until stopped; the exit status (0 when told to stop)."""
    import uvicorn

    from .warmup import WARM_VAR

    os.environ[WARM_VAR] = "1"  # each process prepares the slow imports as it starts
    if workers == 1:
        from .app import create_app

        uvicorn.run(create_app(settings), host=host, port=port)
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
    import uvicorn

    server = uvicorn.Server(uvicorn.Config("kosmochron.web.app:create_app", factory=True))
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
            process.terminate()  # uvicorn finishes the requests in progress
    for process in processes:
        process.join(30)
        if process.is_alive():
            process.kill()
            process.join()
    return 0 if stop else 1
