"""The /feeds page in real headless Chromium, over a real `newsweave serve --watch` polling feeds on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import FeedSite, http_server, running_service
from test_watch import ATOM, MAINTENANCE_PAGE, RSS, _atom, _rss, _texts, wait_for_feeds
from test_web import SCREENSHOT_DIR_VARIABLE, VIEWPORTS, browser  # noqa: F401 - `browser` is the shared Chromium fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory, dev_clusters: list[dict]) -> Iterator[dict]:
    """A service watching four feeds: one read, one moved by a 301, one answering 500, one turned into an HTML page."""
    folder = tmp_path_factory.mktemp("feeds-page")
    texts = _texts(dev_clusters, 3)
    site = FeedSite()
    with http_server(site.handler()) as base:
        site.put("/world.atom", _atom([(f"{base}/wire/{n}", f"Wire {n}", text) for n, text in enumerate(texts[:2])]), ATOM)
        site.redirect("/old.rss", "/new.atom")
        site.put("/new.atom", _atom([(f"{base}/wire/2", "Wire 2", texts[2])]), ATOM)
        site.fail("/broken.rss", 500)
        site.put("/gone.rss", MAINTENANCE_PAGE, "text/html")
        site.put("/empty.rss", _rss([]), RSS)
        feeds = [f"{base}{path}" for path in ("/world.atom", "/old.rss", "/broken.rss", "/gone.rss", "/empty.rss")]
        (folder / "feeds.txt").write_text("\n".join(feeds) + "\n")
        with running_service(folder / "news.db", "--watch", str(folder / "feeds.txt"), "--every", "1h") as service:
            wait_for_feeds(service, len(feeds))
            yield {"service": service, "base": base}


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_the_feeds_page_shows_each_feeds_state_and_fits_the_screen(browser: object, watched: dict, width: str,  # noqa: F811
                                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = Path(os.environ.get(SCREENSHOT_DIR_VARIABLE) or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[width])
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(watched["service"] + "/")
    tab.locator(".topbar nav a", has_text="Feeds").click()
    tab.wait_for_url("**/feeds")
    assert tab.evaluate("() => document.documentElement.scrollWidth") == VIEWPORTS[width]["width"]
    items = tab.locator("li.feed")
    assert items.count() == 5
    base = watched["base"]
    read = tab.locator("li.feed", has_text=f"{base}/world.atom")
    assert read.locator(".feed-status").inner_text().lower() == "read"
    assert "2 new" in read.inner_text()
    moved = tab.locator("li.feed", has_text=f"{base}/old.rss")
    assert moved.locator(".feed-status").inner_text().lower() == "moved"
    assert f"moved permanently from {base}/old.rss to {base}/new.atom" in moved.inner_text()
    broken = tab.locator("li.feed", has_text=f"{base}/broken.rss")
    assert broken.locator(".feed-status").inner_text().lower() == "failing"
    assert "HTTP 500" in broken.locator(".feed-error").inner_text()
    gone = tab.locator("li.feed", has_text=f"{base}/gone.rss")
    assert "HTML page" in gone.locator(".feed-error").inner_text()
    empty = tab.locator("li.feed", has_text=f"{base}/empty.rss")
    assert empty.locator(".feed-status").inner_text().lower() == "read" and "0 new" in empty.inner_text()
    shot = folder / f"feeds-{width}.png"
    tab.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert errors == []
    context.close()
