"""Incremental story grouping on a slice of the dev set."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from newsweave.dedup import clean_for_corpus
from newsweave.group import GroupInput, StoryGrouper


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


def _b_cubed_f1(predicted: dict[str, str], truth: dict[str, str]) -> float:
    by_predicted, by_truth = defaultdict(set), defaultdict(set)
    for item in truth:
        by_predicted[predicted[item]].add(item)
        by_truth[truth[item]].add(item)
    precision = sum(len(by_predicted[predicted[i]] & by_truth[truth[i]]) / len(by_predicted[predicted[i]]) for i in truth)
    recall = sum(len(by_predicted[predicted[i]] & by_truth[truth[i]]) / len(by_truth[truth[i]]) for i in truth)
    precision, recall = precision / len(truth), recall / len(truth)
    return 2 * precision * recall / (precision + recall)


def test_dev_slice_is_grouped_into_its_clusters(dev_clusters):
    reports, truth = _stream(dev_clusters)
    story_ids = StoryGrouper().assign(reports)
    predicted = dict(zip([r.id for r in reports], story_ids, strict=True))
    assert _b_cubed_f1(predicted, truth) >= 0.8
    assert len(set(story_ids)) < len(reports)


def test_same_order_gives_same_stories(dev_clusters):
    reports, _ = _stream(dev_clusters, seed=3)
    whole = StoryGrouper().assign(reports)
    again = StoryGrouper().assign(reports)
    assert whole == again


def test_time_window_keeps_an_old_story_from_taking_a_new_event(dev_clusters):
    reports, _ = _stream(dev_clusters)
    first = reports[0]
    day = date(2021, 3, 1)
    grouper = StoryGrouper(window_days=3)
    [early] = grouper.assign([GroupInput("a", first.text, day)])
    [next_day] = grouper.assign([GroupInput("b", first.text + " More.", day + timedelta(days=1))])
    [much_later] = grouper.assign([GroupInput("c", first.text + " Again.", day + timedelta(days=40))])
    assert early == next_day
    assert much_later != early


def test_a_steady_flow_of_reports_does_not_keep_a_story_open_past_its_span(dev_clusters):
    text = _stream(dev_clusters)[0][0].text
    start = date(2021, 3, 1)
    grouper = StoryGrouper(window_days=3, max_span_days=7)
    stories = [grouper.assign([GroupInput(f"r{day}", f"{text} Day {day}.", start + timedelta(days=day))])[0]
               for day in range(0, 12, 2)]
    assert len(set(stories[:4])) == 1  # days 0-6: each within 3 days of the last, within 7 of the first
    assert stories[4] != stories[0]  # day 8: a new story, though only 2 days after the last report


def test_closed_stories_are_freed(dev_clusters):
    reports, _ = _stream(dev_clusters)
    grouper = StoryGrouper(window_days=2)
    start = date(2021, 1, 1)
    for number, report in enumerate(reports):
        grouper.assign([GroupInput(report.id, report.text, start + timedelta(days=5 * number))])
    assert grouper.open_stories == 1
    closed = grouper.pop_closed()
    assert sum(len(members) for _, members in closed) == len(reports) - 1
