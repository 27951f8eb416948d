"""`newsweave watch`, `feeds` and `serve --watch` against real feed servers on 127.0.0.1 that change between polls."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import threading
import time
from html import escape
from pathlib import Path

import httpx
import pytest
from servers import FeedSite, as_if_public, free_port, http_server, inner_server, running_service

from newsweave import InputError
from newsweave.store import Store
from newsweave.watch import Pacer, Watcher, WatchSettings, feed_entries, parse_duration, read_feed_list

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
XML = "application/xml"
ROUND_SECONDS = 120
"""Longest a `watch --once` round may take here before the test gives up (a hang, not a speed check)."""


# -- what the site serves -----------------------------------------------------------------------

def _texts(dev_clusters: list[dict], count: int) -> list[str]:
    """`count` distinct real news reports of the dev slice, each long enough to be a report."""
    texts = [d for c in dev_clusters for d in c["documents"] if isinstance(d, str) and 200 <= len(d.split()) <= 700]
    assert len(texts) >= count
    return texts[:count]


def _page(title: str, text: str) -> str:
    paragraphs = "".join(f"<p>{escape(line.strip())}</p>" for line in text.split("\n") if line.strip())
    return (f"<!doctype html><html><head><meta charset=utf-8><title>{escape(title)}</title></head>"
            f"<body><header><a href=/>Home</a></header><article><h1>{escape(title)}</h1>{paragraphs}</article></body></html>")


def _rss(items: list[tuple[str, str]]) -> str:
    """An RSS feed of teasers: each item is (link, title) with a one-line description."""
    entries = "".join(f"<item><title>{escape(title)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
                      f"<description>Read the full report.</description><pubDate>Fri, 20 Nov 2026 08:0{n}:00 GMT</pubDate></item>"
                      for n, (link, title) in enumerate(items))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Post</title>{entries}</channel></rss>'


def _atom(entries: list[tuple[str, str, str]]) -> str:
    """An Atom feed whose entries (link, title, text) carry the whole report."""
    items = "".join(f"<entry><id>{escape(link)}</id><title>{escape(title)}</title><link href=\"{escape(link)}\"/>"
                    f"<updated>2026-11-20T09:00:00Z</updated><content type=\"html\">{escape(_paragraphs(text))}</content></entry>"
                    for link, title, text in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>World Wire</title>'
            f"<id>urn:world-wire</id><updated>2026-11-20T09:00:00Z</updated>{items}</feed>")


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.split("\n") if line.strip())


def _news_sitemap(urls: list[tuple[str, str]], *, plain: list[str] = ()) -> str:
    """A Google News sitemap of (loc, title), and `plain` URLs without news: entries (not reports)."""
    news = "".join(
        f"<url><loc>{escape(loc)}</loc><news:news><news:publication><news:name>Daily Ledger</news:name>"
        f"<news:language>en</news:language></news:publication><news:publication_date>2026-11-21T07:30:00+00:00"
        f"</news:publication_date><news:title>{escape(title)}</news:title></news:news></url>" for loc, title in urls)
    others = "".join(f"<url><loc>{escape(loc)}</loc></url>" for loc in plain)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{news}{others}</urlset>')


MAINTENANCE_PAGE = ("<!doctype html><html><head><title>Site maintenance</title></head><body><h1>We'll be back soon</h1>"
                    "<p>Our feeds are resting.</p></body></html>")


def _watch(command: list[str], feeds: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*command, "watch", str(feeds), "--db", str(db), "--once", "--pace", "0", "--retries", "1", *extra],
                          capture_output=True, text=True, timeout=ROUND_SECONDS)


def _feeds(command: list[str], db: Path) -> dict[str, dict]:
    listed = subprocess.run([*command, "feeds", "--db", str(db), "--format", "json"], capture_output=True, text=True, check=True)
    return {feed["url"]: feed for feed in map(json.loads, listed.stdout.splitlines())}


# -- two rounds against a site that changes between them ---------------------------------------

@pytest.fixture(scope="module")
def two_rounds(tmp_path_factory: pytest.TempPathFactory, dev_clusters: list[dict], newsweave_command: list[str]):
    """Round 1 over six feeds (RSS teasers, Atom with whole texts, a news sitemap, a feed moved by 301, a feed
    answering 500, a feed turned into an HTML page); the site then changes; round 2. What each saw."""
    texts = _texts(dev_clusters, 8)
    site = FeedSite()
    folder = tmp_path_factory.mktemp("watch")
    db, feeds_file = folder / "news.db", folder / "feeds.txt"
    with http_server(site.handler()) as base:
        pages = {f"/articles/{n}.html": text for n, text in enumerate(texts)}
        for path, text in pages.items():
            site.put(path, _page(f"Report {path}", text), "text/html; charset=utf-8")
        site.put("/news.rss", _rss([(f"{base}/articles/0.html", "Harbour report 0"), (f"{base}/articles/1.html", "Harbour report 1")]),
                 RSS, etag='"news-v1"')
        site.put("/world.atom", _atom([(f"{base}/wire/a", "Wire A", texts[6]), (f"{base}/wire/b", "Wire B", texts[7])]), ATOM,
                 last_modified="Fri, 20 Nov 2026 09:00:00 GMT")
        site.put("/news-sitemap.xml", _news_sitemap([(f"{base}/articles/3.html", "Ledger 3"), (f"{base}/articles/4.html", "Ledger 4")],
                                                    plain=[f"{base}/about.html"]), XML, etag='"map-v1"')
        site.redirect("/old.rss", "/moved.rss")
        site.put("/moved.rss", _rss([(f"{base}/articles/5.html", "Moved report 5")]), RSS, etag='"moved-v1"')
        site.fail("/broken.rss", 500)
        site.put("/gone.rss", MAINTENANCE_PAGE, "text/html; charset=utf-8")
        feed_paths = ["/news.rss", "/world.atom", "/news-sitemap.xml", "/old.rss", "/broken.rss", "/gone.rss"]
        feeds_file.write_text("# the desk's feeds\n" + "".join(f"{base}{path}   # {path}\n" for path in feed_paths) + "\n")

        first = _watch(newsweave_command, feeds_file, db)
        after_first = {path: site.count(path) for path in [*pages, *feed_paths, "/moved.rss", "/about.html"]}
        listed_first = _feeds(newsweave_command, db)

        # Between the rounds: one new teaser on the RSS feed; the Atom feed and the sitemap stay as they were.
        site.put("/news.rss", _rss([(f"{base}/articles/0.html", "Harbour report 0"), (f"{base}/articles/1.html", "Harbour report 1"),
                                    (f"{base}/articles/2.html", "Harbour report 2")]), RSS, etag='"news-v2"')
        second = _watch(newsweave_command, feeds_file, db)
        after_second = {path: site.count(path) for path in after_first}
        listed_second = _feeds(newsweave_command, db)
        headers = [h for path, h in site.requests if path == "/news.rss"]
    with Store(db) as store:
        known = {path: store.knows_url(f"{base}{path}") for path in [*pages, "/wire/a", "/wire/b", "/about.html"]}
    return {"base": base, "feed_paths": feed_paths, "first": first, "second": second, "after_first": after_first, "after_second": after_second,
            "listed_first": listed_first, "listed_second": listed_second, "known": known, "news_headers": headers}


def test_new_reports_of_every_kind_of_feed_land_in_the_store(two_rounds: dict) -> None:
    known = two_rounds["known"]
    assert all(known[f"/articles/{n}.html"] for n in range(6)), known
    assert known["/wire/a"] and known["/wire/b"]
    assert not known["/about.html"]  # a sitemap URL without news: is not a report
    news = two_rounds["listed_first"][two_rounds["base"] + "/news.rss"]
    assert news["status"] == "ok" and news["new_last_round"] == 2 and news["http_status"] == 200


def test_entries_with_their_whole_text_are_not_fetched_again_from_their_page(two_rounds: dict) -> None:
    assert two_rounds["after_second"].get("/wire/a", 0) == 0
    assert two_rounds["listed_first"][two_rounds["base"] + "/world.atom"]["new_last_round"] == 2


def test_a_second_round_fetches_only_what_changed(two_rounds: dict) -> None:
    first, second = two_rounds["after_first"], two_rounds["after_second"]
    assert all(first[f"/articles/{n}.html"] == 1 for n in (0, 1, 3, 4, 5)), first
    assert first["/articles/2.html"] == 0 and second["/articles/2.html"] == 1
    assert all(second[f"/articles/{n}.html"] == 1 for n in range(6)), second  # nothing fetched twice
    assert second["/about.html"] == 0
    listed = two_rounds["listed_second"]
    base = two_rounds["base"]
    assert listed[base + "/news.rss"]["new_last_round"] == 1 and listed[base + "/news.rss"]["new_total"] == 3
    assert listed[base + "/world.atom"]["status"] == "unchanged"
    assert listed[base + "/news-sitemap.xml"]["status"] == "unchanged"
    assert listed[base + "/world.atom"]["new_total"] == 2 and listed[base + "/world.atom"]["new_last_round"] == 0


def test_the_second_round_asks_with_the_validators_of_the_first(two_rounds: dict) -> None:
    first_ask, second_ask = two_rounds["news_headers"]
    assert "If-None-Match" not in first_ask
    assert second_ask["If-None-Match"] == '"news-v1"'


def test_a_moved_feed_is_followed_and_its_new_address_kept(two_rounds: dict) -> None:
    base = two_rounds["base"]
    moved = two_rounds["listed_first"][base + "/old.rss"]
    assert moved["status"] == "moved" and moved["fetch_url"] == base + "/moved.rss"
    assert "moved permanently" in moved["note"] and moved["new_last_round"] == 1
    assert "moved permanently to " + base + "/moved.rss" in two_rounds["first"].stderr
    assert two_rounds["after_second"]["/old.rss"] == 1  # the old address is not asked again
    assert two_rounds["after_second"]["/moved.rss"] == 2
    assert two_rounds["listed_second"][base + "/old.rss"]["status"] == "unchanged"


def test_failing_feeds_are_reported_each_on_its_own_and_the_others_go_on(two_rounds: dict) -> None:
    base = two_rounds["base"]
    first, second = two_rounds["first"], two_rounds["second"]
    assert first.returncode == 2 and second.returncode == 2, first.stderr
    assert "Traceback" not in first.stderr + second.stderr
    broken = two_rounds["listed_second"][base + "/broken.rss"]
    assert broken["status"] == "failed" and broken["http_status"] == 500
    assert broken["errors_total"] == 2 and broken["failures_in_a_row"] == 2
    assert "HTTP 500" in broken["last_error"]
    assert two_rounds["after_first"]["/broken.rss"] == 2  # tried again once (--retries 1) within the round
    gone = two_rounds["listed_first"][base + "/gone.rss"]
    assert gone["status"] == "failed" and "answers an HTML page titled" in gone["last_error"] and "not a feed" in gone["last_error"]
    assert f"{base}/broken.rss: failed:" in first.stderr and f"{base}/gone.rss: failed:" in first.stderr
    assert "6 feeds polled: 7 new reports, 0 unchanged, 2 failed" in first.stderr


def test_the_feeds_command_lists_each_feed_in_file_order_with_its_status_and_errors(two_rounds: dict, newsweave_command: list[str],
                                                                       tmp_path: Path) -> None:
    db = Path(two_rounds["first"].args[two_rounds["first"].args.index("--db") + 1])
    table = subprocess.run([*newsweave_command, "feeds", "--db", str(db)], capture_output=True, text=True, check=True).stdout
    header, rule, *rows = table.splitlines()
    assert header.split()[:3] == ["feed", "status", "last"]
    assert [row.split()[0] for row in rows] == [two_rounds["base"] + path for path in two_rounds["feed_paths"]]  # file order
    broken = next(row for row in rows if "/broken.rss" in row)
    assert "failed" in broken and "HTTP 500" in broken
    missing = subprocess.run([*newsweave_command, "feeds", "--db", str(tmp_path / "none.db")], capture_output=True, text=True)
    assert missing.returncode == 2 and "no store" in missing.stderr


# -- stopping -----------------------------------------------------------------------------------

def test_sigterm_mid_poll_loses_nothing_and_fetches_nothing_twice(tmp_path: Path, dev_clusters: list[dict],
                                                                   newsweave_command: list[str]) -> None:
    texts = _texts(dev_clusters, 6)
    site = FeedSite()
    db, feeds_file = tmp_path / "news.db", tmp_path / "feeds.txt"
    with http_server(site.handler()) as base:
        links = [f"/slow/{n}.html" for n in range(len(texts))]
        for path, text in zip(links, texts, strict=True):
            site.put(path, _page(f"Slow {path}", text), "text/html", delay=0.4)
        site.put("/slow.rss", _rss([(base + path, f"Slow report {path}") for path in links]), RSS, etag='"slow-v1"')
        feeds_file.write_text(f"{base}/slow.rss\n")
        watcher = subprocess.Popen([*newsweave_command, "watch", str(feeds_file), "--db", str(db), "--every", "1h", "--pace", "0"],
                                   stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + ROUND_SECONDS
            while sum(site.count(path) for path in links) < 2:
                assert watcher.poll() is None, watcher.stderr.read()
                assert time.monotonic() < deadline, "the watcher never reached the linked pages"
                time.sleep(0.05)
            watcher.send_signal(signal.SIGTERM)
            stderr = watcher.communicate(timeout=ROUND_SECONDS)[1]
        finally:
            if watcher.poll() is None:
                watcher.kill()
        assert watcher.returncode == 0, stderr
        assert "SIGTERM received" in stderr and "stopped;" in stderr
        fetched_before_stop = [path for path in links if site.count(path)]
        assert 2 <= len(fetched_before_stop) < len(links)
        with Store(db) as store:
            assert all(store.knows_url(base + path) for path in fetched_before_stop)  # what was fetched was stored
            state = store.feed_state(f"{base}/slow.rss")
            assert state is not None and state.etag is None  # so the next run reads the feed again

        again = _watch(newsweave_command, feeds_file, db)
        assert again.returncode == 0, again.stderr
        with Store(db) as store:
            assert all(store.knows_url(base + path) for path in links)
        assert [site.count(path) for path in links] == [1] * len(links)


# -- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "every", "words"), [
    (None, "15m", "no such feeds file"),
    ("# nothing yet\n\n", "15m", "lists no feed URL"),
    ("http://127.0.0.1:9/feed.rss\n", "15 minutes", "is not a duration"),
    ("http://127.0.0.1:9/feed.rss\n", "0s", "no time at all"),
])
def test_a_bad_feeds_file_or_every_is_a_clear_error(tmp_path: Path, newsweave_command: list[str], content: str | None,
                                                    every: str, words: str) -> None:
    feeds_file = tmp_path / "feeds.txt"
    if content is not None:
        feeds_file.write_text(content)
    done = subprocess.run([*newsweave_command, "watch", str(feeds_file), "--db", str(tmp_path / "news.db"), "--every", every],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("extra", "words"), [
    (["--every", "5m"], "give --watch FEEDS.txt too"),
    (["--watch", "missing-feeds.txt"], "no such feeds file"),
])
def test_serve_refuses_a_bad_watch_before_it_starts(tmp_path: Path, newsweave_command: list[str], extra: list[str],
                                                    words: str) -> None:
    done = subprocess.run([*newsweave_command, "serve", "--db", str(tmp_path / "news.db"), "--port", str(free_port()), *extra],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr


def test_feeds_file_comments_repeats_and_bad_lines(tmp_path: Path) -> None:
    feeds_file = tmp_path / "feeds.txt"
    feeds_file.write_text("# world\nhttps://a.example/rss  # the A feed\n\nftp://b.example/feed\nhttps://a.example/rss\n"
                          "  https://c.example/news-sitemap.xml\n")
    problems: list[str] = []
    assert read_feed_list(feeds_file, problem=problems.append) == ["https://a.example/rss", "https://c.example/news-sitemap.xml"]
    assert problems == [f"{feeds_file} line 4: skipped: 'ftp://b.example/feed' is not an http(s) URL"]


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("2.5m", 150)])
def test_durations_read_as_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_an_unreadable_duration_names_the_every_option() -> None:
    with pytest.raises(InputError) as raised:
        parse_duration("soon")
    assert raised.value.option == "every"


# -- reading feeds --------------------------------------------------------------------------------

def test_a_news_sitemap_gives_its_news_urls_with_title_date_and_publication() -> None:
    body = _news_sitemap([("https://ledger.example/a", "Storm closes port")], plain=["https://ledger.example/contact"])
    [entry] = feed_entries(body.encode(), XML, where="sitemap")
    assert (entry.link, entry.title, entry.source, str(entry.published)) == (
        "https://ledger.example/a", "Storm closes port", "Daily Ledger", "2026-11-21")


def test_a_gzipped_news_sitemap_is_read_and_a_gzip_bomb_is_refused() -> None:
    from newsweave import FetchError

    body = gzip.compress(_news_sitemap([("https://ledger.example/a", "Storm closes port")]).encode())
    assert [entry.link for entry in feed_entries(body, "application/x-gzip", where="sitemap.xml.gz")] == ["https://ledger.example/a"]
    with pytest.raises(FetchError, match="unpacks to more than"):
        feed_entries(gzip.compress(b" " * 6_000_000), "application/x-gzip", where="bomb.xml.gz")


def test_a_sitemap_of_every_page_or_a_sitemap_index_is_refused_with_advice() -> None:
    from newsweave import FetchError

    with pytest.raises(FetchError, match="news sitemap"):
        feed_entries(_news_sitemap([], plain=["https://ledger.example/contact"]).encode(), XML, where="sitemap")
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             "<sitemap><loc>https://ledger.example/news.xml</loc></sitemap></sitemapindex>")
    with pytest.raises(FetchError, match="sitemap index"):
        feed_entries(index.encode(), XML, where="sitemap")


def test_an_empty_feed_is_no_error() -> None:
    assert feed_entries(_rss([]).encode(), RSS, where="feed") == []


def test_the_pacer_keeps_requests_to_one_host_apart_leaves_others_free_and_yields_to_stop() -> None:
    now = [100.0]
    stop = threading.Event()
    pacer = Pacer(2.0, stop, clock=lambda: now[0])
    waits: list[float] = []
    stop.wait = lambda seconds: waits.append(seconds) or False  # type: ignore[method-assign]
    pacer.wait("https://a.example/feed")
    pacer.wait("https://a.example/page")
    pacer.wait("https://b.example/feed")
    now[0] += 1.0
    pacer.wait("https://A.example/other")
    assert waits == [2.0, 3.0]
    stopped = threading.Event()
    stopped.set()
    assert Pacer(2.0, stopped).wait("https://a.example/feed") is False  # a stopped watcher asks nothing more


# -- a watcher in process, over a real store and a real site ----------------------------------------

def test_a_linked_page_that_fails_is_tried_again_next_round_with_the_feed_read_in_full(tmp_path: Path,
                                                                                        dev_clusters: list[dict]) -> None:
    [text] = _texts(dev_clusters, 1)
    site = FeedSite()
    with http_server(site.handler()) as base, Store(tmp_path / "news.db") as store:
        site.fail("/articles/late.html", 503)
        site.put("/news.rss", _rss([(f"{base}/articles/late.html", "Late report")]), RSS, etag='"v1"')
        problems: list[str] = []
        watcher = Watcher(store, [f"{base}/news.rss"], settings=WatchSettings(pace=0, retries=0), problem=problems.append)
        first = watcher.run(once=True)
        state = store.feed_state(f"{base}/news.rss")
        assert first.new == 0 and state.status == "ok" and state.pages_failed == 1 and state.etag is None
        assert any("late.html: skipped:" in problem and "HTTP 503" in problem for problem in problems)

        site.put("/articles/late.html", _page("Late report", text), "text/html")
        second = watcher.run(once=True)
        assert second.new == 1 and store.knows_url(f"{base}/articles/late.html")
        assert store.feed_state(f"{base}/news.rss").etag == '"v1"'  # all stored: the next ask is conditional
        assert [h.get("If-None-Match") for path, h in site.requests if path == "/news.rss"] == [None, None]
        assert watcher.run(once=True).unchanged == 1


def test_a_linked_page_gone_for_good_is_remembered_and_not_asked_again(tmp_path: Path) -> None:
    site = FeedSite()
    with http_server(site.handler()) as base, Store(tmp_path / "news.db") as store:
        site.fail("/articles/gone.html", 410)
        site.put("/articles/photo.jpg", b"\xff\xd8\xff\xe0 not a page", "image/jpeg")
        links = [(f"{base}/articles/gone.html", "Withdrawn report"), (f"{base}/articles/photo.jpg", "Gallery")]
        site.put("/news.rss", _rss(links), RSS, etag='"v1"')
        problems: list[str] = []
        watcher = Watcher(store, [f"{base}/news.rss"], settings=WatchSettings(pace=0, retries=0), problem=problems.append)
        watcher.run(once=True)
        watcher.run(once=True)
        assert site.count("/articles/gone.html") == 1 and site.count("/articles/photo.jpg") == 1
        assert len(problems) == 2  # each said once, when it failed
        gone = store.page_failure(f"{base}/articles/gone.html")
        assert gone is not None and gone.lasting and "HTTP 410" in gone.last_error
        state = store.feed_state(f"{base}/news.rss")
        assert state.pages_failed == 0 and state.etag == '"v1"'  # nothing left to read: the feed is asked conditionally
        assert watcher.run(once=True).unchanged == 1


def test_a_linked_page_failing_for_a_while_is_asked_again_after_doubling_waits(tmp_path: Path) -> None:
    site = FeedSite()
    with http_server(site.handler()) as base, Store(tmp_path / "news.db") as store:
        site.fail("/articles/busy.html", 503)
        site.put("/news.rss", _rss([(f"{base}/articles/busy.html", "Busy report")]), RSS)
        watcher = Watcher(store, [f"{base}/news.rss"], settings=WatchSettings(pace=0, retries=0, every=600),
                          problem=lambda _: None)
        asked = []
        for _ in range(3):
            watcher.run(once=True)
            asked.append(site.count("/articles/busy.html"))
        failure = store.page_failure(f"{base}/articles/busy.html")
    assert asked == [1, 2, 2]  # again the next round, then not before one more round's time (600 s)
    assert failure is not None and not failure.lasting and failure.failures == 2
    assert failure.next_try is not None and 590 <= (failure.next_try - failure.last_failed).total_seconds() <= 600


def test_the_watcher_names_the_stories_that_gained_reports_so_their_briefs_are_made(tmp_path: Path,
                                                                                     dev_clusters: list[dict]) -> None:
    texts = _texts(dev_clusters, 2)
    site = FeedSite()
    with http_server(site.handler()) as base, Store(tmp_path / "news.db") as store:
        site.put("/world.atom", _atom([(f"{base}/wire/{n}", f"Wire {n}", text) for n, text in enumerate(texts)]), ATOM)
        changed: list[str] = []
        watcher = Watcher(store, [f"{base}/world.atom"], settings=WatchSettings(pace=0), story_changed=changed.append)
        watcher.run(once=True)
        watcher.run(once=True)  # nothing new: nothing to tell
        stories = {story.id for story in store.stories()}
    assert sorted(changed) == sorted(stories) and len(changed) == len(set(changed))


def test_a_feed_that_does_not_answer_in_time_is_tried_again_and_reported(tmp_path: Path) -> None:
    site = FeedSite()
    with http_server(site.handler()) as base, Store(tmp_path / "news.db") as store:
        site.put("/slow.rss", _rss([]), RSS, delay=2.0)
        problems: list[str] = []
        settings = WatchSettings(pace=0, timeout=0.3, retries=1, backoff=0.1)
        summary = Watcher(store, [f"{base}/slow.rss"], settings=settings, problem=problems.append).run(once=True)
        state = store.feed_state(f"{base}/slow.rss")
    assert summary.failed == 1 and site.count("/slow.rss") == 2
    assert state.status == "failed" and state.http_status is None
    assert state.last_error == "no answer within 0.3 s (2 tries); tried again next round"
    assert problems == [f"{base}/slow.rss: failed: {state.last_error}"]


def test_feeds_on_private_addresses_are_refused_before_connecting_when_addresses_are_checked(tmp_path: Path) -> None:
    site = FeedSite()
    with inner_server() as (inner, visits), http_server(site.handler()) as base, Store(tmp_path / "news.db") as store:
        site.put("/news.rss", _rss([]), RSS)
        site.redirect("/moved.rss", f"{inner}/feed.rss", 302)
        feeds = [f"{base}/news.rss", f"{base}/moved.rss", f"{inner}/feed.rss"]
        settings = WatchSettings(pace=0, retries=0, allowed_address=as_if_public)
        summary = Watcher(store, feeds, settings=settings).run(once=True)
        states = {state.url: state for state in store.feed_states()}
    assert summary.failed == 2 and states[f"{base}/news.rss"].status == "ok"
    assert "redirects to" in states[f"{base}/moved.rss"].last_error
    for url in feeds[1:]:
        assert "private or local address (127.0.0.2)" in states[url].last_error
    assert visits == []


def test_a_temporary_redirect_is_followed_but_the_feed_keeps_its_address(tmp_path: Path) -> None:
    site = FeedSite()
    with http_server(site.handler()) as base, Store(tmp_path / "news.db") as store:
        site.redirect("/today.rss", "/2026-11-27.rss", 302)
        site.put("/2026-11-27.rss", _rss([]), RSS)
        watcher = Watcher(store, [f"{base}/today.rss"], settings=WatchSettings(pace=0))
        watcher.run(once=True)
        watcher.run(once=True)
        state = store.feed_state(f"{base}/today.rss")
    assert state.status == "ok" and state.fetch_url == f"{base}/today.rss" and state.note is None
    assert site.count("/today.rss") == 2


# -- beside the service -------------------------------------------------------------------------

def test_the_feeds_page_and_api_of_a_store_that_watches_nothing_say_so(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from newsweave.service import create_app

    with TestClient(create_app(tmp_path / "news.db")) as client:
        assert client.get("/api/feeds").json() == {"feeds": []}
        page = client.get("/feeds")
    assert page.status_code == 200 and "No feeds watched yet" in page.text and "serve --watch FEEDS.txt" in page.text


def wait_for_feeds(service: str, count: int) -> list[dict]:
    """GET /api/feeds until `count` feeds have been fetched at least once; their list."""
    deadline = time.monotonic() + ROUND_SECONDS
    while True:
        feeds = httpx.get(f"{service}/api/feeds", timeout=10).json()["feeds"]
        if len(feeds) == count and all(feed["last_fetch"] for feed in feeds):
            return feeds
        assert time.monotonic() < deadline, f"the watcher did not poll the {count} feeds: {feeds}"
        time.sleep(0.3)


@pytest.mark.slow
def test_serve_watch_polls_beside_the_service_and_lists_the_feeds(tmp_path: Path, dev_clusters: list[dict]) -> None:
    texts = _texts(dev_clusters, 2)
    site = FeedSite()
    with http_server(site.handler()) as base:
        site.put("/world.atom", _atom([(f"{base}/wire/{n}", f"Wire {n}", text) for n, text in enumerate(texts)]), ATOM)
        site.fail("/broken.rss", 503)
        feeds_file = tmp_path / "feeds.txt"
        feeds_file.write_text(f"{base}/world.atom\n{base}/broken.rss\n")
        with running_service(tmp_path / "news.db", "--watch", str(feeds_file), "--every", "1h") as service:
            feeds = wait_for_feeds(service, 2)
            stories = httpx.get(f"{service}/api/stories", timeout=10).json()["stories"]
            page = httpx.get(f"{service}/feeds", timeout=10)
            schema = httpx.get(f"{service}/openapi.json", timeout=10).json()
    by_url = {feed["url"]: feed for feed in feeds}
    assert by_url[f"{base}/world.atom"]["status"] == "ok" and by_url[f"{base}/world.atom"]["new_total"] == 2
    assert by_url[f"{base}/broken.rss"]["status"] == "failed" and by_url[f"{base}/broken.rss"]["http_status"] == 503
    assert sum(story["articles"] for story in stories) == 2
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert f"{base}/broken.rss" in page.text and "HTTP 503" in page.text and 'href="/feeds"' in page.text
    assert schema["paths"]["/api/feeds"]["get"]["responses"]["200"]
    assert "description" in schema["components"]["schemas"]["FeedOut"]["properties"]["status"]
    with Store(tmp_path / "news.db") as store:  # the service stopped; what the watcher stored is there
        assert all(store.knows_url(f"{base}/wire/{n}") for n in range(2))
