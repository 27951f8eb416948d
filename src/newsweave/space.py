"""The sentence space every later stage reads: each sentence of a story as a TF-IDF row, and their cosines.

Sentences are compared by TF-IDF cosine. When the story's entities are known, each name is first
replaced by one token per entity (`entity_texts`), so "Tikhanovskaya" and "Ms Tsikhanouskaya" count
as the same word, and other words are reduced to their Snowball stems (`stem=True`), so "mediating"
and "mediation" count as one word too. Two sentences of different articles state the same fact
from a cosine threshold on (`supporting_articles`, `Options.same_fact_similarity`): the summary
cites by it, and claims group by it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from .models import Article, Sentence
from .options import SAME_FACT_SIMILARITY

if TYPE_CHECKING:
    from .entities import EntityIndex

STEM_CACHE_SIZE = 200_000
"""Words whose stem is remembered (a few MB): most words of news recur from story to story."""


@dataclass(slots=True)
class SentenceSpace:
    """Every sentence of a story with its L2-normalised TF-IDF row, in article order."""

    sentences: list[Sentence]
    vectors: sparse.csr_matrix
    similarity: sparse.csr_matrix
    _rows: dict[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._rows = {id(s): row for row, s in enumerate(self.sentences)}

    def row_of(self, sentence: Sentence) -> int | None:
        """The row of this very sentence object in the space, or None when it is not one of the space's sentences."""
        return self._rows.get(id(sentence))


def sentence_space(
    articles: Sequence[Article], *, texts: Sequence[str] | None = None, stem: bool = False
) -> SentenceSpace:
    """Vectorise every sentence (or `texts`, one per sentence) with TF-IDF, of word stems if `stem`; compute cosines."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    sentences = [s for a in articles for s in a.sentences]
    if not sentences:
        empty = sparse.csr_matrix((0, 0))
        return SentenceSpace(sentences, empty, empty)
    words = CountVectorizer(stop_words="english", strip_accents="unicode", dtype=np.float32)
    try:
        counts = words.fit_transform(texts if texts is not None else [s.text for s in sentences])
    except ValueError:  # every sentence is stop words only
        vectors = sparse.csr_matrix((len(sentences), 1), dtype=np.float32)
        return SentenceSpace(sentences, vectors, (vectors @ vectors.T).tocsr())
    if stem:
        counts = counts @ stem_merge(words.get_feature_names_out())
    vectors = TfidfTransformer(sublinear_tf=True).fit_transform(counts).astype(np.float32).tocsr()
    return SentenceSpace(sentences, vectors, (vectors @ vectors.T).tocsr())


def stem_merge(vocabulary: Sequence[str]) -> sparse.csr_matrix:
    """A 0/1 matrix from word columns to stem columns: counts @ it sums the counts of words sharing a stem."""
    stems = [_stem(word) for word in vocabulary]
    column = {stem: number for number, stem in enumerate(dict.fromkeys(stems))}
    rows = np.arange(len(stems))
    return sparse.csr_matrix(
        (np.ones(len(stems), dtype=np.float32), (rows, [column[s] for s in stems])), shape=(len(stems), len(column))
    )


@functools.lru_cache(maxsize=STEM_CACHE_SIZE)
def _stem(word: str) -> str:
    from .nlp import word_stemmer

    return word_stemmer().stemWord(word)


def entity_texts(articles: Sequence[Article], index: EntityIndex) -> list[str]:
    """Each sentence's text with every entity mention replaced by one token naming its entity."""
    texts = []
    for article in articles:
        for sentence in article.sentences:
            text, cursor, parts = sentence.text, 0, []
            for mention in sentence.mentions:
                entity = index.by_mention.get((sentence.article, sentence.position, mention.start))
                if entity is None or mention.start < cursor:
                    continue
                parts += [text[cursor:mention.start], f" entity{entity}x "]
                cursor = mention.end
            texts.append("".join(parts) + text[cursor:])
    return texts


def supporting_articles(space: SentenceSpace, index: int, *, threshold: float = SAME_FACT_SIMILARITY) -> dict[int, int]:
    """For one sentence, the best matching sentence index in each other article at or above `threshold`."""
    row = space.similarity.getrow(index)
    own_article = space.sentences[index].article
    best: dict[int, tuple[float, int]] = {}
    for other, value in zip(row.indices, row.data, strict=True):
        article = space.sentences[other].article
        if article == own_article or value < threshold:
            continue
        if article not in best or value > best[article][0]:
            best[article] = (float(value), int(other))
    return {article: other for article, (_, other) in best.items()}


def support_counts(space: SentenceSpace, *, threshold: float = SAME_FACT_SIMILARITY) -> np.ndarray:
    """For every sentence, how many other articles hold a sentence at or above `threshold` (`supporting_articles`, counted)."""
    article_of = np.array([s.article for s in space.sentences], dtype=np.int64)
    pairs = space.similarity.tocoo()
    keep = (article_of[pairs.row] != article_of[pairs.col]) & (pairs.data >= threshold)
    sentence_article = np.unique(np.stack([pairs.row[keep], article_of[pairs.col[keep]]]).astype(np.int64), axis=1)
    return np.bincount(sentence_article[0], minlength=len(article_of))
