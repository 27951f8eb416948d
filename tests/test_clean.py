"""Page furniture is removed before anything else, with rules that are not the seeds' literal strings."""

from __future__ import annotations

from datetime import date

from newsweave.clean import clean_text, is_furniture


def test_seed_footer_and_link_list_are_cut_from_the_last_paragraph(seeds_dir):
    cleaned = clean_text((seeds_dir / "000_eb8db19fe92c484b.txt").read_text())
    assert "BBC is not responsible" not in cleaned.text
    assert "(c) 2021" not in cleaned.text
    assert cleaned.text.endswith('15 sayings from around the world')  # left for analyze: no sentence end
    assert any("not responsible for the content of external sites" in r for r in cleaned.removed)


def test_credit_line_and_read_original_are_removed(seeds_dir):
    cleaned = clean_text((seeds_dir / "001_edf9315a15c5cb2b.txt").read_text())
    assert "With reporting by" not in cleaned.text
    assert "Read original article" not in cleaned.text
    assert cleaned.text.rstrip().endswith("launch a criminal investigation.")


def test_leading_date_line_becomes_the_publication_date_and_leaves_the_text(seeds_dir):
    cleaned = clean_text((seeds_dir / "002_f707635d398c7996.txt").read_text())
    assert cleaned.published == date(2020, 9, 30)
    assert not cleaned.text.lstrip().lower().startswith("date")
    assert cleaned.text.startswith("French President during his latest trip")


def test_date_line_that_is_not_a_real_date_is_kept_as_text():
    line = "date 2020-13-45 Something happened in the city on Monday."
    cleaned = clean_text(line)
    assert (cleaned.text, cleaned.published, cleaned.removed) == (line, None, [])


def test_furniture_seen_across_the_dev_set_is_recognised():
    furniture = [
        "Advertisement",
        "Story continued below",
        "share tweet pin email",
        "You can add location information to your Tweets, such as your city or precise location.",
        "Tweet with a location",
        "Please enable Javascript to watch this video",
        "The Associated Press contributed to this report.",
        "Copyright © 2016 AFP. All rights reserved. More »",
        "Sign up now for the Us Weekly newsletter to get breaking celebrity news delivered to your inbox",
        "Reporting by Jane Doe; Editing by John Smith",
        "Read more",
        "___",
        "Related Articles",
        "10 things you should know about the budget",
        "Text Size -",
        "EXCLUSIVE",
        "Published on Sep 8, 2015",
        "From Wikipedia, the free encyclopedia",
        "Starting in 1996, Alexa Internet has been donating their crawl data to the Internet Archive.",
        "Want stories like these delivered straight to your phone? Download the Us Weekly iPhone app now!",
        'poster="http://v.politico.com/images/1155968404.jpg"',
        "Click to email this to a friend (Opens in new window)",
        "Most Popular Stories Most Popular Stories More>>",
        "You must enter the characters with black color that stand out from the other characters",
        "Embed Teen Invents Gadgets to Aid Alzheimer's Patients 2:14 autoplay autoplay Copy this code to your website or blog.",
        "Share Tweet 7.6k shares on Facebook shares on Facebook",
    ]
    assert [line for line in furniture if not is_furniture(line)] == []


def test_video_player_controls_before_a_caption_are_cut_off():
    cleaned = clean_text(
        "CLOSE Skip in Skip x Embed x Share Late Wednesday afternoon, President Barack Obama spoke with our station.\n"
        "CLOSE Bone-chilling cold gripped much of the U.S. as 2018 began."
    )
    assert cleaned.text == ("Late Wednesday afternoon, President Barack Obama spoke with our station.\n"
                            "Bone-chilling cold gripped much of the U.S. as 2018 began.")
    assert cleaned.removed == ["CLOSE Skip in Skip x Embed x Share", "CLOSE"]


def test_news_sentences_are_not_furniture():
    news = [
        "The Interior Ministry said more than 350 people were detained during nationwide protests.",
        "Readers of the newspaper were shocked by the report, which ran on Sunday.",
        "She said the company would share its findings with regulators next week.",
        "Twitter said it had suspended the account after the post.",
        "The video shows police officers pushing protesters back from the square.",
        "Most viewed the decision as a betrayal of the voters.",
    ]
    assert [line for line in news if is_furniture(line)] == []


def test_furniture_in_the_dev_slice_is_removed_without_losing_the_reports(dev_clusters):
    documents = [d for cluster in dev_clusters for d in cluster["documents"]]
    cleaned = [clean_text(d) for d in documents]
    removed = [line for c in cleaned for line in c.removed]
    assert removed, "the dev slice holds page furniture; none was found"
    kept_words = sum(len(c.text.split()) for c in cleaned)
    assert kept_words > 0.9 * sum(len(d.split()) for d in documents)
