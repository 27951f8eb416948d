"""Figures by what they measure, and figures that changed over time: sentences of real reports (the labelled dev set)."""

from __future__ import annotations

from datetime import date

from newsweave import make_brief
from newsweave.align.figures import parse_number
from newsweave.models import Article
from newsweave.render import render_html, render_markdown


def _reports(*reports: tuple[str, date | None]) -> list[Article]:
    return [Article(id=f"r{n}", source=f"Outlet {n}", text=text, published=published)
            for n, (text, published) in enumerate(reports, 1)]


def _only(brief, words: str) -> dict:
    found = [d for d in brief.disagreements if any(words in v.sentence for v in d.values)]
    assert len(found) == 1, brief.disagreements
    return found[0]


def _values(disagreement: dict) -> list[tuple[str, int]]:
    return [(v.value, v.source) for v in disagreement.values]


SRI_LANKA = (
    ("Suicide bombers struck three churches and three hotels popular with tourists on Easter Sunday. "
     "At least 207 people were killed and 450 others injured, a police spokesman, Ruwan Gunasekera, said. "
     "The government blocked social media to curb misinformation.", date(2019, 4, 22)),
    ("On Monday, officials raised the death toll in the Easter Sunday attacks on churches and high-end hotels "
     "to 290 from 207, underscoring the massive scale of the bloodshed. "
     "No group claimed responsibility for the attacks.", date(2019, 4, 22)),
    ("Sri Lankan authorities have revised the death toll of the deadly Easter Sunday blasts from 359 to 253. "
     "The health ministry said some bodies had been counted twice.", date(2019, 4, 25)),
)


def test_killed_and_death_toll_worded_differently_are_one_measure():
    brief = make_brief(_reports(*SRI_LANKA))
    toll = _only(brief, "207 people were killed")
    assert {"At least 207", "290", "359", "253"} <= {v.value for v in toll.values}
    assert not any(v.value == "450" for v in toll.values)  # the injured are another measure


def test_death_toll_revised_as_reports_came_in_is_evolving_with_each_date_in_order():
    toll = _only(make_brief(_reports(*SRI_LANKA)), "207 people were killed")
    assert toll.evolving is True
    dates = [v.published for v in toll.values]
    assert dates == sorted(dates) and dates[0] == "2019-04-22" and dates[-1] == "2019-04-25"


def test_claim_with_a_figure_that_changed_is_not_disputed_but_names_it():
    brief = make_brief(_reports(*SRI_LANKA))
    number = brief.disagreements.index(_only(brief, "207 people were killed"))
    linked = [c for c in brief.claims if number in c.disagreements]
    assert linked and all(c.status != "disputed" for c in linked)


GERMANS = (
    ("The Airbus crashed after an eight-minute descent, officials say. "
     "Of the 144 passengers, 67 were German citizens, including 16 pupils.", None),
    ("Germanwings has published a preliminary passenger list. "
     "Germanwings says 72 German nationals died in the crash in the Alps.", None),
    ("Here is what is known of the victims of the crash in the Alps. "
     "The German government said Thursday 75 Germans were on board, up from an earlier estimate of at least 72.",
     None),
)


def test_nationality_counts_worded_three_ways_are_one_measure_and_up_from_says_it_changed():
    brief = make_brief(_reports(*GERMANS))
    germans = _only(brief, "72 German nationals")
    assert {("67", 1), ("72", 2), ("75", 3)} <= set(_values(germans))
    assert germans.evolving is True
    assert not any(v.value in {"144", "16"} for v in germans.values)


def test_about_500_holds_485_but_not_400():
    brief = make_brief(_reports(
        ("About 500 firefighters were deployed to the island in the heart of the city, and they battled the fire.",
         None),
        ("Nearly 400 firefighters tackled the blaze, battling to stop it destroying the facade.", None),
        ("Some 485 firefighters fought the blaze through the night in the heart of the city.", None),
    ))
    firefighters = _only(brief, "Nearly 400 firefighters")
    assert {"About 500", "Nearly 400"} <= {v.value for v in firefighters.values}
    assert parse_number("About 500")[:2] == (500.0, 100.0)


def test_number_words_count_and_a_tally_falling_between_dated_reports_is_evolving():
    brief = make_brief(_reports(
        ("Thirty-seven people remain in hospital following Wednesday's fire, which destroyed the tower block.",
         date(2017, 6, 15)),
        ("NHS England said 17 people are still being treated in London hospitals after the tower block fire.",
         date(2017, 6, 19)),
    ))
    patients = _only(brief, "Thirty-seven people")
    assert _values(patients) == [("Thirty-seven", 1), ("17", 2)]
    assert patients.evolving is True


def test_distances_in_miles_and_km_from_one_place_compare_and_same_day_reports_conflict():
    brief = make_brief(_reports(
        ("The flight crashed near the town of Bishoftu 62 km south-east of the capital Addis Ababa on Sunday morning.",
         date(2019, 3, 10)),
        ("The plane crashed six minutes after departing, plowing into the ground near Bishoftu, some 31 miles south of "
         "Addis Ababa.", date(2019, 3, 10)),
    ))
    distance = _only(brief, "31 miles")
    assert _values(distance) == [("62 km", 1), ("some 31 miles", 2)]
    assert distance.evolving is False


def test_undated_reports_that_differ_say_they_cannot_tell_if_the_figure_changed():
    brief = make_brief(_reports(
        ("Videos show chaotic scenes on the tarmac at Kabul airport. At least five people died at the airport.", None),
        ("Troops control the runway at Kabul airport. At least seven people died in Monday's chaos at the airport.",
         None),
    ))
    killed = _only(brief, "At least five people died")
    assert killed.evolving is None
    assert "give no dates or words that tell" in render_markdown(brief)


def test_a_death_toll_of_an_earlier_year_is_another_event():
    brief = make_brief(_reports(
        ("The Ethiopian Airlines flight crashed shortly after takeoff, killing all 157 people on board.",
         date(2019, 3, 10)),
        ("The accident was strikingly similar to last year's crash of a Lion Air jet that plunged into the Java Sea, "
         "killing 189 people.", date(2019, 3, 11)),
    ))
    assert brief.disagreements == []


def test_part_of_a_sum_is_not_compared_with_the_sum():
    brief = make_brief(_reports(
        ("Officials confirmed all 149 passengers and eight crew were killed after the Boeing smashed into a field.",
         None),
        ("The jetliner crashed shortly after takeoff, killing all 157 people on board, authorities said.", None),
    ))
    assert brief.disagreements == []


def test_ages_of_one_person_differ_and_never_evolve():
    brief = make_brief(_reports(
        ("Petty Officer Saman Kunan, 38, had delivered oxygen tanks deep inside the cave when he died.", None),
        ("Rescue diver Saman Kunan, 37, was trying to reach a cavern inside the cave system when he ran out of air.",
         date(2018, 7, 6)),
    ))
    age = _only(brief, "Saman Kunan, 38")
    assert _values(age) == [("38", 1), ("37", 2)] and age.evolving is False


def test_every_value_is_verbatim_in_its_sentence_and_its_sentence_in_its_report():
    articles = _reports(*SRI_LANKA)
    texts = [" ".join(a.text.split()) for a in articles]
    brief = make_brief(articles)
    assert brief.disagreements
    for disagreement in brief.disagreements:
        for value in disagreement.values:
            assert value.value in value.sentence
            assert value.sentence in texts[value.source - 1]


def test_markdown_and_page_show_changed_figures_as_a_dated_progression():
    brief = make_brief(_reports(*SRI_LANKA))
    markdown = render_markdown(brief)
    section = markdown.split("## Figures that changed as reports came in")[1].split("##")[0]
    assert "→" in section and "(2019-04-22)" in section and "(2019-04-25)" in section
    page = render_html(brief)
    assert "Figures that changed as reports came in" in page and "class=progression" in page
