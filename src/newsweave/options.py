"""The tunables of a brief, in one frozen object: `Options`, passed to `make_brief` and on to each stage.

The module constants are the defaults; each field's docstring says what it changes. A value out of
range is refused when the object is made, with an `InputError` that names the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

from ._errors import InputError

DEFAULT_MAX_WORDS = 120
REDUNDANCY_SIMILARITY = 0.3
SAME_FACT_SIMILARITY = 0.45
COPY_SIMILARITY = 0.85
COPY_SHARE = 0.5
SAME_EVENT_SIMILARITY = 0.2

# Story grouping (group.StoryGrouper)
JOIN_THRESHOLD = 0.22
"""Cosine similarity of a report to an open story's centroid from which it joins that story."""
NEAR_JOIN_THRESHOLD = 0.18
"""The same when the report and the story give days within `NEAR_DAYS` of each other (publication dates,
or dates their texts name): being about the same days is evidence of itself."""
LINK_THRESHOLD = 0.18
"""Reports of one batch that join no open story are grouped by average linkage: a group's reports are
this similar to each other on average (cosine, days near each other counting as for `NEAR_JOIN_THRESHOLD`)."""
NEAR_DAYS = 3
"""Days this close are the same time for `NEAR_JOIN_THRESHOLD`."""
PUBLISHED_SPAN_DAYS = 7
"""Reports of one story are published (or, undated, arrive) within this many days of each other; a report
further from the story's first or last one needs `FAR_PENALTY` more similarity (a follow-up weeks later
still joins when its words say so), and the story closes once the stream is this far past its first report."""
FAR_PENALTY = 0.1
"""Similarity a report needs on top of the threshold to join a story published more than `PUBLISHED_SPAN_DAYS` away."""
NAMED_DATES_APART_DAYS = 1095
"""A report and a story whose dates (publication and full dates the text names) are all more than this apart
report different happenings however alike their words (two earthquakes on one island, years apart). Texts
name past days too ("convicted on May 3, 2005"), so only years apart is taken as a different time."""
CLOCK_REPORTS = 100
"""The stream has passed a day once this many dated reports in a row are later: one misdated report
does not close every story, and an archive read out of date order closes none by date."""

_SIMILARITIES = (
    "redundancy_similarity",
    "same_fact_similarity",
    "copy_similarity",
    "same_event_similarity",
    "join_threshold",
    "near_join_threshold",
    "link_threshold",
)


@dataclass(frozen=True, slots=True)
class Options:
    """How a brief is made: the summary's budget and the similarity thresholds of each stage.

    Similarities are TF-IDF cosines between two sentences of the story's sentence space
    (`newsweave.space`), from 0 (no word in common) to 1 (the same words).
    """

    max_words: int = DEFAULT_MAX_WORDS
    """Word budget of the summary, in whitespace-separated words; the summary never exceeds it."""
    redundancy_similarity: float = REDUNDANCY_SIMILARITY
    """A summary candidate this similar to a sentence already chosen repeats it and is skipped;
    lower it for a summary that covers more ground, raise it to allow closer restatements."""
    same_fact_similarity: float = SAME_FACT_SIMILARITY
    """Two sentences of different sources state the same fact from this similarity on: what a summary
    sentence cites, what a claim groups, and the summary's cross-source support feature."""
    copy_similarity: float = COPY_SIMILARITY
    """Two sentences are copies of one another (wire copy, syndication) from this similarity on."""
    copy_share: float = COPY_SHARE
    """Two reports are one origin (a copy does not corroborate) when this share, from 0 to 1, of the
    shorter one's sentences are copies in the other (and at least 3, or all of them if it has fewer)."""
    same_event_similarity: float = SAME_EVENT_SIMILARITY
    """Sentences giving the same date are one timeline entry from this similarity on."""

    join_threshold: float = JOIN_THRESHOLD
    """Grouping: similarity of a report to an open story's centroid from which it joins that story."""
    near_join_threshold: float = NEAR_JOIN_THRESHOLD
    """Grouping: the same when report and story give days within `near_days` of each other."""
    link_threshold: float = LINK_THRESHOLD
    """Grouping: average similarity from which reports of one batch that join no open story form one new story."""
    near_days: int = NEAR_DAYS
    """Grouping: days this close count as the same time."""
    published_span_days: int = PUBLISHED_SPAN_DAYS
    """Grouping: reports of one story fall within this many days; further needs `far_penalty` more similarity."""
    far_penalty: float = FAR_PENALTY
    """Grouping: similarity needed on top of the threshold to join a story more than `published_span_days` away."""
    named_dates_apart_days: int = NAMED_DATES_APART_DAYS
    """Grouping: reports whose dates are all more than this apart report different happenings."""
    clock_reports: int = CLOCK_REPORTS
    """Grouping: the stream has passed a day once this many dated reports in a row are later."""

    def __post_init__(self) -> None:
        max_words = self.max_words
        if not isinstance(max_words, Integral) or isinstance(max_words, bool) or max_words < 1:
            raise InputError(f"max_words must be a positive whole number of words, not {max_words!r}", option="max_words")
        for name in _SIMILARITIES:
            value = getattr(self, name)
            if not _is_number(value) or not 0.0 < value <= 1.0:
                raise InputError(f"{name} must be a similarity above 0 and at most 1, not {value!r}", option=name)
        if not _is_number(self.copy_share) or not 0.0 <= self.copy_share <= 1.0:
            raise InputError(f"copy_share must be a share from 0 to 1, not {self.copy_share!r}", option="copy_share")
        for name in ("published_span_days", "named_dates_apart_days", "clock_reports"):
            value = getattr(self, name)
            if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
                raise InputError(f"{name} must be a positive whole number, not {value!r}", option=name)
        if not _is_number(self.far_penalty) or self.far_penalty < 0:
            raise InputError(f"far_penalty must be a similarity of 0 or more, not {self.far_penalty!r}", option="far_penalty")


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


DEFAULT_OPTIONS = Options()
"""The options `make_brief` uses when given none."""
