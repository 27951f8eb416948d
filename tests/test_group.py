"""Story grouping on real reports: Multi-News dev clusters and ECB+ events (two similar events per topic)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from newsweave.dedup import clean_for_corpus
from newsweave.group import GroupInput, StoryGrouper, named_days, report_facts
from newsweave.options import Options


def _stream(dev_clusters: list[dict], *, seed: int = 0) -> tuple[list[GroupInput], dict[str, str]]:
    reports, truth = [], {}
    for cluster in dev_clusters:
        for number, text in enumerate(cluster["documents"]):
            cleaned, reason, _ = clean_for_corpus(text)
            if reason is None:
                report_id = f"{cluster['id']}-{number}"
                reports.append(GroupInput(report_id, cleaned))
                truth[report_id] = cluster["id"]
    random.Random(seed).shuffle(reports)
    return reports, truth


def _ecb(ecb_reports: list[dict], *, dated: bool) -> list[GroupInput]:
    return [GroupInput(r["id"], f"{r['title']}\n{r['text']}" if r["title"] else r["text"],
                       date.fromisoformat(r["published"]) if dated and r.get("published") else None) for r in ecb_reports]


def _stories(reports: list[GroupInput], story_ids: list[str]) -> set[frozenset[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for report, story_id in zip(reports, story_ids, strict=True):
        members[story_id].add(report.id)
    return {frozenset(m) for m in members.values()}


def _b_cubed_f1(predicted: dict[str, str], truth: dict[str, str]) -> float:
    by_predicted, by_truth = defaultdict(set), defaultdict(set)
    for item in truth:
        by_predicted[predicted[item]].add(item)
        by_truth[truth[item]].add(item)
    precision = sum(len(by_predicted[predicted[i]] & by_truth[truth[i]]) / len(by_predicted[predicted[i]]) for i in truth)
    recall = sum(len(by_predicted[predicted[i]] & by_truth[truth[i]]) / len(by_truth[truth[i]]) for i in truth)
    precision, recall = precision / len(truth), recall / len(truth)
    return 2 * precision * recall / (precision + recall)


def _story_ids(grouper: StoryGrouper, reports: list[GroupInput]) -> list[str]:
    return [placement.story_id for placement in grouper.assign(reports)]


def test_dev_slice_is_grouped_into_its_clusters(dev_clusters):
    reports, truth = _stream(dev_clusters)
    story_ids = _story_ids(StoryGrouper(), reports)
    predicted = dict(zip([r.id for r in reports], story_ids, strict=True))
    assert _b_cubed_f1(predicted, truth) >= 0.8
    assert len(set(story_ids)) < len(reports)


def test_same_order_gives_same_stories(dev_clusters):
    reports, _ = _stream(dev_clusters, seed=3)
    assert StoryGrouper().assign(reports) == StoryGrouper().assign(reports)


def test_order_within_a_batch_changes_no_story(dev_clusters):
    reports, _ = _stream(dev_clusters, seed=3)
    shuffled = random.Random(5).sample(reports, len(reports))
    assert _stories(reports, _story_ids(StoryGrouper(), reports)) == _stories(shuffled, _story_ids(StoryGrouper(), shuffled))


def test_two_actresses_checking_into_rehab_are_two_stories(ecb_reports):
    topic = [r for r in ecb_reports if r["topic"] == 1]  # Tara Reid (2008) and Lindsay Lohan (2013)
    reports = _ecb(topic, dated=False)
    events = {r["id"]: r["event"] for r in topic}
    for story in _stories(reports, _story_ids(StoryGrouper(), reports)):
        assert len({events[report_id] for report_id in story}) == 1


def test_a_partly_dated_stream_groups_as_the_undated_one(ecb_reports):
    dated, undated = _ecb(ecb_reports, dated=True), _ecb(ecb_reports, dated=False)
    assert sum(r.published is not None for r in dated) >= 5
    assert _stories(dated, _story_ids(StoryGrouper(), dated)) == _stories(undated, _story_ids(StoryGrouper(), undated))


def test_alike_reports_naming_dates_years_apart_are_two_stories(ecb_reports):
    text = next(r["text"] for r in ecb_reports if r["id"] == "20_1ecb")  # a quake on Qeshm island
    grouper = StoryGrouper()
    first, same_week, years_later = grouper.assign([
        GroupInput("a", f"Sunday, November 27, 2005\n{text}"),
        GroupInput("b", f"Monday, November 28, 2005\n{text} Aftershocks followed."),
        GroupInput("c", f"Sunday, September 10, 2010\n{text} Aftershocks followed on Monday."),
    ])
    assert same_week.story_id == first.story_id and same_week.dates == ("2005-11-28",)
    assert years_later.story_id != first.story_id


def test_reports_published_far_apart_need_more_similarity_but_are_not_walled_off(dev_clusters):
    text = _stream(dev_clusters)[0][0].text
    day = date(2021, 3, 1)
    grouper = StoryGrouper()
    [first] = grouper.assign([GroupInput("a", text, day)])
    [next_day] = grouper.assign([GroupInput("b", text + " More.", day + timedelta(days=1))])
    [much_later] = grouper.assign([GroupInput("c", text + " Again.", day + timedelta(days=40))])
    assert next_day.story_id == first.story_id and next_day.threshold < grouper.join_threshold
    assert much_later.story_id == first.story_id  # the same words weeks later: a follow-up of the story
    assert much_later.threshold == grouper.join_threshold + grouper.far_penalty


def test_a_story_closes_once_the_stream_is_past_its_span(dev_clusters):
    reports, _ = _stream(dev_clusters)
    start = date(2021, 3, 1)
    grouper = StoryGrouper(options=Options(published_span_days=7, clock_reports=3))
    [first] = grouper.assign([GroupInput("first", reports[0].text, start)])
    grouper.assign([GroupInput(f"later-{n}", r.text, start + timedelta(days=10)) for n, r in enumerate(reports[1:4])])
    [again] = grouper.assign([GroupInput("again", reports[0].text + " Updated.", start + timedelta(days=10))])
    assert again.story_id != first.story_id
    assert any(story_id == first.story_id for story_id, _ in grouper.pop_closed())


def test_closed_stories_are_freed(dev_clusters):
    reports, _ = _stream(dev_clusters)
    grouper = StoryGrouper(options=Options(published_span_days=2, clock_reports=1))
    start = date(2021, 1, 1)
    for number, report in enumerate(reports):
        grouper.assign([GroupInput(report.id, report.text, start + timedelta(days=5 * number))])
    assert grouper.open_stories == 1
    closed = grouper.pop_closed()
    assert sum(len(members) for _, members in closed) == len(reports) - 1


def test_placement_says_which_names_places_and_dates_the_report_shares(ecb_reports):
    topic = [r for r in ecb_reports if r["event"] == "1ecbplus"]
    placements = StoryGrouper().assign(_ecb(topic, dated=False))
    joined = [p for p in placements if p.score is not None]
    assert len(joined) >= len(topic) * 3 // 4
    assert sum(p.score for p in joined) / len(joined) >= joined[0].threshold  # grouped by average linkage
    assert sum("Lindsay Lohan" in p.names for p in joined) >= len(joined) // 2
    assert any("Rancho Mirage" in p.places or "Betty Ford Center" in p.places for p in joined)
    assert any("2013-05-02" in p.dates or "2013-05-03" in p.dates for p in joined)


def test_dates_are_read_in_the_forms_news_pages_write_them():
    text = "May 03, 2013\nUpdated 11 / 30 / 09 05: 40 PM ET\nTuesday 28 April 2009 22. 34 BST\nposted 2012-04-04; born 31/02/1990"
    assert named_days(text) == {date(2013, 5, 3), date(2009, 11, 30), date(2009, 4, 28), date(2012, 4, 4)}


def test_names_are_capitalised_words_the_text_never_writes_in_lower_case():
    facts = report_facts("Police said the fire at Waitrose in Wellington started early.\nThe police chief spoke on Sunday.")
    assert {"waitrose", "wellington"} <= set(facts.names)
    assert "police" not in facts.names and "sunday" not in facts.names and "the" not in facts.names
    assert "wellington" in facts.places


def _events_by_story(reports: list[dict], placements) -> list[dict[str, int]]:
    by_story: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for report, placement in zip(reports, placements, strict=True):
        by_story[placement.story_id][report["event"]] += 1
    return [dict(events) for events in by_story.values()]


def test_two_fights_of_one_boxer_against_two_opponents_are_two_stories(ecb_reports):
    stories = _events_by_story(ecb_reports, StoryGrouper().assign(_ecb(ecb_reports, dated=False)))
    assert not [events for events in stories if {"7ecb", "7ecbplus"} <= set(events)]
    assert {"7ecb": 10} in stories  # Klitschko against Rahman, 2008: all ten reports together


def test_two_quakes_on_one_island_split_when_each_set_names_its_own_places(ecb_reports):
    stories = _events_by_story(ecb_reports, StoryGrouper().assign(_ecb(ecb_reports, dated=False)))
    older_quake = [events for events in stories if "20ecb" in events]
    assert max(events["20ecb"] for events in older_quake) >= 4
    assert all(set(events) == {"20ecb"} for events in older_quake if events["20ecb"] >= 4)


def test_one_event_of_many_reports_is_not_split_by_the_names_of_its_parts(ecb_reports):
    stories = _events_by_story(ecb_reports, StoryGrouper().assign(_ecb(ecb_reports, dated=False)))
    assert {"1ecbplus": 21} in stories and {"22ecbplus": 14} in stories


def test_lone_report_joins_the_batch_story_it_fits_best(ecb_reports):
    stories = _events_by_story(ecb_reports, StoryGrouper().assign(_ecb(ecb_reports, dated=False)))
    assert {"1ecb": 18} in stories  # two of them are grouped with no other report by linkage alone


def test_lone_report_joins_the_open_story_it_fits_best(ecb_reports):
    late = next(r for r in ecb_reports if r["id"] == "1_12ecb")
    grouper = StoryGrouper()
    earlier = [r for r in ecb_reports if r is not late]
    stories = dict(zip((r["id"] for r in earlier), (p.story_id for p in grouper.assign(_ecb(earlier, dated=False))), strict=True))
    (placement,) = grouper.assign(_ecb([late], dated=False))
    assert placement.how == "attached" and placement.score >= placement.threshold
    assert placement.story_id == stories["1_10ecb"] and "Tara Reid" in placement.names


def test_term_counts_are_those_of_scikit_learns_hashing_vectorizer(dev_clusters, ecb_reports):
    import re

    import numpy as np
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer

    from newsweave.group import HASHED_FEATURES, NAME_WEIGHT, TermWeights, _stop_words

    texts = [text for cluster in dev_clusters for text in cluster["documents"]] + [r["text"] for r in ecb_reports]
    texts.append("McDonald's José Álvarez told ÉCOLE and O'Brien: Über-Cool 4x4s, Ab1 aB x.")
    vectorizer = HashingVectorizer(n_features=HASHED_FEATURES, stop_words="english", alternate_sign=False, norm=None,
                                   token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b", dtype=np.float32)
    capitalised_runs = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
    expected = vectorizer.transform(texts) + (NAME_WEIGHT - 1) * vectorizer.transform(
        [" ".join(capitalised_runs.findall(text)) for text in texts])
    assert abs(expected - TermWeights().count(texts)).max() == 0
    assert _stop_words() == ENGLISH_STOP_WORDS
