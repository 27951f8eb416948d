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

_SIMILARITIES = (
    "redundancy_similarity",
    "same_fact_similarity",
    "copy_similarity",
    "same_event_similarity",
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


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


DEFAULT_OPTIONS = Options()
"""The options `make_brief` uses when given none."""
