"""The data model every stage reads and writes: articles, sentences, stories and the brief.

Sentences and mentions are frozen values: a stage that adds to them (the grammar check, NER) makes
new ones and returns new articles holding them, so a caller's articles never change under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
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


@dataclass(frozen=True, slots=True)
class BriefSource:
    """A report of the brief: `id` is its 1-based number, the one every other item cites."""

    id: int
    name: str
    url: str | None
    title: str | None
    published: str | None
    copy_of: int | None = None
    """The source this report is a copy of (the same report, or one outlet carrying another's text):
    a carrier, listed but never counted as corroboration; None for a report of its own origin."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence of one cited source that supports a summary sentence."""

    source: int
    sentence: str


@dataclass(frozen=True, slots=True)
class Insertion:
    """A name restored by the editor: show " [text]" at character `at` of the summary sentence."""

    at: int
    text: str


@dataclass(frozen=True, slots=True)
class SummaryItem:
    """A summary sentence, verbatim from a cited source, with the supporting sentence of each citation."""

    text: str
    citations: list[int]
    evidence: list[Evidence]
    insertions: list[Insertion]


@dataclass(frozen=True, slots=True)
class EntityItem:
    """One entity under its canonical name, with the names the sources wrote it as."""

    name: str
    type: str
    variants: list[str]
    sources: list[int]


@dataclass(frozen=True, slots=True)
class ClaimItem:
    """A fact and the sources that report it; `disagreements` names the figure disagreements it holds (indices)."""

    text: str
    sources: list[int]
    status: str
    origins: list[list[int]]
    disagreements: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FigureValue:
    """One source's value of a disputed figure, as its `sentence` writes it."""

    value: str
    source: int
    sentence: str
    published: str | None


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One measure given different values by different sources; `evolving` tells whether it changed over time."""

    about: str
    evolving: bool | None
    values: list[FigureValue]


@dataclass(frozen=True, slots=True)
class QuoteItem:
    """A direct quotation, its speaker and the sources that print it."""

    speaker: str
    text: str
    sources: list[int]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated event of the story, told by `text`, with the sources that report it."""

    date: str
    precision: str
    text: str
    sources: list[int]


@dataclass(slots=True)
class Brief:
    """What a reader gets for a story, as typed items; `to_dict` is the Brief JSON contract (docs/brief-json.md).

    Item classes are the contract's one definition: the service's OpenAPI schema is built from them too.
    Source numbers in every item are already 1-based, as the contract gives them.
    """

    id: str
    title: str
    sources: list[BriefSource]
    summary: list[SummaryItem]
    entities: list[EntityItem] = field(default_factory=list)
    claims: list[ClaimItem] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    quotes: list[QuoteItem] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the brief left out and why: the end of an overlong report or sentence (newsweave.limits), reports
    copied from another, reports not in English."""

    def to_dict(self) -> dict[str, Any]:
        """Return the Brief as the JSON-ready dict of the contract (the one place items become JSON)."""
        data = asdict(self)
        for claim in data["claims"]:
            if not claim["disagreements"]:  # the key is present only on claims that hold a disputed figure
                del claim["disagreements"]
        return data
