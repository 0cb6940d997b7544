"""HTTP caching for a read-only server: ETags, 304s, and kept responses.

Everything the app answers is a function of the stored data, the code and the
request, so :class:`ReadOnlyCache` (pure ASGI middleware, so streaming and HEAD
need no special cases):

* gives GETs under ``/api/`` an ETag made from the data version
  (:meth:`Store.version`), the code version, a boot token and the URL, with
  ``Cache-Control: no-cache``, and answers a matching ``If-None-Match`` with a
  bodiless 304 before any handler runs;
* keeps whole successful responses (:class:`ResponseCache`) keyed by the data
  version and everything of the request a page depends on (root path, path and
  query; never the Host header, which any client sets: absolute URLs come from the
  configured base URL), so asking again is a memory copy rather than a query, a
  parse and a serialisation: what a caching proxy would do, without the proxy.
  An ingest changes the data version, so no kept response outlives the data it
  was made from.  Bounded by bytes (``KOSMOCHRON_RESPONSE_CACHE_MB``, 0 turns it
  off); static files and responses over a tenth of the budget are not kept.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..store import Store

#: The response cache's budget in MB (default :data:`DEFAULT_CACHE_MB`; 0: no cache).
CACHE_VAR = "KOSMOCHRON_RESPONSE_CACHE_MB"
DEFAULT_CACHE_MB = 32
#: Paths whose responses are never kept (StaticFiles does its own revalidation).
UNCACHED_PREFIXES = ("/static/",)

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeptResponse:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class ResponseCache:
    """Whole responses, least recently used first out, within a byte budget."""

    def __init__(self, max_bytes: int, largest: int | None = None) -> None:
        self.max_bytes = max_bytes
        #: Bigger responses are not kept: a few must not push out many.
        self.largest = max_bytes // 10 if largest is None else largest
        self.size = 0
        self._kept: OrderedDict[Key, KeptResponse] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls) -> ResponseCache | None:
        text = os.environ.get(CACHE_VAR, "").strip()
        megabytes = float(text) if text else DEFAULT_CACHE_MB
        return cls(int(megabytes * 2**20)) if megabytes > 0 else None

    def get(self, key: Key) -> KeptResponse | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
            return kept

    def put(self, key: Key, response: KeptResponse) -> None:
        if len(response.body) > self.largest:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self._kept[key] = response
            self.size += len(response.body)
            while self.size > self.max_bytes:
                _, dropped = self._kept.popitem(last=False)
                self.size -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._kept)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison (RFC 9110 §13.1.2): ``W/`` prefixes do not matter; ``*`` is any."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


async def _data_version(store: Store) -> str:
    # Serving SQLite knows it without a query; otherwise ask in a thread (it is SQL).
    known = store.known_version()
    return known if known is not None else await run_in_threadpool(store.version)


def _header(scope: Scope, name: bytes) -> str | None:
    return next((bytes(v).decode("latin-1") for k, v in scope["headers"] if k.lower() == name),
                None)


def _accept(scope: Scope, path: str) -> str:
    """What of the Accept header an API answer depends on: a collection answers CSV or
    NDJSON when asked so (issue 13), so a kept JSON answer must not serve that ask."""
    if not path.startswith("/api/"):
        return ""
    accept = _header(scope, b"accept") or ""
    return next((t for t in ("csv", "ndjson", "jsonl") if t in accept), "")


async def _send_whole(send: Send, status: int, headers: list[tuple[bytes, bytes]],
                      body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _Recorder:
    """Wraps ``send`` for one response: adds the ETag to a 200, blanks the body of a
    HEAD, and keeps a 200 whole in the response cache unless it is too big."""

    def __init__(self, send: Send, etag: str | None, head: bool, key: Key | None,
                 responses: ResponseCache | None) -> None:
        self.send, self.etag, self.head = send, etag, head
        self.key, self.responses = key, responses
        self.started: Message | None = None
        self.chunks: list[bytes] = []
        self.room = 0 if responses is None else responses.largest

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            message = self._start(message)
        elif message["type"] == "http.response.body":
            self._keep(message)
            if self.head:
                message = {**message, "body": b""}
        await self.send(message)

    def _start(self, message: Message) -> Message:
        if self.etag and message["status"] == 200:
            headers = list(message.get("headers", []))
            if not any(k.lower() == b"etag" for k, _ in headers):
                headers += [(b"etag", self.etag.encode()), (b"cache-control", b"no-cache")]
            message = {**message, "headers": headers}
        self.started = message
        return message

    def _keep(self, message: Message) -> None:
        started = self.started
        if self.key is None or started is None or started["status"] != 200:
            return
        self.chunks.append(bytes(message.get("body", b"")))
        self.room -= len(self.chunks[-1])
        if self.room < 0:  # too big to keep (a whole chronology streaming out)
            self.key, self.chunks = None, []
        elif not message.get("more_body", False) and self.responses is not None:
            self.responses.put(self.key, KeptResponse(
                200, tuple((bytes(k), bytes(v)) for k, v in started["headers"]),
                b"".join(self.chunks)))


class ReadOnlyCache:
    """ASGI middleware: HEAD is GET without the body; ETags and 304s under ``/api/``;
    whole responses kept per data version (see the module's documentation)."""

    def __init__(self, app: ASGIApp, boot: str, responses: ResponseCache | None = None) -> None:
        self.app = app
        self.boot = boot
        self.responses = responses

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        scope = {**scope, "method": "GET"}
        path: str = scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        keep = self.responses is not None and not path.startswith(UNCACHED_PREFIXES)
        if not keep and not path.startswith("/api/"):
            await self.app(scope, receive, send)
            return
        version = await _data_version(scope["app"].state.store)
        etag = None
        if path.startswith("/api/"):
            etag = self._etag(version, path, f"{query}|{_accept(scope, path)}")
            if etag_matches(_header(scope, b"if-none-match"), etag):
                await _send_whole(send, 304, [(b"etag", etag.encode()),
                                              (b"cache-control", b"no-cache")], b"")
                return
        key: Key | None = None
        if keep and self.responses is not None:
            key = (version, str(scope.get("root_path", "")), path, query, _accept(scope, path))
            kept = self.responses.get(key)
            if kept is not None:
                await _send_whole(send, kept.status, list(kept.headers),
                                  b"" if head else kept.body)
                return
        await self.app(scope, receive, _Recorder(send, etag, head, key, self.responses))

    def _etag(self, version: str, path: str, query: str) -> str:
        digest = hashlib.sha256(f"{version}|{__version__}|{self.boot}|{path}?{query}".encode())
        return f'W/"{digest.hexdigest()[:24]}"'
