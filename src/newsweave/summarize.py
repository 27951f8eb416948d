"""Multi-document extractive summary: score sentences, pick the best without repeating, order them as a story.

Sentences are taken verbatim from their sources; nothing is rewritten. Each chosen sentence cites its
own source and every other source holding a sentence that states the same fact (`space.supporting_articles`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from scipy import sparse

from .models import Article, Sentence
from .options import DEFAULT_OPTIONS, SAME_FACT_SIMILARITY, Options
from .space import SentenceSpace, support_counts, supporting_articles

LEXRANK_THRESHOLD = 0.1
LEXRANK_DAMPING = 0.85
LEXRANK_ITERATIONS = 30

FEATURE_NAMES = (
    "first_sentence",
    "inverse_position",
    "relative_position",
    "log_words",
    "centroid_similarity",
    "article_centroid_similarity",
    "lexrank",
    "support_share",
    "best_other_similarity",
    "article_centrality",
    "article_share",
    "has_quote",
    "has_digit",
    "opens_with_reference",
    "sources_log",
)

_DANGLING_OPENER = re.compile(
    r"^[\"“]?(?:he|she|it|they|this|that|these|those|his|her|its|their|but|and|so|also|however|meanwhile|still|yet|then)\b",
    re.IGNORECASE,
)
_OPENING_PHRASE = r"[A-Z][\w'’-]*(?:\s+[\w'’-]+){0,4},\s+"
"""A short phrase and a comma before the subject: "Historically, ", "In televised comments, "."""
_ANTICIPATORY_IT = (
    r"(?:\s+(?:is|was|has\s+been|had\s+been|will\s+be|would\s+be|remains|remained)|['’]s)"
    r"\b[^,.;:]*?\b(?:that|to|whether|who|what|when|where|why|how|if)\b"
)
"""What follows an "It" that announces a clause ("It was not immediately clear who..."): it needs no referent."""
_TIME_NOUN = (
    r"week|weekend|year|month|morning|afternoon|evening|night|season|time|spring|summer|autumn|fall|winter|"
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
)
"""Nouns after "this"/"that" that make a time ("This week", "That night", "This July"), not a reference."""
_DEFINING_THOSE = r"those\s+(?:who|whose|\w+ed\s+(?:in|at|by|on|during|near|from|after|before|when|while)\b)"
"""\"Those who...\", \"Those killed in...\": the people the rest of the phrase defines, not a reference."""
_NEEDS_CONTEXT = re.compile(
    rf"^[\"“‘']?(?:{_OPENING_PHRASE})?"
    rf"(?!{_DEFINING_THOSE})"
    rf"(?:he|she|they|his|her|its|their|him|them|it(?!{_ANTICIPATORY_IT})|(?:this|that|these|those)(?!\s+(?:{_TIME_NOUN})\b))\b",
    re.IGNORECASE,
)
"""A sentence opening with a pronoun or demonstrative, directly or after an opening phrase ("Historically,
this is..."): its referent is in the sentence before it. "This week" and the like stand alone, and so
does an "It" that announces a clause and "Those who..."."""
_QUOTE_THEN_ATTRIBUTION = re.compile(r"^[\"“‘][^\n]*?[,?!.][\"”’]\s+(?P<attribution>.*)$")
"""A sentence that opens with a quotation and goes on after it: "“It was terrifying,” said Mayor Ana Ruiz."."""
_PRONOUN_SPEAKER = re.compile(r"(?:he|she|they|it|his|her)\b", re.IGNORECASE)
_NAME_NEAR = re.compile(r"^.{0,79}?[A-Z]")
"""An attribution names its speaker when a capitalised word comes early in it ("Ruiz said", "said Mayor Ruiz")."""
_QUOTE_MARK = re.compile(r"[\"“”]")
_DIGIT = re.compile(r"\d")


CHECK_BATCH = 24
"""How many of the best unchecked candidates are handed to the fragment check at a time."""
PASSAGE_WEIGHT = 1.1
"""A passage (a sentence that needs its context with the sentence before it) scores this times its
sentences' mean score: tuned on the dev set, 0.95-1.2 tried (BENCHMARKS.md)."""

FragmentCheck = Callable[[Sequence[Sentence]], Sequence[int]]
"""Given sentences, the indices of those that are broken (`analyze.verbless_fragments`)."""


@dataclass(slots=True)
class SummarySentence:
    """A sentence chosen for the summary and, per supporting article index, that article's sentence."""

    sentence: Sentence
    evidence: dict[int, Sentence]

    @property
    def supported_by(self) -> list[int]:
        """Indices of the articles that support the sentence, its own included, ascending."""
        return sorted(self.evidence)


def summarize(
    articles: Sequence[Article],
    space: SentenceSpace,
    *,
    options: Options = DEFAULT_OPTIONS,
    check: FragmentCheck | None = None,
    scorer: SentenceScorer | None = None,
) -> list[SummarySentence]:
    """Choose sentences within the word budget, without redundancy, in story order, each with its supporting sources.

    A `check` (the analyze stage's grammar check) has the last word on candidates before one is
    taken: it is run on a few of the best unchecked candidates at a time, and a candidate it finds
    broken is skipped. Without one, the sentences' own `broken` marks are final.
    """
    if not space.sentences:
        return []
    same_fact = options.same_fact_similarity
    scores = sentence_scores(articles, space, scorer, same_fact_similarity=same_fact)
    chosen = _select(space, scores, options, check)
    chosen = _after_their_context(space, sorted(chosen, key=lambda i: _story_order(space.sentences[i], articles)))
    return [SummarySentence(space.sentences[i], _evidence(space, i, same_fact)) for i in chosen]


def sentence_scores(
    articles: Sequence[Article],
    space: SentenceSpace,
    scorer: SentenceScorer | None = None,
    *,
    same_fact_similarity: float = SAME_FACT_SIMILARITY,
) -> np.ndarray:
    """Score every sentence (with the packaged scorer by default); broken sentences score minus infinity."""
    features = sentence_features(articles, space, same_fact_similarity=same_fact_similarity)
    scores = (scorer or packaged_scorer())(features)
    broken = np.array([s.broken for s in space.sentences])
    scores[broken] = -np.inf
    return scores


def sentence_features(
    articles: Sequence[Article], space: SentenceSpace, *, same_fact_similarity: float = SAME_FACT_SIMILARITY
) -> np.ndarray:
    """The feature matrix (one row per sentence, columns `FEATURE_NAMES`) the scorer reads."""
    sentences = space.sentences
    article_of = np.array([s.article for s in sentences])
    positions = np.array([s.position for s in sentences], dtype=np.float64)
    lengths = np.array([max(1, len(a.sentences)) for a in articles], dtype=np.float64)[article_of]
    words = np.array([len(s.text.split()) for s in sentences], dtype=np.float64)
    centroid_similarity = _normalised_dot(space.vectors, _mean_row(space.vectors))
    article_vectors = _article_means(space.vectors, article_of, len(articles))
    own_centroid = np.asarray(
        space.vectors.multiply(article_vectors[article_of]).sum(axis=1)
    ).ravel() / np.maximum(np.linalg.norm(article_vectors[article_of], axis=1), 1e-9)
    article_centrality = _article_centrality(article_vectors)[article_of]
    article_words = np.bincount(article_of, weights=words, minlength=len(articles))
    support, best_other = _cross_article_support(space, article_of, len(articles), same_fact_similarity)
    return np.column_stack(
        [
            positions == 0,
            1.0 / (1.0 + positions),
            positions / lengths,
            np.log1p(words),
            centroid_similarity,
            own_centroid,
            lexrank(space.similarity),
            support,
            best_other,
            article_centrality,
            article_words[article_of] / max(1.0, article_words.sum()),
            [bool(_QUOTE_MARK.search(s.text)) for s in sentences],
            [bool(_DIGIT.search(s.text)) for s in sentences],
            [bool(_DANGLING_OPENER.match(s.text)) for s in sentences],
            np.full(len(sentences), np.log(len(articles))),
        ]
    ).astype(np.float64)


def lexrank(similarity: sparse.csr_matrix) -> np.ndarray:
    """LexRank centrality (thresholded cosine graph, power method), scaled to mean 1."""
    graph = similarity.copy()
    graph.data = (graph.data >= LEXRANK_THRESHOLD).astype(np.float64)
    graph.eliminate_zeros()
    degree = np.asarray(graph.sum(axis=1)).ravel()
    incoming = (sparse.diags(1.0 / np.maximum(degree, 1.0)) @ graph).T.tocsr()
    n = similarity.shape[0]
    rank = np.full(n, 1.0 / n)
    for _ in range(LEXRANK_ITERATIONS):
        rank = (1 - LEXRANK_DAMPING) / n + LEXRANK_DAMPING * (incoming @ rank)
    return rank * n


def count_words(text: str) -> int:
    """Words as the budget counts them: whitespace-separated tokens."""
    return len(text.split())


def _select(space: SentenceSpace, scores: np.ndarray, options: Options, check: FragmentCheck | None) -> list[int]:
    """Take the best candidates (`_candidates`) that fit the budget and repeat nothing already taken.

    A sentence that needs its context is taken only right after the sentence before it in its
    article: as a passage with it, or alone once that sentence is taken (a pronoun whose referent
    is not in the summary misleads).
    """
    words = [count_words(s.text) for s in space.sentences]
    context = [needs_context(s.text) for s in space.sentences]
    candidates = _candidates(space, scores, words, context)
    similarity = space.similarity.toarray()
    checked: set[int] = set()
    fragments: set[int] = set()
    chosen: list[int] = []
    taken: set[int] = set()
    waiting: dict[int, int] = {}  # sentence -> the next sentence of its article, waiting for it
    used = 0
    for rank, candidate in enumerate(candidates):
        queue = [candidate]
        while queue:
            unit = _untaken(queue.pop(), taken)
            if not unit:
                continue
            length = sum(words[i] for i in unit)
            if used + length > options.max_words:
                continue
            if chosen and max(similarity[i, chosen].max() for i in unit) >= options.redundancy_similarity:
                continue
            first = unit[0]
            if context[first] and not _previous_is_chosen(space, first, taken):
                waiting[first - 1] = first
                continue
            if check is not None and not checked.issuperset(unit):
                upcoming = [i for later in candidates[rank : rank + CHECK_BATCH] for i in later]
                batch = [i for i in dict.fromkeys([*unit, *upcoming]) if i not in checked]
                found = check([space.sentences[i] for i in batch])
                fragments.update(batch[n] for n in found)
                checked.update(batch)
            if fragments.intersection(unit):
                continue
            chosen.extend(unit)
            taken.update(unit)
            used += length
            if unit[-1] in waiting:
                queue.append((waiting.pop(unit[-1]),))
    return chosen


def _candidates(
    space: SentenceSpace, scores: np.ndarray, words: Sequence[int], context: Sequence[bool]
) -> list[tuple[int, ...]]:
    """Every usable sentence alone, and each that needs its `context` as a passage with the sentence before it; best first.

    A passage scores `PASSAGE_WEIGHT` times the mean of its two sentences' scores, weighted by their `words`.
    """
    sentences = space.sentences
    usable = np.isfinite(scores)
    scored: list[tuple[float, tuple[int, ...]]] = []
    for index, sentence in enumerate(sentences):
        if not usable[index]:
            continue
        scored.append((float(scores[index]), (index,)))
        previous = index - 1
        if (context[index] and previous >= 0 and sentences[previous].article == sentence.article
                and usable[previous] and not context[previous]):
            mean = (scores[previous] * words[previous] + scores[index] * words[index]) / max(1, words[previous] + words[index])
            scored.append((PASSAGE_WEIGHT * float(mean), (previous, index)))
    scored.sort(key=lambda item: -item[0])
    return [unit for _, unit in scored]


def _untaken(unit: tuple[int, ...], taken: set[int]) -> tuple[int, ...]:
    """What is left to take of a candidate: all of it, the second sentence of a passage whose first is taken, or nothing."""
    if not taken.intersection(unit):
        return unit
    if len(unit) == 2 and unit[0] in taken and unit[1] not in taken:
        return unit[1:]
    return ()


def needs_context(text: str) -> bool:
    """Whether a sentence cannot stand alone: it opens with a pronoun or demonstrative whose referent is before it.

    A quotation attributed to a named speaker ("“This should be decided publicly,” Senator Ana Ruiz
    said.") stands alone: the reader knows whose words they are; "..., he said." does not.
    """
    return opens_with_pronoun(text) and not _quoted_by_named_speaker(text)


def opens_with_pronoun(text: str) -> bool:
    """Whether a sentence opens with a pronoun or demonstrative (after an opening quote or phrase), even inside a quotation."""
    return _NEEDS_CONTEXT.match(text) is not None


def _quoted_by_named_speaker(text: str) -> bool:
    quote = _QUOTE_THEN_ATTRIBUTION.match(text)
    if quote is None:
        return False
    attribution = quote["attribution"]
    return _PRONOUN_SPEAKER.match(attribution) is None and _NAME_NEAR.match(attribution) is not None


def _previous_is_chosen(space: SentenceSpace, index: int, chosen: Collection[int]) -> bool:
    """Whether the sentence before this one in its article is already in the summary."""
    previous = index - 1
    return previous >= 0 and space.sentences[previous].article == space.sentences[index].article and previous in chosen


def _after_their_context(space: SentenceSpace, ordered: list[int]) -> list[int]:
    """Move each sentence that needs its context to right after the sentence before it in its article."""
    kept = set(ordered)
    follows = {i for i in ordered if i - 1 in kept and needs_context(space.sentences[i].text)
               and space.sentences[i - 1].article == space.sentences[i].article}
    result: list[int] = []
    for index in ordered:
        if index in follows:
            continue
        result.append(index)
        while index + 1 in follows:
            index += 1
            result.append(index)
    return result


def _evidence(space: SentenceSpace, index: int, same_fact_similarity: float) -> dict[int, Sentence]:
    own = space.sentences[index]
    rows = supporting_articles(space, index, threshold=same_fact_similarity)
    return {own.article: own, **{article: space.sentences[row] for article, row in rows.items()}}


def _story_order(sentence: Sentence, articles: Sequence[Article]) -> tuple[float, int]:
    return sentence.position / max(1, len(articles[sentence.article].sentences)), sentence.article


def _mean_row(vectors: sparse.csr_matrix) -> np.ndarray:
    return np.asarray(vectors.mean(axis=0)).ravel()


def _normalised_dot(vectors: sparse.csr_matrix, direction: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(direction)
    return np.asarray(vectors @ direction).ravel() / norm if norm else np.zeros(vectors.shape[0])


def _article_means(vectors: sparse.csr_matrix, article_of: np.ndarray, count: int) -> np.ndarray:
    membership = sparse.csr_matrix(
        (np.ones(len(article_of)), (article_of, np.arange(len(article_of)))), shape=(count, len(article_of))
    )
    sums = np.asarray((membership @ vectors).todense())
    return sums / np.maximum(np.bincount(article_of, minlength=count), 1)[:, None]


def _article_centrality(article_vectors: np.ndarray) -> np.ndarray:
    norms = np.maximum(np.linalg.norm(article_vectors, axis=1, keepdims=True), 1e-9)
    unit = article_vectors / norms
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, 0.0)
    return similarity.sum(axis=1) / max(1, len(article_vectors) - 1)


def _cross_article_support(
    space: SentenceSpace, article_of: np.ndarray, count: int, same_fact_similarity: float
) -> tuple[np.ndarray, np.ndarray]:
    """Share of other articles holding a same-fact sentence, and the best similarity to another article."""
    best = np.zeros(len(article_of))
    pairs = space.similarity.tocoo()
    other = article_of[pairs.row] != article_of[pairs.col]
    np.maximum.at(best, pairs.row[other], pairs.data[other])
    return support_counts(space, threshold=same_fact_similarity) / max(1, count - 1), best


@dataclass(frozen=True, slots=True)
class SentenceScorer:
    """A linear scorer over standardised `FEATURE_NAMES` (trained by bench/train_scorer.py)."""

    weights: np.ndarray
    bias: float
    means: np.ndarray
    scales: np.ndarray

    @classmethod
    def from_dict(cls, data: dict) -> SentenceScorer:
        """Build a scorer from its JSON form; refuse one trained on other features."""
        if tuple(data["features"]) != FEATURE_NAMES:
            raise ValueError("this sentence scorer was trained on other features; retrain it with bench/train_scorer.py")
        return cls(np.array(data["weights"]), float(data["bias"]), np.array(data["means"]), np.array(data["scales"]))

    def __call__(self, features: np.ndarray) -> np.ndarray:
        return ((features - self.means) / self.scales) @ self.weights + self.bias


@cache
def packaged_scorer() -> SentenceScorer:
    """The scorer shipped in the package (newsweave/data/sentence_scorer.json)."""
    text = resources.files("newsweave").joinpath("data/sentence_scorer.json").read_text()
    return SentenceScorer.from_dict(json.loads(text))
