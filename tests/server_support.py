"""A real server for the tests that need real sockets: the app served by uvicorn in a
thread of the test process, on a free port of 127.0.0.1.

    with serving(create_app(store=store), log_level="warning") as port:
        ...
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

#: How long uvicorn may take to start listening.
START_SECONDS = 30


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (the kernel's choice)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Any, **config: Any) -> Iterator[int]:
    """Serves ``app`` on 127.0.0.1 in a daemon thread (``config`` goes to uvicorn's
    ``Config``), yields the port once uvicorn listens, and stops the server on the way
    out."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **config))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
