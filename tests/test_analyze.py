"""Sentences are split robustly, and fragments left by stripped links are marked broken."""

from __future__ import annotations

from newsweave.analyze import is_broken, mark_verbless_fragments, split_sentences
from newsweave.models import Article


def _sentences(text: str) -> list[str]:
    [article] = mark_verbless_fragments(split_sentences([Article(id="a", text=text)]))
    return [s.text for s in article.sentences]


def test_titles_and_abbreviations_do_not_end_sentences():
    text = ("Mr. Smith met Ms. Jones in the U.S. capital on Monday. "
            "Dr. Brown said the talks went well.")
    assert _sentences(text) == [
        "Mr. Smith met Ms. Jones in the U.S. capital on Monday.",
        "Dr. Brown said the talks went well.",
    ]


def test_a_quotation_of_several_sentences_stays_whole():
    text = ('"We will do our best. Our objective is mediation," Mr Macron said. '
            "He spoke in Vilnius.")
    assert _sentences(text) == [
        '"We will do our best. Our objective is mediation," Mr Macron said.',
        "He spoke in Vilnius.",
    ]


def test_an_opening_quote_mark_goes_with_the_sentence_it_opens():
    assert _sentences('The EU has also threatened sanctions. "We will help," he said.') == [
        "The EU has also threatened sanctions.",
        '"We will help," he said.',
    ]


def test_joined_quotations_keep_the_spacing_of_the_report():
    text = '"Was he blowing off steam? ....If you look at the cases, no," said the lawyer.'
    assert _sentences(text) == [text]


def test_dashes_do_not_split_a_sentence():
    sentences = _sentences("French policy is - in French eyes - more pertinent than ever. It was not always so.")
    assert sentences[0] == "French policy is - in French eyes - more pertinent than ever."


def test_sentences_never_run_across_paragraphs():
    sentences = _sentences("Macron pushes for European mediation in Belarus\n\nThe talks lasted an hour.")
    assert sentences == ["Macron pushes for European mediation in Belarus", "The talks lasted an hour."]


def test_seed_fragments_left_by_stripped_links_are_broken(seeds_dir):
    report = Article(id="bbc", text=(seeds_dir / "000_eb8db19fe92c484b.txt").read_text())
    [article] = mark_verbless_fragments(split_sentences([report]))
    broken = {s.text for s in article.sentences if s.broken}
    assert "The US and as the legitimate president." in broken
    assert "But last week, prompting mass street protests in the capital Minsk and elsewhere." in broken
    whole = {s.text for s in article.sentences if not s.broken}
    assert "Despite the crackdown, anti-government protests show no signs of diminishing." in whole


def test_headings_and_unfinished_lines_are_broken():
    assert is_broken("Macron pushes for Europen mediation in Belarus crisis")
    assert is_broken("He also said he was impressed with the courage of the protesters")
    assert is_broken("and then the crowd moved on to the square.")
    assert not is_broken("Lukashenko has ruled Belarus since 1994.")


def test_verb_check_marks_only_verbless_sentences():
    [article] = mark_verbless_fragments(split_sentences([Article(id="a", text=(
        "Police arrested twelve people near the station. "
        "The US and as the legitimate president. "
        "Thousands marched through Minsk on Sunday."
    ))]))
    assert [s.broken for s in article.sentences] == [False, True, False]


def test_every_sentence_is_verbatim_from_its_report(seeds_dir, dev_clusters):
    from newsweave.pipeline import articles_from_documents, prepare_articles
    from newsweave.sources import read_reports

    reports = [read_reports([str(seeds_dir)])] + [articles_from_documents(c["documents"]) for c in dev_clusters]
    for articles in reports:
        originals = {a.id: " ".join(a.text.split()) for a in articles}
        for article in prepare_articles(articles, min_sources=1):
            altered = [s.text for s in article.sentences if s.text not in originals[article.id]]
            assert altered == [], f"{article.id}: sentences not found verbatim in the report"
