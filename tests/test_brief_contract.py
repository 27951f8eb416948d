"""The Brief's items are typed classes turned into the JSON contract in one place; a renamed field fails loudly."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from newsweave.models import (
    Brief,
    BriefSource,
    ClaimItem,
    Disagreement,
    EntityItem,
    Evidence,
    FigureValue,
    Insertion,
    QuoteItem,
    SummaryItem,
    TimelineEntry,
)
from newsweave.render import render_markdown
from newsweave.service._schemas import Brief as BriefSchema
from newsweave.webpage import brief_page

ITEM_CLASSES = {
    "sources": BriefSource, "summary": SummaryItem, "entities": EntityItem, "claims": ClaimItem,
    "disagreements": Disagreement, "quotes": QuoteItem, "timeline": TimelineEntry,
}


def _names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def test_brief_json_items_carry_exactly_the_fields_of_their_classes(seed_brief) -> None:
    data = seed_brief.to_dict()
    assert list(data) == ["id", "title", *ITEM_CLASSES, "notes"]
    assert all(data[key] for key in ("sources", "summary", "entities", "claims", "quotes", "timeline"))
    for key, cls in ITEM_CLASSES.items():
        for item in data[key]:
            expected = [n for n in _names(cls) if n in item] if cls is ClaimItem else _names(cls)
            assert list(item) == expected, key
    assert all(list(e) == _names(Evidence) for s in data["summary"] for e in s["evidence"])


def test_disagreement_json_carries_the_fields_of_its_classes() -> None:
    value = FigureValue(value="253", source=2, sentence="The toll is 253.", published=None)
    brief = Brief(id="x", title="t", sources=[], summary=[], disagreements=[Disagreement("toll", None, [value])])
    [disagreement] = brief.to_dict()["disagreements"]
    assert list(disagreement) == _names(Disagreement)
    assert disagreement["values"] == [{"value": "253", "source": 2, "sentence": "The toll is 253.", "published": None}]


def test_claim_json_names_disagreements_only_when_it_holds_one() -> None:
    brief_claims = [ClaimItem(text="a", sources=[1], status="single-source", origins=[[1]]),
                    ClaimItem(text="b", sources=[1, 2], status="disputed", origins=[[1], [2]], disagreements=[0])]
    data = Brief(id="x", title="t", sources=[], summary=[], claims=brief_claims).to_dict()
    assert "disagreements" not in data["claims"][0]
    assert data["claims"][1]["disagreements"] == [0]


def test_service_schema_describes_every_field_of_the_brief_items() -> None:
    schema = BriefSchema.model_json_schema()
    definitions = schema["$defs"]
    assert set(schema["properties"]) == {"id", "title", *ITEM_CLASSES, "notes"}
    for cls in [*ITEM_CLASSES.values(), Evidence, Insertion, FigureValue]:
        assert list(definitions[cls.__name__]["properties"]) == _names(cls), cls.__name__


@pytest.mark.parametrize("key", list(ITEM_CLASSES))
def test_page_of_a_brief_missing_a_section_fails_loudly(seed_brief, key: str) -> None:
    data: dict[str, Any] = seed_brief.to_dict()
    del data[key]
    with pytest.raises(KeyError):
        brief_page(data)


@pytest.mark.parametrize(("section", "field"), [
    ("summary", "citations"), ("claims", "status"), ("quotes", "speaker"), ("timeline", "date"),
    ("entities", "variants"), ("sources", "name"),
])
def test_page_item_missing_a_contract_field_fails_loudly(seed_brief, section: str, field: str) -> None:
    data: dict[str, Any] = seed_brief.to_dict()
    del data[section][0][field]
    with pytest.raises(KeyError):
        brief_page(data)


def test_markdown_reads_the_typed_items(seed_brief) -> None:
    text = render_markdown(seed_brief)
    assert seed_brief.summary[0].text in text
    assert all(f"{s.id}. {s.name}" in text for s in seed_brief.sources)
