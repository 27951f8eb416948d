"""The group stage of corpus mode: each new report joins the open story it belongs to, or starts one.

Reports are TF-IDF vectors (hashed terms, so the vocabulary never has to be known in advance;
document frequencies are counted as the stream goes), names counted `NAME_WEIGHT` times. A
story is the sum of its reports' vectors. Reports come a batch at a time:

1. each report joins the open story whose centroid is most similar, if that similarity reaches
   `JOIN_THRESHOLD` (lower when they give days close to each other, higher when their publication
   dates are far apart);
2. the reports of the batch that joined none are grouped among themselves by average linkage
   (scikit-learn) at `LINK_THRESHOLD`, with the same evidence of dates; each group is a new story.

So a batch is decided as a whole: the first report of a new event does not pull the next reports
of a similar event after it, and the order of reports within a batch changes nothing but story ids.
Dates are evidence, not walls: a report without dates is placed by its words; publication dates far
apart ask for more similarity; only dates years apart keep two reports out of one story. A story
closes when the stream has moved past its dates (or when more than `max_open` stories are open): a
closed story takes no new reports and its vectors are freed, so memory follows the open stories only.
Every placement says why: the score, and the names, places and dates the report shares with its story.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import re
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from murmurhash.mrmr import hash as murmurhash_hash
from scipy.cluster.hierarchy import fcluster, linkage, to_tree
from scipy.spatial.distance import squareform

from .options import DEFAULT_OPTIONS, Options

HASHED_FEATURES = 2**18
NAME_WEIGHT = 2
"""Capitalised words (names of people, places, organisations, and the words that open a sentence) count
this many times more than other words in a report's vector."""
MAX_OPEN_STORIES = 5000
"""At most this many stories stay open (the least recently joined close first)."""
MAX_EXPLAINED = 8
"""At most this many shared names (and places, and dates) are kept to explain a placement."""
TITLE_CASE_MAX_CHARS = 150
TITLE_CASE_WORDS = 4
TITLE_CASE_SHARE = 0.7
"""A line of at least `TITLE_CASE_WORDS` words, this share of them capitalised, is a title-case headline."""
DATE_REACH = 30
"""A full date ends with its year (or its d/m/y numbers) and starts at most this many characters before."""
MAX_DAYS_COMPARED = 12
"""Dates of a report compared with each other report's within a batch (its latest ones)."""
OWN_NAMES_REPORTS = 4
"""A story splits in two only when each part holds at least this many reports (see `OWN_NAME_SHARE`): with
three, two of six outlets quoting the same official or naming the same street was taken for another event."""
OWN_NAME_SHARE = 0.6
"""A name is a part's own when at least this share of its reports give it and no report of the other part does."""
OWN_NAMES = 2
"""Two parts of a story, each with at least this many names of its own, report two happenings (two fights of
one boxer against two opponents, one coach fired by one manager and hired by another): the story splits."""
LONE_THRESHOLD = 0.10
"""A report grouped with no other joins the story it fits best (mean similarity to its reports, dates counted)
when that reaches this..."""
LONE_MARGIN = 0.04
"""...and beats the next best story by this much: a report alike to two stories stays alone."""
_APART = -2.0
"""Similarity given to two reports whose dates are years apart: no group can hold both."""

_TOKEN = re.compile(r"(?u)\b[^\W\d_][^\W\d_]+\b")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_NAME_RUN = re.compile(r"[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*)*")
_LOWER_WORD = re.compile(r"\b[a-z][\w'’-]*")
_DATE_HINT = re.compile(r"\b(?:19|20)\d\d\b|/\s*\d\d\b")
_PLACE_CUE = re.compile(r"\b(?:in|at|near|outside|off|across)\s+(?:the\s+)?([A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*)*)")
_POSSESSIVE = re.compile(r"['’]s?$")
_CONTRACTION = re.compile(r"['’](?:m|ve|ll|d|re|t)$", re.IGNORECASE)
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s*(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*((?:19|20)\d\d)\b", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s*((?:19|20)\d\d)\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)?\d\d)(?![\d/])")
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_MONTH_NUMBERS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_CALENDAR_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december jan feb mar apr jun jul aug sep sept oct nov dec".split())


@dataclass(slots=True)
class GroupInput:
    """What grouping needs of a report: its id, its text (title included), its date if known, the day it arrived;
    and its reading (`read_report`) when it was read beforehand (elsewhere, or in another process)."""

    id: str
    text: str
    published: date | None = None
    arrived: date | None = None
    reading: ReportReading | None = None


@dataclass(slots=True, frozen=True)
class Placement:
    """Where a report went and why: the story, the score it joined with, what it shares with the story.

    `score` is None for the report that started its story."""

    story_id: str
    score: float | None = None
    threshold: float | None = None
    names: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    how: str = "started"
    """'started' the story, 'joined' an open story (score: cosine to its centroid), or was 'grouped' with
    reports of its batch (score: mean similarity to them, the group's average reaching the threshold)."""

    def to_dict(self) -> dict[str, Any]:
        """The placement as JSON-ready fields (the story id left out)."""
        return {"how": self.how, "score": self.score, "threshold": self.threshold, "names": list(self.names),
                "places": list(self.places), "dates": list(self.dates)}

    @classmethod
    def from_dict(cls, story_id: str, fields: dict[str, Any]) -> Placement:
        """The placement `to_dict` gave."""
        return cls(story_id, fields.get("score"), fields.get("threshold"), tuple(fields.get("names", ())),
                   tuple(fields.get("places", ())), tuple(fields.get("dates", ())), fields.get("how", "joined"))


@dataclass(slots=True)
class ReportFacts:
    """What a report says about who, where and when, read cheaply from its text."""

    names: Counter[str]
    """Name words (lower-cased) and how often the text gives them."""
    written: dict[str, str]
    """Each name word's longest run of names as written ("Wladimir Klitschko"), to show."""
    places: frozenset[str]
    """Name words the text puts after in / at / near ...: places."""
    days: frozenset[date]
    """The publication date and every full date the text names."""


@dataclass(slots=True)
class ReportReading:
    """All grouping reads of one report, with no state of the stream: its facts and its word counts."""

    facts: ReportFacts
    terms: HashedTerms
    """Its words as `TermWeights.count` counts them (capitalised words `NAME_WEIGHT` times), hashed."""


class HashedTerms(NamedTuple):
    """A report's word counts (`term_counts`) by hashed column (`_column`), as one row of `TermWeights.rows`."""

    columns: np.ndarray
    counts: np.ndarray


def read_report(text: str, published: date | None = None) -> ReportReading:
    """What grouping reads of a report (a pure function of its text and date: it may run in another process)."""
    return ReportReading(report_facts(text, published), hashed_terms(term_counts(text)))


def hashed_terms(terms: Counter[str]) -> HashedTerms:
    """Word counts by hashed column (two words may share a column: `TermWeights.rows` adds them up)."""
    return HashedTerms(np.fromiter(map(_column, terms), np.int32, len(terms)), np.fromiter(terms.values(), np.float32, len(terms)))


def term_counts(text: str) -> Counter[str]:
    """The words of a text grouping counts (lower-cased words of two letters or more, English stop words left
    out, as scikit-learn's CountVectorizer reads them), capitalised words counted `NAME_WEIGHT` times."""
    terms = _terms(_TOKEN.findall(text.lower()))
    if NAME_WEIGHT != 1:
        for term, count in _terms(word.lower() for word in _CAPITALISED.findall(text)).items():
            terms[term] += (NAME_WEIGHT - 1) * count
    return terms


def report_facts(text: str, published: date | None = None) -> ReportFacts:
    """Names, places and dates of a report: capitalised words the text never writes in lower case
    (sentence-initial words and headline capitals are written so elsewhere), dates by pattern."""
    lower = set(_LOWER_WORD.findall(text))
    names: Counter[str] = Counter()
    written: dict[str, str] = {}
    prose = "\n".join(line for line in text.split("\n") if not _is_title_case(line))
    for run in _NAME_RUN.findall(prose):
        named = [(word, key) for word in run.split() if (key := _name_key(word)) and key not in lower]
        if not named:
            continue
        shown = " ".join(word for word, _ in named)
        for _, key in named:
            names[key] += 1
            if len(shown) > len(written.get(key, "")):
                written[key] = shown
    places = frozenset(key for run in _PLACE_CUE.findall(prose) for key in map(_name_key, run.split())
                       if key is not None and key in names)
    days = named_days(text)
    if published is not None:
        days.add(published)
    return ReportFacts(names, written, places, frozenset(days))


def named_days(text: str) -> set[date]:
    """The full dates a text gives (May 3, 2013; 3 May 2013; 5/3/13, month first unless impossible; 2013-05-03)."""
    text = _date_windows(text)
    if not text:
        return set()
    found: set[date | None] = set()
    for month, day, year in _MONTH_DAY_YEAR.findall(text):
        found.add(_day(int(year), _MONTH_NUMBERS[month[:3].lower()], int(day)))
    for day, month, year in _DAY_MONTH_YEAR.findall(text):
        found.add(_day(int(year), _MONTH_NUMBERS[month[:3].lower()], int(day)))
    for first, second, year in _NUMERIC_DATE.findall(text):
        full_year = int(year) if len(year) == 4 else 2000 + int(year) if int(year) < 50 else 1900 + int(year)
        month, day = (int(first), int(second)) if int(first) <= 12 else (int(second), int(first))
        found.add(_day(full_year, month, day))
    for year, month, day in _ISO_DATE.findall(text):
        found.add(_day(int(year), int(month), int(day)))
    found.discard(None)
    return found  # type: ignore[return-value]


def _date_windows(text: str) -> str:
    """The stretches of a text around its years and d/m/y numbers, one per line: all a full date can be in."""
    spans: list[list[int]] = []
    for match in _DATE_HINT.finditer(text):
        start, end = max(0, match.start() - DATE_REACH), match.end() + 2
        if spans and start <= spans[-1][1]:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return "\n".join(text[start:end] for start, end in spans)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _is_title_case(line: str) -> bool:
    """A headline in title case ("Lindsay Lohan Checks Into Betty Ford"): its capitals say nothing of names."""
    if len(line) > TITLE_CASE_MAX_CHARS:
        return False
    words = _WORD.findall(line)
    return len(words) >= TITLE_CASE_WORDS and sum(word[0].isupper() for word in words) >= TITLE_CASE_SHARE * len(words)


@functools.lru_cache(maxsize=2**16)
def _name_key(word: str) -> str | None:
    """The key of a capitalised word as a name, or None for a word that is no name (The, Monday)."""
    key = _POSSESSIVE.sub("", word).lower()
    if _CONTRACTION.search(key) or len(key) < 2 or not key[0].isalpha() or key in _stop_words() or key in _CALENDAR_WORDS:
        return None
    if word.isupper() and len(word) > 5:  # a shouted headline word, not an acronym
        return None
    return key


@functools.cache
def _stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from the module file that holds them: importing scikit-learn
    itself costs about a second of start-up that the grouping path does not otherwise need."""
    try:
        package = importlib.util.find_spec("sklearn")
        path = Path(package.submodule_search_locations[0]) / "feature_extraction" / "_stop_words.py"  # type: ignore[union-attr,index]
        spec = importlib.util.spec_from_file_location("newsweave._sklearn_stop_words", path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        return frozenset(module.ENGLISH_STOP_WORDS)
    except (AttributeError, ImportError, OSError, TypeError):  # another layout of scikit-learn: the ordinary import
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return ENGLISH_STOP_WORDS


@functools.lru_cache(maxsize=2**18)
def _column(term: str) -> int:
    """The hashed column of a term: signed 32-bit MurmurHash3 (seed 0), as scikit-learn's HashingVectorizer."""
    return abs(murmurhash_hash(term)) % HASHED_FEATURES


@dataclass(slots=True)
class _OpenStory:
    id: str
    norm_squared: float = 0.0
    members: list[str] = field(default_factory=list)
    touched: int = 0
    names: Counter[str] = field(default_factory=Counter)
    """Name word -> how many of the story's reports give it."""
    written: dict[str, str] = field(default_factory=dict)
    places: set[str] = field(default_factory=set)
    days: set[date] = field(default_factory=set)
    first_published: date | None = None
    last_published: date | None = None
    first_arrival: date | None = None
    last_arrival: date | None = None


class TermWeights:
    """Hashed term vectors weighted by document frequencies counted over every report seen."""

    __slots__ = ("document_counts", "documents")

    def __init__(self, document_counts: np.ndarray | None = None, documents: int = 0) -> None:
        self.document_counts = document_counts if document_counts is not None else np.zeros(HASHED_FEATURES, np.int32)
        self.documents = documents

    def count(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Term counts of texts (`term_counts`) hashed into `HASHED_FEATURES` columns as scikit-learn's
        HashingVectorizer does (nothing learned)."""
        return self.rows([hashed_terms(term_counts(text)) for text in texts])

    @staticmethod
    def rows(hashed: Sequence[HashedTerms]) -> sp.csr_matrix:
        """Hashed word counts (`hashed_terms`) as the rows of a matrix."""
        indptr = np.zeros(len(hashed) + 1, np.int64)
        indptr[1:] = np.cumsum([len(terms.columns) for terms in hashed])
        columns = np.concatenate([terms.columns for terms in hashed]) if hashed else np.zeros(0, np.int32)
        values = np.concatenate([terms.counts for terms in hashed]) if hashed else np.zeros(0, np.float32)
        counts = sp.csr_matrix((values, columns, indptr), shape=(len(hashed), HASHED_FEATURES))
        counts.sum_duplicates()
        return counts

    def learn(self, counts: sp.csr_matrix) -> None:
        """Add these reports to the document frequencies."""
        columns, seen = np.unique(counts.indices, return_counts=True)
        np.add.at(self.document_counts, columns, seen.astype(np.int32))
        self.documents += counts.shape[0]

    def weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear TF times smoothed IDF, rows scaled to unit length."""
        weighted = counts.copy()
        weighted.data = 1.0 + np.log(weighted.data)
        idf = np.log((1.0 + self.documents) / (1.0 + self.document_counts[weighted.indices])) + 1.0
        weighted.data *= idf.astype(np.float32)
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        weighted.data /= np.repeat(norms, np.diff(weighted.indptr)).astype(np.float32)
        return weighted


def _terms(words: Iterable[str]) -> Counter[str]:
    """The words that grouping counts (lower-cased words of two letters or more), and how often: no stop words."""
    terms = Counter(words)
    for stop_word in _stop_words().intersection(terms):
        del terms[stop_word]
    return terms


class StoryGrouper:
    """Incremental story grouping over a stream: `assign` a batch, get one `Placement` per report."""

    def __init__(
        self,
        *,
        weights: TermWeights | None = None,
        options: Options = DEFAULT_OPTIONS,
        max_open: int = MAX_OPEN_STORIES,
    ) -> None:
        """`options` holds the grouping tunables (thresholds, spans: see `Options`)."""
        self.weights = weights or TermWeights()
        self.join_threshold = options.join_threshold
        self.near_join_threshold = options.near_join_threshold
        self.link_threshold = options.link_threshold
        self.near_days = options.near_days
        self.published_span_days = options.published_span_days
        self.far_penalty = options.far_penalty
        self.named_dates_apart_days = options.named_dates_apart_days
        self.max_open = max_open
        self._recent_published: deque[date] = deque(maxlen=options.clock_reports)
        self.stream_arrival: date | None = None
        self._stories: dict[str, _OpenStory] = {}
        self._rows = sp.csr_matrix((0, HASHED_FEATURES), dtype=np.float32)
        self._row_story: list[str] = []
        self._clock = 0
        self._closed: list[tuple[str, list[str]]] = []

    @property
    def open_stories(self) -> int:
        """How many stories can still take reports."""
        return len(self._stories)

    @property
    def stream_date(self) -> date | None:
        """The publication day the stream has passed: the earliest of its last `clock_reports` dated reports."""
        return min(self._recent_published) if self._recent_published else None

    def assign(self, reports: Sequence[GroupInput]) -> list[Placement]:
        """Place a batch of reports into open stories or new ones (step 1 and 2 of the module doc); say why."""
        if not reports:
            return []
        readings = [r.reading or read_report(r.text, r.published) for r in reports]
        facts = [reading.facts for reading in readings]
        counts = self.weights.rows([reading.terms for reading in readings])
        self.weights.learn(counts)
        vectors = self.weights.weigh(counts)
        batch = (vectors @ vectors.T).toarray()
        placements, dots, open_means = self._join_open(reports, facts, vectors)
        alone = [i for i, placement in placements.items() if placement is None]
        linked = batch[np.ix_(alone, alone)] + self._date_evidence([reports[i] for i in alone], [facts[i] for i in alone])
        alone_facts = [facts[i] for i in alone]
        groups = [part for group in self._link(linked) for part in self._split(group, linked, alone_facts)]
        for group in sorted(self._attach_lone(groups, alone, linked, reports, facts, placements, dots, open_means)):
            placements.update(self._start([alone[k] for k in group], reports, facts, linked[np.ix_(group, group)]))
        decided = [placement for i in range(len(reports)) if (placement := placements[i]) is not None]
        assert len(decided) == len(reports), "every report of the batch is placed by now"
        self._take(reports, facts, decided, dots, batch)
        self._rows = sp.vstack([self._rows, vectors], format="csr")
        self._row_story.extend(placement.story_id for placement in decided)
        self._close_stale()
        return decided

    def restore(self, story_id: str, reports: Sequence[GroupInput]) -> None:
        """Reopen a stored story with its reports (when a store is reopened): no decision is made."""
        facts = [report_facts(r.text, r.published) for r in reports]
        vectors = self.weights.weigh(self.weights.count([r.text for r in reports]))
        story = self._stories.setdefault(story_id, _OpenStory(story_id))
        total = np.asarray(vectors.sum(axis=0)).ravel()
        story.norm_squared = float(total @ total)
        for report, report_facts_ in zip(reports, facts, strict=True):
            story.members.append(report.id)
            self._widen(story, report, report_facts_)
        self._clock += 1
        story.touched = self._clock
        self._rows = sp.vstack([self._rows, vectors], format="csr")
        self._row_story.extend([story_id] * len(reports))

    def pop_closed(self) -> list[tuple[str, list[str]]]:
        """The stories closed since the last call, each with its report ids."""
        closed, self._closed = self._closed, []
        return closed

    # -- step 1: open stories ----------------------------------------------------------------

    def _join_open(self, reports: Sequence[GroupInput], facts: list[ReportFacts],
                   vectors: sp.csr_matrix) -> tuple[dict[int, Placement | None], list[dict[str, float]], _OpenMeans]:
        """Each report's best open story, decided against the stories as they were before this batch; and each
        report's dot products with the open stories' sums (for `_attach_lone`)."""
        placements: dict[int, Placement | None] = dict.fromkeys(range(len(reports)))
        dots: list[dict[str, float]] = [{} for _ in reports]
        if not self._stories:
            return placements, dots, _OpenMeans([], np.zeros((len(reports), 0)))
        story_ids = list(dict.fromkeys(self._row_story))
        position = {story_id: k for k, story_id in enumerate(story_ids)}
        members = sp.csr_matrix((np.ones(len(self._row_story), np.float32),
                                 ([position[s] for s in self._row_story], np.arange(len(self._row_story)))),
                                shape=(len(story_ids), len(self._row_story)))
        story_dots = ((vectors @ self._rows.T) @ members.T).toarray()
        norms = np.sqrt([self._stories[s].norm_squared for s in story_ids])
        lowest = min(self.join_threshold, self.near_join_threshold)
        for i, report in enumerate(reports):
            scores = story_dots[i] / norms
            best: tuple[float, float, _OpenStory] | None = None
            for k in np.flatnonzero(scores >= lowest):
                story = self._stories[story_ids[k]]
                threshold = self._threshold(story, report, facts[i])
                if scores[k] >= threshold and (best is None or scores[k] - threshold > best[0] - best[1]):
                    best = (float(scores[k]), threshold, story)
            if best is not None:
                placements[i] = self._explain(best[2], facts[i], best[0], best[1], "joined")
                dots[i][best[2].id] = float(story_dots[i, position[best[2].id]])
        return placements, dots, _OpenMeans(story_ids, story_dots)

    def _threshold(self, story: _OpenStory, report: GroupInput, facts: ReportFacts) -> float:
        """What the report's similarity to the story must reach, given their dates (inf: years apart)."""
        if facts.days and story.days:
            apart = _days_apart(facts.days, story.days)
            if apart > self.named_dates_apart_days:
                return np.inf
            threshold = self.near_join_threshold if apart <= self.near_days else self.join_threshold
        else:
            threshold = self.join_threshold
        if report.published is not None and story.first_published is not None and story.last_published is not None:
            far = not self._within_span(report.published, story.first_published, story.last_published)
        elif report.arrived is not None and story.first_arrival is not None and story.last_arrival is not None:
            far = not self._within_span(report.arrived, story.first_arrival, story.last_arrival)
        else:
            far = False
        return threshold + self.far_penalty if far else threshold

    def _within_span(self, day: date, first: date, last: date) -> bool:
        return (day - first).days <= self.published_span_days and (last - day).days <= self.published_span_days

    # -- step 2: new stories from the rest of the batch --------------------------------------

    def _link(self, similarity: np.ndarray) -> list[list[int]]:
        """Groups of the reports that joined no open story, by average linkage; each group in input order."""
        if len(similarity) < 2:
            return [[k] for k in range(len(similarity))]
        labels = fcluster(_average_linkage(similarity), 1.0 - self.link_threshold, criterion="distance")
        groups: dict[int, list[int]] = {}
        for k, label in enumerate(labels):
            groups.setdefault(label, []).append(k)
        return list(groups.values())

    def _split(self, group: list[int], similarity: np.ndarray, facts: Sequence[ReportFacts]) -> list[list[int]]:
        """The group, or its two halves (its last merge by average linkage) when each half has names of its own
        (`OWN_NAMES`): two sets of reports that keep naming people and places the other never names report two
        happenings however alike their words; each half is split the same way in turn."""
        if len(group) < 2 * OWN_NAMES_REPORTS:
            return [group]
        tree = to_tree(_average_linkage(similarity[np.ix_(group, group)]))
        halves = [[group[k] for k in sorted(side.pre_order())] for side in (tree.get_left(), tree.get_right())]
        if min(map(len, halves)) < OWN_NAMES_REPORTS or not all(
                len(_own_names(facts, mine, theirs)) >= OWN_NAMES for mine, theirs in (halves, halves[::-1])):
            return [group]
        return [part for half in halves for part in self._split(half, similarity, facts)]

    def _attach_lone(self, groups: list[list[int]], alone: list[int], linked: np.ndarray, reports: Sequence[GroupInput],
                     facts: list[ReportFacts], placements: dict[int, Placement | None], dots: list[dict[str, float]],
                     open_means: _OpenMeans) -> list[list[int]]:
        """Each report left in a group of its own joins the story it fits best, a new group of the batch or an
        open story, by its mean similarity to their reports (dates counted as for joining), when that reaches
        `LONE_THRESHOLD` and beats the next best by `LONE_MARGIN`. Returns the groups that become new stories
        (positions in `alone`, as `groups` are)."""
        targets = [group for group in groups if len(group) > 1]
        attached: list[list[int]] = [[] for _ in targets]
        left: list[list[int]] = []
        lone = [group[0] for group in groups if len(group) == 1]
        members = np.zeros((len(alone), len(targets)))
        for n, group in enumerate(targets):
            members[group, n] = 1.0 / len(group)
        means = linked[lone] @ members  # each lone report's mean similarity to each group's reports
        for k, scores in zip(lone, means, strict=True):
            i = alone[k]
            candidates: list[tuple[float, int | str]] = [(float(score), n) for n, score in enumerate(scores)]
            candidates += self._open_candidates(i, reports[i], facts[i], open_means)
            ranked = sorted(candidates, key=lambda scored: -scored[0])
            if not ranked or ranked[0][0] < LONE_THRESHOLD or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < LONE_MARGIN):
                left.append([k])
            elif isinstance(target := ranked[0][1], int):
                attached[target].append(k)
            else:
                placements[i] = self._explain(self._stories[target], facts[i], ranked[0][0], LONE_THRESHOLD, "attached")
                dots[i][target] = float(open_means.dots[i, open_means.story_ids.index(target)])
        return [sorted(group + extra) for group, extra in zip(targets, attached, strict=True)] + left

    def _open_candidates(self, i: int, report: GroupInput, facts: ReportFacts, open_means: _OpenMeans) -> list[tuple[float, str]]:
        """The open stories of at least two reports a lone report may join, with its mean similarity to their
        reports, dates counted (near days add, far publication dates take away, dates years apart rule out)."""
        if not open_means.story_ids:
            return []
        sizes = np.array([len(self._stories[s].members) for s in open_means.story_ids])
        means = open_means.dots[i] / sizes
        bonus = self.join_threshold - min(self.join_threshold, self.near_join_threshold)
        found = []
        for k in np.flatnonzero((sizes > 1) & (means + bonus >= LONE_THRESHOLD - LONE_MARGIN)):
            story = self._stories[open_means.story_ids[k]]
            evidence = self.join_threshold - self._threshold(story, report, facts)
            if np.isfinite(evidence):
                found.append((float(means[k] + evidence), story.id))
        return found

    def _date_evidence(self, reports: Sequence[GroupInput], facts: Sequence[ReportFacts]) -> np.ndarray:
        """What dates add to the similarity of each pair: as much as the near threshold saves when their days
        are near, minus `far_penalty` when published far apart, `_APART` when their dates are years apart."""
        n = len(reports)
        evidence = np.zeros((n, n))
        published = np.array([_ordinal(r.published) for r in reports])
        arrived = np.array([_ordinal(r.arrived) for r in reports])
        both_published = ~np.isnan(published[:, None] - published[None, :])
        apart = np.where(both_published, published[:, None] - published[None, :], arrived[:, None] - arrived[None, :])
        evidence[np.abs(np.nan_to_num(apart)) > self.published_span_days] -= self.far_penalty
        apart = _sets_apart([facts[i].days for i in range(n)])
        evidence[apart <= self.near_days] += self.join_threshold - self.near_join_threshold
        evidence[np.isfinite(apart) & (apart > self.named_dates_apart_days)] = _APART
        return evidence

    def _start(self, group: list[int], reports: Sequence[GroupInput], facts: list[ReportFacts],
               similarity: np.ndarray) -> dict[int, Placement]:
        """A new story for a group: its first report starts it; each other one joined with its mean similarity
        to the rest of the group (dates counted as in `_date_evidence`)."""
        story_id = story_id_for(reports[group[0]].id)
        placements = {group[0]: Placement(story_id)}
        for k, i in enumerate(group[1:], start=1):
            rest = _OpenStory(story_id)
            for j in group:
                if j != i:
                    self._widen(rest, reports[j], facts[j], clock=False)
            score = float(np.delete(similarity[k], k).mean())
            placements[i] = self._explain(rest, facts[i], score, self.link_threshold, "grouped")
        return placements

    # -- keeping the open stories ------------------------------------------------------------

    def _take(self, reports: Sequence[GroupInput], facts: list[ReportFacts], placements: Sequence[Placement],
              dots: list[dict[str, float]], batch: np.ndarray) -> None:
        """Add the batch's reports to their stories: members, dates, names and the centroid's norm."""
        by_story: dict[str, list[int]] = {}
        for i in range(len(reports)):
            by_story.setdefault(placements[i].story_id, []).append(i)
        for story_id, new in by_story.items():
            story = self._stories.setdefault(story_id, _OpenStory(story_id))
            old = sum(dots[i].get(story_id, 0.0) for i in new)
            story.norm_squared += 2.0 * old + float(batch[np.ix_(new, new)].sum())
            for i in new:
                story.members.append(reports[i].id)
                self._widen(story, reports[i], facts[i])
            self._clock += 1
            story.touched = self._clock

    def _widen(self, story: _OpenStory, report: GroupInput, facts: ReportFacts, *, clock: bool = True) -> None:
        story.names.update(facts.names.keys())
        for key, shown in facts.written.items():
            story.written.setdefault(key, shown)
        story.places.update(facts.places)
        story.days.update(facts.days)
        if report.published is not None:
            story.first_published = min(story.first_published or report.published, report.published)
            story.last_published = max(story.last_published or report.published, report.published)
            if clock:
                self._recent_published.append(report.published)
        if report.arrived is not None:
            story.first_arrival = min(story.first_arrival or report.arrived, report.arrived)
            story.last_arrival = max(story.last_arrival or report.arrived, report.arrived)
            if clock:
                self.stream_arrival = max(self.stream_arrival or report.arrived, report.arrived)

    def _explain(self, story: _OpenStory, facts: ReportFacts, score: float, threshold: float, how: str) -> Placement:
        shared = sorted((key for key in facts.names if key in story.names),
                        key=lambda key: (-(story.names[key] + facts.names[key]), key))
        places = [key for key in shared if key in facts.places or key in story.places]
        names = [key for key in shared if key not in places]
        days = sorted(d for d in facts.days if any(abs((d - other).days) <= self.near_days for other in story.days))
        return Placement(story.id, round(score, 3), round(threshold, 3), _shown(names, facts.written, set(shared)),
                         _shown(places, facts.written, set(shared)), tuple(d.isoformat() for d in days[:MAX_EXPLAINED]), how)

    def _is_stale(self, story: _OpenStory) -> bool:
        """Whether the stream has passed the story: it is more than the span past its first report, by either clock."""
        span = timedelta(days=self.published_span_days)
        today = self.stream_date
        by_date = today is not None and story.first_published is not None and today - story.first_published > span
        by_arrival = (self.stream_arrival is not None and story.first_arrival is not None
                      and self.stream_arrival - story.first_arrival > span)
        return by_date or by_arrival

    def _close_stale(self) -> None:
        stale = {s.id for s in self._stories.values() if self._is_stale(s)}
        if len(self._stories) - len(stale) > self.max_open:
            by_age = sorted((s for s in self._stories.values() if s.id not in stale), key=lambda s: s.touched)
            stale.update(s.id for s in by_age[: len(self._stories) - len(stale) - self.max_open])
        if not stale:
            return
        for story_id in sorted(stale):
            self._closed.append((story_id, self._stories.pop(story_id).members))
        keep = np.fromiter((label not in stale for label in self._row_story), dtype=bool, count=len(self._row_story))
        self._rows = self._rows[keep]
        self._row_story = [label for label in self._row_story if label not in stale]


@dataclass(slots=True)
class _OpenMeans:
    """Dot products of a batch's reports (rows) with the sums of the open stories' vectors (columns)."""

    story_ids: list[str]
    dots: np.ndarray


def _average_linkage(similarity: np.ndarray) -> np.ndarray:
    """The average-linkage tree (scipy) of items with these pairwise similarities."""
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    return linkage(squareform(distance, checks=False), method="average")


def _own_names(facts: Sequence[ReportFacts], mine: Sequence[int], theirs: Sequence[int]) -> list[str]:
    """Names at least `OWN_NAME_SHARE` of the reports `mine` give and no report of `theirs` does."""
    given = Counter(key for i in mine for key in facts[i].names)
    elsewhere = {key for i in theirs for key in facts[i].names}
    return sorted(key for key, count in given.items() if count >= OWN_NAME_SHARE * len(mine) and key not in elsewhere)


def _sets_apart(day_sets: Sequence[frozenset[date]]) -> np.ndarray:
    """For each pair of reports, the fewest days between a date of one and a date of the other (inf when
    either gives none); at most `MAX_DAYS_COMPARED` dates of a report are compared, the latest ones."""
    rows: list[int] = []
    ordinals: list[int] = []
    for row, days in enumerate(day_sets):
        latest = sorted(d.toordinal() for d in days)[-MAX_DAYS_COMPARED:]
        rows.extend([row] * len(latest))
        ordinals.extend(latest)
    apart = np.full((len(day_sets), len(day_sets)), np.inf)
    if not rows:
        return apart
    dated, starts = np.unique(rows, return_index=True)  # each dated report's first date (rows are in order)
    values = np.array(ordinals, dtype=np.float64)
    between = np.abs(values[:, None] - values[None, :])
    between = np.minimum.reduceat(np.minimum.reduceat(between, starts, axis=0), starts, axis=1)
    apart[np.ix_(dated, dated)] = between
    return apart


def _ordinal(day: date | None) -> float:
    return float(day.toordinal()) if day is not None else np.nan


def _days_apart(days: Iterable[date], others: Iterable[date]) -> int:
    """The fewest days between a day of one set and a day of the other."""
    ordinals = np.fromiter((d.toordinal() for d in days), dtype=np.int64)
    other_ordinals = np.fromiter((d.toordinal() for d in others), dtype=np.int64)
    return int(np.abs(ordinals[:, None] - other_ordinals[None, :]).min())


def _shown(keys: Sequence[str], written: dict[str, str], shared: set[str]) -> tuple[str, ...]:
    """Shared name words as the report writes them: each with the shared words next to it in its run of names
    ("Lindsay Lohan", "Betty Ford" out of "Lindsay Lohan Checks Into Betty Ford"), each run once."""
    shown: list[str] = []
    for key in keys:
        words = written.get(key, key).split()
        word_keys = [_name_key(word) for word in words]
        if key not in word_keys:
            continue
        first = last = word_keys.index(key)
        while first > 0 and word_keys[first - 1] in shared:
            first -= 1
        while last + 1 < len(words) and word_keys[last + 1] in shared:
            last += 1
        shown.append(_POSSESSIVE.sub("", " ".join(words[first:last + 1])))
    return tuple(dict.fromkeys(shown))[:MAX_EXPLAINED]


def story_id_for(first_report_id: str) -> str:
    """The id of the story a report starts: stable for the same report id."""
    return "s-" + hashlib.sha1(first_report_id.encode("utf-8")).hexdigest()[:12]
