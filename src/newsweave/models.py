"""The data model every stage reads and writes: articles, sentences, stories and the brief.

Sentences and mentions are frozen values: a stage that adds to them (the grammar check, NER) makes
new ones and returns new articles holding them, so a caller's articles never change under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Mention:
    """A named entity as written in one sentence: its text, NER label and character offsets."""

    text: str
    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article (its index in the story), with its position and what analysis found in it.

    `broken`: unusable as a sentence (a heading, a fragment); `mentions`: its named entities, in text order.
    """

    text: str
    article: int
    position: int
    broken: bool = False
    mentions: tuple[Mention, ...] = ()


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


def with_sentences(articles: Sequence[Article], sentences: Sequence[Sentence]) -> list[Article]:
    """New articles like `articles`, holding `sentences` instead of theirs: one for one, in article order."""
    renewed: list[Article] = []
    start = 0
    for article in articles:
        end = start + len(article.sentences)
        renewed.append(replace(article, sentences=list(sentences[start:end])))
        start = end
    return renewed


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
