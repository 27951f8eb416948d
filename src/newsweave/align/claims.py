"""Align sentences of different sources that state the same fact into claims.

Sentences are compared in the story's sentence space (`newsweave.space`: TF-IDF of entity tokens
and word stems); outlets that carry the same wire copy are grouped into one origin
(`wire_origins`) so that a copied story does not corroborate itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from ..models import Sentence
from ..options import COPY_SHARE, COPY_SIMILARITY, SAME_FACT_SIMILARITY
from ..space import SentenceSpace, support_counts, supporting_articles

COPY_MIN_SENTENCES = 3
"""Two articles are one origin only when at least this many sentences (or all of the shorter one's) are copies."""


@dataclass(slots=True)
class Claim:
    """One fact, the sentences not already in an earlier claim that state it (the first leads), and every source stating it."""

    sentences: list[Sentence]
    sources: list[int]
    status: str = "single-source"
    origins: list[list[int]] = field(default_factory=list)


def wire_origins(
    space: SentenceSpace,
    article_count: int,
    *,
    copy_similarity: float = COPY_SIMILARITY,
    copy_share: float = COPY_SHARE,
) -> list[int]:
    """The origin of each article: articles sharing most of their sentences verbatim (wire copies) share one.

    Sentences are copies from `copy_similarity` on; two articles are one origin when `copy_share` of
    the shorter one's sentences are copies in the other.
    """
    if article_count < 2 or not space.sentences:
        return list(range(article_count))
    article_of = np.array([s.article for s in space.sentences])
    copies = space.similarity.multiply(space.similarity >= copy_similarity).tocoo()
    linked = np.zeros((article_count, article_count), dtype=np.int64)
    for article in range(article_count):
        rows = copies.row[article_of[copies.row] == article]
        cols = copies.col[article_of[copies.row] == article]
        for other in range(article_count):
            if other != article:
                linked[article, other] = len(set(rows[article_of[cols] == other].tolist()))
    sizes = np.bincount(article_of, minlength=article_count)
    same = np.zeros_like(linked, dtype=bool)
    for a in range(article_count):
        for b in range(article_count):
            shorter = max(1, min(sizes[a], sizes[b]))
            shared = min(linked[a, b], linked[b, a])
            same[a, b] = a != b and shared >= min(COPY_MIN_SENTENCES, shorter) and shared / shorter >= copy_share
    _, labels = connected_components(sparse.csr_matrix(same), directed=False)
    return labels.tolist()


def group_claims(
    space: SentenceSpace,
    order: Sequence[int],
    *,
    origins: Sequence[int] | None = None,
    same_fact_similarity: float = SAME_FACT_SIMILARITY,
) -> list[Claim]:
    """Group usable sentences into claims, visiting them in `order` (best first); each sentence joins one claim.

    A sentence printed twice (a report repeating a line, two copies of one text) is one claim, listed once.
    """
    taken: set[int] = set()
    claims: list[Claim] = []
    same_text: dict[str, list[int]] = {}
    for row, sentence in enumerate(space.sentences):
        same_text.setdefault(" ".join(sentence.text.split()), []).append(row)
    for index in order:
        if index in taken or space.sentences[index].broken:
            continue
        support = supporting_articles(space, index, threshold=same_fact_similarity)
        repeats = same_text[" ".join(space.sentences[index].text.split())]
        members = list(dict.fromkeys(
            other for other in [index, *support.values(), *repeats] if other == index or other not in taken
        ))
        taken.update(members)
        sources = sorted({space.sentences[index].article, *support, *(space.sentences[i].article for i in repeats)})
        groups = origin_groups(sources, origins)
        status = "corroborated" if len(groups) > 1 else "single-source"
        claims.append(Claim([space.sentences[i] for i in members], sources, status, groups))
    return claims


def origin_groups(sources: Iterable[int], origins: Sequence[int] | None) -> list[list[int]]:
    """Split sources into independent origins (articles that copy one wire story form one group)."""
    groups: dict[int, list[int]] = {}
    for source in sorted(sources):
        groups.setdefault(origins[source] if origins is not None else source, []).append(source)
    return list(groups.values())


def claim_order(
    space: SentenceSpace, *, first: Sequence[int] = (), same_fact_similarity: float = SAME_FACT_SIMILARITY
) -> list[int]:
    """Visit `first` (the summary's sentences), then sentences with the most supporting sources, then story order."""
    support = support_counts(space, threshold=same_fact_similarity)
    leading = set(first)
    rest = sorted(
        (i for i in range(len(space.sentences)) if i not in leading),
        key=lambda i: (-support[i], space.sentences[i].position, space.sentences[i].article),
    )
    return [*first, *rest]
