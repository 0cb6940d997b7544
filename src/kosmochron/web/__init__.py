"""The whole HTTP tier: the REST API under ``/api/v1``, its offline docs page, the
server-rendered web UI (pages with JSON twins, SVG charts, templates, static files),
HTTP caching, and the server runner (``kosmochron serve``, one or more workers).

:func:`create_app` builds the ASGI app from settings when it starts.  Nothing is
fetched from elsewhere: no CDN, no web fonts, charts drawn as inline SVG on the
server, so the UI works offline.

Modules: :mod:`.app` (factory, lifespan, error handlers), :mod:`.api` (routes),
:mod:`.params` (query parameters), :mod:`.schemas` (OpenAPI response schemas),
:mod:`.docs` (``/api/docs``), :mod:`.httpcache` (ETags, kept responses),
:mod:`.state` (the request's store, the error type), :mod:`.server` (workers and
sockets), :mod:`.pages`, :mod:`.filters`, :mod:`.charts` (the web UI).
"""

from __future__ import annotations

from .app import BOOT_VAR, create_app

__all__ = ["BOOT_VAR", "create_app"]
