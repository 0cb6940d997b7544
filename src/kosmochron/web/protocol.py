"""The HTTP/1.1 protocol of ``kosmochron serve``: uvicorn's h11 protocol with bounds on
what a client can hold.

* **Header timeout**: a request's line and headers must arrive within
  ``header_seconds`` of the connection (or of the previous response): a client that
  sends nothing, or trickles its headers (slowloris), is answered 408 and closed
  rather than holding a socket for ever.
* **URL length**: a request line over ``max_request_line`` bytes is answered 414 URI
  Too Long (and the rest of what the client sends is read and dropped for a moment,
  so that it sees the answer rather than a reset).
* **Stalled readers**: a client that reads nothing of its response for
  ``send_stall_seconds`` is disconnected.
* **Disconnects**: when the client goes away mid-request, the request's database
  budget is cancelled (:data:`kosmochron.web.guard.BUDGET_KEY`), which stops its
  running statement at once, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from typing import Any, ClassVar, cast

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..store.budget import Budget
from .guard import BUDGET_KEY, SECURITY_HEADERS

#: Defaults: a browser sends its whole request head in one packet, one round trip after
#: connecting (a kept-alive connection idles under uvicorn's keep-alive timeout instead);
#: 8 KiB is the request line nginx and most proxies accept; a reader silent for 10 s
#: has gone.
HEADER_SECONDS = 2.0
MAX_REQUEST_LINE = 8192
SEND_STALL_SECONDS = 10.0
#: How long the rest of a refused request is read and dropped before closing.
LINGER_SECONDS = 2.0


def _response(status: int, reason: str, text: str) -> bytes:
    body = (text + "\n").encode()
    head = [f"HTTP/1.1 {status} {reason}", "content-type: text/plain; charset=utf-8",
            f"content-length: {len(body)}", "connection: close",
            *(f"{k.decode()}: {v.decode()}" for k, v in SECURITY_HEADERS)]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol with the bounds of the module's documentation."""

    header_seconds: ClassVar[float] = HEADER_SECONDS
    max_request_line: ClassVar[int] = MAX_REQUEST_LINE
    send_stall_seconds: ClassVar[float] = SEND_STALL_SECONDS

    @classmethod
    def configured(cls, header_seconds: float = HEADER_SECONDS,
                   max_request_line: int = MAX_REQUEST_LINE,
                   send_stall_seconds: float = SEND_STALL_SECONDS) -> type[GuardedProtocol]:
        """This protocol with other bounds (uvicorn takes a class, not an instance)."""
        return type("GuardedProtocol", (cls,), {
            "header_seconds": header_seconds, "max_request_line": max_request_line,
            "send_stall_seconds": send_stall_seconds})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._stall_timer: asyncio.TimerHandle | None = None
        #: Bytes of the request line so far (None once its end has been seen).
        self._line: int | None = 0
        self._refused = False

    # -- the request head ------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def _await_head(self) -> None:
        self._line = 0
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_seconds, self._head_late)

    def _head_done(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # the rest of a refused request: read and dropped
        idle = self.conn.their_state is h11.IDLE
        if idle and self._line is not None:
            end = data.find(b"\n")
            self._line += len(data) if end < 0 else end
            if self._line > self.max_request_line:
                self._refuse(414, "URI Too Long", "the request line is longer than "
                             f"{self.max_request_line:,} bytes; shorten the URL")
                return
            if end >= 0:
                self._line = None
        if idle and self._head_timer is None:
            self._await_head()  # a pipelined or kept-alive request's head begins
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._head_done()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._line = 0  # the next request's head: the keep-alive timeout covers idling

    def _head_late(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered; its successor is timed after it
        if self._line == 0 and self.conn.trailing_data[0] == b"":
            self.transport.close()  # nothing sent at all
        else:
            self._refuse(408, "Request Timeout", "the request head did not arrive within "
                         f"{self.header_seconds:g} s")

    def _refuse(self, status: int, reason: str, text: str) -> None:
        """Answer and close, reading (and dropping) what the client still sends for a
        moment, so that it reads the answer instead of a connection reset."""
        self._refused = True
        self._head_done()
        self.transport.write(_response(status, reason, text))
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()

    # -- the response ----------------------------------------------------------------

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stall_timer is None:
            self._stall_timer = self.loop.call_later(self.send_stall_seconds, self._stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None

    def _stalled(self) -> None:
        """The client has read nothing for ``send_stall_seconds``: reset the connection
        (SO_LINGER 0, so the kernel drops what it still holds for it too, rather than
        keep an orphaned socket trying to deliver it)."""
        self._stall_timer = None
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._head_timer, self._stall_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._stall_timer = None
        if self.cycle is not None and not self.cycle.response_complete and self.scope:
            budget = cast("dict[str, Any]", self.scope).get(BUDGET_KEY)
            if isinstance(budget, Budget):
                budget.cancel("disconnect")
        super().connection_lost(exc)
