"""Align sentences of different sources that state the same fact into claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..models import Article, Sentence

SAME_FACT_SIMILARITY = 0.45
"""TF-IDF cosine from which two sentences of different sources are taken to state the same fact."""


@dataclass(slots=True)
class SentenceSpace:
    """Every sentence of a story with its L2-normalised TF-IDF row, in article order."""

    sentences: list[Sentence]
    vectors: sparse.csr_matrix
    similarity: sparse.csr_matrix


@dataclass(slots=True)
class Claim:
    """One fact, the sentences not already in an earlier claim that state it (the first leads), and every source stating it."""

    sentences: list[Sentence]
    sources: list[int]
    status: str = "single-source"


def sentence_space(articles: Sequence[Article]) -> SentenceSpace:
    """Vectorise every sentence of the story with TF-IDF and compute their pairwise cosine similarity."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    sentences = [s for a in articles for s in a.sentences]
    if not sentences:
        empty = sparse.csr_matrix((0, 0))
        return SentenceSpace(sentences, empty, empty)
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, strip_accents="unicode", dtype=np.float32)
    try:
        vectors = vectorizer.fit_transform([s.text for s in sentences]).tocsr()
    except ValueError:  # every sentence is stop words only
        vectors = sparse.csr_matrix((len(sentences), 1), dtype=np.float32)
    return SentenceSpace(sentences, vectors, (vectors @ vectors.T).tocsr())


def supporting_articles(space: SentenceSpace, index: int, *, threshold: float = SAME_FACT_SIMILARITY) -> dict[int, int]:
    """For one sentence, the best matching sentence index in each other article at or above `threshold`."""
    row = space.similarity.getrow(index)
    own_article = space.sentences[index].article
    best: dict[int, tuple[float, int]] = {}
    for other, value in zip(row.indices, row.data):
        article = space.sentences[other].article
        if article == own_article or value < threshold:
            continue
        if article not in best or value > best[article][0]:
            best[article] = (float(value), int(other))
    return {article: other for article, (_, other) in best.items()}


def group_claims(space: SentenceSpace, order: Sequence[int]) -> list[Claim]:
    """Group usable sentences into claims, visiting them in `order` (best first); each sentence joins one claim."""
    taken: set[int] = set()
    claims: list[Claim] = []
    for index in order:
        if index in taken or space.sentences[index].broken:
            continue
        support = supporting_articles(space, index)
        members = [index, *(other for other in support.values() if other not in taken)]
        taken.update(members)
        sources = sorted({space.sentences[index].article, *support})
        status = "corroborated" if len(sources) > 1 else "single-source"
        claims.append(Claim([space.sentences[i] for i in members], sources, status))
    return claims
