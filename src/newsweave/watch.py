"""Watch feeds: poll RSS/Atom feeds and news sitemaps on a schedule and store their new reports.

Each round fetches every feed with a conditional GET (the ETag / Last-Modified of the last answer
read in full, kept per feed in the store's `feeds` table), at most one request per host every
`pace` seconds, with a time-out and retries with exponential backoff on failures that may pass
(time-outs, refused connections, HTTP 5xx and 429). Entries whose URL the store already holds are
not fetched again; an entry without text of its own is read from its linked page. A linked page that
fails for good (HTTP 404 or 410, not a page, a refused address) is remembered in the store's `failed_pages`
and not asked again; one that fails in a way that may pass is asked again next round, then after waits
that double, and given up after `MAX_PAGE_FAILURES` tries. New reports are
stored in whole batches (`Store.add_articles`, one transaction each), and a feed's validators are
kept only once all its entries are stored: a watcher stopped half-way reads the feed again next
time and loses nothing. A feed that fails, moves (301/308: followed, and the new address kept) or
turns into an HTML page is reported and tried again next round; it never stops the others.
"""

from __future__ import annotations

import email.utils
import logging
import re
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from xml.etree import ElementTree

from ._errors import FetchError, InputError

# The project's one reader (ingest.py, sources.py): pages, feed texts and limits all go through these.
from .ingest import (
    FETCH_TIMEOUT_SECONDS,
    MAX_PAGE_BYTES,
    MAX_REDIRECTS,
    PASSING_STATUSES,
    USER_AGENT,
    AddressCheck,
    article_from_html,
    check_connected_address,
    checked_request,
    limited_body,
    parse_date,
)
from .models import Article
from .sources import MIN_FEED_TEXT_WORDS, fetch_article
from .store import FeedState, PageFailure, Store

DEFAULT_EVERY_SECONDS = 15 * 60.0
"""Time between the starts of two rounds."""
DEFAULT_PACE_SECONDS = 1.0
"""Least time between two requests to one host (feeds and linked pages alike)."""
DEFAULT_RETRIES = 2
"""Further tries of a feed request that failed in a way that may pass (time-out, refused, 5xx, 429)."""
RETRY_BACKOFF_SECONDS = 1.0
"""Wait before the first retry; it doubles at each further one."""
MAX_RETRY_WAIT_SECONDS = 60.0
"""Longest wait before one retry, whatever Retry-After asks."""
MAX_PAGE_FAILURES = 6
"""A linked page that failed this many times in a way that may pass (time-outs, HTTP 5xx) is given up."""
MAX_PAGE_WAIT_SECONDS = 24 * 3600.0
"""Longest wait before a linked page that failed is asked again (the wait doubles from one round at each failure)."""
WATCH_BATCH = 20
"""Reports stored per transaction: a stopped watcher has stored every whole batch, and fetches the rest next run."""
WATCH_WORKERS = 4
"""Feeds polled at once (the pace per host still holds across them)."""
FEED_FILE_EXAMPLE = "one feed URL a line, `#` starts a comment"

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smh])", re.IGNORECASE)
_DURATION_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[smh]\s*)+$", re.IGNORECASE)
_SECONDS_PER_UNIT = {"s": 1, "m": 60, "h": 3600}
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype html|<html)", re.IGNORECASE | re.DOTALL)
_GZIP_MAGIC = b"\x1f\x8b"
_PERMANENT_REDIRECTS = frozenset({301, 308})
_log = logging.getLogger("newsweave.watch")

Say = Callable[[str], None]


# -- the feeds file and the options -------------------------------------------------------------

def read_feed_list(path: str | Path, *, problem: Say | None = None) -> list[str]:
    """The feed URLs of a feeds file (one a line, `#` comments, repeats once); a line that is not an
    http(s) URL is reported through `problem` and left out. InputError when the file is missing or lists none."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"no such feeds file; give a text file with {FEED_FILE_EXAMPLE}", where=where) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"the feeds file cannot be read ({getattr(error, 'strerror', None) or error})", where=where) from None
    feeds: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not entry:
            continue
        if not _URL.match(entry):
            if problem is not None:
                problem(f"{where} line {number}: skipped: {entry[:80]!r} is not an http(s) URL")
            continue
        if entry not in feeds:
            feeds.append(entry)
    if not feeds:
        raise InputError(f"the feeds file lists no feed URL; write {FEED_FILE_EXAMPLE}", where=where)
    return feeds


def parse_duration(text: str) -> float:
    """Seconds in a duration such as 90s, 15m, 1h or 1h30m; InputError for anything else or for zero."""
    if not _DURATION_WHOLE.match(text or ""):
        raise InputError(f"{text!r} is not a duration; write it like 90s, 15m, 1h or 1h30m", option="every")
    seconds = sum(float(number) * _SECONDS_PER_UNIT[unit.lower()] for number, unit in _DURATION.findall(text))
    if seconds <= 0:
        raise InputError(f"{text!r} is no time at all; give a duration like 90s, 15m or 1h", option="every")
    return seconds


@dataclass(frozen=True, slots=True)
class WatchSettings:
    """How often and how politely feeds are polled."""

    every: float = DEFAULT_EVERY_SECONDS
    pace: float = DEFAULT_PACE_SECONDS
    timeout: float = FETCH_TIMEOUT_SECONDS
    retries: int = DEFAULT_RETRIES
    backoff: float = RETRY_BACKOFF_SECONDS
    allowed_address: AddressCheck | None = None
    """Which addresses feeds and their linked pages may be fetched from (`ingest.public_address` for a service open
    to a network), checked at every redirect and on the connection made."""


# -- politeness -----------------------------------------------------------------------------------

class Pacer:
    """Keeps requests to one host at least `pace` seconds apart, across threads; waiting ends early on `stop`."""

    def __init__(self, pace: float, stop: threading.Event, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._pace = pace
        self._stop = stop
        self._clock = clock
        self._next_free: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> bool:
        """Wait for the turn of `url`'s host (its turn is booked at once, so threads queue in order); False when
        `stop` came first (then nothing should be asked of the host)."""
        host = (urlparse(url).hostname or "").lower()
        with self._lock:
            now = self._clock()
            start = max(now, self._next_free.get(host, now))
            self._next_free[host] = start + self._pace
        if start > now:
            return not self._stop.wait(start - now)
        return not self._stop.is_set()


# -- one feed's answer and its entries ---------------------------------------------------------

@dataclass(slots=True)
class FeedAnswer:
    """What a feed request got: a body (status 200) or none (304), the validators, and where it ended."""

    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None
    """The new address when every redirect on the way was permanent (301/308)."""


@dataclass(slots=True)
class FeedEntry:
    """One item of a feed or news sitemap: its link, and its text when the feed carries it."""

    link: str | None
    entry_id: str
    title: str = ""
    published: date | None = None
    source: str = ""
    html: str = ""


class FeedFetchError(FetchError):
    """A feed could not be read; `http_status` is the server's answer when one came."""

    def __init__(self, message: str, *, where: str, http_status: int | None = None) -> None:
        super().__init__(message, where=where)
        self.http_status = http_status


class _StoppedError(Exception):
    """The watcher was asked to stop before a request could be sent."""


class _PassingError(Exception):
    """A failure that may pass (time-out, refused connection, 5xx, 429): the request is tried again."""

    def __init__(self, message: str, *, http_status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.retry_after = retry_after


def feed_entries(body: bytes, content_type: str, *, where: str) -> list[FeedEntry]:
    """The entries of an RSS/Atom feed (feedparser) or a news sitemap (xml.etree), gzipped or not; FetchError for an
    HTML page or anything else that is not a feed."""
    body = _gunzipped(body, where=where)
    sitemap = _news_sitemap_entries(body, where=where)
    if sitemap is not None:
        return sitemap
    import feedparser

    parsed = feedparser.parse(body)
    if parsed.get("version"):
        feed_title = (parsed.feed.get("title") or "").strip()
        return [entry for entry in (_feed_entry(e, feed_title) for e in parsed.entries) if entry is not None]
    if "html" in content_type or _HTML_START.match(body[:4096]):
        raise FetchError(f"the address now answers an HTML page{_html_title(body)}, not a feed (a moved feed, an error "
                         "or a login page?); check the address", where=where)
    reason = parsed.get("bozo_exception")
    shown = f" ({str(reason).splitlines()[0][:120]})" if reason else ""
    raise FetchError(f"not an RSS/Atom feed or a news sitemap{shown}; check the address", where=where)


def _gunzipped(body: bytes, *, where: str) -> bytes:
    """The body itself, or its contents when it is a gzip file (a `sitemap.xml.gz`), at most MAX_PAGE_BYTES of them."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        contents = unpacker.decompress(body, MAX_PAGE_BYTES + 1)
    except zlib.error as error:
        raise FetchError(f"a damaged gzip file ({error})", where=where) from None
    if len(contents) > MAX_PAGE_BYTES:
        raise FetchError(f"the feed unpacks to more than {MAX_PAGE_BYTES // 1_000_000} MB", where=where)
    return contents


def _feed_entry(entry: Any, feed_title: str) -> FeedEntry | None:
    link = entry.get("link") or None
    entry_id = entry.get("id") or link or entry.get("title")
    if not entry_id:
        return None
    contents = [c.get("value", "") for c in entry.get("content") or [] if c.get("value")]
    html = max(contents, key=len) if contents else (entry.get("summary") or "")
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    published = date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None
    return FeedEntry(link, entry_id, (entry.get("title") or "").strip(), published, feed_title, html)


def _news_sitemap_entries(body: bytes, *, where: str) -> list[FeedEntry] | None:
    """The `<url>` items with a `news:news` element of a sitemap `<urlset>`; None when the body is no sitemap."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    kind = _local_name(root.tag)
    if kind == "sitemapindex":
        raise FetchError("a sitemap index, not a news sitemap; list the news sitemaps it names instead", where=where)
    if kind != "urlset":
        return None
    items = [item for item in root if _local_name(item.tag) == "url"]
    entries = [entry for entry in (_sitemap_entry(item) for item in items) if entry is not None]
    if items and not entries:
        raise FetchError("a sitemap without news: entries (a list of every page of a site); give the site's news "
                         "sitemap instead", where=where)
    return entries


def _sitemap_entry(item: ElementTree.Element) -> FeedEntry | None:
    location = _child_text(item, "loc")
    news = _child(item, "news")
    if not location or news is None:
        return None
    publication = _child(news, "publication")
    source = _child_text(publication, "name") if publication is not None else ""
    published = parse_date(_child_text(news, "publication_date"))
    return FeedEntry(location, location, _child_text(news, "title"), published, source)


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element | None:
    return next((child for child in element if _local_name(child.tag) == name), None)


def _child_text(element: ElementTree.Element, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _html_title(body: bytes) -> str:
    from trafilatura.metadata import extract_metadata

    title = extract_metadata(body.decode("utf-8", "replace")).title
    title = " ".join((title or "").split())
    return f" titled {title[:80]!r}" if title else ""


# -- the watcher --------------------------------------------------------------------------------

@dataclass(slots=True)
class RoundSummary:
    """What one round did: feeds read, unchanged, failed, and the reports it stored."""

    feeds: int = 0
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    stopped: bool = False
    """True when a stop came during the round (what was fetched is stored; the rest waits for the next run)."""

    def line(self) -> str:
        """The round in one line, as the command line prints it."""
        return (f"{self.feeds} feed{'s' if self.feeds != 1 else ''} polled: {self.new} new report{'s' if self.new != 1 else ''}, "
                f"{self.unchanged} unchanged, {self.failed} failed" + (" (stopped)" if self.stopped else ""))


@dataclass(slots=True)
class _FeedRound:
    new: int = 0
    pages_failed: int = 0
    """Linked pages not read this round that may be read later (the feed is read in full again next round)."""
    complete: bool = True


class _PageWaitsError(Exception):
    """A linked page is not asked this round: it failed for good, or failed lately and its wait is not over."""

    def __init__(self, failure: PageFailure) -> None:
        super().__init__(failure.last_error)
        self.failure = failure


class Watcher:
    """Polls a list of feeds into a store, round after round, until `stop` is set."""

    def __init__(self, store: Store, feeds: Sequence[str], *, settings: WatchSettings = WatchSettings(),
                 stop: threading.Event | None = None, problem: Say = _log.warning, progress: Say = _log.info,
                 story_changed: Say | None = None) -> None:
        """`story_changed` is told the id of each story that gained reports (the service has its brief made)."""
        self.store = store
        self._story_changed = story_changed
        self.feeds = list(feeds)
        self.settings = settings
        self.stop = stop or threading.Event()
        self._problem = problem
        self._progress = progress
        self._pacer = Pacer(settings.pace, self.stop)
        self._claimed: set[str] = set()
        self._claimed_lock = threading.Lock()
        self.total_new = 0

    def run(self, *, once: bool = False) -> RoundSummary:
        """Poll every feed, then again every `settings.every` seconds (only once with `once`) until stopped;
        the summary of the last round."""
        self.register_feeds()
        while True:
            started = time.monotonic()
            summary = self.poll_round()
            self._progress(f"{datetime.now(UTC):%H:%M:%S} UTC: {summary.line()}")
            if once or self.stop.is_set():
                return summary
            if self.stop.wait(max(0.0, self.settings.every - (time.monotonic() - started))):
                return summary

    def register_feeds(self) -> None:
        """Give each feed not watched before its row (status `new`), in the order of the list, so listings follow it."""
        for url in self.feeds:
            if self.store.feed_state(url) is None:
                self.store.save_feed_state(FeedState(url=url, fetch_url=url))

    def poll_round(self) -> RoundSummary:
        """Poll every feed once (several at a time); a failing feed is recorded and the others go on."""
        import httpx

        summary = RoundSummary()
        self._claimed.clear()
        # no proxy from the environment when addresses are checked: a proxy would connect for us, unchecked
        with httpx.Client(timeout=self.settings.timeout, headers={"User-Agent": USER_AGENT},
                          trust_env=self.settings.allowed_address is None) as client, \
                ThreadPoolExecutor(max_workers=min(WATCH_WORKERS, len(self.feeds)) or 1) as pool:
            for state in pool.map(lambda url: self.poll_feed(client, url), self.feeds):
                if state is None:
                    continue
                summary.feeds += 1
                summary.new += state.new_last_round
                summary.unchanged += state.status == "unchanged"
                summary.failed += state.status == "failed"
        summary.stopped = self.stop.is_set()
        self.total_new += summary.new
        return summary

    def poll_feed(self, client: Any, url: str) -> FeedState | None:
        """Fetch one feed, store its new reports and record how it went; None when stopped before it started."""
        if self.stop.is_set():
            return None
        state = self.store.feed_state(url) or FeedState(url=url, fetch_url=url)
        state.last_fetch = datetime.now(UTC)
        state.new_last_round = state.pages_failed = 0
        state.http_status = None
        try:
            answer = self._fetch_feed(client, state)
            if answer.moved_to:
                self._record_move(state, answer.moved_to)
            state.http_status = answer.status
            if answer.status == 304:
                state.status = "unchanged"
            else:
                outcome = self._store_entries(feed_entries(answer.body, answer.content_type, where=state.fetch_url))
                state.new_last_round, state.pages_failed = outcome.new, outcome.pages_failed
                state.new_total += outcome.new
                state.status = "moved" if answer.moved_to else "ok"
                # Validators only once every entry is stored: otherwise the next round reads the feed again.
                whole = outcome.complete and not outcome.pages_failed
                state.etag, state.last_modified = (answer.etag, answer.last_modified) if whole else (None, None)
            state.failures_in_a_row = 0
        except FetchError as error:
            self._record_failure(state, error)
        except _StoppedError:
            return None  # not asked this round: its kept state stays as it was
        self.store.save_feed_state(state)
        self._progress(f"{url}: {state.status}, {state.new_last_round} new")
        return state

    # -- fetching the feed ------------------------------------------------------------------

    def _fetch_feed(self, client: Any, state: FeedState) -> FeedAnswer:
        """The feed's answer, tried again with exponential backoff while the failure may pass."""
        attempt = 0
        while True:
            try:
                return self._fetch_once(client, state)
            except _PassingError as failure:
                if attempt >= self.settings.retries or self.stop.is_set():
                    tries = f" ({attempt + 1} tries)" if attempt else ""
                    raise FeedFetchError(f"{failure.message}{tries}; tried again next round", where=state.fetch_url,
                                         http_status=failure.http_status) from None
                wait = failure.retry_after if failure.retry_after is not None else self.settings.backoff * 2 ** attempt
                if self.stop.wait(min(wait, MAX_RETRY_WAIT_SECONDS)):
                    raise _StoppedError from None
                attempt += 1

    def _fetch_once(self, client: Any, state: FeedState) -> FeedAnswer:
        import httpx

        headers = {key: value for key, value in (("If-None-Match", state.etag), ("If-Modified-Since", state.last_modified))
                   if value}
        url, moved_to, permanent = state.fetch_url, None, True
        for _ in range(MAX_REDIRECTS + 1):
            if not self._pacer.wait(url):
                raise _StoppedError
            allowed = self.settings.allowed_address
            try:  # the feed's host checked as a linked page's is (a refused address fails the feed: no retry)
                response = client.send(checked_request(client, url, allowed, where=state.fetch_url, headers=headers),
                                       stream=True)
            except httpx.TimeoutException:
                raise _PassingError(f"no answer within {self.settings.timeout:g} s") from None
            except httpx.HTTPError as error:
                raise _PassingError(f"could not be fetched ({error})") from None
            try:
                if allowed is not None:
                    check_connected_address(response, allowed, url, where=state.fetch_url)
                if response.is_redirect and response.headers.get("location"):
                    target = str(response.url.join(response.headers["location"]))
                    if not target.startswith(("http://", "https://")):
                        raise FetchError(f"redirects to {target!r}, which is not an http(s) address", where=state.fetch_url)
                    permanent = permanent and response.status_code in _PERMANENT_REDIRECTS
                    moved_to = target if permanent else None
                    url = target
                    continue
                return self._answer(response, moved_to, where=state.fetch_url)
            finally:
                response.close()
        raise FetchError(f"more than {MAX_REDIRECTS} redirects; give the feed's final address", where=state.fetch_url)

    def _answer(self, response: Any, moved_to: str | None, *, where: str) -> FeedAnswer:
        import httpx

        status = response.status_code
        if status == 304:
            return FeedAnswer(304, moved_to=moved_to, etag=response.headers.get("etag"),
                              last_modified=response.headers.get("last-modified"))
        if status in PASSING_STATUSES:
            raise _PassingError(f"the server answered HTTP {status}", http_status=status,
                                retry_after=_retry_after(response.headers.get("retry-after")))
        if status >= 400:
            raise FeedFetchError(f"the server answered HTTP {status}; check the feed address", where=where, http_status=status)
        try:
            body = limited_body(response, MAX_PAGE_BYTES, where=where, too_large="the feed is larger than {mb} MB")
        except httpx.TimeoutException:
            raise _PassingError(f"the answer did not arrive within {self.settings.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise _PassingError(f"the answer broke off ({error})") from None
        return FeedAnswer(status, body, response.headers.get("content-type", "").lower(), response.headers.get("etag"),
                          response.headers.get("last-modified"), moved_to)

    def _record_move(self, state: FeedState, new_url: str) -> None:
        old = state.fetch_url
        state.fetch_url = new_url
        state.note = f"moved permanently from {old} to {new_url} on {datetime.now(UTC):%Y-%m-%d}"
        state.etag = state.last_modified = None
        self._problem(f"{state.url}: moved permanently to {new_url}; it is fetched there from now on "
                      "(write the new address in the feeds file)")

    def _record_failure(self, state: FeedState, error: FetchError) -> None:
        state.status = "failed"
        if isinstance(error, FeedFetchError):
            state.http_status = error.http_status
        state.last_error = error.message
        state.last_error_at = state.last_fetch
        state.errors_total += 1
        state.failures_in_a_row += 1
        self._problem(f"{state.url}: failed: {error.message}")

    # -- the entries --------------------------------------------------------------------------

    def _store_entries(self, entries: list[FeedEntry]) -> _FeedRound:
        """Fetch what the store lacks (oldest first) and store it in batches; stop between two entries on `stop`."""
        outcome = _FeedRound()
        batch: list[Article] = []
        for entry in sorted(entries, key=lambda e: e.published or date.min):
            if self.stop.is_set():
                outcome.complete = False
                break
            if entry.link and (self.store.knows_url(entry.link) or not self._claim(entry.link)):
                continue
            try:
                batch.append(self._entry_article(entry))
            except _StoppedError:
                outcome.complete = False
                break
            except _PageWaitsError as waiting:
                outcome.pages_failed += not waiting.failure.lasting  # a page given up does not hold the feed back
            except InputError as error:
                outcome.pages_failed += not (entry.link and self._given_up(entry.link))
                self._problem(f"{entry.link or entry.entry_id}: skipped: {error.message}")
            if len(batch) >= WATCH_BATCH:
                outcome.new += self._store(batch)
                batch = []
        if batch:
            outcome.new += self._store(batch)
        return outcome

    def _claim(self, link: str) -> bool:
        """Whether this round has not fetched `link` yet for another feed (and now has)."""
        with self._claimed_lock:
            if link in self._claimed:
                return False
            self._claimed.add(link)
            return True

    def _entry_article(self, entry: FeedEntry) -> Article:
        """The entry's report: its own text when it carries a whole report, else its linked page."""
        if entry.html and len(_TAG.sub(" ", entry.html).split()) >= MIN_FEED_TEXT_WORDS:
            article = article_from_html(f"<html><body><article>{entry.html}</article></body></html>",
                                        article_id=entry.entry_id, url=entry.link)
        elif entry.link:
            article = self._linked_page(entry.link)
        else:
            raise InputError(f"the entry has no link and too short a text to be a report (under {MIN_FEED_TEXT_WORDS} words)")
        article.id = entry.entry_id
        article.url = entry.link or article.url
        article.title = entry.title or article.title
        article.source = entry.source or article.source
        article.published = entry.published or article.published
        return article

    def _linked_page(self, link: str) -> Article:
        """The page an entry links to. A page that failed for good is not asked again; one that failed in a way
        that may pass is asked again next round, then after waits that double (`MAX_PAGE_WAIT_SECONDS` at most),
        and given up after `MAX_PAGE_FAILURES` such failures."""
        failure = self.store.page_failure(link)
        now = datetime.now(UTC)
        if failure is not None and (failure.lasting or (failure.next_try is not None and failure.next_try > now)):
            raise _PageWaitsError(failure)
        if not self._pacer.wait(link):
            raise _StoppedError
        try:
            article = fetch_article(link, timeout=self.settings.timeout, allowed_address=self.settings.allowed_address)
        except InputError as error:
            self.store.save_page_failure(_page_failure(link, error, failure, now, every=self.settings.every))
            raise
        if failure is not None:
            self.store.forget_page_failure(link)
        return article

    def _given_up(self, link: str) -> bool:
        failure = self.store.page_failure(link)
        return failure is not None and failure.lasting

    def _store(self, batch: list[Article]) -> int:
        results = self.store.add_articles(batch)
        if self._story_changed is not None:
            for story_id in dict.fromkeys(r.story_id for r in results if r.added and r.story_id):
                self._story_changed(story_id)
        return sum(result.added for result in results)


def _page_failure(url: str, error: InputError, earlier: PageFailure | None, now: datetime, *, every: float) -> PageFailure:
    """What to keep of a linked page that failed now: given up when the failure will not pass (or has not passed
    in `MAX_PAGE_FAILURES` tries), else tried again after one round, then after waits that double."""
    failures = (earlier.failures if earlier else 0) + 1
    passing = isinstance(error, FetchError) and error.passing and failures < MAX_PAGE_FAILURES
    wait = min(every * (2 ** (failures - 1) - 1), MAX_PAGE_WAIT_SECONDS)  # 0 after the first: the next round asks
    return PageFailure(url, lasting=not passing, failures=failures, last_error=error.message, last_failed=now,
                       next_try=now + timedelta(seconds=wait) if passing else None)


def _retry_after(value: str | None) -> float | None:
    """Seconds asked by a Retry-After header (a number of seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds()) if moment.tzinfo else None


# -- the watcher beside the service -------------------------------------------------------------

@dataclass(slots=True)
class BackgroundWatch:
    """A watcher in a thread of its own, over its own connection to the store (so the service's reads never wait
    for its writes); `start` it with the service and `stop` it with the service."""

    db_path: str | Path
    feeds: Sequence[str]
    settings: WatchSettings = field(default_factory=WatchSettings)
    stop_event: threading.Event = field(default_factory=threading.Event)
    story_changed: Say | None = None
    """Told the id of each story that gained reports (the service sets it, so that their briefs, and so their
    names for search and entity pages, are made in the background as for posted reports)."""
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Start polling in a daemon thread."""
        self._thread = threading.Thread(target=self._run, name="newsweave-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the watcher to stop and wait for it: the page in flight ends, its batch is stored."""
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout=self.settings.timeout * 2 + 5)

    def _run(self) -> None:
        try:
            with Store(self.db_path) as store:
                Watcher(store, self.feeds, settings=self.settings, stop=self.stop_event,
                        problem=lambda message: _log.warning("feed watcher: %s", message),
                        story_changed=self.story_changed).run()
        except Exception:  # noqa: BLE001 - the service goes on without its watcher; the log says why
            _log.exception("the feed watcher stopped")

