"""Atom feeds (RFC 4287) written with the standard library's ElementTree, which escapes every text.

A feed carries its id, title, updated time, author and links (the page it mirrors, and itself);
each entry its id, title, updated time, author, the page it links to, and a text summary or HTML
content. Characters XML cannot carry (C0 controls) are dropped from every text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from . import __version__
from .ingest import without_control_characters
from .store import as_utc

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml"
GENERATOR = "newsweave"
AUTHOR = "newsweave"
"""Who writes the entries: the briefs are newsweave's, made from the outlets' reports."""


@dataclass(frozen=True, slots=True)
class AtomEntry:
    """One entry: `link` is the page it stands for; `content_html` (escaped by the feed) or `summary` (text)."""

    id: str
    title: str
    updated: datetime
    link: str
    summary: str = ""
    content_html: str = ""
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class AtomFeed:
    """A feed's own fields: `link` is the page it mirrors, `self_link` its own address."""

    id: str
    title: str
    link: str
    self_link: str
    subtitle: str = ""


def atom_document(feed: AtomFeed, entries: Sequence[AtomEntry], *, now: datetime | None = None) -> bytes:
    """The feed as UTF-8 XML; it is updated when its newest entry was (`now` when it has none)."""
    root = Element("feed", xmlns=ATOM_NAMESPACE)
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    newest = max((e.updated for e in entries), default=now or datetime.now(UTC))
    _text(root, "updated", rfc3339(newest))
    _author(root)
    _link(root, feed.link, "alternate", "text/html")
    _link(root, feed.self_link, "self", ATOM_MEDIA_TYPE)
    _text(root, "generator", GENERATOR).set("version", __version__)
    for entry in entries:
        node = SubElement(root, "entry")
        _text(node, "id", entry.id)
        _text(node, "title", entry.title)
        _text(node, "updated", rfc3339(entry.updated))
        if entry.published:
            _text(node, "published", rfc3339(entry.published))
        _author(node)
        _link(node, entry.link, "alternate", "text/html")
        if entry.summary:
            _text(node, "summary", entry.summary).set("type", "text")
        if entry.content_html:
            _text(node, "content", entry.content_html).set("type", "html")
    return tostring(root, encoding="utf-8", xml_declaration=True)


def rfc3339(when: datetime) -> str:
    """A time as Atom writes it: UTC to the second, with Z (a time without offset is taken as UTC)."""
    return as_utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: Element, tag: str, text: str) -> Element:
    node = SubElement(parent, tag)
    node.text = without_control_characters(text)
    return node


def _author(parent: Element) -> None:
    _text(SubElement(parent, "author"), "name", AUTHOR)


def _link(parent: Element, href: str, rel: str, media_type: str) -> None:
    SubElement(parent, "link", rel=rel, type=media_type, href=href)
