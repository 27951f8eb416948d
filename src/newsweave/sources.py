"""Stream readers of corpus mode: folders of pages, JSONL dumps, RSS/Atom feeds and WARC archives.

`read_sources` turns each SOURCE into `SourceItem`s in a stable order. An item carries either an
Article or the problem that made it unreadable, always with where it was ("dump.jsonl line 12",
"crawl.warc.gz record at byte 5310"), so one bad page is reported and skipped and the rest is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ._errors import InputError
from .ingest import (
    FETCH_TIMEOUT_SECONDS,
    MAX_PAGE_BYTES,
    article_from_document,
    article_from_html,
    charset_of,
    decode_text,
    fetch_bytes,
)
from .models import Article

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz")
FEED_SUFFIXES = (".rss", ".atom", ".xml", ".rdf")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".txt", ".text", ".md")
MIN_FEED_TEXT_WORDS = 80
"""A feed entry whose own text is shorter than this is a teaser: its linked page is fetched instead."""

_URL = re.compile(r"^https?://", re.IGNORECASE)
_FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE | re.DOTALL)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)

_TRUNCATED = "the archive is truncated or damaged here; the records before this point were read"

SkipUrl = Callable[[str], bool]


@dataclass(slots=True)
class SourceItem:
    """One page of a source: its Article, or the problem that made it unreadable; `where` says where it was."""

    where: str
    article: Article | None = None
    problem: str | None = None


def read_sources(
    sources: Sequence[str], *, skip_url: SkipUrl | None = None, timeout: float = FETCH_TIMEOUT_SECONDS
) -> Iterator[SourceItem]:
    """Read every SOURCE (file, folder, feed URL) in order; pages whose URL `skip_url` knows are not fetched."""
    for source in sources:
        if _URL.match(source):
            yield from _read_feed_url(source, skip_url=skip_url, timeout=timeout)
            continue
        path = Path(source)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if _kind(file) is not None:
                    yield from read_file(file, skip_url=skip_url, timeout=timeout)
        elif path.is_file():
            yield from read_file(path, skip_url=skip_url, timeout=timeout)
        else:
            yield SourceItem(source, problem="no such file or folder, and not an http(s) URL")


def read_file(path: Path, *, skip_url: SkipUrl | None = None, timeout: float = FETCH_TIMEOUT_SECONDS) -> Iterator[SourceItem]:
    """Read one file by its kind (JSONL, feed, WARC, or a single page)."""
    kind = _kind(path) or "page"
    if kind == "jsonl":
        yield from read_jsonl(path)
    elif kind == "warc":
        yield from read_warc(path)
    elif kind == "feed":
        yield from _read_feed_file(path, skip_url=skip_url, timeout=timeout)
    else:
        yield _read_page(path)


def read_jsonl(path: Path) -> Iterator[SourceItem]:
    """One article per line: `id`, `text` or `html`, optional `url`, `source`, `title`, `published`."""
    try:
        handle = _open_binary(path)
    except OSError as error:
        yield SourceItem(str(path), problem=f"cannot be read ({error.strerror or error})")
        return
    with handle:
        number = 0
        while True:
            number += 1
            where = f"{path} line {number}"
            try:
                raw = handle.readline()
            except (OSError, EOFError) as error:
                yield SourceItem(where, problem=f"the file is damaged from here on ({_first_line(error)})")
                return
            if not raw:
                return
            try:
                line = raw.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                yield SourceItem(where, problem=f"not UTF-8 text (byte {error.start}); save the file as UTF-8")
                continue
            if line.strip():
                yield _jsonl_item(line, where, fallback_id=f"{path.stem}-{number}")


def read_warc(path: Path) -> Iterator[SourceItem]:
    """The HTML responses of a WARC or WARC.gz file; a truncated or damaged archive ends with a problem item."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        offset = 0
        try:
            for record in records:
                payload = _warc_html_payload(record)
                truncated = _record_cut_short(record)
                offset = records.get_record_offset()  # only valid once the record has been read
                if truncated:
                    yield SourceItem(f"{path} record at byte {offset}", problem=_TRUNCATED)
                    return
                if payload is not None:
                    yield _warc_item(*payload, where=f"{path} record at byte {offset}")
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as error:
            where = f"{path} after byte {offset}"
            yield SourceItem(where, problem=f"{_TRUNCATED} ({_first_line(error)})")
        except Exception as error:  # noqa: BLE001 - zlib.error and others warcio lets through on cut-off gzip members
            yield SourceItem(f"{path} after byte {offset}", problem=f"{_TRUNCATED} ({_first_line(error)})")


def read_feed(data: bytes, where: str, *, skip_url: SkipUrl | None = None, timeout: float = FETCH_TIMEOUT_SECONDS) -> Iterator[SourceItem]:
    """The entries of an RSS/Atom feed; entries with only a link (or a teaser) are fetched as pages."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        yield SourceItem(where, problem=_not_a_feed(data, parsed))
        return
    feed_title = (parsed.feed.get("title") or "").strip()
    for number, entry in enumerate(parsed.entries, start=1):
        entry_where = f"{where} entry {number}"
        try:
            article = _feed_entry_article(entry, feed_title, skip_url=skip_url, timeout=timeout)
        except InputError as error:
            yield SourceItem(entry_where, problem=str(error))
            continue
        if article is not None:
            yield SourceItem(entry_where, article=article)


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(FEED_SUFFIXES):
        return "feed"
    if name.endswith(PAGE_SUFFIXES) or "." not in name:
        return "page"
    return None


def _open_binary(path: Path) -> Any:
    if path.name.lower().endswith(".gz"):
        import gzip

        return gzip.open(path, "rb")
    return open(path, "rb")


def _jsonl_item(line: str, where: str, *, fallback_id: str) -> SourceItem:
    if len(line) > MAX_PAGE_BYTES:
        return SourceItem(where, problem=f"the line is larger than {MAX_PAGE_BYTES // 1_000_000} MB; skipped")
    try:
        document = json.loads(line)
    except json.JSONDecodeError as error:
        return SourceItem(where, problem=f"not valid JSON ({error.msg} at column {error.colno})")
    if not isinstance(document, dict):
        return SourceItem(where, problem="each line must be a JSON object with `text` or `html`")
    if "documents" in document and "text" not in document and "html" not in document:
        return SourceItem(where, problem="this line is a whole story (`documents`), the batch format of "
                          "`newsweave brief --batch`; `ingest` takes one article per line, with `text` or `html`")
    try:
        return SourceItem(where, article=article_from_document(document, fallback_id=fallback_id))
    except InputError as error:
        return SourceItem(where, problem=error.message)


def _read_page(path: Path) -> SourceItem:
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            return SourceItem(where, problem=f"the page is {size // 1_000_000} MB, over the {MAX_PAGE_BYTES // 1_000_000} MB "
                                            "limit of one report; skipped")
        data = path.read_bytes()
    except OSError as error:
        return SourceItem(where, problem=f"cannot be read ({error.strerror or error})")
    if _FEED_START.match(data[:2048]):
        return SourceItem(where, problem="this is an RSS/Atom feed; name it .xml, .rss or .atom to read its entries")
    try:
        text = decode_text(data, where=where)
        if not text.strip():
            return SourceItem(where, problem="the file is empty")
        if path.suffix.lower() in {".html", ".htm", ".xhtml"} or text.lstrip()[:1] == "<":
            return SourceItem(where, article=article_from_html(text, article_id=where))
    except InputError as error:
        return SourceItem(where, problem=error.message)
    return SourceItem(where, article=Article(id=where, text=text, source=path.stem))


def _read_feed_file(path: Path, *, skip_url: SkipUrl | None, timeout: float) -> Iterator[SourceItem]:
    try:
        data = path.read_bytes()
    except OSError as error:
        yield SourceItem(str(path), problem=f"cannot be read ({error.strerror or error})")
        return
    yield from read_feed(data, str(path), skip_url=skip_url, timeout=timeout)


def _read_feed_url(url: str, *, skip_url: SkipUrl | None, timeout: float) -> Iterator[SourceItem]:
    try:
        data, _ = fetch_bytes(url, timeout=timeout)
    except InputError as error:
        yield SourceItem(url, problem=error.message)
        return
    yield from read_feed(data, url, skip_url=skip_url, timeout=timeout)


def _feed_entry_article(entry: Any, feed_title: str, *, skip_url: SkipUrl | None, timeout: float) -> Article | None:
    link = entry.get("link") or None
    entry_id = entry.get("id") or link or entry.get("title")
    if not entry_id:
        raise InputError("the entry has neither a link, an id nor a title")
    html = _entry_html(entry)
    article: Article | None = None
    if html and len(re.sub(r"<[^>]+>", " ", html).split()) >= MIN_FEED_TEXT_WORDS:
        article = article_from_html(f"<html><body><article>{html}</article></body></html>", article_id=entry_id, url=link)
    elif link:
        if skip_url is not None and skip_url(link):
            return None
        body, content_type = fetch_bytes(link, timeout=timeout)
        text = decode_text(body, where=link, declared=charset_of(content_type))
        if "html" in content_type or text.lstrip()[:1] == "<":
            article = article_from_html(text, article_id=entry_id, url=link)
        else:
            article = Article(id=entry_id, text=text, url=link)
    elif html:
        article = article_from_html(f"<html><body><article>{html}</article></body></html>", article_id=entry_id)
    else:
        raise InputError("the entry has no text and no link to fetch it from")
    article.id = entry_id
    article.url = link or article.url
    article.title = (entry.get("title") or "").strip() or article.title
    article.source = feed_title or article.source
    article.published = _entry_date(entry) or article.published
    return article


def _entry_html(entry: Any) -> str:
    contents = entry.get("content") or []
    values = [c.get("value", "") for c in contents if c.get("value")]
    return max(values, key=len) if values else (entry.get("summary") or "")


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return date(value.tm_year, value.tm_mon, value.tm_mday)
    return None


def _not_a_feed(data: bytes, parsed: Any) -> str:
    head = data[:4096].decode("utf-8", "replace")
    if re.search(r"<html\b", head, re.IGNORECASE):
        title = _HTML_TITLE.search(head)
        shown = f" titled {title[1].strip()[:80]!r}" if title else ""
        return f"not an RSS/Atom feed but an HTML page{shown} (an error page?); check the feed address"
    if parsed.get("bozo"):
        return f"not a readable RSS/Atom feed ({_first_line(parsed.get('bozo_exception'))}); check the feed"
    return "the feed has no entries"


def _warc_html_payload(record: Any) -> tuple[str | None, str, bytes, str | None] | None:
    """(URL, record id, body, declared charset) of an HTML response with a 2xx status; None for any other record."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    http = record.http_headers
    content_type = (http.get_header("Content-Type") or "").lower()
    if "html" not in content_type or not (http.get_statuscode() or "").startswith("2"):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
    return url, record_id, record.content_stream().read(MAX_PAGE_BYTES + 1), charset_of(content_type)


def _record_cut_short(record: Any) -> bool:
    """Whether the archive ended before this record's declared length (read what is left first)."""
    stream = record.content_stream()
    while stream.read(1 << 16):
        pass
    return getattr(record.raw_stream, "limit", 0) > 0


def _warc_item(url: str | None, record_id: str, body: bytes, charset: str | None, *, where: str) -> SourceItem:
    if len(body) > MAX_PAGE_BYTES:
        return SourceItem(f"{where} ({url})", problem=f"the page is over the {MAX_PAGE_BYTES // 1_000_000} MB limit of one report; skipped")
    article_id = url or record_id
    try:
        text = decode_text(body, where=article_id, declared=charset)
        return SourceItem(where, article=article_from_html(text, article_id=article_id, url=url))
    except InputError as error:
        return SourceItem(f"{where} ({url})", problem=error.message)


def _first_line(error: object) -> str:
    return str(error).strip().split("\n", 1)[0][:200] or type(error).__name__
