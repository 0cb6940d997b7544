"""The offline API docs page at ``/api/docs``, rendered from the OpenAPI document.

FastAPI's Swagger UI and ReDoc pages load their JavaScript from a CDN and are blank
offline; this page is plain HTML written on the server.
"""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

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


_JINJA = jinja2.Environment(autoescape=True)
_JINJA.filters["type"] = _type
#: Every path, method, parameter and response of the OpenAPI document, on one page.
DOCS_PAGE = _JINJA.from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ doc.info.title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}.m{font-weight:bold;color:#06c}.d{white-space:pre-line}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
</style></head><body><h1>{{ doc.info.title }} <small>{{ doc.info.version }}</small></h1>
<p class="d">{{ doc.info.description }}</p>
<p>The OpenAPI document: <a href="{{ url }}">{{ url }}</a></p>
{% for path, methods in doc.paths.items() %}{% for method, op in methods.items() %}
<section id="{{ op.operationId }}"><h2><code><span class="m">{{ method|upper }}</span>
{{ path }}</code></h2><p><b>{{ op.summary }}</b></p><p class="d">{{ op.description }}</p>
{% if op.parameters %}<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Default</th>
<th>Description</th></tr>{% for p in op.parameters %}<tr><td><code>{{ p.name }}</code>
{% if p.required %}<em>required</em>{% endif %}</td><td>{{ p['in'] }}</td>
<td>{{ p.schema|type }}</td><td>{{ p.schema.default if p.schema.default is not none }}</td>
<td>{{ p.description }}</td></tr>{% endfor %}</table>{% endif %}<p>Responses:</p><ul>
{% for status, r in op.responses.items() %}<li><b>{{ status }}</b> {{ r.description }}</li>
{% endfor %}</ul></section>{% endfor %}{% endfor %}</body></html>""")


docs = APIRouter(include_in_schema=False)


@docs.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Rendered here, with no JavaScript: FastAPI's Swagger UI and ReDoc pages load theirs
    from a CDN and are blank offline."""
    return HTMLResponse(DOCS_PAGE.render(doc=request.app.openapi(), url=f"{API}/openapi.json"))
