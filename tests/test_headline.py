"""Titles a reader would give a story, and names restored where a stripped link left only a title (issue 9, points 5 and 6)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from corpus_files import write_jsonl
from servers import running_service

from newsweave import make_brief
from newsweave.cli import main
from newsweave.entities import analyze_entities
from newsweave.headline import (
    clean_headline,
    is_title_candidate,
    name_insertions,
    nameless_roles,
    representative_headline,
    role_holder,
    story_title,
)
from newsweave.models import Insertion
from newsweave.pipeline import articles_from_documents, prepare_articles
from newsweave.render import render_markdown
from newsweave.sources import read_reports

MARIA = Path(__file__).resolve().parent / "fixtures" / "real-cluster-maria.jsonl"
"""One real story (Hurricane Maria's death toll revised, 6 outlets, 4 with headlines) from the dev set."""


@pytest.fixture(scope="module")
def maria() -> dict:
    return json.loads(MARIA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_story(seeds_dir):
    """The seeds' analyzed sentences (with their mentions) by their opening words, and their entity index."""
    articles, entities = analyze_entities(prepare_articles(read_reports([str(seeds_dir)])))
    return {s.text: s for a in articles for s in a.sentences}, entities


def _insertions(seed_story, words: str) -> list[dict]:
    sentences, entities = seed_story
    [sentence] = [s for text, s in sentences.items() if words in text]
    return name_insertions(sentence, entities)


def test_title_is_the_headline_closest_to_the_story_not_the_first_one(maria):
    documents = [dict(d) for d in maria["documents"]]
    documents[0]["title"] = "Sri Lanka revises death toll of Easter bombings from 359 to 253"  # another story's headline
    title = representative_headline(articles_from_documents(documents))
    assert title in {d["title"] for d in maria["documents"]} and "Sri Lanka" not in title


def test_captions_bylines_update_stamps_and_pronoun_openings_are_never_titles():
    for furniture in (
        "FILE - In this Sept. 20, 2017 file photo, a man walks past a flooded street",
        "Photo: Reuters / a rescue team at work",
        "By Jane Smith, Associated Press",
        "Updated | April 22, 2019 08:14 IST",
        "He was identified from fingerprints.",
        "Friends and relatives carry the casket of a victim for last rites. (Photo: PTI)",
    ):
        assert not is_title_candidate(furniture), furniture
    assert is_title_candidate("Puerto Rico cites storm death toll of 1,427 in damage report")


def test_site_name_and_live_label_are_cut_from_a_headline():
    assert clean_headline("Ukraine election: Volodymyr Zelenskiy wins landslide victory | News | DW | 21.04.2019") == (
        "Ukraine election: Volodymyr Zelenskiy wins landslide victory")
    assert clean_headline("LIVE: Erdogan says Turkey has evidence Khashoggi murder was premeditated").startswith("Erdogan says")


def test_untitled_seeds_are_titled_by_a_summary_sentence_with_the_restored_name(seed_brief):
    assert seed_brief.title == ("French President [Macron] during his latest trip to Lithuania met with "
                                "Belarus’ opposition leader Sviatlana Tsikhanouskaya.")


def test_without_names_the_title_passes_over_a_sentence_whose_subject_lost_its_name(seeds_dir):
    brief = make_brief(read_reports([str(seeds_dir)]), full_analysis=False)
    assert not brief.title.startswith("French President")
    assert brief.title in [s.text for s in brief.summary]


def test_a_summary_sentence_keeps_its_source_text_and_carries_the_insertion_apart(seed_brief):
    [item] = [s for s in seed_brief.summary if s.text.startswith("French President during")]
    assert item.insertions == [Insertion(at=len("French President"), text="Macron")]
    assert "French President [Macron] during his latest trip" in render_markdown(seed_brief)


def test_a_nationality_title_is_named_by_the_person_an_outlet_gave_it_to(seed_story):
    # one outlet wrote "Russian President Vladimir Putin", another only "Russian President said..."
    [insertion] = _insertions(seed_story, "Russian President said")
    assert insertion.text == "Vladimir Putin"
    sentences, _ = seed_story
    [text] = [t for t in sentences if "Russian President said" in t]
    assert text[: insertion.at].endswith("Russian President")


def test_a_title_two_people_hold_names_nobody(seed_story):
    # the seeds write both "President Macron" and "President Putin"
    _, entities = seed_story
    assert role_holder(entities, "President") is None
    assert role_holder(entities, "French President").name == "Macron"  # Mr Putin is also "Russian President"


def test_a_title_with_its_determiner_or_its_name_is_left_alone(seed_story):
    assert _insertions(seed_story, "The French President has also called") == []
    assert _insertions(seed_story, "Meanwhile, Russian President Vladimir Putin") == []


def test_a_title_inside_a_name_or_before_of_is_not_a_lost_name():
    from newsweave.models import Mention

    text = "Martin Luther King hasn't got his job done yet, he told reporters."
    assert nameless_roles(text, [Mention("Martin Luther King", "PERSON", 0, 18)]) == []
    assert nameless_roles("Mayor of London Sadiq Khan led the short ceremony.") == []
    assert nameless_roles("He met Sviatlana Tsikhanouskaya. The French President has also called for talks.") == []
    assert nameless_roles("French President during his latest trip met her.", [Mention("French", "NORP", 0, 6)]) == [
        ("French President", 16)]


def test_summary_only_briefs_insert_nothing(seeds_dir):
    brief = make_brief(read_reports([str(seeds_dir)]), full_analysis=False)
    assert all(item.insertions == [] for item in brief.summary)


def test_a_story_with_headlines_is_titled_alike_with_or_without_its_summary(maria):
    articles = articles_from_documents(maria["documents"])
    assert story_title(articles) == make_brief(articles_from_documents(maria["documents"]), full_analysis=False).title


def test_title_is_the_same_in_the_cli_the_store_and_the_service(maria, tmp_path, capsys):
    cli_out = tmp_path / "cli.jsonl"
    assert main(["brief", "--batch", str(MARIA), "--out", str(cli_out), "--quiet", "--jobs", "1"]) == 0
    cli_title = json.loads(cli_out.read_text())["title"]
    db, stream = tmp_path / "news.db", tmp_path / "maria.jsonl"
    write_jsonl(stream, [{"id": f"maria-{n}", **d} for n, d in enumerate(maria["documents"])])
    assert main(["ingest", str(stream), "--db", str(db), "--quiet"]) == 0
    assert main(["stories", "--db", str(db), "--format", "json"]) == 0
    [story] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    stored_out = tmp_path / "stored.json"
    assert main(["brief", "--db", str(db), "--story", story["id"], "--format", "json", "--out", str(stored_out)]) == 0
    with running_service(db) as base:
        served = httpx.get(f"{base}/api/stories/{story['id']}", timeout=120).json()
    assert cli_title == story["title"] == json.loads(stored_out.read_text())["title"] == served["title"]
    assert cli_title in {d["title"] for d in maria["documents"]}
