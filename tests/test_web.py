"""The web pages in real headless Chromium (Debian's `chromium`, driven by Playwright) against a real uvicorn."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from servers import SEED_SOURCES, http_server, running_service, seed_articles

from newsweave.headline import with_insertions
from newsweave.models import Insertion

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SCREENSHOT_DIR_VARIABLE = "NEWSWEAVE_SCREENSHOTS"

HOSTILE_SCRIPT = "<script>window.__pwned = 1</script>"
HOSTILE_REPORTS = [
    {"text": "The city council of Northbridge voted on Tuesday to close the old harbour bridge for repairs. "
             "Mayor Ellen Hart said the bridge would reopen in March after engineers replace its steel cables. "
             f"A resident posted the message {HOSTILE_SCRIPT} on the council forum before the vote. "
             "Another comment read <img src=x onerror=\"window.__pwned = 2\"> and was removed by moderators. "
             "The repairs will cost 12 million euros, the council said. Traffic will be diverted over the north ring "
             "road while the work goes on, and ferries will run every twenty minutes during the day.",
     "source": "<script>window.__pwned = 3</script>Gazette", "url": "javascript:window.__pwned = 5",
     "title": "<img src=x onerror=\"window.__pwned = 4\">Bridge to close"},
    {"text": "Northbridge councillors approved on Tuesday the closure of the harbour bridge so that its steel cables "
             "can be replaced. Mayor Ellen Hart told reporters the bridge should reopen in March. Before the vote "
             f"someone wrote {HOSTILE_SCRIPT} on the council's online forum. The council put the cost of the "
             "repairs at 15 million euros. Drivers will be sent over the north ring road, and extra ferries will "
             "cross the harbour every twenty minutes.",
     "source": "Harbour Post", "url": "https://harbour.example.com/bridge"},
]


def _chromium_path() -> str:
    """Debian's chromium; a missing browser fails the tests with what to install (CI installs it)."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("the browser tests need Debian's `chromium` (apt-get install chromium); `make test` installs it")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Iterator[dict]:
    """A real service holding the seed story and a hostile story; their ids and briefs."""
    with running_service(tmp_path_factory.mktemp("web") / "store.db") as base:
        with httpx.Client(base_url=base, timeout=120) as http:
            seeds = http.post("/api/articles", json=seed_articles(seeds_dir)).json()["articles"][0]["story"]
            hostile = http.post("/api/articles", json=HOSTILE_REPORTS).json()["articles"][0]["story"]
            yield {"base": base, "seeds": seeds, "hostile": hostile,
                   "seeds_brief": http.get(f"/api/stories/{seeds}").json()}


@pytest.fixture
def page(browser: object, site: dict) -> Iterator[object]:
    """A fresh laptop-sized page that records every request it makes and every script error."""
    context = browser.new_context(viewport=VIEWPORTS["laptop"])
    tab = context.new_page()
    tab.requests = []
    tab.errors = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()


def test_story_page_shows_the_summary_and_every_section(page: object, site: dict) -> None:
    page.goto(f"{site['base']}/stories/{site['seeds']}")
    sentences = page.locator("#summary .sentence").all_inner_texts()
    assert sentences == [with_insertions(s["text"], [Insertion(**i) for i in s["insertions"]]) for s in site["seeds_brief"]["summary"]]
    inserted = [f"[{i['text']}]" for s in site["seeds_brief"]["summary"] for i in s["insertions"]]
    assert inserted and page.locator("#summary .insertion").all_inner_texts() == inserted
    assert page.locator("#sources a").all_inner_texts() == ["RFE/RL", "Belsat", "Euronews"]
    assert page.locator("#sources a").first.get_attribute("href") == "https://example.org/seed/1"
    assert page.locator("#claims .claim.corroborated").count() >= 1
    assert page.locator("#coverage table.coverage tbody tr").count() >= 1
    assert page.errors == []
    assert all(url.startswith(site["base"]) for url in page.requests), page.requests


def test_clicking_a_citation_shows_the_source_sentence_and_outlet(page: object, site: dict) -> None:
    page.goto(f"{site['base']}/stories/{site['seeds']}")
    summary = site["seeds_brief"]["summary"]
    number, item = next((n, s) for n, s in enumerate(summary) if len(s["citations"]) > 1)
    cited = item["evidence"][1]
    wrap = page.locator("#summary .cite-wrap").nth(sum(len(s["citations"]) for s in summary[:number]) + 1)
    popover = wrap.locator(".evidence")
    page.mouse.move(0, 0)
    assert not popover.is_visible()
    wrap.locator("button.cite").click()
    assert popover.is_visible()
    assert cited["sentence"] in popover.inner_text()
    assert SEED_SOURCES[cited["source"] - 1].upper() in popover.inner_text().upper()
    assert wrap.locator("button.cite").get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    page.mouse.move(0, 0)
    assert not popover.is_visible()


def test_a_hostile_article_shows_as_text_and_runs_nothing(page: object, site: dict) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{site['base']}/stories/{site['hostile']}")
    text = page.locator("main").inner_text()
    assert HOSTILE_SCRIPT in text
    assert "<script>window.__pwned = 3</script>Gazette" in text
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("main script, main img").count() == 0
    assert page.locator("#sources a").all_inner_texts() == ["Harbour Post"]
    page.goto(site["base"] + "/")
    assert page.locator(".stories").inner_text().count("<img src=x") == 1
    assert page.evaluate("() => window.__pwned") is None and dialogs == []


@pytest.fixture
def report_server(seeds_dir: Path) -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1 serving the seed reports (for pasting a URL)."""
    handler = functools.partial(_QuietHandler, directory=str(seeds_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(timeout=10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_the_paste_form_makes_a_brief_from_texts_and_a_url(page: object, site: dict, seeds_dir: Path,
                                                           report_server: str) -> None:
    texts = [a["text"] for a in seed_articles(seeds_dir)]
    third = sorted(seeds_dir.glob("*.txt"))[2].name
    page.goto(site["base"] + "/")
    before = page.locator(".story").count()
    page.click("#add-report")
    assert page.locator("#report-fields textarea").count() == 4
    page.fill("#report-1", texts[0])
    page.fill("#report-2", texts[1])
    page.fill("#report-4", f"{report_server}/{third}")
    page.click("button[type=submit]")
    page.wait_for_selector("#summary .sentence")
    assert "nothing was stored" in page.locator(".note").inner_text()
    assert page.locator("#sources li").count() == 3
    assert page.locator("#sources a").last.get_attribute("href") == f"{report_server}/{third}"
    page.goto(site["base"] + "/")
    assert page.locator(".story").count() == before


def test_the_paste_form_says_what_is_missing(page: object, site: dict) -> None:
    page.goto(site["base"] + "/")
    page.fill("#report-1", "Only one report was pasted here, and a brief needs two.")
    page.click("button[type=submit]")
    assert "two or more reports" in page.locator(".error").inner_text()
    assert page.locator("#report-1").input_value().startswith("Only one report")


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_pages_fit_the_screen_and_are_screenshotted(browser: object, site: dict, width: str,
                                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = Path(os.environ.get(SCREENSHOT_DIR_VARIABLE) or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[width])
    tab = context.new_page()
    for name, path in (("home", "/"), ("story", f"/stories/{site['seeds']}")):
        tab.goto(site["base"] + path)
        assert tab.evaluate("() => document.documentElement.scrollWidth") == VIEWPORTS[width]["width"]
        shot = folder / f"{name}-{width}.png"
        tab.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    tab.locator("#summary button.cite").nth(1).click()
    tab.screenshot(path=str(folder / f"citation-{width}.png"))
    context.close()


def _hostile_site_handler(service: str) -> type[http.server.BaseHTTPRequestHandler]:
    """A page on another origin that tries to post a fake story to the service, as a no-cors fetch and as a form."""
    story = json.dumps({"text": "Reuters: the central bank doubles its rates at midnight, officials said on Monday. "
                                "The board decided in secret.", "source": "Reuters", "url": "https://fake.example/r"})
    markup = (
        "<!doctype html><html><body>"
        f"<form id=f method=post action='{service}/api/articles' enctype=text/plain target=sink>"
        f"<input type=hidden name='{story[:-2]}' value='{story[-2:]}'></form><iframe name=sink></iframe>"
        "<script>"
        f"fetch('{service}/api/articles', {{method: 'POST', mode: 'no-cors', headers: {{'Content-Type': 'text/plain'}},"
        f" body: {json.dumps(story)}}}).finally(() => {{ window.__fetched = true; document.getElementById('f').submit(); }});"
        "</script></body></html>"
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server interface
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(markup)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def test_a_page_on_another_site_cannot_post_a_story_to_the_service(page: object, site: dict) -> None:
    with httpx.Client(base_url=site["base"], timeout=60) as http_client:
        before = http_client.get("/api/stories", params={"limit": 200}).json()["stories"]
        with http_server(_hostile_site_handler(site["base"])) as hostile:
            with page.expect_response(lambda response: "/api/articles" in response.url) as form_answer:
                page.goto(hostile + "/")
            page.wait_for_function("() => window.__fetched === true")
            assert form_answer.value.status == 403
        after = http_client.get("/api/stories", params={"limit": 200}).json()["stories"]
    assert after == before


@pytest.mark.parametrize("path", ["/stories/s-nope", "/no-such-page"])
def test_an_unknown_page_is_an_html_404_page(page: object, site: dict, path: str) -> None:
    answer = page.goto(site["base"] + path)
    assert answer.status == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert page.locator("h1").inner_text() == "Not found"
    assert page.locator("main a[href='/']").count() == 1
    plain = httpx.get(site["base"] + path, headers={"accept": "*/*"})  # a link checker, curl, a preview bot
    assert plain.status_code == 404 and plain.headers["content-type"].startswith("text/html")
    api = httpx.get(site["base"] + "/api/stories/s-nope")
    assert api.status_code == 404 and "error" in api.json()


def test_the_command_lines_html_page_fits_a_phone(browser: object, seeds_dir: Path, tmp_path: Path,
                                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    from newsweave.cli import main

    written = tmp_path / "brief.html"
    assert main(["brief", str(seeds_dir), "--format", "html", "--out", str(written)]) == 0
    folder = Path(os.environ.get(SCREENSHOT_DIR_VARIABLE) or tmp_path_factory.mktemp("screenshots"))
    for width in sorted(VIEWPORTS):
        context = browser.new_context(viewport=VIEWPORTS[width])
        tab = context.new_page()
        tab.goto(written.as_uri())
        assert tab.evaluate("() => document.documentElement.scrollWidth") == VIEWPORTS[width]["width"]
        grid = tab.locator("#coverage .grid-scroll")
        assert grid.evaluate("e => e.getBoundingClientRect().right") <= VIEWPORTS[width]["width"]
        tab.screenshot(path=str(folder / f"cli-brief-{width}.png"), full_page=True)
        tab.locator("#coverage").screenshot(path=str(folder / f"cli-coverage-{width}.png"))
        context.close()
