"""The data model every stage reads and writes: articles, sentences, stories and the brief."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(slots=True)
class Mention:
    """A named entity as written in one sentence."""

    text: str
    label: str
    start: int
    end: int


@dataclass(slots=True)
class Sentence:
    """One sentence of an article, with its position and what analysis found in it."""

    text: str
    article: int
    position: int
    broken: bool = False
    checked: bool = False
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True)
class Article:
    """One report: where it came from and its text, cleaned and split once analyzed."""

    id: str
    text: str
    source: str = ""
    url: str | None = None
    title: str | None = None
    published: date | None = None
    sentences: list[Sentence] = field(default_factory=list)


@dataclass(slots=True)
class Story:
    """A group of articles about one event."""

    id: str
    articles: list[Article]


@dataclass(slots=True)
class Brief:
    """What a reader gets for a story; `to_dict` is the Brief JSON contract (docs/brief-json.md)."""

    id: str
    title: str
    sources: list[dict[str, Any]]
    summary: list[dict[str, Any]]
    entities: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the Brief as the JSON-ready dict of the contract."""
        return {
            "id": self.id,
            "title": self.title,
            "sources": self.sources,
            "summary": self.summary,
            "entities": self.entities,
            "claims": self.claims,
            "disagreements": self.disagreements,
            "quotes": self.quotes,
            "timeline": self.timeline,
        }
