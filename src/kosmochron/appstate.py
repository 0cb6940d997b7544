"""What the API routes and the web pages share: the store of the running app
and the one error type both turn into responses.

The store is built by :func:`kosmochron.api.create_app` from settings when the
app starts, never at import time, and kept on ``app.state.store``.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import JSONResponse

from .store import Store


class HttpError(Exception):
    """An error response: ``{"error": {"status", "code", "message", "details"}}`` in the
    API (and JSON twins), an error page in the web UI."""

    def __init__(self, status: int, code: str, message: str,
                 details: dict[str, Any] | list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"error": {"status": self.status, "code": self.code, "message": self.message,
                          "details": self.details}}


class FastJSONResponse(JSONResponse):
    """JSON written by orjson: compact UTF-8 like Starlette's, ten times faster on a page
    of launches, and able to splice in :class:`orjson.Fragment` (already serialised).
    Keys that are not strings become strings, as the json module makes them."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


async def get_store(request: Request) -> Store:
    """FastAPI dependency: the app's store (``async``, so no trip through the thread pool)."""
    store: Store = request.app.state.store
    return store
