"""Entities: NER over a story's sentences and one canonical name per referent across sources."""

from __future__ import annotations

import pytest

from newsweave.analyze import split_sentences
from newsweave.entities import analyze_entities, name_key, same_token
from newsweave.models import Article


def _entity_with(brief, variant: str) -> dict:
    found = [e for e in brief.entities if variant in e["variants"]]
    assert len(found) == 1, f"{variant!r} is in {len(found)} entities"
    return found[0]


def test_tikhanovskaya_transliterations_are_one_entity(seed_brief):
    entity = _entity_with(seed_brief, "Svetlana Tikhanovskaya")
    assert {"Sviatlana Tsikhanouskaya", "Svyatlana Tsikhanouskaya", "Ms Tikhanovskaya"} <= set(entity["variants"])
    assert entity["type"] == "PERSON"
    assert entity["sources"] == [1, 2, 3]


def test_lukashenko_spellings_and_typo_are_one_entity(seed_brief):
    entity = _entity_with(seed_brief, "Alexander Lukashenko")
    assert {"Alyaksandr Lukashenka", "Lukashenk0o", "Mr Lukashenko"} <= set(entity["variants"])
    assert entity["name"] == "Alexander Lukashenko"


def test_macron_is_a_person_named_by_all_three_sources(seed_brief):
    entity = _entity_with(seed_brief, "Mr Macron")
    assert entity["type"] == "PERSON"
    assert entity["sources"] == [1, 2, 3]


def test_acronym_joins_the_full_name(seed_brief):
    assert "EU" in _entity_with(seed_brief, "European Union")["variants"]


def test_titles_and_possessives_are_not_part_of_a_name():
    assert name_key("Mr Macron's") == ("macron",)
    assert name_key("President Vladimir Putin") == ("vladimir", "putin")
    assert name_key("the European Union") == ("european", "union")


@pytest.mark.parametrize("a, b", [
    ("alexander", "alyaksandr"), ("svetlana", "sviatlana"), ("svetlana", "svyatlana"),
    ("tikhanovskaya", "tsikhanouskaya"), ("lukashenko", "lukashenka"), ("lukashenko", "lukashenk0o"),
])
def test_transliterations_and_typos_are_the_same_token(a, b):
    assert same_token(a, b)


@pytest.mark.parametrize("a, b", [("maria", "mario"), ("boris", "andrew"), ("john", "joan"), ("belarus", "belarusian")])
def test_different_names_are_not_the_same_token(a, b):
    assert not same_token(a, b)


def test_people_sharing_a_surname_stay_apart():
    articles = [
        Article(id="a", source="A", text=(
            "British Prime Minister Boris Johnson met business leaders in London on Monday. "
            "Johnson said the talks had been useful and promised more meetings.")),
        Article(id="b", source="B", text=(
            "Historians compared the crisis with the impeachment of President Andrew Johnson in 1868. "
            "Boris Johnson dismissed the comparison in an interview with the BBC.")),
    ]
    articles, index = analyze_entities(split_sentences(articles))
    people = {e.name: e for e in index.entities if e.label == "PERSON"}
    assert "Boris Johnson" in people and "Andrew Johnson" in people
    assert people["Boris Johnson"].articles == [0, 1]
    assert people["Andrew Johnson"].articles == [1]
    surname_only = articles[0].sentences[1]
    mention = next(m for m in surname_only.mentions if m.text == "Johnson")
    assert index.entity_of(surname_only, mention).name == "Boris Johnson"


def test_a_typo_ner_does_not_tag_joins_the_known_name():
    articles = [
        Article(id="a", source="A", text="Alexander Lukashenko has ruled Belarus since 1994, the opposition said."),
        Article(id="b", source="B", text="In the past Lukashenkoo had claimed that the protests were funded from abroad."),
    ]
    articles, index = analyze_entities(split_sentences(articles))
    lukashenko = next(e for e in index.entities if e.name == "Alexander Lukashenko")
    assert "Lukashenkoo" in lukashenko.variants
    assert lukashenko.articles == [0, 1]


def test_entity_analysis_returns_mentions_and_leaves_its_input_alone():
    split = split_sentences([
        Article(id="a", source="A", text="Alexander Lukashenko has ruled Belarus since 1994, the opposition said."),
        Article(id="b", source="B", text="In the past Lukashenkoo had claimed that the protests were funded from abroad."),
    ])
    analyzed, _ = analyze_entities(split)
    assert all(s.mentions == () for a in split for s in a.sentences)
    assert [m.text for m in analyzed[0].sentences[0].mentions][:2] == ["Alexander Lukashenko", "Belarus"]
    assert "Lukashenkoo" in [m.text for m in analyzed[1].sentences[0].mentions]
