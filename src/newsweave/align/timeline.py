"""A dated timeline of the story: every date a sentence gives, resolved, merged across sources, sorted.

Date expressions come from the NER's DATE mentions that carry a calendar cue (a month, a weekday, a
year, "ago", "last week" ...); durations ("26 years", "35 minutes") carry none and are skipped.
dateparser resolves them against the report's publication date or, for a report without one, the
latest publication date of the story's other reports (else the latest dated day any report names).
A date keeps the precision it has: day (2020-09-29), week (2020-W39), month (2020-09) or year (2017).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ..models import Article, Mention, Sentence
from ..options import SAME_EVENT_SIMILARITY
from ..space import SentenceSpace

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

PRECISIONS = ("year", "month", "week", "day")

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_CALENDAR_CUE = re.compile(
    rf"\b(?:{_MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|tomorrow|"
    r"ago|(?:last|next|this|earlier this|later this) (?:week|month|year)|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_VAGUE = re.compile(r"\b(?:few|several|many|some|decades?|(?:19|20)\d0s|every|each|past)\b", re.IGNORECASE)
_EXPLICIT_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_RELATIVE = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|"
                       r"tomorrow|ago|last|next|this)\b", re.IGNORECASE)
_DROPPED_WORDS = re.compile(r"\b(?:earlier|later|early|late|on|in|since|by|until|from|during|the|of|mid-?)\b\s*",
                            re.IGNORECASE)
_BARE_MONTH = re.compile(_MONTHS, re.IGNORECASE)
_DAY_BEFORE = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?(?: of)?\s+$")
_DAY_AFTER = re.compile(r"\s+([0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*(?:%|per|million|billion|people))")
_QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"")


@dataclass(slots=True, frozen=True)
class StoryDate:
    """A resolved date and how precisely it is known."""

    start: date
    precision: str

    def label(self) -> str:
        """The date as the Brief shows it: YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY."""
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.precision == "month":
            return self.start.strftime("%Y-%m")
        return str(self.start.year)


def build_timeline(
    articles: Sequence[Article], space: SentenceSpace, *, same_event_similarity: float = SAME_EVENT_SIMILARITY
) -> list[dict]:
    """The Brief's timeline: one entry per dated event, its sources, sorted by date.

    Sentences giving the same date are one event from `same_event_similarity` on (lower than for claims).
    """
    dated = sentence_dates(articles)
    by_date: dict[StoryDate, list[Sentence]] = {}
    for sentence, dates in dated:
        for story_date in dates:
            by_date.setdefault(story_date, []).append(sentence)
    entries = []
    for story_date in sorted(by_date, key=lambda d: (d.start, PRECISIONS.index(d.precision))):
        for group in _events(by_date[story_date], space, same_event_similarity):
            lead = _representative(group, space)
            entries.append({
                "date": story_date.label(),
                "precision": story_date.precision,
                "text": lead.text,
                "sources": sorted({s.article + 1 for s in group}),
            })
    return entries


def sentence_dates(articles: Sequence[Article]) -> list[tuple[Sentence, list[StoryDate]]]:
    """The resolved dates of every usable sentence that gives at least one."""
    found = []
    story_reference = reference_date(articles)
    for article in articles:
        reference = article.published or story_reference
        for sentence in article.sentences:
            if sentence.broken:
                continue
            quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(sentence.text)]
            dates = []
            for mention in sentence.mentions:
                in_quote = any(start <= mention.start < end for start, end in quoted)
                story_date = resolve(with_day_number(sentence.text, mention), reference, in_quote=in_quote)
                if story_date is not None and story_date not in dates:
                    dates.append(story_date)
            if dates:
                found.append((sentence, dates))
    return found


def with_day_number(text: str, mention: Mention) -> Mention:
    """A bare month mention widened to the day number written beside it ("9 August", "August 9")."""
    if mention.label != "DATE" or not _BARE_MONTH.fullmatch(mention.text.strip()):
        return mention
    before = _DAY_BEFORE.search(text[: mention.start])
    if before:
        return Mention(text[before.start(1): mention.end], mention.label, before.start(1), mention.end)
    after = _DAY_AFTER.match(text[mention.end:])
    if after:
        return Mention(text[mention.start: mention.end + after.end(1)], mention.label, mention.start, mention.end + after.end(1))
    return mention


def reference_date(articles: Sequence[Article]) -> date | None:
    """The date the story's reports establish: their latest publication date, else the latest full date they name."""
    published = [a.published for a in articles if a.published]
    if published:
        return max(published)
    named = [
        d.start for a in articles for s in a.sentences for m in s.mentions
        if m.label == "DATE" and _EXPLICIT_YEAR.search(m.text)
        and (d := resolve(m, None)) is not None and d.precision == "day"
    ]
    return max(named) if named else None


def resolve(mention: Mention, reference: date | None, *, in_quote: bool = False) -> StoryDate | None:
    """Resolve a DATE mention against `reference`; None for durations, vague spans and unplaceable dates."""
    text = mention.text
    if mention.label != "DATE" or not _CALENDAR_CUE.search(text) or _VAGUE.search(text):
        return None
    relative = _RELATIVE.search(text) is not None
    explicit_year = _EXPLICIT_YEAR.search(text) is not None
    if (relative and in_quote) or (reference is None and not explicit_year):
        return None
    expression = _DROPPED_WORDS.sub("", text).strip(" ,.")
    parsed = _parse(expression, reference or date(2000, 1, 1))
    if parsed is None:
        return None
    day, period = parsed
    if period not in PRECISIONS:
        return None
    if not explicit_year and not relative and reference is not None:
        day = _nearest_year(day, reference)
    if period == "month":
        day = day.replace(day=1)
    elif period == "year":
        day = date(day.year, 1, 1)
    elif period == "week":
        day = day - timedelta(days=day.weekday())
    return StoryDate(day, period)


@functools.lru_cache(maxsize=4096)
def _parse(expression: str, reference: date) -> tuple[date, str] | None:
    parser = _parser(reference)
    data = parser.get_date_data(expression)
    if data is None or data.date_obj is None:
        return None
    return data.date_obj.date(), data.period or "day"  # dateparser sets a period with a date; "day" is its default


@functools.lru_cache(maxsize=64)
def _parser(reference: date) -> DateDataParser:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": datetime(reference.year, reference.month, reference.day),
        "PREFER_DATES_FROM": "past",
    })


def _nearest_year(day: date, reference: date) -> date:
    """A date written without its year, in the year that puts it nearest the reference date."""
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(day.replace(year=year))
        except ValueError:  # 29 February
            continue
    return min(candidates, key=lambda d: abs((d - reference).days)) if candidates else day


def _events(sentences: list[Sentence], space: SentenceSpace, same_event_similarity: float) -> list[list[Sentence]]:
    """Split the sentences giving one date into events: sentences similar to a group's first join it."""
    groups: list[list[Sentence]] = []
    for sentence in sentences:
        row = space.row_of(sentence)
        for group in groups:
            lead = space.row_of(group[0])
            if row is not None and lead is not None and space.similarity[row, lead] >= same_event_similarity:
                group.append(sentence)
                break
        else:
            groups.append([sentence])
    return groups


def _representative(group: list[Sentence], space: SentenceSpace) -> Sentence:
    """The sentence of a group most like the others (the shortest among equals)."""
    rows = [space.row_of(s) for s in group]
    if len(group) == 1 or any(r is None for r in rows):
        return group[0]
    similarity = space.similarity[rows][:, rows].toarray().sum(axis=1)
    return max(zip(similarity, group, strict=True), key=lambda pair: (round(float(pair[0]), 6), -len(pair[1].text)))[1]
