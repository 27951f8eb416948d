"""Briefs for a batch of stories, one JSON line in and one out, on several processes when asked."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ._errors import InputError, NewsweaveError
from .options import DEFAULT_OPTIONS, Options
from .pipeline import articles_from_documents, make_brief
from .render import render_json

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
    lines: Iterable[str],
    *,
    options: Options = DEFAULT_OPTIONS,
    full_analysis: bool = True,
    jobs: int = DEFAULT_JOBS,
) -> Iterator[LineResult]:
    """Yield one LineResult per non-blank line, in input order; `jobs` > 1 spreads lines over processes."""
    work = ((number, line, options, full_analysis) for number, line in enumerate(lines, start=1) if line.strip())
    if jobs <= 1:
        yield from map(_brief_of_line, work)
        return
    _load_models_before_fork(full_analysis)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_brief_of_line, work, chunksize=_CHUNK)


def _brief_of_line(work: tuple[int, str, Options, bool]) -> LineResult:
    number, line, options, full_analysis = work
    try:
        story = _parse_story(line)
        story_id = str(story["id"]) if story.get("id") is not None else f"line-{number}"
        articles = articles_from_documents(story["documents"])
        brief = make_brief(articles, options=options, full_analysis=full_analysis, min_sources=1, story_id=story_id)
    except NewsweaveError as error:
        return LineResult(number, error=str(error))
    single = ["one source only; its brief has no cross-source checks"] if len(brief.sources) == 1 else []
    note = "; ".join([*single, *brief.notes]) or None
    return LineResult(number, brief_json=render_json(brief, indent=None), note=note)


def _parse_story(line: str) -> dict:
    try:
        story = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON ({error.msg} at column {error.colno})") from error
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
