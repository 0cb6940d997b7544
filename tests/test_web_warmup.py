"""The server's background warm-up (``kosmochron.web.warmup``): only ``kosmochron serve``
asks for it, and it prepares the transfer machinery without keeping any answer."""

from __future__ import annotations

import threading

import pytest

from kosmochron.web import warmup


def _warmers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kosmochron-warm-up"]


def test_no_warm_up_unless_the_server_runner_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(warmup.WARM_VAR, raising=False)
    warmup.start()
    assert _warmers() == []


def test_the_warm_up_runs_in_the_background(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(warmup.WARM_VAR, "1")
    warmup.start()
    for thread in _warmers():
        assert thread.daemon
        thread.join(120)
    import sys

    assert "kosmochron.transfers" in sys.modules


def test_the_warm_up_builds_every_router_s_routes() -> None:
    """FastAPI builds an included router's routes on the first request that reaches it
    (185 ms for the web pages'); the warm-up builds them all, once."""
    from kosmochron.web.app import create_app

    app = create_app()
    built = warmup.build_routes(app.router.routes)
    assert built >= 5  # the API, its statistics and lookups, the docs, the pages …
    assert warmup.build_routes(app.router.routes) == built  # kept: nothing built again
