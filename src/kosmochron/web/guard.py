"""What every request gets, whatever it asks: a bounded cost and safe headers.

:class:`Guard` is the outermost ASGI middleware (outside even Starlette's error
handling, so error responses get it too):

* each request runs under a database budget (:func:`kosmochron.store.budget.spending`):
  its statements together may take :attr:`Limits.request_seconds`, and are stopped
  at once when the client disconnects (the server's protocol cancels the budget it
  finds in the scope) or the server shuts down;
* every response carries the security headers of :data:`SECURITY_HEADERS`: a
  Content-Security-Policy that the pages pass (no inline script or style at all,
  so none needs a hash; scripts and styles only from ``/static``), no MIME
  sniffing, no framing, no referrer sent elsewhere.

Absolute URLs in responses come from the configured base URL
(:attr:`Limits.base_url`, ``--base-url``/``$KOSMOCHRON_BASE_URL``), never from the
request's Host header, which any client can set.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, replace

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store.budget import spending

#: The Content-Security-Policy of every response.  The pages have no inline script or
#: style (the charts use SVG presentation attributes, which CSP does not govern); a
#: page that needs a script serves it from /static.  An inline one would need its
#: sha256 hash here (``'sha256-…'`` in script-src), which the browser test enforces.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
#: Where the request's budget is, for the server's protocol (which cancels it when the
#: client disconnects).
BUDGET_KEY = "kosmochron.budget"

BASE_URL_VAR = "KOSMOCHRON_BASE_URL"
REQUEST_SECONDS_VAR = "KOSMOCHRON_REQUEST_SECONDS"


@dataclass(frozen=True, slots=True)
class Limits:
    """What the server allows one request, and where it says it is."""

    #: Database time per request (all its statements together), in seconds.
    request_seconds: float = 2.0
    #: The server's public address; absolute URLs in responses start with it.
    base_url: str = "http://127.0.0.1:8000"

    @classmethod
    def from_env(cls) -> Limits:
        limits = cls()
        if base := os.environ.get(BASE_URL_VAR, "").strip():
            limits = replace(limits, base_url=base)
        if seconds := os.environ.get(REQUEST_SECONDS_VAR, "").strip():
            limits = replace(limits, request_seconds=float(seconds))
        return replace(limits, base_url=limits.base_url.rstrip("/"))


def base_url(request: Request) -> str:
    """The configured base URL absolute URLs start with (never the request's Host
    header, which clients set)."""
    return str(request.app.state.limits.base_url)


class Guard:
    """ASGI middleware: a database budget per request and the security headers on every
    response (see the module)."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        with spending(self.limits.request_seconds) as budget:
            scope[BUDGET_KEY] = budget  # the protocol's own scope dict: it looks here
            await self.app(scope, receive, send_with_headers)


#: Paths whose answers a client can make expensive at will (full-text search of any
#: words at any offset, a thousand entries' text at any offset).
HEAVY_PATHS = ("/api/v1/search", "/search", "/api/v1/render")
#: How many of those are computed at once: the handler threads left over serve every
#: other request, and fewer busy threads leave the event loop, which answers kept
#: responses itself, the interpreter's lock more often (bench_abuse.py: two at once
#: kept ordinary requests' p99 at a third of four at once, with the same throughput).
HEAVY_AT_ONCE = 2
#: How long one of them waits for its turn before it is told to come back (503 with
#: Retry-After): waiting is bounded too, so each ends within about two seconds.
HEAVY_WAIT = 1.0
_BUSY = json.dumps({"error": {
    "status": 503, "code": "busy", "message": "the server is busy with other searches and "
    "renders; try again in a second", "details": {"retry_after_seconds": 1}}}).encode()


class HeavyLimit:
    """ASGI middleware (inside the response cache, so a kept answer never waits): at most
    :data:`HEAVY_AT_ONCE` requests to :data:`HEAVY_PATHS` computed at once; the others
    wait without a thread, for up to :data:`HEAVY_WAIT` seconds, then get a 503 (code
    ``busy``, ``Retry-After: 1``).  A slot is given back when the response starts, so a
    long stream (a whole stored source) holds none."""

    def __init__(self, app: ASGIApp, at_once: int = HEAVY_AT_ONCE) -> None:
        self.app = app
        self.at_once = at_once
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(HEAVY_PATHS):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.at_once)
        slots = self._slots
        try:
            await asyncio.wait_for(slots.acquire(), HEAVY_WAIT)
        except TimeoutError:
            await send({"type": "http.response.start", "status": 503, "headers": [
                (b"content-type", b"application/json"), (b"retry-after", b"1"),
                (b"content-length", str(len(_BUSY)).encode())]})
            await send({"type": "http.response.body", "body": _BUSY})
            return
        held = True

        async def send_and_release(message: Message) -> None:
            nonlocal held
            if held and message["type"] == "http.response.start":
                held = False
                slots.release()
            await send(message)

        try:
            await self.app(scope, receive, send_and_release)
        finally:
            if held:
                slots.release()
