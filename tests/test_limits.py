"""The limits of one brief (newsweave.limits): overlong reports and sentences are cut with a note, plain texts refused."""

from __future__ import annotations

import pytest

from newsweave import InputError, articles_from_documents, make_brief
from newsweave.limits import MAX_BRIEF_CHARS, MAX_REPORT_CHARS, MAX_REPORTS_PER_BRIEF, MAX_SENTENCE_CHARS
from newsweave.models import Article


def _seed_texts(seeds_dir) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.glob("*.txt"))]


def test_a_report_over_a_million_characters_is_cut_with_a_note_not_a_spacy_error(seeds_dir) -> None:
    first, second, _ = _seed_texts(seeds_dir)
    huge = "\n\n".join([first] * (1_100_000 // len(first) + 1))
    brief = make_brief(articles_from_documents([huge, second]), full_analysis=False)
    assert brief.summary
    [note] = brief.notes
    assert "report 1" in note and f"first {MAX_REPORT_CHARS:,}" in note


def test_a_sentence_over_the_limit_is_left_out_of_the_brief_with_a_note(seeds_dir) -> None:
    _, second, third = _seed_texts(seeds_dir)
    clauses = [f"a crowd of about {n},000 people marched from the square to the river in Minsk while police watched"
               for n in range(1, 30)]
    long_sentence = "Witnesses said on 29 September 2020 that " + ", and ".join(clauses) + "."
    assert len(long_sentence) > MAX_SENTENCE_CHARS
    brief = make_brief(articles_from_documents([f"{second}\n\n{long_sentence}", third]))
    assert any("report 1" in n and "1 sentence over" in n for n in brief.notes)
    shown = [s.text for s in brief.summary] + [c.text for c in brief.claims] + [t.text for t in brief.timeline]
    assert shown and all(len(text) <= MAX_SENTENCE_CHARS for text in shown)


def test_reports_after_the_limit_of_one_brief_are_left_out_with_a_note() -> None:
    texts = [f"Report {n} says the council of Tampere approved a new tram line to Hervanta on Monday, "
             f"at a cost of {100 + n} million euros." for n in range(MAX_REPORTS_PER_BRIEF + 3)]
    brief = make_brief(articles_from_documents(texts), full_analysis=False)
    assert len(brief.sources) == MAX_REPORTS_PER_BRIEF
    assert brief.notes == [f"{len(texts)} reports were given; the brief compares the first {MAX_REPORTS_PER_BRIEF} "
                           f"(at most {MAX_REPORTS_PER_BRIEF} per brief)"]


def test_reports_after_the_characters_one_brief_reads_are_left_out_with_a_note(dev_clusters) -> None:
    count = MAX_BRIEF_CHARS // MAX_REPORT_CHARS + 2
    texts = [cluster["documents"][0] for cluster in dev_clusters[:count]]  # distinct reports, not copies of one
    long_reports = ["\n\n".join([text] * (MAX_REPORT_CHARS // len(text) + 1)) for text in texts]
    brief = make_brief(articles_from_documents(long_reports), full_analysis=False, min_sources=1)
    assert len(brief.sources) == MAX_BRIEF_CHARS // MAX_REPORT_CHARS
    assert f"reports {len(brief.sources) + 1} to {count} are left out" in brief.notes[-1]


def test_the_notes_are_shown_in_markdown_and_html(seeds_dir) -> None:
    from newsweave.render import render_html, render_markdown

    first, second, _ = _seed_texts(seeds_dir)
    brief = make_brief(articles_from_documents(["\n\n".join([first] * 30), second]), full_analysis=False)
    assert f"> Note: {brief.notes[0]}" in render_markdown(brief)
    assert brief.notes[0].replace(",", "") in render_html(brief).replace(",", "")


@pytest.mark.parametrize("given", [["one report", "another report"], None, "two reports", [None, None], 42])
def test_make_brief_of_anything_but_articles_is_an_input_error(given: object) -> None:
    with pytest.raises(InputError, match="Article"):
        make_brief(given)  # type: ignore[arg-type]


def test_make_brief_of_articles_without_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match="report 1 \\(a\\) has no text"):
        make_brief([Article(id="a", text=None), Article(id="b", text="b")])  # type: ignore[arg-type]
