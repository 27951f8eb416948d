"""The request and response shapes of the API, as pydantic models (they make /openapi.json)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..ingest import parse_date
from ..models import BriefSource, ClaimItem, Disagreement, EntityItem, QuoteItem, SummaryItem, TimelineEntry

if TYPE_CHECKING:
    from ..store import StorySummary

SHOWN_PROBLEMS = 5
"""Validation problems named in one error message; the rest are counted."""


class ArticleIn(BaseModel):
    """One report to store: its text (or its HTML page) and what is known about it."""

    model_config = ConfigDict(extra="ignore")

    text: str | None = Field(None, description="the report's plain text (give this or `html`)")
    html: str | None = Field(None, description="the report's HTML page; its main text is extracted")
    url: str | None = Field(None, description="where the report was published")
    source: str | None = Field(None, description="the outlet, e.g. 'BBC'; defaults to the URL's host")
    title: str | None = None
    published: str | None = Field(None, description="publication date, YYYY-MM-DD (a date-time is accepted)")
    id: str | None = Field(None, description="your id for the report; made from its URL or text when absent")

    @model_validator(mode="after")
    def _needs_text_or_html(self) -> ArticleIn:
        if not (self.text and self.text.strip()) and not (self.html and self.html.strip()):
            raise ValueError("an article needs a non-empty `text` or `html` field")
        return self

    @field_validator("published")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None and value.strip() and parse_date(value) is None:
            raise ValueError(f"`published` must be a date like 2020-09-29, not {value!r}")
        return value


class StoredArticle(BaseModel):
    """What became of one posted article."""

    index: int = Field(description="position of the article in the posted list (0 for a single object)")
    id: str = Field(description="the article's id in the store")
    story: str | None = Field(description="the story it was grouped into; null when it was dropped")
    stored: bool = Field(description="false when the store already held this report (same URL or same text)")
    duplicate_of: str | None = Field(None, description="the stored report it copies, if any")
    dropped_reason: str | None = Field(None, description="why it was kept out of stories (e.g. not a news report)")


class ArticleError(BaseModel):
    """One posted article that was refused, by its position in the list."""

    index: int
    error: str


class ArticlesCreated(BaseModel):
    """The answer to POST /api/articles."""

    articles: list[StoredArticle]
    errors: list[ArticleError] = Field(default_factory=list, description="articles refused, by index; the others are stored")


class StoryOut(BaseModel):
    """One line of the story list."""

    id: str
    title: str
    articles: int = Field(description="reports in the story, copies included")
    sources: int = Field(description="distinct outlets")
    first_seen: str = Field(description="YYYY-MM-DD")
    updated: str = Field(description="YYYY-MM-DD of the newest report")
    version: int = Field(description="changes whenever the story gains a report")

    @classmethod
    def of(cls, story: StorySummary) -> StoryOut:
        """The list line of a stored story."""
        return cls(id=story.id, title=story.title, articles=story.articles, sources=story.sources,
                   first_seen=story.first_seen.isoformat(), updated=story.updated.isoformat(), version=story.version)


class StoriesPage(BaseModel):
    """The answer to GET /api/stories: newest first, one page."""

    stories: list[StoryOut]
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page; null on the last page")


class DocumentIn(BaseModel):
    """A document of a batch-input object given as an object."""

    model_config = ConfigDict(extra="ignore")

    text: str | None = None
    html: str | None = None
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None


class BriefRequest(BaseModel):
    """A batch-input object: the reports of one event, as plain texts or objects."""

    documents: list[str | DocumentIn] = Field(min_length=1, description="two or more reports of one event")
    id: str | None = Field(None, description="the id the Brief should carry")
    max_words: int | None = Field(None, ge=1, le=5000, description="word budget of the summary")


class Brief(BaseModel):
    """The Brief JSON contract (docs/brief-json.md); its items are the pipeline's own classes (models.py), so the
    schema names every field the service sends. Fields may be added (a service `note`), never renamed."""

    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    sources: list[BriefSource]
    summary: list[SummaryItem]
    entities: list[EntityItem]
    claims: list[ClaimItem]
    disagreements: list[Disagreement]
    quotes: list[QuoteItem]
    timeline: list[TimelineEntry]
    notes: list[str] = []


class ErrorOut(BaseModel):
    """Every error answer: what was wrong (and, for article lists, which articles)."""

    error: str
    errors: list[ArticleError] | None = None


def describe_validation(problems: Sequence[Mapping[str, Any]]) -> str:
    """One readable sentence from pydantic's validation errors, e.g. "documents: Field required"."""
    parts = []
    for problem in problems[:SHOWN_PROBLEMS]:
        location = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("body", "query", "path"))
        message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{location}: {message}" if location else message)
    more = f" (and {len(problems) - SHOWN_PROBLEMS} more)" if len(problems) > SHOWN_PROBLEMS else ""
    return "; ".join(parts) + more
