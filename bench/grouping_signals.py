"""What each grouping signal buys, and whether the thresholds hold on ECB+ topics they were not tuned on.

    python bench/grouping_signals.py [--ablations] [--cross-validate] [--sensitivity] [--per-topic]

--ablations: B3 F1 of the four streams of bench/grouping.py and of the 14 real stories of
real-clusters-dev.jsonl (one stream of their 84 reports) with one signal taken away at a time:
names counted once (NAME_WEIGHT 1), no date evidence (no near-day bonus, no far penalty, no years-apart
rule), no split of a story whose halves have names of their own, lone reports not attached to the story
they fit best, and reports decided one at a time instead of a batch at a time (batches of 1).

--cross-validate: the two thresholds (JOIN_THRESHOLD, the near one kept 0.04 below it, and LINK_THRESHOLD)
chosen on ECB+ topics 1-11 by the best B3 F1 over a small grid, then scored on topics 12-22, and the other
way round; beside the shipped values on the same halves. Every setting is the same for every stream.

--per-topic: where the errors are on ECB+ (dates removed): each topic's B3 F1 and its stories, each
story shown as the events of its reports (7ecb:10 7ecbplus:11 is one story merging two events; 4ecb:11;
4ecb:1 is one event split in two stories).

--sensitivity: B3 F1 of the same five streams with one threshold moved at a time across a range around its
shipped value (the others as shipped): a threshold whose F1 stays level around its value (a plateau) is
less likely to have been fitted to these files than one at a peak.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from itertools import product
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from grouping import DATA, DEFAULT_DEV, DEFAULT_ECB, b_cubed, build_ecb_stream, build_stream  # noqa: E402

import newsweave.group as group  # noqa: E402
from newsweave.ingest import article_from_document  # noqa: E402
from newsweave.models import Article  # noqa: E402
from newsweave.options import JOIN_THRESHOLD, Options  # noqa: E402
from newsweave.stream import STREAM_BATCH, StreamGrouper, batches  # noqa: E402

DEFAULT_REAL = DATA / "real-clusters-dev.jsonl"
JOIN_GRID = (0.18, 0.22, 0.26)
LINK_GRID = (0.14, 0.16, 0.18, 0.20, 0.22)
HALVES = (set(range(1, 12)), set(range(12, 23)))
SENSITIVITY: dict[str, tuple[float, ...]] = {
    "link_threshold": (0.14, 0.16, 0.18, 0.20, 0.22),
    "join_threshold": (0.18, 0.20, 0.22, 0.24, 0.26),
    "OWN_NAME_SHARE": (0.4, 0.5, 0.6, 0.7, 0.8),
    "OWN_NAMES": (1, 2, 3, 4),
    "OWN_NAMES_REPORTS": (2, 3, 4, 5),
    "LONE_THRESHOLD": (0.06, 0.08, 0.10, 0.12, 0.14, 0.16),
    "LONE_MARGIN": (0.0, 0.02, 0.04, 0.06, 0.08),
}
"""Each threshold's range: `Options` fields (lower case; the near join threshold kept 0.04 below the join one)
and `newsweave.group` constants (upper case)."""


def f1(articles: list[Article], truth: dict[str, str], *, batch: int = STREAM_BATCH, **grouper: float) -> float:
    """B3 F1 of the stream grouped with these StoryGrouper settings."""
    copies = [Article(id=a.id, text=a.text, title=a.title, published=a.published) for a in articles]
    stream = StreamGrouper(grouper=group.StoryGrouper(options=Options(**grouper)))
    predicted = {d.article_id: d.story_id or f"alone:{d.article_id}" for part in batches(copies, batch) for d in stream.decide(part)}
    return b_cubed(predicted, truth)[2]


def four_streams() -> dict[str, tuple[list[Article], dict[str, str]]]:
    """The four streams of bench/grouping.py, with its shuffles, and the 14 real stories of
    real-clusters-dev.jsonl (6 reports each, by different outlets) as a fifth."""
    return {
        "Multi-News undated": build_stream(DEFAULT_DEV, seed=0, dated=False),
        "Multi-News dated": build_stream(DEFAULT_DEV, seed=0, dated=True),
        "ECB+ as given": build_ecb_stream(DEFAULT_ECB, seed=7, dated=True),
        "ECB+ dates removed": build_ecb_stream(DEFAULT_ECB, seed=7, dated=False),
        "real stories": build_real_stream(DEFAULT_REAL, seed=7),
    }


def build_real_stream(path: Path, *, seed: int) -> tuple[list[Article], dict[str, str]]:
    """The shuffled reports of the real stories (title, text and date as the file gives them) and each one's story."""
    articles: list[Article] = []
    truth: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        story = json.loads(line)
        for number, document in enumerate(story["documents"]):
            article = article_from_document(document, fallback_id=f"{story['id']}-{number}")
            article.id = f"{story['id']}-{number}"
            articles.append(article)
            truth[article.id] = story["id"]
    random.Random(seed).shuffle(articles)
    return articles, truth


def per_topic() -> None:
    """One row per ECB+ topic: B3 of its reports, and its stories as the events of their reports."""
    articles, truth = build_ecb_stream(DEFAULT_ECB, seed=7, dated=False)
    stream = StreamGrouper()
    predicted = {d.article_id: d.story_id or f"alone:{d.article_id}" for part in batches(articles) for d in stream.decide(part)}
    topics: dict[str, list[str]] = {}
    for report_id in truth:
        topics.setdefault(report_id.split("_")[0], []).append(report_id)
    print("| topic | reports | B3 P | B3 R | B3 F1 | stories (events of their reports) |")
    print("|---:|---:|---:|---:|---:|---|")
    for topic, ids in sorted(topics.items(), key=lambda item: int(item[0])):
        precision, recall, score = b_cubed({i: predicted[i] for i in ids}, {i: truth[i] for i in ids})
        stories: dict[str, Counter[str]] = {}
        for i in ids:
            stories.setdefault(predicted[i], Counter())[truth[i]] += 1
        shown = "; ".join(" ".join(f"{event}:{n}" for event, n in sorted(events.items()))
                          for events in sorted(stories.values(), key=lambda events: -sum(events.values())))
        print(f"| {topic} | {len(ids)} | {precision:.3f} | {recall:.3f} | {score:.3f} | {shown} |")


def sensitivity() -> None:
    """One row per threshold value, moved one threshold at a time; the shipped value in bold."""
    streams = four_streams()
    print("| threshold | value | " + " | ".join(streams) + " |")
    print("|---|---:|" + "---:|" * len(streams))
    for name, values in SENSITIVITY.items():
        shipped = getattr(group, name) if name.isupper() else getattr(Options(), name)
        for value in values:
            if name.isupper():
                setattr(group, name, value)
                scores = [f1(*stream) for stream in streams.values()]
                setattr(group, name, shipped)
            else:
                grouper = {name: value, **({"near_join_threshold": value - 0.04} if name == "join_threshold" else {})}
                scores = [f1(*stream, **grouper) for stream in streams.values()]
            shown = f"**{value}**" if value == shipped else f"{value}"
            print(f"| {name} | {shown} | " + " | ".join(f"{s:.3f}" for s in scores) + " |", flush=True)


def ablations() -> None:
    """One row per setting, one column per stream."""
    streams = four_streams()
    settings: dict[str, tuple[dict, int, dict[str, float]]] = {
        "newsweave as shipped": ({}, STREAM_BATCH, {}),
        "names counted once": ({}, STREAM_BATCH, {"NAME_WEIGHT": 1}),
        "no date evidence": ({"near_join_threshold": JOIN_THRESHOLD, "far_penalty": 0.0,
                              "named_dates_apart_days": 10**6, "near_days": -1}, STREAM_BATCH, {}),
        "no split by names of their own": ({}, STREAM_BATCH, {"OWN_NAMES": 10**6}),
        "lone reports left alone": ({}, STREAM_BATCH, {"LONE_THRESHOLD": float("inf")}),
        "one report at a time (batches of 1)": ({}, 1, {}),
    }
    print("| setting | " + " | ".join(streams) + " |")
    print("|---|" + "---:|" * len(streams))
    for name, (grouper, batch, constants) in settings.items():
        shipped = {constant: getattr(group, constant) for constant in constants}
        for constant, value in constants.items():
            setattr(group, constant, value)
        scores = [f1(*stream, batch=batch, **grouper) for stream in streams.values()]
        for constant, value in shipped.items():
            setattr(group, constant, value)
        print(f"| {name} | " + " | ".join(f"{s:.3f}" for s in scores) + " |", flush=True)


def cross_validate() -> None:
    """Tune on one half of the ECB+ topics, score on the other."""
    print("| tuned on topics | tested on topics | chosen join / link | B3 F1 tuned half | B3 F1 test half | shipped (0.22 / 0.18) on test half |")
    print("|---|---|---:|---:|---:|---:|")
    for tune, test in (HALVES, HALVES[::-1]):
        tune_stream = build_ecb_stream(DEFAULT_ECB, seed=7, dated=True, topics=tune)
        test_stream = build_ecb_stream(DEFAULT_ECB, seed=7, dated=True, topics=test)
        scored = {(j, k): f1(*tune_stream, join_threshold=j, near_join_threshold=j - 0.04, link_threshold=k)
                  for j, k in product(JOIN_GRID, LINK_GRID)}
        (join, link), best = max(scored.items(), key=lambda item: item[1])
        tested = f1(*test_stream, join_threshold=join, near_join_threshold=join - 0.04, link_threshold=link)
        shipped = f1(*test_stream)
        print(f"| {min(tune)}-{max(tune)} | {min(test)}-{max(test)} | {join:.2f} / {link:.2f} | {best:.3f} | {tested:.3f} | "
              f"{shipped:.3f} |", flush=True)


def main() -> None:
    """Print the tables asked for."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ablations", action="store_true")
    parser.add_argument("--cross-validate", action="store_true")
    parser.add_argument("--sensitivity", action="store_true")
    parser.add_argument("--per-topic", action="store_true")
    args = parser.parse_args()
    if args.sensitivity:
        sensitivity()
        return
    if args.per_topic:
        per_topic()
        return
    if args.ablations or not args.cross_validate:
        ablations()
        print()
    if args.cross_validate or not args.ablations:
        cross_validate()


if __name__ == "__main__":
    main()
