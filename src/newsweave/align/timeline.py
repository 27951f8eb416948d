"""A dated timeline of the story: one entry per event, each sentence dated by the event it reports.

Date expressions come from the NER's DATE mentions that carry a calendar cue (a month, a weekday, a
year, "ago", "last week" ...); durations ("26 years", "35 minutes") carry none and are skipped.
A sentence gives at most one date: the first date of its main clause, else the first date that names
an event in passing ("Monday's fire", "the 9 August election", a relative clause). Background (a
clause with "born", "since", "became", "had been" ...), a dateline, a parenthesis and a date known
only to its year are never an event of the story.
Relative dates (weekdays, "yesterday", "this week", "a week ago") are resolved against the report's
own publication date only; an undated report's relative dates are left out, never borrowed from
another report. A date written without its year is placed against the report's date or, for an
undated report, the story's latest publication date (else the latest full date the report itself
names, else it is left out), at or before that date unless its clause speaks of the future.
A date keeps the precision it has: day (2020-09-29), week (2020-W39) or month (2020-09).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ..models import Article, Mention, Sentence, TimelineEntry
from ..options import SAME_EVENT_SIMILARITY
from ..space import SentenceSpace

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

UNDATED_REPORT_GAP = timedelta(days=7)
"""An undated report is taken to be of the story's latest publication date unless it names a full date
later than that by more than this; then that date is its anchor."""
PAST_SLACK = timedelta(days=2)
"""A yearless date in a past-tense clause may fall this far after the report's date (time zones, late editions)."""
PRECISIONS = ("year", "month", "week", "day")
TIMELINE_PRECISIONS = ("month", "week", "day")
"""Precisions that date an event of the story; a bare year ("in 1998") is background."""

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CALENDAR_CUE = re.compile(
    rf"\b(?:{_MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|tomorrow|"
    r"ago|(?:last|next|this|earlier this|later this) (?:week|month|year)|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_VAGUE = re.compile(r"\b(?:few|several|many|some|decades?|(?:19|20)\d0s|every|each|past)\b", re.IGNORECASE)
_EXPLICIT_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_RELATIVE = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|"
                       r"tomorrow|ago|last|next|this)\b", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)
_SHIFTED = re.compile(r"\b(?:last|next|this|ago)\b", re.IGNORECASE)
_DROPPED_WORDS = re.compile(r"\b(?:earlier|later|early|late|on|in|since|by|until|from|during|the|of|mid-?)\b\s*",
                            re.IGNORECASE)
_BARE_MONTH = re.compile(_MONTHS, re.IGNORECASE)
_MONTH_NAME = re.compile(rf"\b{_MONTHS}(?![a-z])", re.IGNORECASE)
_DAY_BEFORE = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?(?: of)?\s+$")
_DAY_AFTER = re.compile(r"\s+([0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*(?:%|per|million|billion|people))")
_QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"")

_CLAUSE_BREAK = re.compile(r"[,;:()\[\]—–]|\s-\s|\b(?:and|but|while|whereas|which|who|whom|whose|where)\b",
                           re.IGNORECASE)
_RELATIVE_PRONOUN = re.compile(r"which|who|whom|whose|where", re.IGNORECASE)
_BACKGROUND = re.compile(
    r"\b(?:born|founded|established|since|previously|formerly|had been|became|came to power|took office|"
    r"first (?:elected|took|became|joined|came)|graduated)\b",
    re.IGNORECASE,
)
"""Profile and background words: a date in their clause is context, not an event of this story."""
_FUTURE = re.compile(r"\b(?:will|would|shall|due|expected|scheduled|planned|plans|set to|is to|are to|until|"
                     r"upcoming)\b", re.IGNORECASE)
_PREPOSITION_FIRST = re.compile(r"\s*(?:to|in|on|at|from|for|with|of|by|during)\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^['’]s\b")
_DETERMINER = re.compile(r"\b(?:the|a|an|this|that|its|their)\s+$", re.IGNORECASE)
_MONTH_PREPOSITION = re.compile(
    r"\b(?:in|on|by|since|until|till|from|during|through|before|after|early|late|mid|of|last|next|this|an?)\s*-?\s*$",
    re.IGNORECASE)
"""A month named alone is a date only after one of these ("in June", "an April attack"); "May has said" is a name."""
_DATELINE_TAIL = re.compile(r"^\s*\([A-Za-z][^()]{0,40}\)\s*(?:--|—|–|-|:)")
_SPAN = re.compile(r"\bbetween\s+(?:[^,;:()\[\]—–]{1,40}\s+and\s+)?$", re.IGNORECASE)
"""A date after "between" bounds a span ("between May 2001 and May 2002"), it is not an event."""
_DATELINE_REACH = 80
"""A date within this many characters of a sentence's start, followed by "(AGENCY) --", is a dateline."""


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
) -> list[TimelineEntry]:
    """The Brief's timeline: one entry per dated event, its sources, sorted by date.

    Sentences giving the same date are one event from `same_event_similarity` on (lower than for claims).
    """
    by_date: dict[StoryDate, list[Sentence]] = {}
    for sentence, story_date in sentence_events(articles):
        by_date.setdefault(story_date, []).append(sentence)
    entries = []
    for story_date in sorted(by_date, key=lambda d: (d.start, PRECISIONS.index(d.precision))):
        for group in _events(by_date[story_date], space, same_event_similarity):
            lead = _representative(group, space)
            entries.append(TimelineEntry(
                date=story_date.label(),
                precision=story_date.precision,
                text=lead.text,
                sources=sorted({s.article + 1 for s in group}),
            ))
    return entries


def sentence_events(articles: Sequence[Article]) -> list[tuple[Sentence, StoryDate]]:
    """Every usable sentence that reports a datable event, with that event's date (one per sentence)."""
    found = []
    story_published = max((a.published for a in articles if a.published), default=None)
    for article in articles:
        anchor = article.published or _undated_anchor(article, story_published)
        named_anchor = anchor is not None and anchor not in (article.published, story_published)
        for sentence in article.sentences:
            if sentence.broken:
                continue
            story_date = event_date(sentence, published=article.published, anchor=anchor, named_anchor=named_anchor)
            if story_date is not None:
                found.append((sentence, story_date))
    return found


def event_date(sentence: Sentence, *, published: date | None, anchor: date | None,
               named_anchor: bool = False) -> StoryDate | None:
    """The date of the event a sentence reports: its first main-clause date, else its first date named in passing.

    Relative dates resolve against `published` (the report's own date) only: in an undated report a
    main-clause "on Tuesday" leaves the whole sentence undated. Yearless dates resolve against
    `anchor`, at or before it unless their clause speaks of the future. A `named_anchor` (a date the
    report names, so only a lower bound of when it was written) takes them in the nearest year.
    """
    text = sentence.text
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    main: list[StoryDate] = []
    passing: list[StoryDate] = []
    for mention in sentence.mentions:
        if mention.label != "DATE":
            continue
        role = mention_role(text, mention)
        if role is None:
            continue
        mention = with_day_number(text, mention)
        if _BARE_MONTH.fullmatch(mention.text.strip()) and not _MONTH_PREPOSITION.search(text[: mention.start]):
            continue
        in_quote = any(start <= mention.start < end for start, end in quoted)
        relative = _RELATIVE.search(mention.text) is not None and not _MONTH_NAME.search(mention.text)
        if relative and published is None and role == "main" and not main and not in_quote \
                and _CALENDAR_CUE.search(mention.text) and not _VAGUE.search(mention.text):
            return None  # its own event's date cannot be known: not the date of an event it names in passing
        future = None if named_anchor else _FUTURE.search(_clause_before(text, mention.start)) is not None
        story_date = resolve(mention, published if relative else anchor, in_quote=in_quote, future=future)
        if story_date is not None and story_date.precision in TIMELINE_PRECISIONS:
            (main if role == "main" else passing).append(story_date)
    found = main or passing
    return found[0] if found else None


def mention_role(text: str, mention: Mention) -> str | None:
    """How a date sits in its sentence: "main", "passing" (names an event in passing) or None (not an event).

    None for a dateline ("March 3 (AP) --"), a date in parentheses or brackets, a span ("between
    May 2001 and May 2002"), and background: a clause that reads as profile or history ("was born
    in", "since 1994", "who came to power ... ago"). A clause of "and" with a preposition first
    ("had been tied to a March attack ..., and to a June one") takes the sentence's cues.
    """
    before, after = text[: mention.start], text[mention.end:]
    if before.count("(") > before.count(")") or before.count("[") > before.count("]"):
        return None
    if mention.start < _DATELINE_REACH and _DATELINE_TAIL.match(after):
        return None
    if _SPAN.search(before) or mention.text.lower().startswith("between"):
        return None
    opener = _last_break(before)
    clause = before[opener.end():] if opener else before
    continues = opener is not None and opener.group().lower() == "and" and _PREPOSITION_FIRST.match(clause)
    if _BACKGROUND.search(before if continues else clause):
        return None
    if (_POSSESSIVE.match(after) or _DETERMINER.search(before)
            or _POSSESSIVE.match(mention.text[-2:]) or opener and _RELATIVE_PRONOUN.fullmatch(opener.group())):
        return "passing"
    return "main"


def _last_break(before: str) -> re.Match | None:
    """The clause break ("," "which" ...) that opens the clause `before` ends in; None when it opens the sentence."""
    breaks = list(_CLAUSE_BREAK.finditer(before))
    return breaks[-1] if breaks else None


def _clause_before(text: str, end: int) -> str:
    """The words of a date's clause before it."""
    opener = _last_break(text[:end])
    return text[opener.end() if opener else 0: end]


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
    named = [day for a in articles if (day := _latest_named_day(a)) is not None]
    return max(named) if named else None


def _latest_named_day(article: Article) -> date | None:
    """The latest full date (day, month and year written out) a report names."""
    named = [
        d.start for s in article.sentences for m in s.mentions
        if m.label == "DATE" and _EXPLICIT_YEAR.search(m.text)
        and (d := resolve(m, None)) is not None and d.precision == "day"
    ]
    return max(named) if named else None


def _undated_anchor(article: Article, story_published: date | None) -> date | None:
    """The date an undated report's yearless dates are placed against (never used for its relative dates).

    The story's latest publication date, unless the report names a full date later than that by more
    than UNDATED_REPORT_GAP (it was written later: then that date); with no dated report in the story,
    the latest full date the report itself names; else None (its yearless dates are left out).
    """
    named = _latest_named_day(article)
    if story_published is not None and (named is None or named <= story_published + UNDATED_REPORT_GAP):
        return story_published
    return named


def resolve(mention: Mention, reference: date | None, *, in_quote: bool = False,
            future: bool | None = None) -> StoryDate | None:
    """Resolve a DATE mention against `reference`; None for durations, vague spans and unplaceable dates.

    A bare weekday is the latest such day on or before the reference (the same day included), or with
    `future` the first on or after it. A date written without its year goes in the year that puts it
    nearest the reference; with `future=False`, at or before it (PAST_SLACK allowed).
    """
    text = mention.text
    if mention.label != "DATE" or not _CALENDAR_CUE.search(text) or _VAGUE.search(text):
        return None
    relative = _RELATIVE.search(text) is not None
    explicit_year = _EXPLICIT_YEAR.search(text) is not None
    if (relative and in_quote) or (reference is None and not explicit_year):
        return None
    weekday = _WEEKDAY.search(text)
    if weekday and reference is not None and not explicit_year and not _MONTH_NAME.search(text) \
            and not _SHIFTED.search(text):
        return StoryDate(_weekday_near(_WEEKDAYS.index(weekday.group(1).lower()), reference, ahead=bool(future)), "day")
    expression = _DROPPED_WORDS.sub("", text).strip(" ,.")
    parsed = _parse(expression, reference or date(2000, 1, 1))
    if parsed is None:
        return None
    day, period = parsed
    if period not in PRECISIONS or explicit_year and str(day.year) not in _EXPLICIT_YEAR.findall(text):
        return None  # "One day in 1999" is read as "one day ago"
    if period == "month":
        day = day.replace(day=1)
    if not explicit_year and not relative and reference is not None:
        day = _nearest_year(day, reference) if future in (None, True) else _latest_year(day, reference)
    if period == "year":
        day = date(day.year, 1, 1)
    elif period == "week":
        day = day - timedelta(days=day.weekday())
    return StoryDate(day, period)


def _weekday_near(weekday: int, reference: date, *, ahead: bool) -> date:
    """The given weekday on or before the reference date, or on or after it when `ahead`."""
    if ahead:
        return reference + timedelta(days=(weekday - reference.weekday()) % 7)
    return reference - timedelta(days=(reference.weekday() - weekday) % 7)


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


def _latest_year(day: date, reference: date) -> date:
    """A date written without its year, in the latest year that puts it at or before the reference date."""
    for year in (reference.year + 1, reference.year, reference.year - 1, reference.year - 2):
        try:
            candidate = day.replace(year=year)
        except ValueError:  # 29 February
            continue
        if candidate <= reference + PAST_SLACK:
            return candidate
    return day


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
