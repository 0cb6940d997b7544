"""What the API routes and the web pages share: the store of the running app
and the one error type both turn into responses.

The store is built by :func:`kosmochron.web.create_app` from settings when the
app starts, never at import time, and kept on ``app.state.store``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..store import Store
from ..store.budget import CURRENT


class HttpError(Exception):
    """An error response: ``{"error": {"status", "code", "message", "details"}}`` in the
    API (and JSON twins), an error page in the web UI."""

    def __init__(self, status: int, code: str, message: str,
                 details: dict[str, Any] | list[Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        #: Response headers that go with the error (``Retry-After`` on a 503).
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"status": self.status, "code": self.code, "message": self.message,
                          "details": self.details}}


class Redirect(Exception):
    """A page that is somewhere else: ``path`` (under the app's root, with its query) and
    a ``fragment``; a page's JSON twin goes to the JSON twin of ``path``."""

    def __init__(self, path: str, fragment: str | None = None, status: int = 302) -> None:
        super().__init__(path)
        self.path = path
        self.fragment = fragment
        self.status = status

    def html_url(self, root: str) -> str:
        return root + self.path + (f"#{self.fragment}" if self.fragment else "")

    def json_url(self, root: str) -> str:
        path, mark, query = self.path.partition("?")
        return root + (path + "index.json" if path.endswith("/") else path + ".json") \
            + mark + query


class FastJSONResponse(JSONResponse):
    """JSON written by orjson: compact UTF-8 like Starlette's, ten times faster on a page
    of launches, and able to splice in :class:`orjson.Fragment` (already serialised).
    Keys that are not strings become strings, as the json module makes them."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


#: How long a request waits for the validation report before it is told to come back,
#: and when to come back (the page reloads itself then, showing the progress).
REPORT_WAIT = 3.0
REPORT_RETRY = 5


async def wait_for_report(request: Request) -> None:
    """FastAPI dependency of the routes that need the whole validation report: wait up
    to :data:`REPORT_WAIT` seconds for its background check, *without* holding one of
    the few handler threads (pollers of ``/findings`` held them 3 s each), asking in
    short trips through the thread pool.  The route then calls :func:`report_ready`."""
    if request.query_params.get("launch_id"):
        return  # one launch's findings need no report
    store: Store = request.app.state.store
    budget = CURRENT.get()
    deadline = time.monotonic() + REPORT_WAIT
    while True:
        if budget is not None:
            budget.renew()  # waiting is not the request's database time
        if await run_in_threadpool(store.findings_ready, 0.0) or time.monotonic() >= deadline:
            return
        await asyncio.sleep(0.1)


def report_ready(store: Store) -> None:
    """Raise a 503 with ``Retry-After`` while the whole chronology's findings are
    still being checked in the background, saying how far the check has got
    (``done`` of ``total`` entries).  It does not wait: :func:`wait_for_report` has."""
    if not store.findings_ready(0.0):
        done, total = store.findings_progress()
        raise HttpError(503, "preparing", "the validation report is being prepared: "
                        f"{done:,} of {total:,} stored entries checked; try again in a few "
                        "seconds", {"retry_after_seconds": REPORT_RETRY, "done": done,
                                    "total": total},
                        {"Retry-After": str(REPORT_RETRY)})


async def get_store(request: Request) -> Store:
    """FastAPI dependency: the app's store (``async``, so no trip through the thread pool)."""
    store: Store = request.app.state.store
    return store
