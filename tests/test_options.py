"""Options: out-of-range values are refused by name, and each tunable reaches the stage that uses it."""

from __future__ import annotations

import json

import pytest

from newsweave import InputError, Options, make_brief
from newsweave.batch import brief_lines
from newsweave.sources import read_reports


@pytest.mark.parametrize(("field", "value", "message"), [
    ("max_words", 0, "max_words must be a positive whole number of words, not 0"),
    ("max_words", 2.5, "max_words must be a positive whole number of words, not 2.5"),
    ("max_words", True, "max_words must be a positive whole number of words, not True"),
    ("same_fact_similarity", 1.5, "same_fact_similarity must be a similarity above 0 and at most 1, not 1.5"),
    ("copy_similarity", 0, "copy_similarity must be a similarity above 0 and at most 1, not 0"),
    ("redundancy_similarity", float("nan"), "redundancy_similarity must be a similarity above 0 and at most 1, not nan"),
    ("copy_share", -0.1, "copy_share must be a share from 0 to 1, not -0.1"),
])
def test_out_of_range_option_is_refused_naming_the_field(field, value, message):
    with pytest.raises(InputError) as error:
        Options(**{field: value})
    assert str(error.value) == message


def test_same_fact_threshold_reaches_citations_and_claims(seeds_dir, seed_brief):
    assert any(len(item.citations) > 1 for item in seed_brief.summary)
    strict = make_brief(read_reports([str(seeds_dir)]), options=Options(same_fact_similarity=0.99))
    assert all(len(item.citations) == 1 for item in strict.summary)
    assert not any(claim.status == "corroborated" for claim in strict.claims)


def test_same_event_threshold_reaches_the_timeline(seeds_dir, seed_brief):
    strict = make_brief(read_reports([str(seeds_dir)]), options=Options(same_event_similarity=1.0))
    assert len(strict.timeline) > len(seed_brief.timeline)


def test_batch_workers_use_the_options_they_are_given(dev_clusters):
    lines = [json.dumps({"id": c["id"], "documents": c["documents"]}) for c in dev_clusters[:4]]
    results = list(brief_lines(lines, options=Options(max_words=30), full_analysis=False, jobs=2))
    summaries = [json.loads(r.brief_json)["summary"] for r in results]
    assert len(summaries) == 4
    assert all(sum(len(s["text"].split()) for s in summary) <= 30 for summary in summaries)
