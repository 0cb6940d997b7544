"""The server-rendered web UI: HTML pages with JSON twins, and their static files.

:func:`kosmochron.api.create_app` includes :data:`router` (and answers a browser's
unknown path with :func:`error_page`) and mounts
:data:`static_dir` at ``/static``.  Nothing is fetched from elsewhere: no CDN,
no web fonts, charts drawn as inline SVG on the server, so the UI works offline.
"""

from __future__ import annotations

from pathlib import Path

from .pages import error_page, router

#: The stylesheet (and any small local scripts), served at ``/static``.
static_dir = Path(__file__).parent / "static"

__all__ = ["error_page", "router", "static_dir"]
