"""Align: claims, disagreements, quotes and timeline of a story, on the seeds and small real-style reports."""

from __future__ import annotations

from datetime import date

import pytest

from newsweave import make_brief
from newsweave.models import Article, Sentence
from newsweave.sources import read_reports


@pytest.fixture(scope="session")
def seed_texts(seeds_dir) -> list[str]:
    """The raw text of each seed report, in source order."""
    return [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.iterdir())]


def _quote(brief, words: str) -> dict:
    found = [q for q in brief.quotes if words in q.text]
    assert len(found) == 1, f"{words!r} is in {len(found)} quotes"
    return found[0]


def test_macron_quote_is_merged_across_two_sources(seed_brief):
    quote = _quote(seed_brief, "We will do our best as Europeans to help mediate")
    assert quote.speaker == _name_of(seed_brief, "Mr Macron")
    assert quote.sources == [1, 2]


def test_quote_of_an_unnamed_russian_president_is_attributed_to_putin(seed_brief):
    quote = _quote(seed_brief, "unprecedented external pressure")
    assert quote.speaker == "Vladimir Putin"
    assert 2 in quote.sources


def test_pronoun_speaker_is_the_person_named_before(seed_brief):
    assert _quote(seed_brief, "We don't accept the results of this rigged election").speaker == "Dominic Raab"


def test_every_quote_is_verbatim_in_each_source_it_cites(seed_brief, seed_texts):
    for quote in seed_brief.quotes:
        for source in quote.sources:
            assert quote.text in " ".join(seed_texts[source - 1].split()), quote


def test_timeline_has_the_election_the_inauguration_and_the_meeting(seed_brief):
    days = {t.date for t in seed_brief.timeline if t.precision == "day"}
    assert {"2020-08-09", "2020-09-23", "2020-09-29"} <= days
    election = next(t for t in seed_brief.timeline if t.date == "2020-08-09")
    assert election.sources == [1, 2, 3]


def test_weekday_of_an_undated_report_is_left_out_not_borrowed_from_the_other_reports(seed_brief):
    # Source 1 has no publication date: its "on Tuesday" cannot be known from source 3's 30 September.
    assert not [t for t in seed_brief.timeline if 1 in t.sources and "Tuesday" in t.text]


def test_background_dates_of_the_seeds_are_not_events_and_entries_are_sorted(seed_brief):
    texts = [t.text for t in seed_brief.timeline]
    assert not [t for t in texts if "since 1994" in t or "three years ago" in t]
    this_week = next(t for t in seed_brief.timeline if "this week" in t.text)
    assert (this_week.date, this_week.precision, this_week.sources) == ("2020-W40", "week", [3])
    days = [t.date for t in seed_brief.timeline if t.precision == "day"]
    assert days == sorted(days)


def test_one_sentence_naming_two_dates_is_one_entry_at_the_date_of_its_main_clause():
    brief = make_brief(_reports(
        "Monday’s devastating fire was likely sparked accidentally, prosecutors said Tuesday.",
        published=date(2019, 4, 16),
    ) + _reports(
        "Colombo (IBNS): The death toll in the eight blasts which rocked Sri Lanka on Sunday has touched 290, "
        "media reports said on Monday.",
        published=date(2019, 4, 22),
    ))
    assert [(t.date, t.sources) for t in brief.timeline] == [("2019-04-16", [1]), ("2019-04-22", [2])]


def test_weekday_in_a_report_published_that_weekday_is_the_same_day():
    brief = make_brief(_reports(
        "An Ethiopian Airlines flight crashed shortly after takeoff from Ethiopia's capital Sunday morning, "
        "killing all 157 on board, authorities said.",
        published=date(2019, 3, 10),
    ), min_sources=1)
    assert [t.date for t in brief.timeline] == ["2019-03-10"]


def test_undated_reports_weekday_is_left_out_though_other_reports_are_dated():
    dated = Article(id="a", source="A", published=date(2018, 8, 9), text=(
        "Puerto Rico’s government first released the 1,427 number in June, in the face of three lawsuits "
        "demanding more data on the death toll."))
    undated = Article(id="b", source="B", text=(
        "Puerto Rico’s government raised its official Hurricane Maria death toll to 2,975 on Tuesday "
        "in the wake of a new estimate from researchers."))
    brief = make_brief([dated, undated])
    assert [(t.date, t.sources) for t in brief.timeline] == [("2018-06", [1])]


def test_undated_sentence_is_not_dated_by_an_event_it_names_in_passing():
    # "said Wednesday" is this sentence's event; its date is unknown, so "the Sept. 11 terror attacks" must not date it.
    brief = make_brief([
        Article(id="a", source="A", text=(
            "Some family members of victims killed in the Sept. 11 terror attacks said Wednesday that they are "
            "outraged by the Transportation Security Administration's decision.")),
        Article(id="b", source="B", text="Airline workers decried the change to the rules on knives."),
    ])
    assert brief.timeline == []


def test_undated_report_places_a_date_without_year_against_the_storys_dated_reports():
    dated = Article(id="a", source="A", published=date(2015, 3, 26), text=(
        "The co-pilot locked the pilot out of the cockpit, a French prosecutor said at a news conference Thursday."))
    undated = Article(id="b", source="B", text=(
        "The aircraft with 150 people on board crashed March 24 during a flight from Barcelona to Duesseldorf, Germany."))
    brief = make_brief([dated, undated])
    assert [(t.date, t.sources) for t in brief.timeline] == [("2015-03-24", [2]), ("2015-03-26", [1])]


def test_date_without_year_in_a_story_with_no_date_to_place_it_is_left_out():
    brief = make_brief([
        Article(id="a", source="A", text=(
            "The aircraft with 150 people on board crashed March 24 during a flight from Barcelona to Duesseldorf.")),
        Article(id="b", source="B", text="The German government said Thursday 75 Germans were on board."),
    ])
    assert brief.timeline == []


def test_undated_story_places_a_date_without_year_nearest_the_full_date_its_report_names():
    # The report was written on or after the latest date it names, so a later yearless date is not pushed back a year.
    brief = make_brief([
        Article(id="a", source="A", text=(
            "The April 25th, 2015 mega earthquake in Nepal has affected every one of the villages where we have "
            "children’s libraries. Mike Auldridge, a professional builder, is headed over to Nepal for us on May 15th.")),
        Article(id="b", source="B", text="The earthquake destroyed thousands of homes across the country."),
    ])
    assert [t.date for t in brief.timeline] == ["2015-04-25", "2015-05-15"]


def test_past_date_without_year_falls_before_the_report_and_a_future_one_after():
    brief = make_brief(_reports(
        "Hurricane Maria cut through the island on Sept. 20, knocking out power and initially killing about a dozen people.",
        published=date(2018, 8, 9),
    ) + _reports(
        "The Turkish president has said details of the journalist’s killing “will be revealed in all its nakedness” "
        "in parliament on Tuesday.",
        published=date(2018, 10, 22),
    ))
    assert [t.date for t in brief.timeline] == ["2017-09-20", "2018-10-23"]


def test_profile_and_background_clauses_give_no_entry():
    brief = make_brief(_reports(
        "Lukashenko has ruled Belarus since 1994.",
        "The president is still the man who came to power so unexpectedly three years ago.",
        "Abaaoud, who was 27 or 28 years old, had been linked to an April attack on a church in Villejuif, "
        "in which one person was killed, and to an August attack on a high-speed train.",
        "The senior pilot had been flying the same plane since November 2007.",
        "Each actress earned $13 million between May 2010 and May 2011.",
        published=date(2020, 9, 30),
    ))
    assert brief.timeline == []


def test_dateline_and_a_name_spelt_like_a_month_are_not_dates():
    brief = make_brief([
        Article(id="a", source="A", text=(
            "April 25 (UPI) -- Authorities lowered the death toll from the suicide bombings in Sri Lanka "
            "by more than 100 people on Thursday.")),
        Article(id="b", source="B", published=date(2018, 3, 17), text=(
            "May has confirmed no ministers or members of the royal family will attend the World Cup in Russia.")),
    ])
    assert brief.timeline == []


def test_seeds_have_corroborated_and_single_source_claims(seed_brief):
    statuses = {c.status for c in seed_brief.claims}
    assert {"corroborated", "single-source"} <= statuses
    mediate = next(c for c in seed_brief.claims if "help mediate" in c.text)
    assert mediate.status == "corroborated" and mediate.sources == [1, 2]


def test_summary_cites_what_its_claim_says(seed_brief):
    claim_sources = {c.text: c.sources for c in seed_brief.claims}
    for entry in seed_brief.summary:
        assert entry.citations == claim_sources[entry.text]


def test_350_on_one_day_and_500_over_the_weekend_are_not_a_disagreement(seed_brief):
    assert not [d for d in seed_brief.disagreements if any("350" in v.value or "500" in v.value for v in d.values)]


def _name_of(brief, variant: str) -> str:
    return next(e.name for e in brief.entities if variant in e.variants)


def _reports(*texts: str, published: date | None = date(2023, 2, 7)) -> list[Article]:
    return [Article(id=f"r{n}", source=f"Outlet {n}", text=text, published=published) for n, text in enumerate(texts, 1)]


def test_different_death_tolls_of_one_quake_are_a_disagreement():
    brief = make_brief(_reports(
        "A powerful earthquake struck southern Turkey and northern Syria on Monday. "
        "The earthquake killed at least 2,300 people in both countries, officials said on Monday. "
        "Rescue teams searched through the rubble of collapsed buildings in freezing weather.",
        "Rescuers worked through the night after a magnitude 7.8 earthquake hit Turkey and Syria on Monday. "
        "The earthquake killed more than 4,000 people in both countries, officials said on Monday. "
        "Thousands of buildings collapsed in cities across the region.",
    ))
    assert len(brief.disagreements) == 1
    values = brief.disagreements[0].values
    assert [(v.value, v.source) for v in values] == [("at least 2,300", 1), ("more than 4,000", 2)]
    assert all(v.value in v.sentence for v in values)
    disputed = [c for c in brief.claims if c.status == "disputed"]
    assert disputed and all(c.disagreements == [0] for c in disputed)


def test_figures_of_different_days_are_not_a_disagreement():
    brief = make_brief(_reports(
        "Police broke up protests in the capital again. "
        "The Interior Ministry said more than 350 people were detained during nationwide protests on September 27. "
        "Opposition leaders called for more rallies.",
        "Rights groups condemned the crackdown on the protests. "
        "About 500 people were detained during nationwide protests over the weekend, rights groups said. "
        "The opposition called for more rallies next week.",
        published=date(2020, 9, 30),
    ))
    assert brief.disagreements == []


def test_a_wire_copy_counts_once_as_an_origin(seeds_dir):
    original, other = read_reports([str(seeds_dir)])[2], read_reports([str(seeds_dir)])[0]
    copy = Article(id="copy", source="Copy desk", text=original.text)
    brief = make_brief([other, original, copy])
    assert brief.sources[2].name == "Copy desk" and brief.sources[2].copy_of == 2  # listed as a carrier
    assert all(3 not in c.sources for c in brief.claims) and all(3 not in s.citations for s in brief.summary)
    only_original = [c for c in brief.claims if c.sources == [2]]
    assert only_original and all(c.status == "single-source" for c in only_original)


def _claim_with(brief, words: str) -> dict:
    found = [c for c in brief.claims if words in c.text]
    assert len(found) == 1, f"{words!r} is in {len(found)} claims"
    return found[0]


def test_paraphrases_sharing_word_stems_are_one_claim(seed_brief):
    # "mediating ... crisis" / "mediation ... crisis" and "sanctions ... announced" / "announced sanctions"
    # share stems, not words: plain TF-IDF scored these pairs 0.40 and 0.38, under the 0.45 rule.
    assert _claim_with(seed_brief, "called European mediation in the Belarus political crisis").sources == [2, 3]
    # the pair's claim is led by whichever of its sentences the summary took: Euronews's "have already announced sanctions"
    pair = [c for c in seed_brief.claims if "which include travel bans and asset freezes" in c.text
            or "have already announced sanctions against the Belarusian President" in c.text]
    assert [c.sources for c in pair] == [[1, 3]]


def test_same_topic_different_fact_stays_apart(seed_brief):
    assert _claim_with(seed_brief, "Lukashenko has ruled Belarus since 1994").sources == [3]
    assert _claim_with(seed_brief, "Macron hopes that the European Union will adopt sanctions").sources == [3]
    assert _claim_with(seed_brief, "a Kremlin spokesman downplayed the talks").sources == [1]


def test_word_forms_sharing_a_stem_count_as_one_word():
    from newsweave.space import sentence_space

    articles = [Article(id="a", text=""), Article(id="b", text="")]
    articles[0].sentences = [Sentence("The sanctions were announced after entity3x met them.", 0, 0)]
    articles[1].sentences = [Sentence("Entity3x announcing a sanction.", 1, 0)]
    plain, stemmed = sentence_space(articles), sentence_space(articles, stem=True)
    assert stemmed.similarity[0, 1] > plain.similarity[0, 1]
    assert stemmed.similarity[0, 1] > 0.75

