"""The align stage: what the sources share, where they differ, who said what, and when."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict

from ..models import Article, ClaimItem, Disagreement, EntityItem, QuoteItem, Sentence, TimelineEntry
from ..options import DEFAULT_OPTIONS, Options
from ..space import SentenceSpace
from .claims import Claim, claim_order, group_claims, wire_origins
from .disagreements import find_disagreements
from .quotes import find_quotes
from .timeline import build_timeline

if TYPE_CHECKING:
    from ..entities import EntityIndex

__all__ = ["Analysis", "Claim", "cross_source_analysis", "group_claims"]


class Analysis(TypedDict):
    """The cross-source fields of a Brief, by field name."""

    entities: list[EntityItem]
    claims: list[ClaimItem]
    disagreements: list[Disagreement]
    quotes: list[QuoteItem]
    timeline: list[TimelineEntry]


def cross_source_analysis(
    articles: Sequence[Article],
    space: SentenceSpace,
    entities: EntityIndex,
    *,
    summary: Sequence[Sentence] = (),
    options: Options = DEFAULT_OPTIONS,
) -> Analysis:
    """The Brief's entities, claims, disagreements, quotes and timeline, by Brief field name.

    `space` is the entity-canonical sentence space (`entity_texts`: one token per entity) the summary
    was chosen and cited in; claims are aligned in it, visiting the summary's sentences first so
    that each leads its own claim and cites the same sources as its summary item.
    """
    same_fact = options.same_fact_similarity
    origins = wire_origins(space, len(articles), copy_similarity=options.copy_similarity, copy_share=options.copy_share)
    leading = [row for s in summary if (row := space.row_of(s)) is not None]
    order = claim_order(space, first=leading, same_fact_similarity=same_fact)
    claims = group_claims(space, order, origins=origins, same_fact_similarity=same_fact)
    disagreements = find_disagreements(articles, space, entities, claims, origins)
    return Analysis(
        entities=entities.to_brief(),
        claims=_claim_items(claims, disagreements),
        disagreements=disagreements,
        quotes=find_quotes(articles, entities),
        timeline=build_timeline(articles, space, same_event_similarity=options.same_event_similarity),
    )


def _claim_items(claims: Sequence[Claim], disagreements: Sequence[Disagreement]) -> list[ClaimItem]:
    """Claims as Brief items; a claim holding a figure that sources give differently is `disputed`.

    A claim holding a figure that changed as reports came in (an `evolving` disagreement) is no dispute: it keeps
    its status, and like a disputed claim it names the disagreements it holds in `disagreements`.
    """
    linked_by: dict[tuple[int, str], list[int]] = {}
    for number, disagreement in enumerate(disagreements):
        for value in disagreement.values:
            linked_by.setdefault((value.source, value.sentence), []).append(number)
    items = []
    for claim in claims:
        links = sorted({n for s in claim.sentences for n in linked_by.get((s.article + 1, s.text), [])})
        disputed = any(not disagreements[n].evolving for n in links)
        items.append(ClaimItem(
            text=claim.sentences[0].text,
            sources=[i + 1 for i in claim.sources],
            status="disputed" if disputed else claim.status,
            origins=[[i + 1 for i in group] for group in claim.origins],
            disagreements=links,
        ))
    return items
