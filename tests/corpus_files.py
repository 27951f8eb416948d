"""Real feed, WARC and JSONL files for the corpus-mode tests, written with warcio and plain I/O."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

PAGE = """<!doctype html><html><head><title>{title}</title></head><body><header>Menu Home World</header>
<article><h1>{title}</h1>{paragraphs}</article><footer>(c) 2020 Example News</footer></body></html>"""


def html_page(title: str, text: str) -> str:
    """A plain news page holding `text` as paragraphs."""
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
    return PAGE.format(title=title, paragraphs=paragraphs)


def write_warc(path: Path, pages: list[tuple[str, str]], *, extra_image: bool = True) -> None:
    """A gzipped WARC with one HTML response per (url, html) and one image response."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(html.encode()), http_headers=headers))
        if extra_image:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record("https://example.org/a.png", "response",
                                                          payload=BytesIO(b"\x89PNG...."), http_headers=headers))


def rss(items: list[dict], *, title: str = "Example News") -> str:
    """An RSS 2.0 feed; an item with `html` carries it as content, else only its link."""
    entries = []
    for item in items:
        content = f"<description><![CDATA[{item['html']}]]></description>" if "html" in item else ""
        entries.append(f"<item><title>{item['title']}</title><link>{item['link']}</link>"
                       f"<guid>{item['link']}</guid><pubDate>Tue, 29 Sep 2020 10:00:00 GMT</pubDate>{content}</item>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://example.org/</link><description>news</description>{''.join(entries)}</channel></rss>")


def write_jsonl(path: Path, records: list[dict]) -> None:
    """One JSON object per line."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
