"""What the API routes and the web pages share: the store of the running app
and the one error type both turn into responses.

The store is built by :func:`kosmochron.api.create_app` from settings when the
app starts, never at import time, and kept on ``app.state.store``.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

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


def get_store(request: Request) -> Store:
    """FastAPI dependency: the app's store."""
    store: Store = request.app.state.store
    return store
