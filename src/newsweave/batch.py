"""Briefs for a batch of stories, one JSON line in and one out, on several processes when asked."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ._errors import InputError, NewsweaveError
from .ingest import parse_json
from .options import DEFAULT_OPTIONS, Options
from .sources import JsonLine

DEFAULT_JOBS = max(1, min(os.cpu_count() or 1, 8))
_CHUNK = 2


@dataclass(frozen=True, slots=True)
class LineResult:
    """The outcome of one input line: its Brief as a JSON line, or why it was skipped, and any note."""

    number: int
    brief_json: str | None = None
    error: str | None = None
    note: str | None = None


def brief_lines(
    lines: Iterable[str | JsonLine],
    *,
    options: Options = DEFAULT_OPTIONS,
    full_analysis: bool = True,
    jobs: int = DEFAULT_JOBS,
) -> Iterator[LineResult]:
    """Yield one LineResult per non-blank line, in input order; `jobs` > 1 spreads lines over processes.

    `lines` are text lines (numbered from 1), or the `JsonLine`s of `sources.json_lines`, whose unreadable lines
    become skipped results.
    """
    work = ((line, options, full_analysis) for line in _numbered(lines))
    if jobs <= 1:
        yield from map(_brief_of_line, work)
        return
    _load_models_before_fork(full_analysis)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_brief_of_line, work, chunksize=_CHUNK)


def _numbered(lines: Iterable[str | JsonLine]) -> Iterator[JsonLine]:
    for number, line in enumerate(lines, start=1):
        if isinstance(line, JsonLine):
            yield line
        elif line.strip():
            yield JsonLine(number, text=line)


def _brief_of_line(work: tuple[JsonLine, Options, bool]) -> LineResult:
    from .pipeline import articles_from_documents, make_brief  # the summarizer's modules load when a brief is made
    from .render import render_json
    from .story_brief import single_source_note

    line, options, full_analysis = work
    number = line.number
    if line.text is None:
        return LineResult(number, error=line.problem)
    try:
        story = _parse_story(line.text)
        story_id = str(story["id"]) if story.get("id") is not None else f"line-{number}"
        articles = articles_from_documents(story["documents"])
        brief = make_brief(articles, options=options, full_analysis=full_analysis, min_sources=1, story_id=story_id)
    except NewsweaveError as error:
        return LineResult(number, error=str(error))
    note = "; ".join(filter(None, [single_source_note(brief), *brief.notes])) or None
    return LineResult(number, brief_json=render_json(brief, indent=None), note=note)


def _parse_story(line: str) -> dict:
    story = parse_json(line)
    if not isinstance(story, dict) or "documents" not in story:
        raise InputError('each line must be an object with "documents": [...]')
    return story


def _load_models_before_fork(full_analysis: bool) -> None:
    """Load the models once in the parent so that forked workers share them instead of each loading them."""
    from . import nlp
    from .analyze import language_identifier

    nlp.sentence_splitter()
    language_identifier()
    nlp.part_of_speech_tagger()
    if full_analysis:
        nlp.entity_recognizer()
