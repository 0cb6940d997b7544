"""The offline API docs page at ``/api/docs``, rendered from the OpenAPI document.

FastAPI's Swagger UI and ReDoc pages load their JavaScript from a CDN and are blank
offline; this page is plain HTML written on the server, styled by ``static/docs.css``
(no inline style: the Content-Security-Policy allows none).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from .pages import Links, env
from .params import API

# -- the docs page -------------------------------------------------------------------

def _type(schema: dict[str, Any]) -> str:
    """A parameter's schema in a few words: ``integer 1…1000``, ``one of date, -date``."""
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    text = str(schema.get("type", "any"))
    if "minimum" in schema or "maximum" in schema:
        text += f" {schema.get('minimum', '')}…{schema.get('maximum', '')}"
    return text + (" (pattern)" if "pattern" in schema else "")


env.filters["type"] = _type
docs = APIRouter(include_in_schema=False)


@docs.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Rendered here, with no JavaScript, in the site's own frame (navigation, light and
    dark mode): FastAPI's Swagger UI and ReDoc pages load theirs from a CDN and are
    blank offline."""
    links = Links(request, request.app.state.store)
    body = env.get_template("docs.html").render(
        title="API", links=links, url=links.url, path=request.url.path,
        json_url=f"{API}/openapi.json", doc=request.app.openapi(),
        openapi_url=f"{API}/openapi.json")
    return HTMLResponse(body)
