"""The search and entity pages in real headless Chromium against a real uvicorn (fixtures of test_web)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from servers import running_service, seed_articles
from test_search import HOSTILE_REPORT, SPELLS_IT_ANOTHER_WAY
from test_web import SCREENSHOT_DIR_VARIABLE, VIEWPORTS, browser  # noqa: F401 - `browser` is a fixture used here

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Iterator[dict]:
    """A real service holding the seed story (its brief made by opening it), a later story that spells the exiled
    leader's name only "Tsikhanouskaya", and a story whose report holds markup. Briefs are made only when a page
    asks (no background workers), so which stories' names are known is fixed."""
    with running_service(tmp_path_factory.mktemp("web-search") / "store.db", "--brief-workers", "0") as base:
        with httpx.Client(base_url=base, timeout=120) as http:
            seeds = http.post("/api/articles", json=seed_articles(seeds_dir)).json()["articles"][0]["story"]
            later = http.post("/api/articles", json=SPELLS_IT_ANOTHER_WAY).json()["articles"][0]["story"]
            http.post("/api/articles", json=HOSTILE_REPORT)
            assert http.get(f"/stories/{seeds}").status_code == 200  # the service stores the brief it makes
            yield {"base": base, "seeds": seeds, "later": later}


@pytest.fixture
def tab(browser: object) -> Iterator[object]:  # noqa: F811 - the fixture imported above
    """A laptop-sized page that records script errors."""
    context = browser.new_context(viewport=VIEWPORTS["laptop"])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_the_search_box_finds_a_name_in_another_spelling(tab: object, search_site: dict) -> None:
    tab.goto(search_site["base"] + "/")
    tab.fill("#topsearch-q", "Tikhanovskaya")
    tab.press("#topsearch-q", "Enter")
    tab.wait_for_url("**/search?q=Tikhanovskaya")
    links = tab.locator("#results .story > a")
    assert links.count() == 2
    hrefs = {links.nth(i).get_attribute("href") for i in range(2)}
    assert hrefs == {f"/stories/{search_site['seeds']}", f"/stories/{search_site['later']}"}
    marked = {text.lower() for text in tab.locator("#results mark").all_inner_texts()}
    assert marked <= {"tikhanovskaya", "tsikhanouskaya"} and "tsikhanouskaya" in marked
    assert "also as tsikhanouskaya" in tab.locator(".expanded").inner_text()
    assert tab.errors == []


def test_report_text_in_a_snippet_shows_as_text_and_runs_nothing(tab: object, search_site: dict) -> None:
    tab.goto(search_site["base"] + "/search?q=ferry+closed")
    snippet = tab.locator("#results .snippet").first
    assert "<mark>" in snippet.inner_text()
    assert tab.locator("#results mark").all_inner_texts() == ["ferry", "closed"]
    assert tab.evaluate("() => window.__pwned") is None
    assert "Eastport <b>Gazette</b>" in tab.locator("#results .found-in").inner_text()


def test_an_entity_name_on_the_story_page_leads_to_its_page(tab: object, search_site: dict) -> None:
    tab.goto(f"{search_site['base']}/stories/{search_site['seeds']}")
    tab.locator("#entities a.entity-name", has_text="Tsikhanouskaya").first.click()
    tab.wait_for_url("**/entities/**")
    assert tab.locator("h1").inner_text() == "Svyatlana Tsikhanouskaya"
    assert "Tikhanovskaya" in tab.locator(".brief-head .variants").inner_text()
    assert tab.locator("#stories .story").count() == 1  # the later story's brief is not made yet
    assert tab.locator("#quotes .quote-item").count() >= 1
    tab.locator("#related a", has_text="Alexander Lukashenko").click()
    tab.wait_for_url("**/entities/Alexander%20Lukashenko")
    assert "Lukashenka" in tab.locator(".brief-head .variants").inner_text()


def test_an_unknown_entity_page_offers_a_search(tab: object, search_site: dict) -> None:
    answer = tab.goto(search_site["base"] + "/entities/Nobody%20Atall")
    assert answer.status == 404
    tab.locator("a", has_text="Search the reports").click()
    tab.wait_for_url("**/search?q=Nobody+Atall")
    assert "No story holds all of these words" in tab.locator("#results").inner_text()


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_search_and_entity_pages_fit_the_screen_and_are_screenshotted(
        browser: object, search_site: dict, width: str, tmp_path_factory: pytest.TempPathFactory) -> None:  # noqa: F811
    folder = Path(os.environ.get(SCREENSHOT_DIR_VARIABLE) or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[width])
    tab = context.new_page()
    pages = (("search", "/search?q=Tikhanovskaya+Lithuania"), ("search-home", "/search?q=Tikhanovskaya"),
             ("entity", "/entities/Tikhanovskaya"), ("entity-unknown", "/entities/Nobody"), ("home-topbar", "/"))
    for name, path in pages:
        tab.goto(search_site["base"] + path)
        assert tab.evaluate("() => document.documentElement.scrollWidth") == VIEWPORTS[width]["width"], name
        shot = folder / f"{name}-{width}.png"
        tab.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 5_000
    context.close()
