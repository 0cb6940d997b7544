"""The web UI in a real browser: Debian's Chromium driven by Playwright against the
real app (:func:`kosmochron.web.create_app`) served by uvicorn on 127.0.0.1, over
an SQLite store seeded with the bundled chronology plus a chronology made of
``<script>`` tags.

Chromium never touches the network: every request not to the test server is
aborted and recorded, and the test fails if there was one.  Screenshots go to
``tests/artifacts/`` (gitignored) for a human to look at.  The harness (server,
browser, guard) is ``tests/browser_support.py``, shared with the other browser tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from browser_support import (
    ARTIFACTS,
    HOSTILE,
    NEEDS_CHROMIUM,
    Guard,
    guarded_page,
    served,
)
from kosmochron.store import open_store

pytestmark = NEEDS_CHROMIUM
pytest_plugins = ["browser_support"]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed and the ``<script>`` chronology, served by uvicorn in a background thread."""
    store = open_store(str(tmp_path_factory.mktemp("browser") / "kc.sqlite3"))
    store.ingest([HOSTILE])
    with served(store) as url:
        yield url
    store.close()


@pytest.fixture
def guard(base_url: str) -> Guard:
    return Guard(base_url)


@pytest.fixture
def page(browser: Browser, guard: Guard) -> Iterator[Page]:
    with guarded_page(browser, guard, viewport={"width": 1280, "height": 900}) as p:
        yield p


def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def assert_drawn(page: Page, selector: str, shapes: str) -> None:
    """The SVG is laid out with a non-empty box and holds the given shapes."""
    svg = page.locator(selector).first
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert svg.locator(shapes).count() > 0


def test_home_page_and_its_timeline(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_title("Chronology · Kosmochron")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chronology")
    expect(page.get_by_role("heading", name="1971", exact=False).first).to_be_visible()
    assert_drawn(page, "svg.chart-timeline", "circle, path")
    assert page.locator("svg.chart-timeline a.point").count() == 22
    shot(page, "home")


def test_filter_to_proton_failures_with_the_form(page: Page) -> None:
    page.goto("/")
    # Issue 13: families and outcomes are check boxes (several may be chosen).
    family = page.get_by_role("group", name="Vehicle family")
    family.get_by_label("Proton", exact=True).check()
    page.get_by_role("group", name="Outcome").get_by_label("Failure", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/?*family=Proton*")
    assert "outcome=failure" in page.url
    articles = page.locator("article.entry")
    expect(articles).to_have_count(4)
    expect(page.locator("article.entry-failure")).to_have_count(4)
    expect(family.get_by_label("Proton", exact=True)).to_be_checked()
    expect(family.locator(".option", has=page.locator("input:checked"))).to_have_text(
        "Proton 4")
    expect(page.get_by_role("link", name="Remove filter Outcome: failure")).to_be_visible()
    expect(page.get_by_role("link", name="Remove filter Entries: all")).to_have_count(0)
    expect(page.get_by_text("Mars-96 (Mars 8)", exact=True)).to_be_visible()
    shot(page, "proton-failures")


def test_search_from_the_box(page: Page) -> None:
    page.goto("/")
    box = page.get_by_label("Search payloads and narratives")
    box.fill("computer chip")
    box.press("Enter")
    page.wait_for_url("**/search?q=computer+chip")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    mars4 = page.get_by_role("link", name="Mars 4", exact=True)
    expect(mars4).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()
    shot(page, "search")
    mars4.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mars 4")


def test_mars_3_launch_page_draws_its_orbit_around_mars(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Mars 3", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mars 3")
    expect(page).to_have_title("Mars 3 (1971 May 28) · Kosmochron")
    assert_drawn(page, "svg.chart-orbit", "ellipse")
    assert_drawn(page, "svg.chart-orbit", "circle.body")
    orbit = page.locator("svg.chart-orbit")
    expect(orbit).to_have_attribute("aria-label", "Orbit of Mars 3 around Mars, to scale")
    expect(orbit.locator("text").filter(has_text="periapsis 1,528 km")).to_be_visible()
    assert_drawn(page, "svg.chart-timeline", "circle.current")
    expect(page.get_by_role("region", name="Source text with line numbers")).to_contain_text(
        "· Mars 3 - . Payload: M-71 s/n 172.")
    shot(page, "mars-3")


def test_charts_page(page: Page) -> None:
    page.goto("/charts")
    assert_drawn(page, "svg.chart-timeline", "a.point")
    assert_drawn(page, "svg.chart-rates", "path.interval")
    assert_drawn(page, "svg.chart-bars", "rect")
    shot(page, "charts")


def test_the_script_fixture_is_inert_and_visible(page: Page) -> None:
    page.goto("/?q=xsscanary")
    name = page.get_by_role("link", name="<script>alert(1)</script>", exact=True)
    expect(name).to_be_visible()
    name.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("<script>alert(1)</script>")
    expect(page.locator(".narrative-block").get_by_text(
        '<img src=x onerror="window.__pwned = 1">', exact=False)).to_be_visible()
    # The parser's complaint shows as a diagnostic and, as rule 'parse', among the checks.
    for section in ("diag-h", "findings-h"):
        expect(page.locator(f"section[aria-labelledby={section}]").get_by_text(
            "bad Failed Stage value")).to_be_visible()
    page.goto("/entities/family/script-alert-family-script")
    expect(page.get_by_role("heading", level=1)).to_contain_text('<script>alert("family")')
    page.goto("/charts")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.locator("body script, svg script").count() == 0
    shot(page, "script-fixture")


@pytest.mark.parametrize("path", ["/", "/launches/14", "/charts", "/search?q=mars"])
def test_phone_width_has_no_horizontal_scroll(browser: Browser, guard: Guard, path: str) -> None:
    with guarded_page(browser, guard, viewport={"width": 375, "height": 800},
                      device_scale_factor=2, is_mobile=True, has_touch=True) as page:
        page.goto(path)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{path} scrolls sideways at 375px: {widths}"
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
        shot(page, f"phone-{name}", full_page=False)
        shot(page, f"phone-{name}-full")


def test_keyboard_tab_reaches_the_skip_link_first(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, "
                            "document.activeElement.textContent]")
    assert focused == ["skip-link", "Skip to content"]
    skip = page.locator("a.skip-link")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the focused skip link is on screen"
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "focus is visible"
    shot(page, "skip-link", full_page=False)
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    tag = page.evaluate("() => document.activeElement.tagName")
    # SUMMARY: the filters' button (the panel collapses behind it on phones).
    assert tag in ("A", "SELECT", "INPUT", "BUTTON", "SUMMARY"), "focus moves on into the content"


@pytest.mark.parametrize("path", ["/", "/launches/14", "/charts", "/search?q=mars", "/entities",
                                  "/entities/family/proton", "/findings", "/api/docs",
                                  "/launches/999999", "/?q=xsscanary"])
def test_pages_pass_their_content_security_policy(page: Page, path: str) -> None:
    """Every page is served with the Content-Security-Policy and breaks none of it: the
    browser reports no violation (an inline script or style would be one, unless its
    hash were in the policy)."""
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "(window.__csp = window.__csp || []).push(e.violatedDirective))")
    response = page.goto(path)
    assert response is not None
    headers = response.headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__csp || []") == [] and violations == []
    computed = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert computed, "the stylesheet applies"
