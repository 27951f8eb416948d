"""The pieces every reader uses: decode bytes, fetch a URL safely, extract an HTML page, build an Article from a
batch-input document, parse JSON. Which files and URLs are read, and how, is decided in `sources.py`."""

from __future__ import annotations

import codecs
import ipaddress
import json
import re
import socket
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlparse

from ._errors import FetchError, InputError
from .models import Article

FETCH_TIMEOUT_SECONDS = 15.0
MAX_PAGE_BYTES = 5_000_000
USER_AGENT = "newsweave (+https://pypi.org/project/newsweave)"
MAX_REDIRECTS = 5
"""Redirects followed for one URL before giving up."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressCheck = Callable[[IPAddress], bool]
"""Which IP addresses a fetch may connect to (see `public_address`); None in a signature allows any."""

_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]{0,100}?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_CONTROL_CHARACTERS = {code: None for code in [*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x20), 0x7F]} | {0x0B: "\n", 0x0C: "\n"}
"""What `without_control_characters` does to each control character (None: removed)."""
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Any character of `_CONTROL_CHARACTERS`: most texts hold none, and finding that is far cheaper than translating."""
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_READ_AS_WINDOWS_1252 = frozenset({"iso8859-1", "ascii"})
"""Declared charsets that browsers read as Windows-1252 (names as `codecs.lookup` gives them)."""


def article_from_document(document: Any, *, fallback_id: str) -> Article:
    """Build an Article from a batch-input document: a plain string or an object with `text` or `html`.

    Control characters are removed from every string field (`without_control_characters`).
    """
    if isinstance(document, str):
        return Article(id=fallback_id, text=without_control_characters(document))
    if not isinstance(document, dict):
        raise InputError(f"a document must be a string or an object, not {type(document).__name__}")
    document = {key: without_control_characters(value) if isinstance(value, str) else value for key, value in document.items()}
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
    article.source = _optional_str(document, "source") or article.source or site_of(url)
    article.title = _optional_str(document, "title") or article.title
    article.published = parse_date(document.get("published")) or article.published
    return article


def article_from_html(html: str | bytes, *, article_id: str, url: str | None = None) -> Article:
    """Extract the main text, title, date and site name of an HTML page with trafilatura."""
    import trafilatura
    from trafilatura.settings import Document, set_date_params

    # Dates only from the page's markup (meta tags, <time>, the URL): searching the text for them
    # turns a year named in the article into a publication date of 1 January.
    extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                            date_extraction_params=set_date_params(extensive=False))
    # Without as_dict, bare_extraction gives a Document, or None when it finds nothing.
    if not isinstance(extracted, Document) or not extracted.text or not extracted.text.strip():
        raise InputError("no article text could be extracted from this HTML page", where=article_id)
    return Article(
        id=article_id,
        text=extracted.text,
        source=extracted.sitename or site_of(url or extracted.url),
        url=url or extracted.url,
        title=extracted.title,
        published=parse_date(extracted.date),
    )


PASSING_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
"""HTTP answers that may be different when asked again later (time-outs, too many requests, server trouble)."""


def public_address(address: IPAddress) -> bool:
    """Whether an IP address is on the public internet (not private, loopback, link-local or reserved)."""
    return address.is_global and not (isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None
                                      and not address.ipv4_mapped.is_global)


def fetch_bytes(url: str, *, timeout: float = FETCH_TIMEOUT_SECONDS, max_bytes: int = MAX_PAGE_BYTES,
                allowed_address: AddressCheck | None = None) -> tuple[bytes, str]:
    """Download a URL's body and Content-Type header (lower-cased); refuse errors, time-outs and bodies over `max_bytes`.

    Redirects are followed here, at most `MAX_REDIRECTS`. With `allowed_address`, each hop's host is
    resolved once, every address it has must pass the check, and the connection goes to that checked
    address (so a DNS answer that changes between check and connect cannot slip through).
    """
    import httpx

    current = url
    try:
        with httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, trust_env=allowed_address is None) as client:
            for _ in range(MAX_REDIRECTS + 1):
                request = checked_request(client, current, allowed_address, where=url)
                response = client.send(request, stream=True)
                try:
                    if allowed_address is not None:
                        check_connected_address(response, allowed_address, current, where=url)
                    if response.is_redirect and response.headers.get("location"):
                        current = _redirect_target(current, response.headers["location"], where=url)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"the server answered HTTP {response.status_code}; check the address", where=url,
                                         passing=response.status_code in PASSING_STATUSES)
                    body = limited_body(response, max_bytes, where=url, too_large="the page is larger than {mb} MB; save the article text instead")
                    return body, response.headers.get("content-type", "").strip().lower()
                finally:
                    response.close()
    except httpx.TimeoutException as error:
        raise FetchError(f"no answer within {timeout:g} s; check the address or try again later", where=url,
                         passing=True) from error
    except httpx.HTTPError as error:
        raise FetchError(f"could not be fetched ({error}); check the address and your network", where=url,
                         passing=True) from error
    raise FetchError(f"more than {MAX_REDIRECTS} redirects; give the page's final address", where=url)


def checked_request(client: Any, url: str, allowed_address: AddressCheck | None, *, where: str,
                    headers: dict[str, str] | None = None) -> Any:
    """The GET of one hop (pages and feeds alike); with `allowed_address`, sent to the checked IP of the host (Host
    header and TLS name kept), FetchError when the host has an address the check refuses."""
    import httpx

    target = httpx.URL(url)
    if allowed_address is None:
        return client.build_request("GET", target, headers=headers)
    address = _checked_address(target.host, allowed_address, url=url, where=where)
    return client.build_request("GET", target.copy_with(host=str(address)),
                                headers={**(headers or {}), "Host": target.netloc.decode("ascii")},
                                extensions={"sni_hostname": target.host})


def _checked_address(host: str, allowed_address: AddressCheck, *, url: str, where: str) -> IPAddress:
    """The address to connect to for `host`; FetchError when it, or any other address the host has, fails the check."""
    if not host:
        raise FetchError("this is not a web address with a host name", where=where)
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as error:
        raise FetchError(f"the host name of {url} cannot be resolved ({error.strerror or error}); check the address",
                         where=where, passing=True) from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:
        if not allowed_address(address):
            raise FetchError(_refused_address(url, address, where=where), where=where)
    return addresses[0]


def check_connected_address(response: Any, allowed_address: AddressCheck, url: str, *, where: str) -> None:
    """Refuse the answer when the peer the connection reached is not an allowed address."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer:
        raise FetchError("the address the connection reached could not be checked; not fetched", where=where)
    address = ipaddress.ip_address(str(peer[0]).split("%")[0])
    if not allowed_address(address):
        raise FetchError(_refused_address(url, address, where=where), where=where)


def _refused_address(url: str, address: IPAddress, *, where: str) -> str:
    hop = "" if url == where else f"redirects to {url}, which "
    return f"{hop}points to a private or local address ({address}); only public pages are fetched here"


def _redirect_target(current: str, location: str, *, where: str) -> str:
    import httpx

    target = httpx.URL(current).join(location)
    if target.scheme not in ("http", "https"):
        raise FetchError(f"redirects to {location!r}, which is not an http(s) address", where=where)
    return str(target)


def limited_body(response: Any, max_bytes: int, *, where: str, too_large: str) -> bytes:
    """The body of a streamed response, read until `max_bytes`; past it, FetchError with `too_large` (its `{mb}`
    filled with the limit in MB)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(too_large.format(mb=max_bytes // 1_000_000), where=where)
        chunks.append(chunk)
    return b"".join(chunks)


def without_control_characters(text: str) -> str:
    """The text without C0 control characters (NUL, bell, escape ...) and DEL; tab, newline and carriage
    return are kept, vertical tab and form feed become newlines."""
    return text.translate(_CONTROL_CHARACTERS) if _CONTROL_CHARACTER.search(text) else text


def parse_json(data: str | bytes) -> Any:
    """Parse one JSON text (a JSONL line, a request body); InputError when it is not JSON, not UTF-8, or holds a
    lone surrogate escape such as "\\ud800" (`refuse_lone_surrogates`)."""
    try:
        value = json.loads(data)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte {error.start}); save the file as UTF-8") from None
    except RecursionError:
        raise InputError("not valid JSON (nested too deeply)") from None
    refuse_lone_surrogates(value)
    return value


def refuse_lone_surrogates(value: Any) -> None:
    """InputError naming the first field of a parsed JSON value that holds a lone surrogate ("\\ud800" unpaired):
    JSON allows the escape, but it is half of a character, which no file, page or terminal can hold."""
    pending: list[tuple[str, Any]] = [("the value", value)]  # (what the value is, as the message names it; value)
    while pending:
        named, item = pending.pop()
        if isinstance(item, str):
            found = None if item.isascii() else _LONE_SURROGATE.search(item)
            if found:
                raise InputError(f"{named} holds a lone surrogate escape (\\u{ord(found[0]):04x}) at character "
                                 f"{found.start() + 1}, half of a character that cannot be stored or shown; fix "
                                 "the escape (or write the character itself)")
        elif isinstance(item, dict):
            path = _json_path(named)
            pending.extend((f"`{path}.{key}`" if path else f"`{key}`", v) for key, v in reversed(item.items()))
            pending.extend((f"a key of `{path}`" if path else "a key", key) for key in reversed(item))
        elif isinstance(item, list):
            path = _json_path(named)
            pending.extend((f"`{path}[{i}]`", v) for i, v in reversed(list(enumerate(item))))


def _json_path(named: str) -> str:
    return named.strip("`") if named.startswith("`") else ""


def decode_text(data: bytes, *, where: str, declared: str | None = None) -> str:
    """Decode a report's bytes; refuse binary data; remove control characters (`without_control_characters`).

    In order: a byte-order mark, UTF-8, the charset declared by the server (`declared`) or by the
    page itself (`<meta charset>`, `<?xml encoding>`), then charset_normalizer's guess, where
    Windows-1252 (the web's commonest legacy encoding) wins a tie.
    """
    return without_control_characters(_decode(data, where=where, declared=declared))


def _decode(data: bytes, *, where: str, declared: str | None) -> str:
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            text = _decoded(data, codec)
            if text is None:
                raise InputError(f"the file starts as {codec.upper()} but is not valid {codec.upper()}; save it as UTF-8", where=where)
            return text
    if b"\x00" in data[:4096]:
        raise InputError("this is a binary file, not a report; give text or HTML files", where=where)
    for candidate in ("utf-8", _usable_declaration(declared), _usable_declaration(_declared_charset(data))):
        decoded = _decoded(data, candidate)
        if decoded is not None:
            return decoded
    guessed = _guessed_charset(data)
    if guessed is None:
        raise InputError("the text encoding could not be recognised; save the file as UTF-8", where=where)
    return data.decode(guessed)


def charset_of(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    return match[1] if match else None


def _declared_charset(data: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(data[:4096])
    return (match[1] or match[2]).decode("ascii") if match else None


def _usable_declaration(charset: str | None) -> str | None:
    """The codec to read a declared charset with, as browsers do; None for an unknown name or a
    UTF-16/32 declaration (the text has no NUL bytes by now, so it is neither)."""
    try:
        codec = codecs.lookup(charset).name if charset else None
    except LookupError:
        return None
    if codec is None or codec.startswith(("utf-16", "utf-32")):
        return None
    return "cp1252" if codec in _READ_AS_WINDOWS_1252 else codec


def _decoded(data: bytes, codec: str | None) -> str | None:
    """The text in this codec, or None when there is none, it is not a text codec, or the bytes are not in it."""
    if not codec:
        return None
    try:
        return data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None


def _guessed_charset(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    least_chaos = min(match.chaos for match in matches)
    tied = [match.encoding for match in matches if match.chaos == least_chaos]
    return "cp1252" if "cp1252" in tied else matches[0].encoding


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


def _optional_str(document: dict[str, Any], key: str) -> str | None:
    value = document.get(key)
    return value.strip() or None if isinstance(value, str) else None


def site_of(url: str | None) -> str:
    """The host name of a URL without "www.", the source of a report whose page names no site; "" without a URL."""
    if not url:
        return ""
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.")
