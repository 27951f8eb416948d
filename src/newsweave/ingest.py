"""Read reports from files, folders, HTML pages, http(s) URLs and batch-input objects into Articles."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ._errors import FetchError, InputError
from .models import Article

FETCH_TIMEOUT_SECONDS = 15.0
MAX_PAGE_BYTES = 5_000_000
REPORT_SUFFIXES = frozenset({".txt", ".text", ".md", ".html", ".htm", ".xhtml", ""})
USER_AGENT = "newsweave (+https://pypi.org/project/newsweave)"

_HTML_START = re.compile(rb"^\s*(?:<!doctype html|<html|<head|<body|<meta|<article|<div|<p[ >])", re.IGNORECASE)
_URL = re.compile(r"^https?://", re.IGNORECASE)


def read_reports(paths: Sequence[str], *, timeout: float = FETCH_TIMEOUT_SECONDS) -> list[Article]:
    """Read every path (file, folder of reports, or http(s) URL) into Articles, in the order given."""
    articles: list[Article] = []
    for path in paths:
        if _URL.match(path):
            articles.append(fetch_article(path, timeout=timeout))
        else:
            articles.extend(_read_path(Path(path)))
    return articles


def article_from_document(document: Any, *, fallback_id: str) -> Article:
    """Build an Article from a batch-input document: a plain string or an object with `text` or `html`."""
    if isinstance(document, str):
        return Article(id=fallback_id, text=document)
    if not isinstance(document, dict):
        raise InputError(f"a document must be a string or an object, not {type(document).__name__}")
    text = document.get("text")
    html = document.get("html")
    if not isinstance(text, str) and not isinstance(html, str):
        raise InputError("a document object needs a `text` or an `html` field holding a string")
    url = _optional_str(document, "url")
    if isinstance(text, str):
        article = Article(id=fallback_id, text=text, url=url)
    else:
        article = article_from_html(html, article_id=fallback_id, url=url)
    article.id = _optional_str(document, "id") or article.id
    article.source = _optional_str(document, "source") or article.source or _host(url)
    article.title = _optional_str(document, "title") or article.title
    article.published = parse_date(document.get("published")) or article.published
    return article


def article_from_html(html: str | bytes, *, article_id: str, url: str | None = None) -> Article:
    """Extract the main text, title, date and site name of an HTML page with trafilatura."""
    import trafilatura

    extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if extracted is None or not (extracted.text or "").strip():
        raise InputError(f"{article_id}: no article text could be extracted from this HTML page")
    return Article(
        id=article_id,
        text=extracted.text,
        source=extracted.sitename or _host(url or extracted.url),
        url=url or extracted.url,
        title=extracted.title,
        published=parse_date(extracted.date),
    )


def fetch_article(url: str, *, timeout: float = FETCH_TIMEOUT_SECONDS, public_only: bool = False) -> Article:
    """Fetch an http(s) page (with a timeout and a size cap) and read it as a report.

    With `public_only`, a URL whose host resolves to a private, loopback or link-local address is
    refused: a service open to a network must not fetch its own network's pages for strangers.
    """
    if public_only:
        _refuse_private_host(url)
    body, content_type = fetch_bytes(url, timeout=timeout)
    if "html" in content_type or _HTML_START.match(body):
        return article_from_html(body, article_id=url, url=url)
    if content_type.startswith("text/"):
        return Article(id=url, text=decode_text(body, where=url), source=_host(url), url=url)
    raise FetchError(f"{url}: the server sent {content_type or 'an unknown type'}, not an HTML page or text")


def fetch_bytes(url: str, *, timeout: float = FETCH_TIMEOUT_SECONDS, max_bytes: int = MAX_PAGE_BYTES) -> tuple[bytes, str]:
    """Download a URL's body and content type; refuse errors, time-outs and bodies over `max_bytes`."""
    import httpx

    try:
        with httpx.stream(
            "GET", url, timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        ) as response:
            if response.status_code >= 400:
                raise FetchError(f"{url}: the server answered HTTP {response.status_code}; check the address")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"{url}: the page is larger than {max_bytes // 1_000_000} MB; save the article text instead")
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    except httpx.TimeoutException as error:
        raise FetchError(f"{url}: no answer within {timeout:g} s; check the address or try again later") from error
    except httpx.HTTPError as error:
        raise FetchError(f"{url}: could not be fetched ({error}); check the address and your network") from error
    return b"".join(chunks), content_type


def _refuse_private_host(url: str) -> None:
    host = urlparse(url).hostname
    if not host:
        raise FetchError(f"{url}: this is not a web address with a host name")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as error:
        raise FetchError(f"{url}: the host name cannot be resolved ({error.strerror or error}); check the address") from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise FetchError(f"{url}: points to a private or local address ({ip}); only public pages are fetched here")


def decode_text(data: bytes, *, where: str) -> str:
    """Decode a report's bytes (UTF-8 first, else the detected encoding); refuse binary data."""
    if b"\x00" in data[:4096]:
        raise InputError(f"{where}: this is a binary file, not a report; give text or HTML files")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{where}: the text encoding could not be recognised; save the file as UTF-8")
    return str(best)


def parse_date(value: object) -> date | None:
    """Read a publication date from an ISO string (date or date-time); anything else gives None."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _read_path(path: Path) -> Iterable[Article]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in REPORT_SUFFIXES)
        articles = [a for a in (_read_file_or_none(p) for p in files) if a is not None]
        if not articles:
            raise InputError(f"{path}: this folder holds no readable report (.txt or .html files with text)")
        return articles
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    return [_read_file(path)]


def _read_file_or_none(path: Path) -> Article | None:
    try:
        return _read_file(path)
    except InputError:
        return None


def _read_file(path: Path) -> Article:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from error
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    is_html = path.suffix.lower() in {".html", ".htm", ".xhtml"} or _HTML_START.match(data)
    if is_html:
        return article_from_html(decode_text(data, where=str(path)), article_id=path.stem)
    return Article(id=path.stem, text=decode_text(data, where=str(path)), source=path.stem)


def _optional_str(document: dict[str, Any], key: str) -> str | None:
    value = document.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _host(url: str | None) -> str:
    if not url:
        return ""
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.")
