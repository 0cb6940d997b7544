"""The harness of the browser tests: Debian's Chromium driven by Playwright against the
real app (:func:`kosmochron.web.create_app`) served by uvicorn on 127.0.0.1.

A browser test module skips itself where there is no Chromium, loads this file as a
pytest plugin and asks for ``browser`` (one Chromium per module)::

    pytestmark = NEEDS_CHROMIUM
    pytest_plugins = ["browser_support"]

Its own module-scoped fixture fills a store and serves it with :func:`served`; each
page is opened with :func:`new_page` or :func:`guarded_page`, which route every
request through a :class:`Guard`: Chromium never touches the network (every request
not to the test server is aborted and recorded) and no script the app did not write
may open a dialog.  Screenshots go to ``tests/artifacts/`` (gitignored).

(PYTEST_DONT_REWRITE: test modules import the helpers before pytest loads the plugin;
the helpers' asserts carry their own messages.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, Route, sync_playwright

from kosmochron.store import Store
from kosmochron.web import create_app
from server_support import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]
NEEDS_CHROMIUM = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="needs Debian's chromium (./dev test installs it)")
ARTIFACTS = Path(__file__).parent / "artifacts"
#: A chronology made of ``<script>`` tags.
HOSTILE = Path(__file__).parent / "fixtures" / "web-script-injection.txt"


@contextmanager
def served(store: Store) -> Iterator[str]:
    """The app over ``store``, served until the block ends; yields its base URL."""
    with serving(create_app(store=store), log_level="warning", lifespan="on") as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Guard:
    """Aborts and records every request that is not to the test server, and every
    dialog (``alert``) a page opens."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.blocked: list[str] = []
        self.dialogs: list[str] = []

    def dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.base_url + "/") or url == self.base_url:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


def new_page(browser: Browser, guard: Guard, **options: Any) -> tuple[BrowserContext, Page]:
    """A page in a new context (``options`` go to ``new_context``) that ``guard`` watches."""
    context = browser.new_context(base_url=guard.base_url, **options)
    context.route("**/*", guard.route)
    page = context.new_page()
    page.on("dialog", guard.dialog)
    return context, page


@contextmanager
def guarded_page(browser: Browser, guard: Guard, **options: Any) -> Iterator[Page]:
    """A page of :func:`new_page` for the block; afterwards its context is closed and the
    page must have reached nothing but the test server and opened no dialog."""
    context, page = new_page(browser, guard, **options)
    try:
        yield page
    finally:
        context.close()
    assert guard.blocked == [], f"the page tried to reach the network: {guard.blocked}"
    assert guard.dialogs == [], f"a script ran: {guard.dialogs}"
