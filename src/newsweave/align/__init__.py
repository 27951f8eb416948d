"""The align stage: what the sources share, where they differ, who said what, and when."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..models import Article, Brief, Sentence
from .claims import (
    Claim,
    SentenceSpace,
    claim_order,
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
    """Fill the Brief's entities, claims, disagreements, quotes and timeline.

    `space` is the entity-canonical sentence space (`entity_texts`: one token per entity) the summary
    was chosen and cited in; claims are aligned in it, visiting the summary's sentences first so
    that each leads its own claim and cites the same sources as its summary item.
    """
    origins = wire_origins(space, len(articles))
    row_of = {id(s): i for i, s in enumerate(space.sentences)}
    leading = [row_of[id(s)] for s in summary if id(s) in row_of]
    claims = group_claims(space, claim_order(space, first=leading), origins=origins)
    disagreements = find_disagreements(articles, space, entities, claims, origins)
    brief.entities = entities.to_brief()
    brief.claims = _claim_dicts(claims, disagreements)
    brief.disagreements = disagreements
    brief.quotes = find_quotes(articles, entities)
    brief.timeline = build_timeline(articles, space)


def _claim_dicts(claims: Sequence[Claim], disagreements: Sequence[dict]) -> list[dict]:
    """Claims as contract dicts; a claim holding a figure that sources give differently is `disputed`.

    A claim holding a figure that changed as reports came in (an `evolving` disagreement) is no dispute: it keeps
    its status, and like a disputed claim it names the disagreements it holds in `disagreements`.
    """
    linked_by: dict[tuple[int, str], list[int]] = {}
    for number, disagreement in enumerate(disagreements):
        for value in disagreement["values"]:
            linked_by.setdefault((value["source"], value["sentence"]), []).append(number)
    dicts = []
    for claim in claims:
        links = sorted({n for s in claim.sentences for n in linked_by.get((s.article + 1, s.text), [])})
        disputed = any(not disagreements[n].get("evolving") for n in links)
        entry = {
            "text": claim.sentences[0].text,
            "sources": [i + 1 for i in claim.sources],
            "status": "disputed" if disputed else claim.status,
            "origins": [[i + 1 for i in group] for group in claim.origins],
        }
        if links:
            entry["disagreements"] = links
        dicts.append(entry)
    return dicts
