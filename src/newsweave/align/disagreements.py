"""Figures on which sources disagree: the same measure of the same thing, given different values.

Each figure is read for what it measures (`figures.py`: kind and unit, event word, counted noun,
nationality, person, dates it is tied to). Two figures from different origins are one measure when
all of these that both give are the same, and they share the event word or a counted noun more
specific than "people"; "350 detained on September 27" and "about 500 over the weekend" are tied to
different dates, so they are two facts. Values whose rounding intervals meet agree ("about 500" and
"485"). A disagreement is `evolving` when the figure changed as reports came in: its text says so
("rose to", "revised from 359 to 253", "now"), or the values differ between reports published on
different days and not within one day; it is False when reports of one day differ, and None when
nothing tells (undated reports, no such words). Dates that differ for the same fact (a claim) are
disagreements too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from datetime import date

from ..entities import EntityIndex
from ..models import Article, Disagreement, FigureValue
from ..space import SentenceSpace
from .claims import Claim
from .figures import PEOPLE_EVENTS, PERSON_NOUNS, Figure, event_priority, sentence_figures
from .timeline import StoryDate, reference_date, resolve

_EVENT_NAMES = {
    "killed": "killed", "injured": "injured", "critical": "in critical care", "missing": "missing",
    "arrested": "detained or arrested", "charged": "charged", "rescued": "rescued or escaped",
    "displaced": "displaced", "expelled": "expelled", "dismissed": "dismissed", "deployed": "deployed",
    "vote": "share of the vote", "turnout": "turnout", "pledged": "pledged", "cost": "cost", "fire": "the fire",
    "fighting": "the fighting", "started": "the start", "flight": "the flight", "magnitude": "magnitude",
    "population": "population",
}
NOUN_ONLY_SIMILARITY = 0.15
"""Figures that share only a counted noun ("400 firefighters") must come from sentences at least this alike."""
CHANGING_KINDS = frozenset({"count", "percent"})
"""Kinds of figure that can change as reports come in (tolls, tallies, vote counts); money is added by its prefix."""
LOOSE_MATCH_RATIO = 1.5
"""Figures matched on a counted noun or a nationality alone, with no event word, are one measure only within this
ratio: "250,000 members" and "more than 15 million members", "16GB" and "8GB" count different things."""
QUALIFIED_SIMILARITY = 0.1
"""Counts of one nationality whose event only one names must come from sentences at least this alike."""
PRESENT_DAYS = 10
"""A figure tied to no date is of the story's time: it does not meet one tied to a year ending this many days or
more before its report ("last year's crash")."""
_RELATIVE_DAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun|yester|to)day\b|\b(?:last|next|this|ago)\b",
                           re.IGNORECASE)
_KIND_NAMES = {"clock": "time of", "duration": "duration of"}


def find_disagreements(
    articles: Sequence[Article], space: SentenceSpace, index: EntityIndex, claims: Sequence[Claim],
    origins: Sequence[int],
) -> list[Disagreement]:
    """Every figure on which sources from different origins disagree, with each value, its source and sentence."""
    reference = reference_date(articles)
    figures = [f for s in space.sentences for f in sentence_figures(s, index, reference, articles)]
    buckets: dict[tuple[str, str, str], list[Figure]] = {}
    for figure in figures:
        buckets.setdefault((figure.kind, figure.qualifier, figure.subject), []).append(figure)
    groups: list[list[Figure]] = []
    rows: dict[int, dict[int, float]] = {}

    def similarity(first: Figure, second: Figure) -> float:
        row, other = space.row_of(first.sentence), space.row_of(second.sentence)
        if row is None or other is None:
            return 0.0
        if row not in rows:  # one sparse row read per sentence, not one matrix lookup per pair
            start, end = space.similarity.indptr[row], space.similarity.indptr[row + 1]
            rows[row] = dict(zip(space.similarity.indices[start:end].tolist(), space.similarity.data[start:end].tolist(),
                                strict=True))
        return rows[row].get(other, 0.0)

    for bucket in buckets.values():
        groups += _bucket_groups(bucket, origins, similarity)
    groups = [g for g in groups if len({origins[f.sentence.article] for f in g}) > 1]
    groups.sort(key=lambda g: min((f.sentence.article, f.sentence.position) for f in g))
    found = [_disagreement(group, evolving(group)) for group in groups]
    found += [_disagreement(group, False) for group in _date_disagreements(articles, claims, origins, reference)]
    return found


def _bucket_groups(bucket: list[Figure], origins: Sequence[int], similarity: Callable[[Figure, Figure], float],
                   ) -> list[list[Figure]]:
    """Join figures of one bucket that disagree (and, after, those that agree with a member) into groups."""
    parent = list(range(len(bucket)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    measures: dict[int, set[int]] = {}
    disagreeing: set[int] = set()
    for i, first in enumerate(bucket):
        for j in range(i + 1, len(bucket)):
            second = bucket[j]
            if origins[first.sentence.article] == origins[second.sentence.article] or not same_measure(first, second, similarity):
                continue
            measures.setdefault(i, set()).add(j)
            measures.setdefault(j, set()).add(i)
            if not _agree_somewhere(first, second, bucket):
                parent[root(i)] = root(j)
                disagreeing.update((i, j))
    members: dict[int, list[int]] = {}
    for i in disagreeing:
        members.setdefault(root(i), []).append(i)
    groups = []
    for indices in members.values():
        joined = set(indices)
        joined |= {j for i in indices for j in measures.get(i, ()) if j not in disagreeing}
        groups.append([bucket[i] for i in sorted(joined)])
    return groups


def same_measure(first: Figure, second: Figure, similarity: Callable[[Figure, Figure], float]) -> bool:
    """Whether two figures measure the same thing: kind, event, counted noun, nationality, person and dates agree.

    Besides agreeing where both say, they must share something specific: the event word, a nationality, a
    counted noun other than "people" (then their sentences must also be alike), or for shares a person.
    """
    if first.kind != second.kind or first.qualifier != second.qualifier or first.subject != second.subject:
        return False
    if first.kind == "age":  # a person's age does not depend on the day it is reported
        return bool(first.subject)
    if not _anchors_meet(first, second) or not _places_meet(first.places, second.places):
        return False
    if first.cumulative != second.cumulative and _day_anchored(second if first.cumulative else first):
        return False  # "9,000 killed since March" is no count of "144 killed Monday"
    if first.kind == "length":
        return bool(first.place) and first.place == second.place or _same_noun(first, second) and \
            similarity(first, second) >= NOUN_ONLY_SIMILARITY
    if first.kind in {"clock", "duration"}:
        return bool(first.event) and first.event == second.event
    if first.event and second.event and first.event != second.event:
        return False
    if first.kind in {"percent", "points"} and not first.subject and event_priority(first.event) < 2:
        return False  # a share needs its person ("Poroshenko's 25.3 percent") or a measure noun ("turnout")
    if first.qualifier:  # "72 German nationals", "75 Germans", "67 were German citizens": people of one nationality
        return _person_nouns(first, second) and (bool(first.event) and first.event == second.event or similarity(
            first, second) >= QUALIFIED_SIMILARITY and _near(first, second))
    if first.noun and second.noun and first.noun != second.noun:
        return False
    if bool(first.noun) != bool(second.noun) and not {first.noun, second.noun} <= PERSON_NOUNS | {""} and \
            similarity(first, second) < NOUN_ONLY_SIMILARITY:
        return False  # "three lawsuits" is no count of the dead, unless the sentences say so alike
    if first.event and first.event == second.event:
        return True
    return _same_noun(first, second) and similarity(first, second) >= NOUN_ONLY_SIMILARITY and _near(first, second)


def _day_anchored(figure: Figure) -> bool:
    return any(not isinstance(a, str) and a.precision == "day" for a in figure.anchors)


def _near(first: Figure, second: Figure) -> bool:
    """Whether two values are within `LOOSE_MATCH_RATIO` of each other: what a match on a noun alone needs."""
    low, high = sorted((abs(first.value), abs(second.value)))
    return high <= LOOSE_MATCH_RATIO * max(low, 1e-9)


def _person_nouns(first: Figure, second: Figure) -> bool:
    """Whether both count the same thing, people of any kind ("passengers", "nationals") counting as one."""
    return first.noun == second.noun or {first.noun, second.noun} <= PERSON_NOUNS | {""}


def _same_noun(first: Figure, second: Figure) -> bool:
    return bool(first.noun) and first.noun == second.noun and first.noun != "people"


def same_value(first: Figure, second: Figure) -> bool:
    """Whether two values agree: their intervals (rounding, hedges such as "about" or "at least") meet."""
    return first.low <= second.high + 1e-9 and second.low <= first.high + 1e-9


def _agree_somewhere(first: Figure, second: Figure, figures: Sequence[Figure]) -> bool:
    """Whether the values agree, or either sentence also gives the other's value for the same measure."""
    if same_value(first, second):
        return True
    if first.changed or second.changed:
        return False  # "rose to 290 from 207" gives both, the later one counts
    return any(
        (f.sentence is first.sentence and same_value(f, second) or f.sentence is second.sentence and same_value(f, first))
        for f in figures if f is not first and f is not second
    )


def _places_meet(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two figures may be of one place: either names none, or they share one ("west London" holds "London")."""
    if not first or not second:
        return True
    return any(a == b or f" {b}" in f" {a}" or f" {a}" in f" {b}" for a in first for b in second)


def _anchors_meet(first: Figure, second: Figure) -> bool:
    """Whether two figures may be of the same time: their dates overlap, or a figure tied to no date is of
    the story's time, so it does not meet one tied to an earlier year ("last year's crash", "in 1996")."""
    if first.anchors and second.anchors:
        return any(_overlap(a, b) for a in first.anchors for b in second.anchors)
    anchored, loose = (first, second) if first.anchors else (second, first)
    if not anchored.anchors or loose.reported is None:
        return True
    recent = loose.reported.toordinal() - PRESENT_DAYS
    return any(isinstance(a, str) or a.precision != "year" or _span(a)[1] >= recent for a in anchored.anchors)


def _overlap(first: StoryDate | str, second: StoryDate | str) -> bool:
    if isinstance(first, str) or isinstance(second, str):
        return first == second
    return _span(first)[0] <= _span(second)[1] and _span(second)[0] <= _span(first)[1]


def _span(story_date: StoryDate) -> tuple[int, int]:
    start = story_date.start.toordinal()
    length = {"day": 1, "week": 7, "month": 31, "year": 366}[story_date.precision]
    return start, start + length - 1


def evolving(group: Sequence[Figure]) -> bool | None:
    """True when the figure changed as reports came in, False when reports of one day differ, None when nothing tells.

    Ages, distances, clock times and durations do not change as a story unfolds: their differences are never evolving.
    """
    if group[0].kind not in CHANGING_KINDS and not group[0].kind.startswith("money"):
        return False
    if any(f.changed for f in group):
        return True
    by_day: dict[date, list[Figure]] = {}
    for figure in group:
        if figure.published is not None:
            by_day.setdefault(figure.published, []).append(figure)
    if any(_differ(figures) for figures in by_day.values()):
        return False
    days = sorted(by_day)
    if len(days) > 1 and any(not same_value(by_day[a][0], by_day[b][0]) for a, b in itertools.pairwise(days)):
        return True
    return None


def _differ(figures: Sequence[Figure]) -> bool:
    """Whether two different reports of one day give values that do not agree."""
    return any(not same_value(a, b) for a in figures for b in figures if a.sentence.article != b.sentence.article)


def _disagreement(group: list[Figure], changing: bool | None) -> Disagreement:
    """A disagreement as a Brief item; an evolving one lists its values in publication order with each date."""
    order = sorted(group, key=lambda f: (f.published or date.max, f.sentence.article, f.sentence.position, f.start)) \
        if changing else sorted(group, key=lambda f: (f.sentence.article, f.sentence.position, f.start))
    values: list[FigureValue] = []
    seen: set[tuple[int, float]] = set()
    for figure in order:
        key = (figure.sentence.article, round(figure.value, 6))
        if key in seen:
            continue
        seen.add(key)
        values.append(FigureValue(
            value=figure.text,
            source=figure.sentence.article + 1,
            sentence=figure.sentence.text,
            published=figure.published.isoformat() if figure.published else None,
        ))
    return Disagreement(about=_about(group), evolving=changing, values=values)


def _about(group: list[Figure]) -> str:
    """A short name for what the figures measure: "people killed", "German nationals", "age of Saman Kunan"."""
    first = group[0]
    if first.kind == "age":
        return f"age of {first.subject}" if first.subject != "building" else "age of the building"
    if first.kind == "date":
        return f"date of: {first.sentence.text[:80]}"
    event = next((f.event for f in group if f.event), "")
    counted = next((f.counted for f in group if f.noun and f.noun != "people" and f.counted), "") or next(
        (f.counted for f in group if f.counted and f.qualifier), "") or ("people" if event in PEOPLE_EVENTS else "")
    event_name = _EVENT_NAMES.get(event, event)
    if first.kind in {"clock", "duration"} and event in PEOPLE_EVENTS:
        return f"period over which people were {event_name}"
    if first.kind in {"clock", "duration"}:
        return f"{_KIND_NAMES[first.kind]} {event_name}".strip()
    if first.kind in {"percent", "points"}:
        return " ".join(p for p in (event_name or "share", first.subject and f"of {first.subject}") if p)
    if first.kind.startswith("money"):
        return " ".join(p for p in ("money", event_name, first.subject and f"by {first.subject}") if p)
    if first.kind == "length":
        return "distance" + (f" from {first.place.split(':', 1)[1]}" if first.place.startswith("place:") else "")
    return " ".join(p for p in (counted, event_name) if p) or first.kind


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
                (d, m.start, m.end) for m in sentence.mentions
                if not _RELATIVE_DAY.search(m.text)
                and (d := resolve(m, article.published or reference)) is not None and d.precision == "day"
            }
            if len(days) == 1:
                (story_date, start, end), = days
                value = float(story_date.start.toordinal())
                dated.append(Figure(sentence, start, end, "date", value, value, value,
                                    published=article.published))
        if len({origins[f.sentence.article] for f in dated}) > 1 and len({f.value for f in dated}) > 1:
            groups.append(dated)
    return groups
