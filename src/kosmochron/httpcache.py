"""HTTP caching for a read-only server: ETags, 304s, and kept responses.

Everything the app answers is a function of the stored data, the code and the
request, so :class:`ReadOnlyCache` (pure ASGI middleware, so streaming and HEAD
need no special cases):

* gives GETs under ``/api/`` an ETag made from the data version
  (:meth:`Store.version`), the code version, a boot token and the URL, with
  ``Cache-Control: no-cache``, and answers a matching ``If-None-Match`` with a
  bodiless 304 before any handler runs;
* keeps whole successful responses (:class:`ResponseCache`) keyed by the data
  version and everything of the request a page depends on (host, scheme, root
  path, path and query), so asking again is a memory copy rather than a query, a
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

from . import __version__
from .store import Store

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
        store: Store = scope["app"].state.store
        version = await _data_version(store)
        etag = None
        if path.startswith("/api/"):
            digest = hashlib.sha256(f"{version}|{__version__}|{self.boot}|{path}?{query}"
                                    .encode())
            etag = f'W/"{digest.hexdigest()[:24]}"'
            sent = {k.lower(): bytes(v).decode("latin-1") for k, v in scope["headers"]}
            if etag_matches(sent.get(b"if-none-match"), etag):
                await send({"type": "http.response.start", "status": 304,
                            "headers": [(b"etag", etag.encode()),
                                        (b"cache-control", b"no-cache")]})
                await send({"type": "http.response.body", "body": b""})
                return
        key: Key | None = None
        if keep and self.responses is not None:
            host = next((bytes(v).decode("latin-1") for k, v in scope["headers"]
                         if k.lower() == b"host"), "")
            key = (version, scope.get("scheme", "http"), host, str(scope.get("root_path", "")),
                   path, query)
            kept = self.responses.get(key)
            if kept is not None:
                await send({"type": "http.response.start", "status": kept.status,
                            "headers": list(kept.headers)})
                await send({"type": "http.response.body", "body": b"" if head else kept.body})
                return
        started: Message | None = None
        chunks: list[bytes] = []
        room = 0 if self.responses is None else self.responses.largest

        async def send_wrapper(message: Message) -> None:
            nonlocal started, key, room
            if message["type"] == "http.response.start":
                if etag and message["status"] == 200:
                    headers = list(message.get("headers", []))
                    if not any(k.lower() == b"etag" for k, _ in headers):
                        headers += [(b"etag", etag.encode()), (b"cache-control", b"no-cache")]
                    message = {**message, "headers": headers}
                started = message
            elif message["type"] == "http.response.body":
                if key is not None and started is not None and started["status"] == 200:
                    chunks.append(bytes(message.get("body", b"")))
                    room -= len(chunks[-1])
                    if room < 0:  # too big to keep (a whole chronology streaming out)
                        key, chunks[:] = None, []
                    elif not message.get("more_body", False) and self.responses is not None:
                        self.responses.put(key, KeptResponse(
                            200, tuple((bytes(k), bytes(v)) for k, v in started["headers"]),
                            b"".join(chunks)))
                if head:
                    message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_wrapper)
