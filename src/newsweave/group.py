"""The group stage of corpus mode: each new report joins the open story it belongs to, or starts one.

Reports are TF-IDF vectors (hashed terms, so the vocabulary never has to be known in advance;
document frequencies are counted as the stream goes). A story is the sum of its reports' vectors;
a report joins the open story whose centroid is most similar, if that similarity reaches
`StoryGrouper.join_threshold`, else it starts a story. A report joins only a story within
`window_days` of it and within `max_span_days` of the story's first report: by publication date
when both have one, else by the day the report arrived. A story closes when the stream has moved
past both limits, by either clock (or when more than `max_open` stories are open): a closed story
takes no new reports and its vectors are freed, so memory follows the open stories only.

Similarities are computed a batch at a time with sparse matrix products, but decided report by
report in input order, so the result is the same for the same input order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import scipy.sparse as sp

HASHED_FEATURES = 2**18
JOIN_THRESHOLD = 0.22
"""Cosine similarity of a report to a story's centroid from which it joins that story."""
DATED_JOIN_THRESHOLD = 0.18
"""The same when both the report and the story are dated: the time window already keeps other events out."""
NAME_WEIGHT = 2
"""Capitalised names (people, places, organisations) count this many times more than other words."""
WINDOW_DAYS = 3
"""A story takes reports dated up to this many days before its first or after its last report."""
MAX_SPAN_DAYS = 7
"""... and never more than this many days after its first: a story kept alive by a steady flow of
reports on one subject would otherwise slide along with it and take in every new event of it."""
MAX_OPEN_STORIES = 5000
"""At most this many stories stay open (the least recently joined close first)."""
_TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


@dataclass(slots=True)
class GroupInput:
    """What grouping needs of a report: its id, its text (title included), its date if known, the day it arrived."""

    id: str
    text: str
    published: date | None = None
    arrived: date | None = None


@dataclass(slots=True)
class _OpenStory:
    id: str
    first: date | None
    last: date | None
    norm_squared: float = 0.0
    members: list[str] = field(default_factory=list)
    touched: int = 0
    first_arrival: date | None = None
    last_arrival: date | None = None


class TermWeights:
    """Hashed term vectors weighted by document frequencies counted over every report seen."""

    __slots__ = ("_vectorizer", "document_counts", "documents")

    def __init__(self, document_counts: np.ndarray | None = None, documents: int = 0) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self._vectorizer = HashingVectorizer(
            n_features=HASHED_FEATURES, stop_words="english", alternate_sign=False, norm=None,
            token_pattern=_TOKEN_PATTERN, dtype=np.float32,
        )
        self.document_counts = document_counts if document_counts is not None else np.zeros(HASHED_FEATURES, np.int32)
        self.documents = documents

    def count(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Term counts of texts, capitalised names counted `NAME_WEIGHT` times (nothing learned)."""
        counts = self._vectorizer.transform(texts)
        names = self._vectorizer.transform([" ".join(_NAME.findall(text)) for text in texts])
        return (counts + (NAME_WEIGHT - 1) * names).tocsr()

    def learn(self, counts: sp.csr_matrix) -> None:
        """Add these reports to the document frequencies."""
        columns, seen = np.unique(counts.indices, return_counts=True)
        np.add.at(self.document_counts, columns, seen.astype(np.int32))
        self.documents += counts.shape[0]

    def weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear TF times smoothed IDF, rows scaled to unit length."""
        from sklearn.preprocessing import normalize

        weighted = counts.copy()
        weighted.data = 1.0 + np.log(weighted.data)
        idf = np.log((1.0 + self.documents) / (1.0 + self.document_counts[weighted.indices])) + 1.0
        weighted.data *= idf.astype(np.float32)
        return normalize(weighted, copy=False)


class StoryGrouper:
    """Incremental story grouping over a stream: `assign` a batch, get one story id per report."""

    def __init__(
        self,
        *,
        weights: TermWeights | None = None,
        join_threshold: float = JOIN_THRESHOLD,
        dated_join_threshold: float = DATED_JOIN_THRESHOLD,
        window_days: int = WINDOW_DAYS,
        max_span_days: int = MAX_SPAN_DAYS,
        max_open: int = MAX_OPEN_STORIES,
    ) -> None:
        self.weights = weights or TermWeights()
        self.join_threshold = join_threshold
        self.dated_join_threshold = dated_join_threshold
        self.window_days = window_days
        self.max_span_days = max_span_days
        self.max_open = max_open
        self.stream_date: date | None = None
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

    def assign(self, reports: Sequence[GroupInput]) -> list[str]:
        """Put each report, in order, into an open story or a new one; return the story ids."""
        if not reports:
            return []
        counts = self.weights.count([r.text for r in reports])
        self.weights.learn(counts)
        vectors = self.weights.weigh(counts)
        to_open = (vectors @ self._rows.T).toarray() if self._rows.shape[0] else np.zeros((len(reports), 0))
        to_batch = (vectors @ vectors.T).toarray()
        labels = list(self._row_story)
        story_ids: list[str] = []
        for i, report in enumerate(reports):
            similarities = np.concatenate([to_open[i], to_batch[i, :i]])
            story_id = self._best_story(report, similarities, labels)
            if story_id is None:
                story_id = self._new_story_id(report.id)
                self._stories[story_id] = _OpenStory(story_id, None, None)
            self._join(self._stories[story_id], report, similarities, labels)
            labels.append(story_id)
            story_ids.append(story_id)
        self._rows = sp.vstack([self._rows, vectors], format="csr")
        self._row_story = labels
        self._close_stale()
        return story_ids

    def restore(self, story_id: str, reports: Sequence[GroupInput]) -> None:
        """Reopen a stored story with its reports (when a store is reopened): no decision is made."""
        counts = self.weights.count([r.text for r in reports])
        vectors = self.weights.weigh(counts)
        story = self._stories.setdefault(story_id, _OpenStory(story_id, None, None))
        total = np.asarray(vectors.sum(axis=0)).ravel()
        story.norm_squared = float(total @ total)
        for report in reports:
            story.members.append(report.id)
            self._widen(story, report)
        self._clock += 1
        story.touched = self._clock
        self._rows = sp.vstack([self._rows, vectors], format="csr")
        self._row_story.extend([story_id] * len(reports))

    def pop_closed(self) -> list[tuple[str, list[str]]]:
        """The stories closed since the last call, each with its report ids."""
        closed, self._closed = self._closed, []
        return closed

    def _best_story(self, report: GroupInput, similarities: np.ndarray, labels: list[str]) -> str | None:
        if not len(similarities):
            return None
        order = {story_id: k for k, story_id in enumerate(dict.fromkeys(labels))}
        index = np.fromiter((order[label] for label in labels), dtype=np.int64, count=len(labels))
        dots = np.bincount(index, weights=similarities, minlength=len(order))
        best_score, best = 0.0, None
        for story_id, k in order.items():
            story = self._stories.get(story_id)
            if story is None or dots[k] <= 0 or not self._in_window(story, report):
                continue
            score = dots[k] / np.sqrt(story.norm_squared)
            if score > best_score:
                best_score, best = score, story_id
        return best if best_score >= self._threshold(report, best) else None

    def _threshold(self, report: GroupInput, story_id: str | None) -> float:
        story = self._stories.get(story_id) if story_id else None
        dated = report.published is not None and story is not None and story.last is not None
        return min(self.join_threshold, self.dated_join_threshold) if dated else self.join_threshold

    def _join(self, story: _OpenStory, report: GroupInput, similarities: np.ndarray, labels: list[str]) -> None:
        dot = float(similarities[[k for k, label in enumerate(labels) if label == story.id]].sum()) if story.members else 0.0
        story.norm_squared += 2.0 * dot + 1.0
        story.members.append(report.id)
        self._widen(story, report)
        self._clock += 1
        story.touched = self._clock

    def _widen(self, story: _OpenStory, report: GroupInput) -> None:
        if report.published is not None:
            story.first = min(story.first or report.published, report.published)
            story.last = max(story.last or report.published, report.published)
            self.stream_date = max(self.stream_date or report.published, report.published)
        if report.arrived is not None:
            story.first_arrival = min(story.first_arrival or report.arrived, report.arrived)
            story.last_arrival = max(story.last_arrival or report.arrived, report.arrived)
            self.stream_arrival = max(self.stream_arrival or report.arrived, report.arrived)

    def _in_window(self, story: _OpenStory, report: GroupInput) -> bool:
        """Dates are compared when both sides have them; else arrival days; else nothing keeps the report out."""
        if report.published is not None and story.first is not None and story.last is not None:
            return self._fits(report.published, story.first, story.last)
        if report.arrived is not None and story.first_arrival is not None and story.last_arrival is not None:
            return self._fits(report.arrived, story.first_arrival, story.last_arrival)
        return True

    def _fits(self, day: date, first: date, last: date) -> bool:
        return (first - day).days <= self.window_days and (day - last).days <= self.window_days and (
            day - first).days <= self.max_span_days

    def _is_stale(self, story: _OpenStory) -> bool:
        by_date = (self.stream_date and story.first and story.last
                   and self._past(self.stream_date, story.first, story.last))
        by_arrival = (self.stream_arrival and story.first_arrival and story.last_arrival
                      and self._past(self.stream_arrival, story.first_arrival, story.last_arrival))
        return bool(by_date or by_arrival)

    def _past(self, today: date, first: date, last: date) -> bool:
        """Whether a stream that has reached `today` can bring this story no more reports."""
        return (today - last).days > self.window_days or (today - first).days > self.max_span_days

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

    def _new_story_id(self, report_id: str) -> str:
        return story_id_for(report_id)


def story_id_for(first_report_id: str) -> str:
    """The id of the story a report starts: stable for the same report id."""
    return "s-" + hashlib.sha1(first_report_id.encode("utf-8")).hexdigest()[:12]
