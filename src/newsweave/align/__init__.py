"""The align stage: what the sources share, where they differ, who said what, and when."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Article, Brief
from .claims import Claim, SentenceSpace, group_claims, sentence_space, supporting_articles

__all__ = ["Claim", "SentenceSpace", "fill_analysis", "group_claims", "sentence_space", "supporting_articles"]


def fill_analysis(brief: Brief, articles: Sequence[Article], space: SentenceSpace) -> None:
    """Fill the Brief's claims (and, as they are built, its other cross-source fields)."""
    claims = group_claims(space, _claim_order(space))
    brief.claims = [
        {"text": c.sentences[0].text, "sources": [i + 1 for i in c.sources], "status": c.status} for c in claims
    ]


def _claim_order(space: SentenceSpace) -> list[int]:
    """Visit sentences with the most supporting sources first, then in story order."""
    support = [len(supporting_articles(space, i)) for i in range(len(space.sentences))]
    return sorted(range(len(space.sentences)), key=lambda i: (-support[i], space.sentences[i].position, space.sentences[i].article))
