"""Finding things and taking views out, in a real browser (issue 13): Debian's Chromium
driven by Playwright against the real app over the seed and GCAT's fixture rows.

* the search box jumps to what an identifier names, lists the candidates of a
  shared name, and shows entity names above the text hits;
* a view's download links give exactly what it shows, every page of it;
* the table view: the view switch, sortable columns, the sticky bar, jumping to a
  year and to the last page, several values of a facet, previous/next launch.

No request leaves the test server (the guard aborts and records any); screenshots
go to ``tests/artifacts/find/``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from browser_support import ARTIFACTS, NEEDS_CHROMIUM, Guard, guarded_page, served
from db_support import GCAT_FILES
from kosmochron.store import open_store

pytestmark = NEEDS_CHROMIUM
pytest_plugins = ["browser_support"]
SHOTS = ARTIFACTS / "find"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = open_store(str(tmp_path_factory.mktemp("find") / "kc.sqlite3"))
    store.import_gcat_files(GCAT_FILES)
    with served(store) as url:
        yield url
    store.close()


@pytest.fixture
def tab(browser: Browser, app_url: str) -> Iterator[Page]:
    with guarded_page(browser, Guard(app_url), viewport={"width": 1280, "height": 800},
                      accept_downloads=True) as page:
        yield page


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def search_for(page: Page, text: str) -> None:
    box = page.get_by_label("Search payloads and narratives")
    box.fill(text)
    box.press("Enter")


# -- the search box ---------------------------------------------------------------------


@pytest.mark.parametrize("identifier", ["1962 B IOT 1", "1962-B-Iota-1", "5252", "S05252",
                                        "1960-F12", "f601010a"])
def test_the_search_box_jumps_to_what_an_identifier_names(tab: Page, identifier: str) -> None:
    tab.goto("/")
    search_for(tab, identifier)
    tab.wait_for_url("**/launches/*")
    notice = tab.locator(".found-by")
    expect(notice).to_contain_text(f"“{identifier}” names this launch")
    expect(tab.locator(".facts").first).to_contain_text("Launch Tag")  # GCAT's entry counts
    if identifier in ("5252", "S05252", "1962 B IOT 1", "1962-B-Iota-1"):
        assert "#item-" in tab.url  # the payload itself
        expect(tab.locator(tab.url.split("#")[1].join(["#", ""]))).to_be_in_viewport()
    notice.get_by_role("link").click()  # back to the words
    tab.wait_for_url("**/search?*jump=0*")
    expect(tab.locator(".hit-count")).to_contain_text("for “")


def test_a_shared_name_lists_its_launches_and_names_come_first(tab: Page) -> None:
    tab.goto("/")
    search_for(tab, "1F DPS")
    tab.wait_for_url("**/search?q=1F+DPS")
    candidates = tab.locator(".candidates li")
    expect(candidates).to_have_count(2)
    shot(tab, "candidates")
    candidates.first.get_by_role("link").click()
    tab.wait_for_url("**/launches/*")
    search_for(tab, "Baikonur")
    names = tab.locator(".entity-matches a")
    expect(names.first).to_have_text("Baikonur")
    names_box, hits_box = (tab.locator(".entity-hits").bounding_box(),
                           tab.locator(".hit-count").bounding_box())
    assert names_box is not None and hits_box is not None
    assert names_box["y"] < hits_box["y"]  # the names come above the text hits
    shot(tab, "entity-names")
    names.first.click()
    expect(tab.get_by_role("heading", level=1)).to_contain_text("Baikonur")


# -- downloads --------------------------------------------------------------------------


def _downloaded(page: Page, label: str) -> str:
    with page.expect_download() as info:
        page.locator(".view-bar .downloads").get_by_role("link", name=label, exact=True).click()
    path = info.value.path()
    assert path is not None
    return Path(path).read_text(encoding="utf-8")


def _shown_ids(page: Page, selector: str) -> list[int]:
    """The launch (or payload) ids the view shows, following Next → to the last page."""
    ids: list[int] = []
    while True:
        for href in page.locator(selector).evaluate_all("(els) => els.map(e => e.href)"):
            ids.append(int(href.rsplit("/", 1)[1].split("#")[0].split("?")[0]))
        following = page.locator("nav.pager").first.get_by_role("link", name="Next →")
        if not following.count():
            return ids
        following.click()
        page.wait_for_load_state()


def test_the_downloaded_csv_is_the_view_every_page(tab: Page) -> None:
    tab.goto("/?family=R-7&family=Proton&view=table&sort=-date&per_page=5")
    first_page = tab.url
    shown = _shown_ids(tab, "table.launch-table td.date a")
    assert len(shown) > 5  # several pages
    tab.goto(first_page)
    rows = list(csv.DictReader(io.StringIO(_downloaded(tab, "CSV"), newline="")))
    assert [int(r["id"]) for r in rows] == shown
    assert {r["lv_family"] for r in rows} == {"R-7", "Proton"}
    records = json.loads(_downloaded(tab, "JSON"))
    assert [r["id"] for r in records] == shown
    lines = _downloaded(tab, "NDJSON").splitlines()
    assert [json.loads(line)["id"] for line in lines] == shown


def test_search_hits_download_as_shown(tab: Page) -> None:
    tab.goto("/search?q=mars&outcome=failure&sort=date&per_page=2")
    first_page = tab.url
    shown: list[int] = []
    while True:
        hrefs = tab.locator("ol.hits h3 a").evaluate_all("(els) => els.map(e => e.href)")
        shown.extend(int(h.split("#item-")[1]) for h in hrefs)
        following = tab.locator("nav.pager").first.get_by_role("link", name="Next →")
        if not following.count():
            break
        following.click()
        tab.wait_for_load_state()
    tab.goto(first_page)
    rows = list(csv.DictReader(io.StringIO(_downloaded(tab, "CSV"), newline="")))
    assert [int(r["item_id"]) for r in rows] == shown and len(shown) > 2  # several pages


# -- the table view -----------------------------------------------------------------------


def test_the_table_view(tab: Page) -> None:
    tab.goto("/?per_page=10")
    tab.locator(".views").get_by_role("link", name="Table").click()
    tab.wait_for_url("**view=table*")
    table = tab.locator("table.launch-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(10)
    vehicle = table.locator("thead th").filter(has_text="Vehicle")
    vehicle.get_by_role("link").click()
    tab.wait_for_url("**sort=vehicle*")
    expect(tab.locator("table.launch-table thead th").filter(has_text="Vehicle")) \
        .to_have_attribute("aria-sort", "ascending")
    names = tab.locator("table.launch-table tbody tr td:nth-child(3)").all_inner_texts()
    assert names == sorted(names)
    tab.locator("table.launch-table thead th").filter(has_text="Vehicle").get_by_role(
        "link").click()
    tab.wait_for_url("**sort=-vehicle*")
    names = tab.locator("table.launch-table tbody tr td:nth-child(3)").all_inner_texts()
    assert names == sorted(names, reverse=True)
    shot(tab, "table-sorted")


@pytest.mark.parametrize("width", [1280, 390])
def test_outcome_badges_stay_on_one_line(tab: Page, width: int) -> None:
    """Issue 17: "● Success" wrapped into two lines in the table's narrow outcome column
    (and at 390 px) and broke the rows: a badge is one line, whatever the width."""
    tab.set_viewport_size({"width": width, "height": 800})
    tab.goto("/?view=table&per_page=50")
    heights = tab.eval_on_selector_all("table.launch-table .badge", """els => els.map(e => [
        e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight)])""")
    assert len(heights) == 50
    assert all(height < 1.5 * line for height, line in heights), heights
    shot(tab, f"table-badges-{width}")


def test_the_bar_stays_and_pages_and_years_are_a_click_away(tab: Page) -> None:
    tab.goto("/?view=table&per_page=10")
    tab.mouse.wheel(0, 2000)
    tab.wait_for_timeout(200)
    bar = tab.locator(".view-bar").bounding_box()
    assert bar is not None and abs(bar["y"]) < 2, "the view bar sticks to the top"
    shot(tab, "sticky-bar")
    tab.get_by_label("Go to year").fill("1971")
    tab.get_by_role("button", name="Go").click()
    tab.wait_for_url("**#year-1971")
    expect(tab.locator("#year-1971")).to_be_in_viewport()
    tab.locator("nav.pager").first.get_by_role("link", name="Last »").click()
    tab.wait_for_load_state()
    expect(tab.locator("nav.pager").first.locator(".current")).to_have_text(
        tab.locator("nav.pager").first.locator(".of").inner_text().rsplit(" ", 1)[1])
    expect(tab.locator("nav.pager").first.get_by_role("link", name="Next →")).to_have_count(0)


def test_several_values_of_a_facet_and_previous_next(tab: Page) -> None:
    tab.goto("/?view=table")
    family = tab.get_by_role("group", name="Vehicle family")
    family.get_by_label("Proton", exact=True).check()
    family.get_by_label("R-7", exact=True).check()
    tab.get_by_role("button", name="Apply filters").click()
    tab.wait_for_url("**family=*family=*")
    chips = tab.locator(".view-bar .chip")
    expect(chips).to_have_count(2)
    assert "view=table" in tab.url  # the view stays
    expect(tab.locator("table.launch-table tbody tr").first).to_be_visible()
    chips.filter(has_text="Proton").click()
    tab.wait_for_url("**family=R-7*")
    assert "Proton" not in tab.url
    row = tab.locator("table.launch-table tbody tr").nth(2)
    date = row.locator("td.date a")
    date.click()
    tab.wait_for_url("**/launches/*")
    here = tab.url
    steps = tab.get_by_role("navigation", name="Previous and next launch")
    steps.locator("a[rel=next]").click()
    tab.wait_for_url(lambda url: url != here)
    tab.get_by_role("navigation", name="Previous and next launch").locator(
        "a[rel=prev]").click()
    tab.wait_for_url(here)
