"""Following a story in real headless Chromium against a real uvicorn: the marks of the story list and the
story page's "what changed" section, on a laptop and on a phone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from servers import SEED_SOURCES, running_service, seed_articles
from test_follow import later_than_stored
from test_web import HOSTILE_REPORTS, SCREENSHOT_DIR_VARIABLE, VIEWPORTS, browser  # noqa: F401 - `browser` is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Iterator[dict]:
    """A real service where two seed reports and one report of the hostile story were read, then, after `since`,
    the third seed report and the hostile report arrived."""
    seeds = seed_articles(seeds_dir)
    with running_service(tmp_path_factory.mktemp("follow-web") / "store.db") as base:
        with httpx.Client(base_url=base, timeout=120) as http:
            story = http.post("/api/articles", json=seeds[:2]).json()["articles"][0]["story"]
            hostile = http.post("/api/articles", json=HOSTILE_REPORTS[1]).json()["articles"][0]["story"]
            http.get(f"/api/stories/{story}").raise_for_status()
            http.get(f"/api/stories/{hostile}").raise_for_status()
            since = later_than_stored()
            http.post("/api/articles", json=seeds[2]).raise_for_status()
            assert http.post("/api/articles", json=HOSTILE_REPORTS[0]).json()["articles"][0]["story"] == hostile
            yield {"base": base, "story": story, "hostile": hostile, "since": since}


def _visit_cookie(site: dict) -> dict:
    """The cookie of a reader whose visit compares the stories with `since`."""
    seconds = int(site["since"].timestamp())
    return {"name": "newsweave_visit", "value": f"{seconds}:{seconds}", "url": site["base"]}


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_a_story_updated_since_the_last_visit_leads_to_what_changed(browser: object, site: dict, width: str,  # noqa: F811
                                                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = Path(os.environ.get(SCREENSHOT_DIR_VARIABLE) or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[width])
    context.add_cookies([_visit_cookie(site)])
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(site["base"] + "/")
    marked = tab.locator(".story.updated-since")
    assert marked.count() == 2 and marked.locator(".fresh").first.is_visible()
    tab.screenshot(path=str(folder / f"home-marked-{width}.png"), full_page=True)
    tab.locator(f'.story.updated-since a[href^="/stories/{site["story"]}?since="]').click()
    tab.wait_for_load_state()
    changes = tab.locator("#changes")
    assert changes.is_visible()
    assert "New sources" in changes.locator(".change-head").all_inner_texts()[0]
    assert changes.locator(".sources a").all_inner_texts() == [SEED_SOURCES[2]]
    assert changes.locator(".claim").count() >= 1
    assert tab.evaluate("() => document.documentElement.scrollWidth") == VIEWPORTS[width]["width"]
    changes.screenshot(path=str(folder / f"changes-{width}.png"))
    tab.screenshot(path=str(folder / f"story-changes-{width}.png"), full_page=True)
    assert errors == []
    context.close()


def test_what_changed_in_a_hostile_story_shows_as_text_and_runs_nothing(browser: object, site: dict) -> None:  # noqa: F811
    context = browser.new_context(viewport=VIEWPORTS["laptop"])
    tab = context.new_page()
    tab.goto(f"{site['base']}/stories/{site['hostile']}?since={site['since'].strftime('%Y-%m-%dT%H:%M:%SZ')}")
    new_sources = tab.locator("#changes .sources").inner_text()
    assert "<script>window.__pwned = 3</script>Gazette" in new_sources
    assert tab.locator("#changes .sources a").count() == 0  # its javascript: URL is no link
    assert tab.evaluate("() => window.__pwned") is None
    context.close()
