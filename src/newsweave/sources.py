"""The one reader of inputs: files, folders, http(s) URLs, JSONL dumps, RSS/Atom feeds and WARC archives.

`brief` (`read_reports`), `ingest` (`read_sources`), `cluster` (`read_jsonl`), `brief --batch`
(`json_lines`) and the service's paste form (`fetch_article`) all read through this module, by one
set of rules (docs/pipeline.md, "Reading inputs"). `read_sources` turns each SOURCE into
`SourceItem`s in a stable order. An item carries either an Article or the problem that made it
unreadable, always with where it was ("dump.jsonl line 12", "crawl.warc.gz record at byte 5310"), so
one bad page is reported and the rest is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ._errors import FetchError, InputError
from .ingest import (
    FETCH_TIMEOUT_SECONDS,
    MAX_PAGE_BYTES,
    AddressCheck,
    article_from_document,
    article_from_html,
    charset_of,
    decode_text,
    fetch_bytes,
    parse_json,
    site_of,
)
from .models import Article

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz")
FEED_SUFFIXES = (".rss", ".atom", ".xml", ".rdf")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PAGE_SUFFIXES = (*HTML_SUFFIXES, ".txt", ".text", ".md")
"""A file with one of these suffixes, or with none, is one page; files of other kinds in a folder are not read."""
BINARY_SNIFF_BYTES = 4096
"""A file whose first this many bytes hold a NUL byte is binary, not text."""
MIN_FEED_TEXT_WORDS = 80
"""A feed entry whose own text is shorter than this is a teaser: its linked page is fetched instead."""

_URL = re.compile(r"^https?://", re.IGNORECASE)
_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body|<meta|<article|<div|<p[ >])", re.IGNORECASE)
"""Text that starts like this is an HTML page, whatever its file name or declared type."""
_TEXT_MEDIA_TYPES = re.compile(r"^(?:text/|application/(?:xhtml\+)?xml\b|application/[\w.+-]*\+xml\b)")
"""Media types a fetched page may have; anything else (images, PDF, archives) is refused."""
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
    id: str | None = None
    """The report's id when known even if it could not be read (a JSONL line's `id`)."""


def read_sources(
    sources: Sequence[str], *, skip_url: SkipUrl | None = None, timeout: float = FETCH_TIMEOUT_SECONDS,
    allowed_address: AddressCheck | None = None,
) -> Iterator[SourceItem]:
    """Read every SOURCE (file, folder, http(s) URL of a page or feed) in order; pages whose URL `skip_url`
    knows are not fetched; `allowed_address` checks every address a fetch connects to (`ingest.public_address`)."""
    for source in sources:
        if _URL.match(source):
            yield from read_url(source, skip_url=skip_url, timeout=timeout, allowed_address=allowed_address)
        elif Path(source).is_dir():
            yield from read_folder(Path(source), skip_url=skip_url, timeout=timeout, allowed_address=allowed_address)
        elif Path(source).exists():
            yield from read_file(Path(source), skip_url=skip_url, timeout=timeout, allowed_address=allowed_address)
        else:
            yield SourceItem(source, problem="no such file or folder")


def read_reports(paths: Sequence[str], *, timeout: float = FETCH_TIMEOUT_SECONDS,
                 allowed_address: AddressCheck | None = None) -> list[Article]:
    """The reports of every path (file, folder, http(s) URL), in order, as `read_sources` reads them; the first
    problem (an unreadable, empty or binary file, a failed fetch) raises an InputError naming where it was."""
    articles = []
    for item in read_sources(paths, timeout=timeout, allowed_address=allowed_address):
        if item.article is None:
            raise InputError(item.problem or "cannot be read", where=item.where)
        articles.append(item.article)
    return articles


def read_folder(folder: Path, *, skip_url: SkipUrl | None = None, timeout: float = FETCH_TIMEOUT_SECONDS,
                allowed_address: AddressCheck | None = None) -> Iterator[SourceItem]:
    """Every file of a folder and its subfolders whose kind `read_file` knows, in path order; hidden ones left out."""
    try:
        files = readable_files(folder)
    except OSError as error:
        yield SourceItem(str(folder), problem=_unreadable(error))
        return
    if not files:
        yield SourceItem(str(folder), problem="this folder holds no readable report (.txt or .html pages, "
                         ".jsonl dumps, RSS/Atom feeds or WARC archives)")
    for file in files:
        yield from read_file(file, skip_url=skip_url, timeout=timeout, allowed_address=allowed_address)


def read_file(path: Path, *, skip_url: SkipUrl | None = None, timeout: float = FETCH_TIMEOUT_SECONDS,
              allowed_address: AddressCheck | None = None) -> Iterator[SourceItem]:
    """Read one file by its kind (JSONL, feed, WARC, or a single page)."""
    kind = file_kind(path) or "page"
    if kind == "jsonl":
        yield from read_jsonl(path)
    elif kind == "warc":
        yield from read_warc(path)
    else:
        yield from _read_page_file(path, skip_url=skip_url, timeout=timeout, allowed_address=allowed_address)


def read_url(url: str, *, skip_url: SkipUrl | None = None, timeout: float = FETCH_TIMEOUT_SECONDS,
             allowed_address: AddressCheck | None = None) -> Iterator[SourceItem]:
    """An http(s) URL: the entries of a feed (its path ends like a feed file's name, the server says it is a feed,
    or the body starts as one), else one page."""
    try:
        data, content_type = fetch_bytes(url, timeout=timeout, allowed_address=allowed_address)
        if not _is_feed(data, name=urlparse(url).path, content_type=content_type):
            yield SourceItem(url, article=page_article(data, where=url, article_id=url, url=url, content_type=content_type))
            return
    except InputError as error:
        yield SourceItem(url, problem=error.message)
        return
    yield from read_feed(data, url, skip_url=skip_url, timeout=timeout, allowed_address=allowed_address)


def fetch_article(url: str, *, timeout: float = FETCH_TIMEOUT_SECONDS, allowed_address: AddressCheck | None = None) -> Article:
    """Fetch one http(s) page (a timeout, a size cap, every redirect checked by `allowed_address`) as a report;
    FetchError or InputError when it cannot be fetched, is not text or HTML, or is a feed."""
    data, content_type = fetch_bytes(url, timeout=timeout, allowed_address=allowed_address)
    if _is_feed(data, content_type=content_type):
        raise InputError("this is an RSS/Atom feed, not one report; read its entries with `newsweave ingest`", where=url)
    return page_article(data, where=url, article_id=url, url=url, content_type=content_type)


def page_article(data: bytes, *, where: str, article_id: str, url: str | None = None, content_type: str = "",
                 name: str = "", html: bool = False) -> Article:
    """The one rule for a page's bytes (a file, a fetched URL, a feed entry's link): refuse a served type that is
    not text, decode (`decode_text`: binary refused), refuse an empty page, and read it as HTML when the server
    says so, `html` (its file name) says so, or its text starts like HTML; else as plain text. `name` is the
    source when the page names none (a file's name)."""
    media_type = content_type.split(";")[0].strip()
    if media_type and not _TEXT_MEDIA_TYPES.match(media_type) and "html" not in media_type:
        raise FetchError(f"the server sent {media_type}, not an HTML page or text", where=where)
    if len(data) > MAX_PAGE_BYTES:
        raise InputError(_too_large(len(data)), where=where)
    text = decode_text(data, where=where, declared=charset_of(content_type))
    if not text.strip():
        raise InputError("the page is empty (no text in it)", where=where)
    if html or "html" in media_type or _HTML_START.match(text):
        article = article_from_html(text, article_id=article_id, url=url)
    else:
        article = Article(id=article_id, text=text, url=url)
    article.source = article.source or name or site_of(url)
    return article


def read_jsonl(path: Path) -> Iterator[SourceItem]:
    """One article per line: `id`, `text` or `html`, optional `url`, `source`, `title`, `published`; a file that
    cannot be read at all is one problem item."""
    try:
        yield from jsonl_items(path)
    except InputError as error:
        yield SourceItem(str(path), problem=error.message)


def jsonl_items(path: Path) -> Iterator[SourceItem]:
    """The items of `read_jsonl`, one per non-blank line, each with the report's `id` when the line gives one
    (else `{file stem}-{line number}`), unless the line is not a JSON object; InputError when the file cannot be
    read at all (missing, unreadable, binary)."""
    for line in json_lines(path):
        where = f"{path} line {line.number}"
        if line.text is None:
            yield SourceItem(where, problem=line.problem)
        else:
            yield jsonl_item(line.text, where, fallback_id=f"{path.stem}-{line.number}")


@dataclass(frozen=True, slots=True)
class JsonLine:
    """One non-blank line of a JSONL file, by its 1-based number: its text, or why it cannot be read."""

    number: int
    text: str | None = None
    problem: str | None = None


def json_lines(path: Path) -> Iterator[JsonLine]:
    """The non-blank lines of a JSONL file (gzipped when named .gz), split at line feeds only; a line that is
    not UTF-8 is a problem line. InputError when the file cannot be opened or holds binary data (NUL bytes)."""
    try:
        handle = _open_binary(path)
        head = handle.peek(BINARY_SNIFF_BYTES)[:BINARY_SNIFF_BYTES]
    except (OSError, EOFError) as error:
        raise InputError(_unreadable(error), where=str(path)) from None
    if b"\x00" in head:
        handle.close()
        raise InputError("this is a binary file, not JSON lines; give a UTF-8 text file with one JSON object per line",
                         where=str(path))
    with handle:
        number = 0
        while True:
            number += 1
            try:
                raw = handle.readline()
            except (OSError, EOFError) as error:
                yield JsonLine(number, problem=f"the file is damaged from here on ({_first_line(error)})")
                return
            if not raw:
                return
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                yield JsonLine(number, problem=f"not UTF-8 text (byte {error.start + 1} of the line); save the file as UTF-8")
                continue
            if text.strip():
                yield JsonLine(number, text=text)


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


def read_feed(data: bytes, where: str, *, skip_url: SkipUrl | None = None, timeout: float = FETCH_TIMEOUT_SECONDS,
              allowed_address: AddressCheck | None = None) -> Iterator[SourceItem]:
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
            article = _feed_entry_article(entry, feed_title, skip_url=skip_url, timeout=timeout,
                                          allowed_address=allowed_address)
        except InputError as error:
            yield SourceItem(entry_where, problem=str(error))
            continue
        if article is not None:
            yield SourceItem(entry_where, article=article)


def readable_files(folder: Path) -> list[Path]:
    """The files of a folder and its subfolders whose kind `read_file` knows, in path order; hidden ones left out."""
    return sorted(p for p in folder.rglob("*") if not p.name.startswith(".") and file_kind(p) and not p.is_dir())


def file_kind(path: Path) -> str | None:
    """What a file holds by its name ("jsonl", "warc", "feed" or "page"); None for a file no reader takes."""
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


def jsonl_item(line: str, where: str, *, fallback_id: str) -> SourceItem:
    """The item of one JSONL line's text (one article object): its Article with the line's `id` (else
    `fallback_id`), or the problem (not JSON, a lone surrogate, not an object, no `text`/`html`, over 5 MB)."""
    if len(line) > MAX_PAGE_BYTES:
        return SourceItem(where, problem=f"the line is larger than {MAX_PAGE_BYTES // 1_000_000} MB; skipped")
    try:
        document = parse_json(line)
    except InputError as error:
        return SourceItem(where, problem=error.message)
    if not isinstance(document, dict):
        return SourceItem(where, problem="each line must be a JSON object with `text` or `html`")
    given = document.get("id")
    report_id = given.strip() if isinstance(given, str) and given.strip() else (
        str(given) if isinstance(given, int) and not isinstance(given, bool) else fallback_id)
    if "documents" in document and "text" not in document and "html" not in document:
        return SourceItem(where, problem="this line is a whole story (`documents`), the batch format of "
                          "`newsweave brief --batch`; `ingest` takes one article per line, with `text` or `html`",
                          id=report_id)
    try:
        article = article_from_document(document, fallback_id=report_id)
    except InputError as error:
        return SourceItem(where, problem=error.message, id=report_id)
    article.id = report_id
    return SourceItem(where, article=article, id=report_id)


def _read_page_file(path: Path, *, skip_url: SkipUrl | None, timeout: float,
                    allowed_address: AddressCheck | None) -> Iterator[SourceItem]:
    """A page file (or a feed file: its entries), its path as the report's id and its name as the source."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            yield SourceItem(where, problem=_too_large(size))
            return
        data = path.read_bytes()
    except OSError as error:
        yield SourceItem(where, problem=_unreadable(error))
        return
    if _is_feed(data, name=path.name):
        yield from read_feed(data, where, skip_url=skip_url, timeout=timeout, allowed_address=allowed_address)
        return
    try:
        yield SourceItem(where, article=page_article(data, where=where, article_id=where, name=path.stem,
                                                     html=path.name.lower().endswith(HTML_SUFFIXES)))
    except InputError as error:
        yield SourceItem(where, problem=error.message)


def _is_feed(data: bytes, *, name: str = "", content_type: str = "") -> bool:
    """Whether to read bytes as an RSS/Atom feed: by the name's suffix, the served type, or how the data starts."""
    return (name.lower().endswith(FEED_SUFFIXES) or any(kind in content_type for kind in ("rss", "atom", "rdf"))
            or _FEED_START.match(data[:2048]) is not None)


def _too_large(size: int) -> str:
    return f"the page is {size / 1_000_000:.1f} MB, over the {MAX_PAGE_BYTES // 1_000_000} MB limit of one report; skipped"


def _feed_entry_article(entry: Any, feed_title: str, *, skip_url: SkipUrl | None, timeout: float,
                        allowed_address: AddressCheck | None) -> Article | None:
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
        article = fetch_article(link, timeout=timeout, allowed_address=allowed_address)
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


def _unreadable(error: OSError | EOFError) -> str:
    """Why a file could not be opened or read, as a problem message."""
    if isinstance(error, FileNotFoundError):
        return "no such file"
    return f"cannot be read ({getattr(error, 'strerror', None) or _first_line(error)})"


def _first_line(error: object) -> str:
    return str(error).strip().split("\n", 1)[0][:200] or type(error).__name__
