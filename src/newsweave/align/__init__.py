"""The align stage: what the sources share, where they differ, who said what, and when."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..models import Article, Brief, Sentence
from .claims import (
    Claim,
    SentenceSpace,
    claim_order,
    entity_texts,
    group_claims,
    sentence_space,
    supporting_articles,
    wire_origins,
)
from .disagreements import find_disagreements
from .quotes import find_quotes
from .timeline import build_timeline

if TYPE_CHECKING:
    from ..entities import EntityIndex

__all__ = ["Claim", "SentenceSpace", "fill_analysis", "group_claims", "sentence_space", "supporting_articles"]


def fill_analysis(
    brief: Brief,
    articles: Sequence[Article],
    space: SentenceSpace,
    entities: EntityIndex,
    *,
    summary: Sequence[Sentence] = (),
) -> None:
    """Fill the Brief's entities, claims, disagreements, quotes and timeline; cite the summary as its claims do.

    Claims are aligned in a space where each entity is one token, visiting the summary's sentences
    first so that each leads its own claim; a summary sentence then cites exactly its claim's sources.
    """
    canonical = sentence_space(articles, texts=entity_texts(articles, entities))
    origins = wire_origins(space, len(articles))
    row_of = {id(s): i for i, s in enumerate(canonical.sentences)}
    leading = [row_of[id(s)] for s in summary if id(s) in row_of]
    claims = group_claims(canonical, claim_order(canonical, first=leading), origins=origins)
    disagreements = find_disagreements(articles, canonical, entities, claims, origins)
    brief.entities = entities.to_brief()
    brief.claims = _claim_dicts(claims, disagreements)
    brief.disagreements = disagreements
    brief.quotes = find_quotes(articles, entities)
    brief.timeline = build_timeline(articles, canonical)
    _cite_summary(brief, canonical, summary)


def _claim_dicts(claims: Sequence[Claim], disagreements: Sequence[dict]) -> list[dict]:
    """Claims as contract dicts; a claim holding a disputed figure is `disputed` and names its disagreements."""
    disputed_by: dict[tuple[int, str], list[int]] = {}
    for number, disagreement in enumerate(disagreements):
        for value in disagreement["values"]:
            disputed_by.setdefault((value["source"], value["sentence"]), []).append(number)
    dicts = []
    for claim in claims:
        links = sorted({n for s in claim.sentences for n in disputed_by.get((s.article + 1, s.text), [])})
        entry = {
            "text": claim.sentences[0].text,
            "sources": [i + 1 for i in claim.sources],
            "status": "disputed" if links else claim.status,
            "origins": [[i + 1 for i in group] for group in claim.origins],
        }
        if links:
            entry["disagreements"] = links
        dicts.append(entry)
    return dicts


def _cite_summary(brief: Brief, space: SentenceSpace, summary: Sequence[Sentence]) -> None:
    """Cite and evidence each summary sentence with the sources that support it in the claims' space."""
    row_of = {id(s): i for i, s in enumerate(space.sentences)}
    for entry, sentence in zip(brief.summary, summary):
        row = row_of.get(id(sentence))
        if row is None or entry["text"] != sentence.text:
            continue
        sentence_of = {sentence.article: sentence}
        sentence_of.update({a: space.sentences[j] for a, j in supporting_articles(space, row).items()})
        entry["citations"] = [a + 1 for a in sorted(sentence_of)]
        if "evidence" in entry:
            entry["evidence"] = [{"source": a + 1, "sentence": sentence_of[a].text} for a in sorted(sentence_of)]
