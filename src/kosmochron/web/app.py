"""The ASGI app: the /api/v1 routes, the docs page and the web UI in one FastAPI app.

:func:`create_app` builds it from settings (never at import time); every error,
FastAPI's and Starlette's included, leaves in the one shape
``{"error": {"status", "code", "message", "details"}}`` (an error page for a browser).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from .. import __version__
from ..store import QueryError, Settings, Store, TooManyTerms, UnknownValue
from ..store.budget import QueryCancelled, cancel_all
from ..suggest import did_you_mean, nearest
from . import warmup
from .api import api
from .api_lookup import LOOKUP_SCHEMAS, lookup_api
from .api_statistics import STATISTICS_SCHEMAS, statistics_api
from .docs import docs
from .figures import router as figures_router
from .guard import Guard, HeavyLimit, Limits
from .httpcache import ReadOnlyCache, ResponseCache
from .pages import compile_templates, error_page, static_dir
from .pages import router as web_router
from .params import API, FILTER_CHOICES, PATTERN_HINTS, unknown_value
from .reconcile import Attribution
from .reconcile import router as reconcile_api
from .schemas import SCHEMAS, STR
from .state import FastJSONResponse, HttpError

# -- the app -----------------------------------------------------------------------

DESCRIPTION = """Read-only JSON over a stored space-launch chronology.
Lists take the filters of `kosmochron launches` and page with limit/offset; next and previous \
are full URLs. Errors have one shape: {"error": {"status", "code", "message", "details"}}. \
Unknown query parameters are 400, and so are filter values that name nothing stored (with \
the nearest known ones in details), bad values 422, unknown ids 404, other methods than GET and \
HEAD 405. Every response has an ETag; send it back in If-None-Match for a 304. \
Launch data from GCAT: J. McDowell, GCAT, planet4589.org, CC-BY 4.0 (every response \
carries it in X-Data-Attribution)."""


class App(FastAPI):
    """FastAPI whose OpenAPI document covers the versioned API only (the web UI's routes
    are pages, not API) and publishes the response schemas and cache headers, with
    :class:`~kosmochron.web.guard.Guard` outside everything else (so that even an error
    response has the security headers)."""

    def build_middleware_stack(self) -> ASGIApp:
        return Guard(super().build_middleware_stack(), self.state.limits)

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            document = get_openapi(title="Kosmochron API", version=__version__,
                                   description=DESCRIPTION, routes=self.routes)
            document["paths"] = {path: methods for path, methods in document["paths"].items()
                                 if path.startswith(API)}
            document.setdefault("components", {}).setdefault("schemas", {}).update(
                SCHEMAS | STATISTICS_SCHEMAS | LOOKUP_SCHEMAS)
            for methods in document["paths"].values():
                for op in methods.values():
                    if any(p["name"] == "format" for p in op.get("parameters", [])):
                        # A collection in the other row formats (issue 13).
                        op["responses"]["200"].setdefault("content", {}).update({
                            "text/csv": {"schema": STR},
                            "application/x-ndjson": {"schema": STR}})
                    op["responses"]["200"]["headers"] = {
                        "ETag": {"description": "Revalidate with If-None-Match.",
                                 "schema": STR}}
                    op["responses"]["304"] = {"description": "Not modified (If-None-Match)."}
            self.openapi_schema = document
        return self.openapi_schema


#: Handlers running at once (in threads).  They are mostly Python (parsing, JSON) around
#: short SQLite calls, so more threads only queue for the GIL, each waking the others:
#: with AnyIO's default of 40, ten clients got 30% less throughput than one.  More
#: cores are used with ``kosmochron serve --workers N``.
HANDLER_THREADS = 4
#: ``kosmochron serve --workers N`` gives its workers one boot token, hence one ETag.
BOOT_VAR = "KOSMOCHRON_BOOT"


def _lifespan(settings: Settings | None, store: Store | None,
              limits: Limits) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = HANDLER_THREADS
        await run_in_threadpool(compile_templates)
        if store is not None:  # the caller's store: the caller closes it
            yield
            return
        # No statement of a request may run longer than the whole request may.
        chosen = replace(settings or Settings.from_env(),
                         statement_timeout=limits.request_seconds)
        built = await run_in_threadpool(Store.from_settings, chosen)
        built.serve()  # keep answers between requests until the data changes
        app.state.store = built
        warmup.start(app.router.routes)  # `kosmochron serve`: in the background
        try:
            yield
        finally:
            cancel_all()  # whatever still runs (the server's grace is over)
            built.close()

    return lifespan


def _error_response(exc: HttpError, headers: dict[str, str] | None = None) -> FastJSONResponse:
    return FastJSONResponse(exc.body(), status_code=exc.status, headers=headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HttpError)
    return _error_response(exc, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's 422 in the one error shape, each bad parameter named."""
    assert isinstance(exc, RequestValidationError)
    problems: list[dict[str, Any]] = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        where, name = (loc[0], ".".join(loc[1:])) if len(loc) > 1 else ("request", "".join(loc))
        if error.get("type") == "missing":
            message = "missing (required)"
        elif error.get("type") == "string_pattern_mismatch" and name in PATTERN_HINTS:
            message = f"expected {PATTERN_HINTS[name]}"
        else:
            message = str(error.get("msg", "invalid"))
        value = None if error.get("type") == "missing" else error.get("input")
        problem: dict[str, Any] = {
            "name": name, "in": where, "message": message,
            "value": value if value is None or isinstance(value, str | int | float)
            else str(value)}
        if error.get("type") in ("literal_error", "enum") and isinstance(value, str):
            # One of a few known values: say which are nearest (did you mean …).
            known = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
            problem["suggestions"] = nearest(value, known, 3)
        problems.append(problem)
    text = "; ".join(f"{p['in']} parameter {p['name']}"
                     + ("" if p["value"] is None else f"={p['value']!r}") + f": {p['message']}"
                     + did_you_mean(p.get("suggestions", [])) for p in problems)
    if all(p["in"] == "query" and p["name"] in FILTER_CHOICES and "suggestions" in p
           for p in problems):
        # An unknown value of a filter (outcome=failur): 400, as for an unknown name.
        return _error_response(HttpError(400, "unknown_value", f"unknown value: {text}",
                                         {"parameters": problems}))
    return _error_response(HttpError(422, "bad_value", f"bad value: {text}",
                                     {"parameters": problems}))


async def _starlette_error(request: Request, exc: Exception) -> Response:
    """Starlette's 404 (no route) and 405 (a method other than GET or HEAD)."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        return _error_response(HttpError(
            405, "method_not_allowed", f"{request.method} is not allowed on "
            f"{request.url.path}: the API is read-only (GET and HEAD)",
            {"method": request.method, "allowed": ["GET", "HEAD"]}), {"Allow": "GET, HEAD"})
    if exc.status_code == 404:
        error = HttpError(404, "not_found", f"no route {request.url.path}",
                          {"path": request.url.path})
        path = request.url.path
        if "text/html" in request.headers.get("accept", "") and not path.startswith("/api/") \
                and not path.endswith(".json"):
            return error_page(request, request.app.state.store, error)  # a browser's typo
        return _error_response(error)
    return _error_response(HttpError(exc.status_code, "http_error", str(exc.detail)),
                           dict(exc.headers or {}))


async def _unknown_value(request: Request, exc: Exception) -> Response:
    """A filter value that names nothing stored, from any API route (did you mean …)."""
    assert isinstance(exc, UnknownValue)
    return _error_response(unknown_value(exc))
def _for_client(request: Request, error: HttpError) -> Response:
    """An error page for a browser's page, the API's error shape for everything else."""
    path = request.url.path
    if not path.startswith("/api/") and not path.endswith(".json") \
            and "text/html" in request.headers.get("accept", ""):
        return error_page(request, request.app.state.store, error)
    return _error_response(error, error.headers)


async def _query_cancelled(request: Request, exc: Exception) -> Response:
    """A request whose queries were stopped (its budget spent, the server stopping)."""
    assert isinstance(exc, QueryCancelled)
    if exc.reason == "shutdown":
        error = HttpError(503, "shutting_down", "the server is shutting down; try again in a "
                          "moment", {"retry_after_seconds": 5}, {"Retry-After": "5"})
    else:
        error = HttpError(503, "too_slow", f"{exc}: ask for less (a narrower filter, a smaller "
                          "page, fewer search terms)", {"limit_seconds": exc.seconds})
    return _for_client(request, error)


async def _query_error(request: Request, exc: Exception) -> Response:
    """A value the store cannot use that no route turned into its own error: a 400."""
    code = "too_many_terms" if isinstance(exc, TooManyTerms) else "bad_request"
    return _for_client(request, HttpError(400, code, str(exc)))


async def _internal_error(request: Request, exc: Exception) -> Response:
    return _error_response(HttpError(500, "internal_error",
                                     f"internal error ({type(exc).__name__}); please report it"))


def create_app(settings: Settings | None = None, *, store: Store | None = None,
               limits: Limits | None = None) -> FastAPI:
    """The app: API, docs and web UI.  The store is opened from ``settings`` (default:
    ``--db``/``$KOSMOCHRON_DB``/the user's data dir) when the app starts, never at import
    time, and closed when it stops; a given ``store`` is used as is and left open.
    ``limits`` (default: from the environment) bound each request and give the base URL
    of absolute URLs (:mod:`kosmochron.web.guard`)."""
    limits = limits or Limits.from_env()
    app = App(title="Kosmochron", version=__version__, openapi_url=f"{API}/openapi.json",
              docs_url=None, redoc_url=None, lifespan=_lifespan(settings, store, limits))
    app.state.limits = limits
    if store is not None:  # usable even by clients that never run the lifespan
        app.state.store = store
    app.state.responses = ResponseCache.from_env()
    app.add_middleware(HeavyLimit)  # inside the cache: kept answers never wait for it
    app.add_middleware(ReadOnlyCache, boot=os.environ.get(BOOT_VAR) or secrets.token_hex(8),
                       responses=app.state.responses)
    app.add_middleware(Attribution)  # outermost: kept responses are credited too
    app.add_exception_handler(HttpError, _http_error)
    app.add_exception_handler(QueryCancelled, _query_cancelled)
    app.add_exception_handler(QueryError, _query_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _starlette_error)
    app.add_exception_handler(UnknownValue, _unknown_value)
    app.add_exception_handler(Exception, _internal_error)
    app.include_router(api)
    app.include_router(reconcile_api)
    app.include_router(statistics_api)
    app.include_router(lookup_api)
    app.include_router(docs)
    app.include_router(figures_router)
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=static_dir), name="static")
    return app
