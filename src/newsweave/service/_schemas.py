"""The request and response shapes of the API, as pydantic models (they make /openapi.json)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..ingest import parse_date, refuse_lone_surrogates
from ..models import BriefSource, ClaimItem, Disagreement, EntityItem, QuoteItem, SummaryItem, TimelineEntry

if TYPE_CHECKING:
    from ..store import FeedState, StorySummary

SHOWN_PROBLEMS = 5
"""Validation problems named in one error message; the rest are counted."""


class PostedJson(BaseModel):
    """A posted object: a lone surrogate escape ("\\ud800") in any field is refused (422) before anything else."""

    @model_validator(mode="before")
    @classmethod
    def _whole_characters(cls, data: Any) -> Any:
        refuse_lone_surrogates(data)
        return data


class ArticleIn(PostedJson):
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
    changed: str | None = Field(None, description="when the story last gained a report here, ISO 8601 UTC "
                                                  "(null for a story last changed by a store of layout 2 or older)")
    updated_since: bool | None = Field(None, description="whether the story gained a report after the `since` "
                                                         "asked for; null when no `since` was given")

    @classmethod
    def of(cls, story: StorySummary, since: datetime | None = None) -> StoryOut:
        """The list line of a stored story; with `since`, whether it gained reports after that time."""
        updated_since = None if since is None else story.changed is not None and story.changed > since
        return cls(id=story.id, title=story.title, articles=story.articles, sources=story.sources,
                   first_seen=story.first_seen.isoformat(), updated=story.updated.isoformat(), version=story.version,
                   changed=story.changed.isoformat() if story.changed else None, updated_since=updated_since)


class StoriesPage(BaseModel):
    """The answer to GET /api/stories: newest first, one page."""

    stories: list[StoryOut]
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page; null on the last page")


class FeedOut(BaseModel):
    """One watched feed (`newsweave watch`, `serve --watch`): where it is fetched, how its last fetch went, what it brought."""

    url: str = Field(description="the feed's address as listed in the feeds file")
    fetch_url: str = Field(description="where it is fetched now: `url`, or the address a permanent redirect (301, 308) moved it to")
    last_fetch: str | None = Field(description="when it was last fetched, ISO 8601 in UTC; null before the first fetch")
    status: Literal["new", "ok", "unchanged", "moved", "failed"] = Field(
        description="how the last fetch went: new (not fetched yet), ok (read), unchanged (HTTP 304, nothing sent again), "
        "moved (read at the address of a permanent redirect), failed (see `last_error`; tried again next round)")
    http_status: int | None = Field(description="the HTTP status of the last answer; null when none came (time-out, refused)")
    new_last_round: int = Field(description="reports the last fetch stored")
    new_total: int = Field(description="reports stored from this feed since it was first watched")
    pages_failed: int = Field(description="linked pages of the last fetch that could not be read (tried again next round)")
    last_error: str | None = Field(description="what went wrong the last time the feed failed (kept after it recovers)")
    last_error_at: str | None = Field(description="when that was, ISO 8601 in UTC")
    errors_total: int = Field(description="fetches of this feed that failed, all told")
    failures_in_a_row: int = Field(description="failed fetches since the last good one (0 when the last one went well)")
    note: str | None = Field(description="a lasting remark, e.g. the permanent redirect that moved the feed")

    @classmethod
    def of(cls, state: FeedState) -> FeedOut:
        """The answer's form of a feed's kept state."""
        return cls(url=state.url, fetch_url=state.fetch_url, status=state.status,  # type: ignore[arg-type]
                   last_fetch=_iso(state.last_fetch), http_status=state.http_status, new_last_round=state.new_last_round,
                   new_total=state.new_total, pages_failed=state.pages_failed, last_error=state.last_error,
                   last_error_at=_iso(state.last_error_at), errors_total=state.errors_total,
                   failures_in_a_row=state.failures_in_a_row, note=state.note)


class FeedsOut(BaseModel):
    """The answer to GET /api/feeds: every watched feed, in the order first watched."""

    feeds: list[FeedOut]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


class DocumentIn(BaseModel):
    """A document of a batch-input object given as an object."""

    model_config = ConfigDict(extra="ignore")

    text: str | None = None
    html: str | None = None
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None


class BriefRequest(PostedJson):
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
    notes: list[str] = Field(default_factory=list, description="what the brief left out and why: the end of an overlong "
                             "report or sentence, a copy of another report, a report not in English")


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


class ReportRef(BaseModel):
    """The stored report a search result was found in."""

    id: str
    title: str | None = None
    source: str | None = None


class SearchHitOut(BaseModel):
    """One story found by a search, with the passage that matched."""

    story: StoryOut
    score: float = Field(description="bm25 rank of the best match in the story (lower is better)")
    found_in: str = Field(description='"report" (a report\'s title or text) or "story" (its title or stored brief)')
    snippet: str = Field(description="the passage around the matched words, plain text ('…' where it was cut)")
    highlights: list[list[int]] = Field(description="[start, end) character offsets of the matched words in `snippet`")
    report: ReportRef | None = Field(None, description="the report matched, when found_in is \"report\"")


class ExpansionOut(BaseModel):
    """A word of the query that is part of an entity's name, searched also in that entity's other spellings."""

    word: str
    entities: list[str] = Field(description="the entities (their most used name) the word is part of")
    spellings: list[str] = Field(description="the other spellings of the word searched with it")


class SearchOut(BaseModel):
    """The answer to GET /api/search: stories matching every word, best first, one page."""

    query: str
    results: list[SearchHitOut]
    total: int = Field(description="stories matching in all")
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page; null on the last page")
    expanded: list[ExpansionOut] = Field(description="query words searched in other spellings of a name")


class EntityQuoteOut(BaseModel):
    """A quote the stored brief of a story gives to the entity."""

    speaker: str = Field(description="the speaker as that story's brief names them")
    text: str = Field(description="the quoted words, verbatim from the reports")
    story: str = Field(description="the story's id")
    story_title: str
    sources: list[str] = Field(description="the outlets that carry the quote")


class RelatedEntityOut(BaseModel):
    """An entity named in the same stories."""

    name: str
    type: str
    stories: int = Field(description="stories naming both")


class EntityOut(BaseModel):
    """The answer to GET /api/entities/{name}: what the stored briefs say of one person, organisation or place."""

    name: str = Field(description="the name most stories' briefs use")
    type: str = Field(description="PERSON, ORG, GPE, LOC, FAC or EVENT")
    spellings: list[str] = Field(description="every form the outlets wrote the name in")
    stories: list[StoryOut] = Field(description="the stories naming it, newest first (one page)")
    total_stories: int
    limit: int
    offset: int
    next_offset: int | None
    quotes: list[EntityQuoteOut] = Field(description="its quotes in its newest stories")
    related: list[RelatedEntityOut] = Field(description="the entities named in most of the same stories")
