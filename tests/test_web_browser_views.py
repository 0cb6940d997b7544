"""Every page and every chart in a real browser, in light mode, dark mode and on a
390 px phone: Debian's Chromium driven by Playwright against the real app, over the
seed, the ``<script>`` chronology and GCAT's fixture rows (so the map has sites).

Each view must not scroll the page sideways, must not log a console error or throw,
and no text of any chart may stick out of its SVG's box.  Screenshots of every page
(whole) and every chart (each figure) in every mode go to ``tests/artifacts/views/``
(gitignored), for a person to look at.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from browser_support import ARTIFACTS, HOSTILE, NEEDS_CHROMIUM, Guard, new_page, served
from kosmochron.store import Store, open_store
from test_store_statistics_gcat import FILES, GCAT

pytestmark = NEEDS_CHROMIUM
pytest_plugins = ["browser_support"]

VIEWS = ARTIFACTS / "views"
#: (name, viewport, colour scheme)
MODES = [("light", {"width": 1280, "height": 900}, "light"),
         ("dark", {"width": 1280, "height": 900}, "dark"),
         ("phone", {"width": 390, "height": 844}, "light"),
         ("phone-dark", {"width": 390, "height": 844}, "dark")]
#: Text of a chart may stand this far (px) outside its box (anti-aliasing, rounding).
SLACK = 1.0


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store: Store = open_store(str(tmp_path_factory.mktemp("views") / "kc.sqlite3"))
    store.ingest([HOSTILE])
    store.import_gcat_files([GCAT / name for name in FILES])
    with served(store) as url:
        deadline = time.monotonic() + 120  # the validation report is checked in the background
        while httpx.get(f"{url}/findings.json", timeout=10).status_code == 503:
            assert time.monotonic() < deadline, "the validation report never got ready"
            time.sleep(0.5)
        yield url
    store.close()


def pages(app_url: str) -> list[tuple[str, str]]:
    """(name, path) of every kind of page."""
    launches = httpx.get(f"{app_url}/index.json", params={"q": "Mars 3"}).json()["entries"]
    mars3 = next(e["id"] for e in launches if any(i["name"] == "Mars 3" for i in e["items"]))
    return [("home", "/"), ("home-filtered", "/?family=Proton&decade=1970"),
            ("charts", "/charts"), ("charts-family", "/charts?stack=family&rel=vehicle&min=2"),
            ("launch-mars-3", f"/launches/{mars3}"), ("search", "/search?q=mars"),
            ("entities", "/entities"), ("entity-list", "/entities/family"),
            ("family-proton", "/entities/family/proton"),
            ("site-baykonur", "/entities/site/baykonur"), ("findings", "/findings"),
            ("api-docs", "/api/docs"), ("not-found", "/entities/family/nothing-here")]


#: For each chart: its box, and every text that sticks out of it (with its box).
OVERFLOW = """(slack) => [...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const out = [];
  for (const t of svg.querySelectorAll('text')) {
    const r = t.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.left < box.left - slack || r.right > box.right + slack ||
        r.top < box.top - slack || r.bottom > box.bottom + slack)
      out.push([t.textContent, Math.round(r.left - box.left), Math.round(box.right - r.right),
                Math.round(r.top - box.top), Math.round(box.bottom - r.bottom)]);
  }
  return [svg.getAttribute('class'), svg.getAttribute('aria-label'), out];
})"""


def check_view(page: Page, name: str, mode: str) -> dict[str, Any]:
    """The view's problems: sideways scroll, text outside a chart."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    charts = page.evaluate(OVERFLOW, SLACK)
    page.screenshot(path=str(VIEWS / f"{name}-{mode}.png"), full_page=True)
    for i, figure in enumerate(page.locator("section.figure").all()):
        ident = figure.get_attribute("id") or f"figure-{i}"
        figure.screenshot(path=str(VIEWS / "charts" / f"{name}-{ident}-{mode}.png"))
    return {"widths": widths,
            "overflow": [(kind, label, out) for kind, label, out in charts if out]}


@pytest.mark.parametrize(("mode", "viewport", "scheme"), MODES, ids=[m[0] for m in MODES])
def test_every_page_and_chart(browser: Browser, app_url: str, mode: str,
                              viewport: dict[str, int], scheme: str) -> None:
    (VIEWS / "charts").mkdir(parents=True, exist_ok=True)
    guard = Guard(app_url)
    phone = viewport["width"] < 500
    context, page = new_page(browser, guard, viewport=viewport, color_scheme=scheme,
                             device_scale_factor=2 if phone else 1, is_mobile=phone,
                             has_touch=phone)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error"
            else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    problems = {}
    try:
        for name, path in pages(app_url):
            errors.clear()
            response = page.goto(path)
            assert response is not None
            expected = 404 if name == "not-found" else 200
            assert response.status == expected, f"{path}: {response.status}"
            found = check_view(page, name, mode)
            if name == "not-found":  # the 404 itself is logged; nothing else may be
                errors[:] = [e for e in errors if "404" not in e]
            if found["widths"][0] > found["widths"][1] or found["overflow"] or errors:
                problems[path] = {**found, "console": list(errors)}
    finally:
        context.close()
    assert problems == {}, problems
    assert guard.blocked == [] and guard.dialogs == []


def test_filters_are_a_button_on_a_phone(browser: Browser, app_url: str) -> None:
    guard = Guard(app_url)
    context, page = new_page(browser, guard, viewport={"width": 390, "height": 844},
                             is_mobile=True, has_touch=True)
    try:
        page.goto("/")
        family = page.get_by_role("group", name="Vehicle family")  # check boxes (issue 13)
        assert not family.is_visible(), "the filters take no room until asked for"
        page.locator("details.filter-panel > summary").click()
        assert family.is_visible()
        top = page.locator("article.entry").first.bounding_box()
        assert top is not None
    finally:
        context.close()
    context, page = new_page(browser, guard, viewport={"width": 1280, "height": 900})
    try:
        page.goto("/")
        assert page.get_by_role("group", name="Vehicle family").is_visible(), \
            "open beside the list"
    finally:
        context.close()


def test_chart_downloads_are_offered_and_work(browser: Browser, app_url: str) -> None:
    guard = Guard(app_url)
    context, page = new_page(browser, guard, viewport={"width": 1280, "height": 900},
                             accept_downloads=True)
    try:
        page.goto("/charts?family=Proton")
        with page.expect_download() as info:
            page.locator("#fig-cadence .downloads a", has_text="CSV").click()
        path = info.value.path()
        text = Path(path).read_text(encoding="utf-8")
        assert text.splitlines()[0].startswith("year,") and "Proton" not in text.splitlines()[0]
        assert info.value.suggested_filename == "kosmochron-cadence.csv"
        page.locator("#fig-reliability summary").click()
        assert page.locator("#fig-reliability table").is_visible()
    finally:
        context.close()
