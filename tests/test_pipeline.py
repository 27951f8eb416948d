"""make_brief is a library call: it never changes the reports it is given."""

from __future__ import annotations

import copy

import pytest

from newsweave import make_brief
from newsweave.pipeline import prepare_articles
from newsweave.sources import read_reports


@pytest.mark.parametrize("full_analysis", [True, False])
def test_make_brief_leaves_the_callers_articles_as_they_were(seeds_dir, full_analysis):
    articles = read_reports([str(seeds_dir)])
    before = copy.deepcopy(articles)
    prepared = prepare_articles(articles)
    assert any(p.text != b.text for p, b in zip(prepared, before, strict=True))  # cleaning changes the text ...
    assert any(p.published != b.published for p, b in zip(prepared, before, strict=True))  # ... and finds a date line
    make_brief(articles, full_analysis=full_analysis)
    assert articles == before
    assert all(a.sentences == [] for a in articles)
