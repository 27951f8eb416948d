"""Figures on which sources disagree: the same measure of the same thing, given different values.

A figure is a count, percentage, sum of money, quantity, duration or age the NER tagged. Two
figures from different origins measure the same thing when they are of the same kind and unit,
their sentences are alike (TF-IDF cosine), the words around them overlap (what is counted, and
what happened: "people ... killed"), and they are anchored to the same dates: "350 detained on
September 27" and "about 500 over the weekend" are two facts, not a conflict. Ages belong to the
person named beside them. Dates that differ for the same fact (a claim) are disagreements too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..entities import EntityIndex
from ..models import Article, Mention, Sentence
from ..options import FIGURE_CONTEXT_SIMILARITY
from ..space import SentenceSpace
from .claims import Claim
from .timeline import reference_date, resolve

CONTEXT_WINDOW = 6
"""Words either side of a figure that say what it measures."""
MIN_SHARED_CONTEXT = 3
"""Context words two figures must share (after light stemming) to measure the same thing."""
SAME_VALUE_TOLERANCE = 0.005
FIGURE_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "TIME", "DATE"})

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "a": 1, "an": 1,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "dozen": 12,
}
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "b": 1e9, "billion": 1e9,
           "trillion": 1e12, "tn": 1e12}
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(k|m|mn|bn|b|tn|thousand|million|billion|trillion)?\b", re.IGNORECASE)
_DURATION_UNIT = re.compile(r"\b(second|minute|hour|day|week|month|year)s?\b", re.IGNORECASE)
_AGE = re.compile(r"^(\d{1,3})(?:-year-old)?$")
_RANGE = re.compile(r"\d\s*(?:-|–|to)\s*\d")
_CALENDAR_ANCHOR = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|day\b|\bweekend\b|\b(?:last|next|this) "
    r"(?:week|month|year)\b|\b(?:19|20)\d\d\b|\b(?:yesterday|today|tonight|tomorrow)\b",
    re.IGNORECASE,
)
_RELATIVE_DAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun|yester|to)day\b|\b(?:last|next|this|ago)\b",
                           re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_SUFFIX = re.compile(r"(?:ing|ed|es|s)$")
_STOP = frozenset(
    "the a an of to in on at for and or but by with from as that this these those is are was were be been has have had "
    "more than about some at least nearly almost around over under up down into after before since during said says "
    "it its their his her they he she we our who which what when where while also new other according".split()
)


@dataclass(slots=True)
class Figure:
    """One figure in one sentence: what kind, its value, the words around it and the dates it is tied to."""

    sentence: Sentence
    text: str
    kind: str
    value: float
    context: frozenset[str]
    anchors: frozenset[str]
    subject: str = ""
    unit: str = ""


def find_disagreements(
    articles: Sequence[Article], space: SentenceSpace, index: EntityIndex, claims: Sequence[Claim],
    origins: Sequence[int], *, context_similarity: float = FIGURE_CONTEXT_SIMILARITY,
) -> list[dict]:
    """Every figure on which sources from different origins disagree, with each value, its source and sentence.

    Figures are compared only in sentences at least `context_similarity` alike (TF-IDF cosine, entity tokens).
    """
    reference = reference_date(articles)
    figures = [f for s in space.sentences if not s.broken for f in sentence_figures(s, index, reference, articles)]
    groups: list[list[Figure]] = []
    for i, first in enumerate(figures):
        for second in figures[i + 1:]:
            if origins[first.sentence.article] == origins[second.sentence.article]:
                continue
            if not same_measure(first, second, space, context_similarity=context_similarity):
                continue
            if _agree_somewhere(first, second, figures):
                continue
            _join(groups, first, second)
    groups += _date_disagreements(articles, claims, origins, reference)
    return [_as_dict(group) for group in groups]


def sentence_figures(
    sentence: Sentence, index: EntityIndex, reference: date | None, articles: Sequence[Article]
) -> list[Figure]:
    """The figures of one sentence with what each measures."""
    article = articles[sentence.article]
    anchors = frozenset(
        _anchor(m, article.published or reference) for m in sentence.mentions
        if m.label == "DATE" and (_CALENDAR_ANCHOR.search(m.text) and not _DURATION_UNIT.search(m.text)
                                  or "ago" in m.text.lower())
    )
    figures = []
    for mention in sentence.mentions:
        if mention.label not in FIGURE_LABELS or _RANGE.search(mention.text):
            continue
        kind, value, subject = _measure(sentence, mention, index)
        if kind is None:
            continue
        unit = _unit_after(sentence.text, mention)
        figures.append(Figure(sentence, mention.text, kind, value, _context(sentence.text, mention), anchors, subject, unit))
    return figures


def same_measure(
    first: Figure, second: Figure, space: SentenceSpace, *, context_similarity: float = FIGURE_CONTEXT_SIMILARITY
) -> bool:
    """Whether two figures measure the same thing of the same event."""
    if first.kind != second.kind:
        return False
    if first.kind == "age":  # a person's age does not depend on the day it is reported
        return bool(first.subject) and first.subject == second.subject
    if first.anchors != second.anchors:
        return False
    rows = space.row_of(first.sentence), space.row_of(second.sentence)
    if None in rows or space.similarity[rows[0], rows[1]] < context_similarity:
        return False
    if first.unit and second.unit and first.unit != second.unit:
        return False
    return len(first.context & second.context) >= MIN_SHARED_CONTEXT


def _agree_somewhere(first: Figure, second: Figure, figures: Sequence[Figure]) -> bool:
    """Whether the two values are equal, or either sentence also gives the other's value for a figure of that kind."""
    if same_value(first, second):
        return True
    return any(
        f.kind == first.kind and (f.sentence is first.sentence and same_value(f, second)
                                  or f.sentence is second.sentence and same_value(f, first))
        for f in figures
    )


def _anchor(mention: Mention, reference: date | None) -> str:
    """The date a mention ties a figure to: resolved where possible, else its words ("the weekend")."""
    resolved = resolve(mention, reference)
    return resolved.label() if resolved is not None else " ".join(_WORD.findall(mention.text.lower()))


def _unit_after(text: str, mention: Mention) -> str:
    """The word a figure counts ("350 people" gives "people"), stemmed; empty when none follows."""
    words = _WORD.findall(text[mention.end: mention.end + 40])
    following = text[mention.end: mention.end + 2]
    if not words or following[:1] in {",", ".", ";", ")"} or words[0].lower() in _STOP:
        return ""
    return _stem(words[0])


def same_value(first: Figure, second: Figure) -> bool:
    """Whether two values are equal up to rounding."""
    return abs(first.value - second.value) <= SAME_VALUE_TOLERANCE * max(abs(first.value), abs(second.value), 1.0)


def _measure(sentence: Sentence, mention: Mention, index: EntityIndex) -> tuple[str | None, float, str]:
    """The kind of a figure mention, its numeric value, and (for ages) the entity it belongs to."""
    text = mention.text
    if mention.label == "DATE":
        age = _AGE.match(text.strip())
        subject = _adjacent_person(sentence, mention, index) if age else ""
        if age and subject:
            return "age", float(age[1]), subject
        if "year-old" in text or not _DURATION_UNIT.search(text) or re.search(r"\bago\b", text):
            return None, 0.0, ""
    value = parse_value(text)
    if value is None:
        return None, 0.0, ""
    if mention.label in {"DATE", "TIME"}:
        unit = _DURATION_UNIT.search(text)
        return (f"duration:{unit[1].lower()}" if unit else None), value, ""
    if mention.label == "MONEY":
        currency = re.sub(r"[\d.,\s]|(?i:about|more|than|nearly|around|some|over|at|least|k|m|mn|bn|b|tn|thousand|million|billion|trillion)", "", text)
        return f"money:{currency.lower() or '?'}", value, ""
    if mention.label == "QUANTITY":
        words = _WORD.findall(text)
        return f"quantity:{words[-1].lower() if words else '?'}", value, ""
    return ("percent" if mention.label == "PERCENT" else "count"), value, ""


def parse_value(text: str) -> float | None:
    """The number a figure's text gives ("more than 350", "$1.5bn", "three"), or None when it gives none."""
    match = _NUMBER.search(text)
    if match:
        value = float(match[1].replace(",", ""))
        return value * _SCALES.get((match[2] or "").lower(), 1.0)
    tokens = re.findall(r"[a-z]+", text.lower())
    words = [_NUMBER_WORDS[w] for w in tokens if w in _NUMBER_WORDS]
    scales = [_SCALES[w] for w in tokens if w in _SCALES and len(w) > 2]
    if len(words) != 1 or len(scales) > 1:
        return None
    return float(words[0]) * (scales[0] if scales else 1.0)


def _adjacent_person(sentence: Sentence, mention: Mention, index: EntityIndex) -> str:
    """The person named right before ("Mr Lukashenko, 66,") or after ("the 38-year-old Tsikhanouskaya") an age."""
    for other in sentence.mentions:
        entity = index.entity_of(sentence, other)
        if entity is None or entity.label != "PERSON":
            continue
        gap = sentence.text[other.end:mention.start] if other.end <= mention.start else sentence.text[mention.end:other.start]
        if len(gap) <= 3 and re.fullmatch(r"[\s,]*", gap):
            return entity.name
    return ""


def _context(text: str, mention: Mention) -> frozenset[str]:
    """Stemmed content words within `CONTEXT_WINDOW` words either side of a figure."""
    before = _WORD.findall(text[: mention.start])[-CONTEXT_WINDOW:]
    after = _WORD.findall(text[mention.end:])[:CONTEXT_WINDOW]
    return frozenset(_stem(w) for w in before + after if w.lower() not in _STOP and len(w) > 2)


def _stem(word: str) -> str:
    return _SUFFIX.sub("", word.lower().replace("’", "'")) or word.lower()


def _join(groups: list[list[Figure]], first: Figure, second: Figure) -> None:
    for group in groups:
        if any(f is first or f is second for f in group):
            group.extend(f for f in (first, second) if not any(f is g for g in group))
            return
    groups.append([first, second])


def _date_disagreements(
    articles: Sequence[Article], claims: Sequence[Claim], origins: Sequence[int], reference: date | None
) -> list[list[Figure]]:
    """Claims whose sentences, from different origins, each give one day and not the same one."""
    groups = []
    for claim in claims:
        dated = []
        for sentence in claim.sentences:
            article = articles[sentence.article]
            days = {
                (d, m.text) for m in sentence.mentions
                if not _RELATIVE_DAY.search(m.text)
                and (d := resolve(m, article.published or reference)) is not None and d.precision == "day"
            }
            if len(days) == 1:
                (story_date, text), = days
                dated.append(Figure(sentence, text, "date", story_date.start.toordinal(), frozenset(), frozenset()))
        if len({origins[f.sentence.article] for f in dated}) > 1 and len({f.value for f in dated}) > 1:
            groups.append(dated)
    return groups


def _as_dict(group: list[Figure]) -> dict:
    values = []
    seen_sources: set[int] = set()
    for figure in sorted(group, key=lambda f: (f.sentence.article, f.sentence.position)):
        if figure.sentence.article in seen_sources:
            continue
        seen_sources.add(figure.sentence.article)
        values.append({"value": figure.text, "source": figure.sentence.article + 1, "sentence": figure.sentence.text})
    return {"about": _about(group), "values": values}


def _about(group: list[Figure]) -> str:
    """A short name for what the figures measure: the person for ages, else the context words all share."""
    first = group[0]
    if first.kind == "age":
        return f"age of {first.subject}"
    if first.kind == "date":
        return f"date of: {first.sentence.text[:80]}"
    shared = frozenset.intersection(*(f.context for f in group))
    words = [w for w in _WORD.findall(first.sentence.text) if _stem(w) in shared]
    return " ".join(dict.fromkeys(w.lower() for w in words)) or first.kind
