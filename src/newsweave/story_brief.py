"""The brief of one stored story, made alike by every front end: a story of one report too, with one note saying so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Article, Brief
from .options import DEFAULT_OPTIONS, Options
from .pipeline import make_brief
from .store import Store

SINGLE_SOURCE_NOTE = ("One report so far: this brief shows its lead sentences; nothing is compared across outlets "
                      "until a second report of the event is added.")
"""Shown with the brief of a single report, by the service, `brief --story` and `brief --batch` alike."""


@dataclass(frozen=True, slots=True)
class StoryReports:
    """What a story's brief is made from: its reports and title as they were at one `version` of the story."""

    story_id: str
    version: int
    title: str
    articles: list[Article]


def story_reports(store: Store, story_id: str) -> StoryReports:
    """A story's reports (copies of another report left out) and title, read at one version of the story.

    The version is read before and after the reports; a report stored in between makes it read again, so
    a brief is never labelled with a version older than what it was made from.
    """
    while True:
        version = store.story_version(story_id)
        articles = store.story_origins(story_id) or store.story_articles(story_id)
        title = store.story(story_id).title
        if store.story_version(story_id) == version:
            return StoryReports(story_id, version, title, articles)


def story_brief(reports: StoryReports, *, options: Options = DEFAULT_OPTIONS, full_analysis: bool = True) -> Brief:
    """The Brief of a story's reports, named as the list of stories names it; one report is enough (see
    `single_source_note`)."""
    return make_brief(reports.articles, options=options, full_analysis=full_analysis, min_sources=1,
                      story_id=reports.story_id, title=reports.title)


def single_source_note(brief: Brief) -> str | None:
    """`SINGLE_SOURCE_NOTE` for a brief of one report, else None."""
    return SINGLE_SOURCE_NOTE if len(brief.sources) == 1 else None


def story_brief_json(reports: StoryReports, options: Options = DEFAULT_OPTIONS) -> dict[str, Any]:
    """The Brief JSON the service stores and shows for a story: the contract, with `note` on a brief of one report."""
    brief = story_brief(reports, options=options)
    data = brief.to_dict()
    note = single_source_note(brief)
    if note:
        data["note"] = note
    return data


def save_story_brief(store: Store, story_id: str, options: Options = DEFAULT_OPTIONS) -> dict[str, Any]:
    """Make the Brief JSON of a stored story as it is now and keep it in the store (`Store.save_brief`)."""
    reports = story_reports(store, story_id)
    brief = story_brief_json(reports, options)
    store.save_brief(story_id, reports.version, brief)
    return brief
